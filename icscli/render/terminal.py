"""The terminal format (`rich`, the default on a terminal), drawn by the rich library.

A card is its title over a rule, then its blocks: fields as aligned label and value columns, lists with
hanging bullets, tables (systems, counts, sub-ICB locations, the timeline) as rich Tables with aligned
columns, `ics tree` as a rich Tree with guide lines, and `compare` as a diff table (change, function,
before -> after, note) with one colour and sign per kind of change and a legend. Web addresses are OSC 8
links, never cut across lines. Width, colour (NO_COLOR, FORCE_COLOR, TERM=dumb) and escape codes are
the rich Console's, made by cli/terminal.py's Terminal; `render` returns the text the Console wrote.

Only this module and render/screen.py import rich, and only the terminal format imports them: plain,
markdown, JSON, CSV, the tabulate formats, the exports and the MCP server never do (a test checks).
"""
import io
import re

from rich import box
from rich.console import Console
from rich.rule import Rule
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from ..views.doc import Visitor, walk
from .screen import STYLES, Hang, add, change_style, clean, styled

GAP = 2  # spaces between a label and its value, and between table columns
DIFF_COLUMNS = ("", "Function", "Before \u2192 after", "Note")
WHAT = "What"  # the heading of a dated list's text, beside its `lead` (the timeline: Date, What)
DIFF_FLOOR = 16  # the fewest columns the diff table's text columns get; below that, one change a block


class RichLayout(Visitor):
    """Walks a document into rich renderables (`self.parts`), printed in order by `render`."""

    screen = True  # a layout for a screen: hints are shown

    def __init__(self, cite, width):
        self.cite, self.width, self.parts = cite, width, []

    # -- primitives
    def add(self, part):
        self.parts.append(part)

    def blank(self):
        if self.parts and self.parts[-1] is not None:
            self.parts.append(None)

    def heading(self, title, indent=0):
        self.add(Hang(styled(title, STYLES["heading"]), indent))

    def block_title(self, block):
        if block.title:
            self.heading(block.title)
            return 2
        return 0

    def line_text(self, line, style=""):
        """A line's text, its status tag, its citation numbers and its hint, as one rich Text."""
        out = styled(line.text, style)
        if line.status:
            out.append(f" [{clean(line.status)}]", STYLES["status"])
        if self.cite and line.refs:
            out.append(" [" + ",".join(map(str, line.refs)) + "]", STYLES["refs"])
        if line.hint:
            add(out, " " + line.hint, STYLES["hint"])
        return out

    def detail(self, text, indent):
        if text:
            self.add(Hang(styled(text, STYLES["detail"]), indent))

    # -- the walk
    def begin(self, document):
        self.add(Hang(styled(document.title, STYLES["title"])))
        self.add(Rule(style=STYLES["rule"], characters="\u2500"))

    def visit_note(self, block):
        if self.shows(block):
            self.add(Hang(styled(block.screen, STYLES["note"])))
            self.blank()

    def visit_prose(self, block):
        indent = self.block_title(block)
        for line in block.lines:
            self.add(Hang(self.line_text(line), indent))
        self.blank()

    def visit_fields(self, block):
        indent = self.block_title(block)
        self.fields([(f.label, self.line_text(f), f.detail) for f in block.fields], indent)
        self.blank()

    def fields(self, rows, indent):
        """Aligned label and value columns: [(label, rich Text, detail)]. A label too long for the label
        column starts its value on the same line where there is room, and under the column otherwise."""
        if not rows:
            return
        room = self.width - indent
        labels = max(len(clean(label)) for label, _, _ in rows) + 1
        column = min(labels, max(8, room // 3))
        for label, value, detail in rows:
            label = clean(label) + ":"
            lead = Text(label.ljust(column + GAP) if len(label) <= column else label + " ", STYLES["label"])
            self.add(Hang(value, indent, lead, indent + column + GAP))
            self.detail(detail, indent + column + GAP)

    def visit_items(self, block):
        indent = self.block_title(block)
        if block.lead and all(line.lead for line in block.lines):
            self.dated(block, indent)
            return
        for number, line in enumerate(block.lines, 1):
            mark = f"{number}. " if block.numbered else "\u2022 "
            self.add(Hang(self.line_text(line), indent, Text(mark, STYLES["bullet"])))
            self.detail(line.detail, indent + len(mark))
        self.blank()

    def dated(self, block, indent):
        """A list whose every line leads with a date (the timeline): a two-column table."""
        rows = []
        for line in block.lines:
            text = self.line_text(_Body(line), STYLES["strong"])
            if line.detail:
                text.append("\n")
                add(text, line.detail, STYLES["detail"])
            rows.append([styled(line.lead), text])
        self.table([block.lead, WHAT], rows, indent, (), caps=[max(12, (self.width - indent) // 5), None])

    def visit_section(self, block):
        self.heading(block.title)
        self.blank()
        for child in block.blocks:
            child.accept(self)

    def visit_references(self, block):
        self.heading(block.title)
        for number, text, where, _anchor in block.entries:
            mark = Text(f"[{number}] ", STYLES["refs"])
            self.add(Hang(styled(text), 2, mark))
            if where:  # on a line of its own: a web address is never cut
                self.add(Hang(styled(where, STYLES["detail"]), 2 + mark.cell_len))
        self.blank()

    def visit_tree(self, block):
        self.block_title(block)
        tree = Tree("", hide_root=True, guide_style=STYLES["guide"])
        for level, nodes in block.levels:
            branch = tree.add(styled(level, STYLES["heading"]))
            for node in nodes:
                self._node(branch, node)
        self.add(_Indented(tree, 0))
        self.blank()

    def _node(self, parent, node):
        label = styled(node["label"])
        if node.get("tag"):
            label.append(f" [{clean(node['tag'])}]", STYLES["status"])
        branch = parent.add(label)
        for child in node["children"]:
            self._node(branch, child)

    def visit_diff(self, block):
        self.block_title(block)
        self.legend(block.legend)
        self.blank()
        columns = DIFF_COLUMNS  # the kind of change is its sign, in its colour: the legend names it
        rows = [[Text(c.sign, change_style(c.kind)),
                 self.line_text(c, STYLES["strong"]), styled(f"{c.holders}\n{c.when}"),
                 styled(c.detail)] for c in block.changes]
        caps = [None, max(24, self.width // 4), max(24, self.width // 4), None]  # the note takes the rest
        if not self.table(columns, rows, 0, {""}, caps, floor=DIFF_FLOOR):
            self._changes(block)

    def legend(self, legend):
        """'Legend:' and each kind's coloured sign, title and count; an entry is never split across lines."""
        lines, line = [], Text("Legend:", STYLES["label"], end="")
        for sign, kind, label, count in legend:
            entry = Text(sign, change_style(kind), end="")
            entry.append(f" {clean(label)} ({count})")
            if line.cell_len + 3 + entry.cell_len > self.width and line.cell_len > 2:
                lines.append(line)
                line = Text("  ", end="")
            elif line.plain.strip():
                line.append("   " if line.plain != "Legend:" else " ")
            line.append_text(entry)
        for text in lines + [line]:
            self.add(Hang(text))

    def _changes(self, block):
        """The diff where its table does not fit: each change under its sign, before -> after beneath."""
        for change in block.changes:
            sign = Text(change.sign + " ", change_style(change.kind))
            self.add(Hang(self.line_text(change, STYLES["strong"]), 0, sign))
            self.add(Hang(styled(f"{change.holders}, {change.when}"), 2))
            self.detail(change.detail, 2)
        self.blank()

    def visit_table(self, block):
        indent = self.block_title(block)
        names, rows = block.columns, []
        for row in block.rows:
            cells = [styled(cell) for cell in row.cells]
            if self.cite and row.refs and cells:
                cells[-1].append(" [" + ",".join(map(str, row.refs)) + "]", STYLES["refs"])
            rows.append(cells)
        if self.table(names, rows, indent, block.codes):
            return
        if _sparse(rows) and self.table(names[:-1], [row[:-1] for row in rows], indent, block.codes):
            self.heading(names[-1], indent)  # a last column empty in most rows is listed under the table
            self.fields([(row[0].plain, row[-1], "") for row in rows if row[-1].plain], indent + 2)
            self.blank()
            return
        self._records(block, indent)

    def _records(self, block, indent):
        """A table too wide for the terminal: one record per row, its first cell as the heading."""
        for row in block.rows:
            first, *rest = row.cells
            refs = " [" + ",".join(map(str, row.refs)) + "]" if self.cite and row.refs else ""
            self.add(Hang(styled(first + refs, STYLES["strong"]), indent, Text("\u2022 ", STYLES["bullet"])))
            self.fields([(name, styled(value), "") for name, value in zip(block.columns[1:], rest) if value],
                        indent + 2)
        self.blank()

    # -- tables
    def table(self, names, rows, indent, codes, caps=None, floor=0):
        """A rich Table of rows of rich Texts whose columns fit the width (`widths`: codes whole, no word
        cut); when more than a fifth of the rows take several lines, rows are set apart by a blank line. False (nothing added) if it cannot fit."""
        plain = [[cell.plain for cell in row] for row in rows]
        sizes = widths(names, plain, codes, self.width - indent, caps, floor)
        if sizes is None:
            return False
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0),
                      header_style=STYLES["header"], border_style=STYLES["rule"])
        for name, size in zip(names, sizes):
            table.add_column(clean(name), width=size, no_wrap=name in codes, overflow="fold")
        wrapped = sum(1 for row in plain if any(len(clean(c)) > size or "\n" in c for c, size in zip(row, sizes)))
        table.show_lines = wrapped * 5 > len(rows)  # set apart when many rows wrap; one long name alone does not
        for row in rows:
            table.add_row(*row)
        self.add(_Indented(table, indent))
        self.blank()
        return True

    def end(self, document):
        while self.parts and self.parts[-1] is None:
            self.parts.pop()


def widths(names, rows, codes, room, caps=None, floor=0):
    """Column widths that fit `room` columns: codes and short columns keep their full width, long text
    wraps in its column at word boundaries (no column narrower than its longest word, nor than `floor`
    unless all its text is; `caps`: a most for some). None when even that does not fit."""
    columns = list(zip(names, *rows))
    natural = [max(len(line) for c in column for line in clean(c).split("\n")) for column in columns]
    longest = [max((len(w) for c in column for w in clean(c).split()), default=1) for column in columns]
    least = [full if name in codes else max(low, min(full, floor)) for name, full, low in zip(names, natural, longest)]
    caps = [min(n, max(cap, low)) if cap else n for n, cap, low in zip(natural, caps or [None] * len(names), least)]
    room -= GAP * (len(names) - 1)
    if sum(caps) <= room:
        return caps
    if sum(least) > room:
        return None
    sizes, left = list(least), room - sum(least)
    wanting = sorted(range(len(sizes)), key=lambda i: caps[i] - least[i])
    for done, i in enumerate(wanting):  # fill the smallest wants first, share the rest evenly
        extra = min(caps[i] - least[i], left // (len(wanting) - done))
        sizes[i] += extra
        left -= extra
    return sizes


def _sparse(rows):
    """Whether the last column is empty in most rows (systems' 'Formed from / change')."""
    return len(rows) > 2 and sum(1 for row in rows if row[-1].plain) * 3 < len(rows)


class _Body:
    """A dated line seen without its date (the table's first column shows it)."""

    def __init__(self, line):
        self.text = line.body
        self.status, self.refs, self.hint = line.status, line.refs, line.hint


class _Parts:
    """The document's parts one after another, None as a blank line."""

    def __init__(self, parts):
        self.parts = parts

    def __rich_console__(self, console, options):
        from rich.segment import Segment

        for part in self.parts:
            if part is None:
                yield Segment.line()
            else:
                yield part


class _Indented:
    """A renderable drawn `indent` columns in (rich's Padding, without padding lines to the width)."""

    def __init__(self, renderable, indent):
        self.renderable, self.indent = renderable, indent

    def __rich_console__(self, console, options):
        from rich.segment import Segment

        if not self.indent:
            yield self.renderable
            return
        lines = console.render_lines(self.renderable, options.update_width(options.max_width - self.indent),
                                     pad=False)
        for line in lines:
            yield Segment(" " * self.indent)
            yield from line
            yield Segment.line()


def render(document, cite, width=None, console=None):
    """The document as the terminal shows it: the text `console` writes (its escape codes included).
    Without a console: one without colour, `width` columns wide (80 if not given)."""
    if console is None:
        console = Console(file=io.StringIO(), width=width or 80, color_system=None, highlight=False,
                          markup=False, emoji=False)
    layout = RichLayout(cite, console.width)
    walk(document, layout, cite)
    with console.capture() as captured:  # one print of all the parts: each print has its own set-up
        console.print(_Parts(layout.parts), crop=False, soft_wrap=False)
    return _TRAILING.sub(r"\1", captured.get())  # a table pads its cells to the column: not past the text


_TRAILING = re.compile(r" +((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)
