"""The text layout shared by the plain and terminal formats: one walk, styles left to the subclass.

Lines wrap at word boundaries to the width given, with hanging indents, so a bullet's or a label's text
stays in its column at any width; with no width (plain output into a pipe or file) nothing wraps and
each record stays on one line. Styles are applied after the layout, so escape codes never count as width.
"""
from ..base.changekinds import KINDS
from ..base.safe import strip_controls
from ..views.doc import Visitor

GAP = 2  # spaces between a label and its value, and between table columns


def fill(segments, width, first=None):
    """Greedy word wrap of styled segments into lines of at most `width` (None: one line); the first
    line may have another width (`first`), as after a bullet or a label. Lines break only at spaces,
    so where two segments meet without one (a word and its comma, its tag) they stay together. A line
    comes back as pieces of (text, style)."""
    if width is None:  # one line of the non-empty segments (plain output to a pipe: the common case)
        return [[(t, style) for t, style in segments if t]]
    text = "".join(t for t, _ in segments)
    ranges = _breaks(text, width, width if first is None else first)
    lines, starts, at = [], [], 0
    for t, _ in segments:
        starts.append(at)
        at += len(t)
    for start, end in ranges:
        pieces = []
        for (t, style), offset in zip(segments, starts):
            lo, hi = max(start, offset), min(end, offset + len(t))
            if lo < hi:
                pieces.append((text[lo:hi], style))
        lines.append(pieces)
    return lines


def _breaks(text, width, limit):
    """(start, end) of each line of `text` wrapped greedily at spaces; a word longer than a line is cut."""
    ranges, start, end, pos = [], None, 0, 0
    for word in text.split(" "):
        begin, pos = pos, pos + len(word) + 1
        if not word:
            continue
        finish = begin + len(word)
        if start is None:
            start = begin
        elif finish - start > limit:
            ranges.append((start, end))
            start, limit = begin, width
        while finish - start > limit:  # only a word longer than a whole line is cut
            ranges.append((start, start + limit))
            start, limit = start + limit, width
        end = finish
    ranges.append((start, end) if start is not None else (0, 0))
    return ranges


def tone(kind):
    """The style of a kind of change: 'diff:' and its tone (base/changekinds.py), which the terminal colours."""
    return "diff:" + KINDS[kind].tone


class TextLayout(Visitor):
    """Walks a document into lines of text. Subclasses set the marks and `paint` (styling)."""

    bullet = "- "
    rule = ""
    screen = True  # plain and rich are what a screen shows: hints included

    def __init__(self, cite=False, width=None):
        self.cite, self.width, self.out = cite, width, []

    # -- hooks for the subclass
    def paint(self, text, style):
        return text

    def title_suffix(self, title):
        return title if title[-1:] in "?:!." else f"{title}:"

    # -- primitives
    def emit(self, segments, indent=0, hang=None, lead=()):
        """Wrap `segments` after an optional lead [(text, style)] at `indent`; later lines start at `hang`."""
        hang = indent + sum(len(t) for t, _ in lead) if hang is None else hang
        paragraphs = _split_lines(segments)
        if self.width is None:  # no wrapping (plain output to a pipe): each paragraph is one line
            paint = self.paint
            for number, para in enumerate(paragraphs):
                prefix = " " * indent + "".join(paint(t, s) for t, s in lead) if number == 0 else " " * hang
                self.out.append((prefix + "".join(paint(t, s) for t, s in para if t)).rstrip())
            return
        for number, para in enumerate(paragraphs):
            first_at = indent + sum(len(t) for t, _ in lead) if number == 0 else hang
            room = None if self.width is None else max(10, self.width - hang)
            first_room = None if self.width is None else max(10, self.width - first_at)
            lines = fill(para, room, first_room)
            for i, line in enumerate(lines):
                if number == 0 and i == 0:
                    prefix = " " * indent + "".join(self.paint(t, s) for t, s in lead)
                else:
                    prefix = " " * hang
                self.out.append((prefix + "".join(self.paint(t, s) for t, s in line)).rstrip())

    def blank(self):
        if self.out and self.out[-1] != "":
            self.out.append("")

    def refs(self, line):
        return [(" [" + ",".join(map(str, line.refs)) + "]", "refs")] if self.cite and line.refs else []

    def tagged(self, line, style=""):
        """A line's text, its status tag and its citation numbers as segments."""
        out = [(clean(line.text), style)]
        if line.status:
            out.append((f" [{line.status}]", "status"))
        return out + self.refs(line) + ([(" " + clean(line.hint), "detail")] if line.hint else [])

    def block_title(self, block):
        if block.title:
            self.emit([(self.title_suffix(clean(block.title)), "heading")])
            return 2
        return 0

    # -- the walk
    def begin(self, document):
        self.emit([(clean(document.title), "title")])
        self.out.append(self.paint(self.rule * min(self.width or 0, 120), "rule") if self.rule else "")

    def end(self, document):
        while self.out and self.out[-1] == "":
            self.out.pop()
        return "\n".join(self.out) + "\n"

    def visit_note(self, block):
        if self.shows(block):
            self.emit([(clean(block.screen), "note")])
            self.blank()

    def visit_prose(self, block):
        indent = self.block_title(block)
        for line in block.lines:
            self.emit(self.tagged(line), indent)
        self.blank()

    def visit_fields(self, block):
        indent = self.block_title(block)
        if self.width is None:  # one record per line: 'Label: value'
            for field in block.fields:
                self.emit([(clean(field.label) + ": ", "label")] + self.tagged(field), indent)
                if field.detail:
                    self.emit([(clean(field.detail), "detail")], indent + 2)
        else:
            labels = max(len(f.label) for f in block.fields) + 1 if block.fields else 0
            column = min(labels, max(8, (self.width - indent) // 3))
            for field in block.fields:
                label = clean(field.label) + ":"
                if len(label) > column:  # a long label gets a line of its own
                    self.emit([(label, "label")], indent)
                    lead = [(" " * (column + GAP), "")]
                else:
                    lead = [(label.ljust(column + GAP), "label")]
                self.emit(self.tagged(field), indent, indent + column + GAP, lead)
                if field.detail:
                    self.emit([(clean(field.detail), "detail")], indent + column + GAP)
        self.blank()

    def visit_items(self, block):
        indent = self.block_title(block)
        for number, line in enumerate(block.lines, 1):
            mark = f"{number}. " if block.numbered else self.bullet
            self.emit(self.tagged(line), indent, lead=[(mark, "bullet")])
            if line.detail:
                self.emit([(clean(line.detail), "detail")], indent + len(mark))
        self.blank()

    def visit_section(self, block):
        self.emit([(clean(block.title), "heading")])
        self.blank()
        for child in block.blocks:
            child.accept(self)

    def visit_references(self, block):
        self.emit([(self.title_suffix(block.title), "heading")])
        for number, text, where, _anchor in block.entries:
            lead = [(f"[{number}] ", "refs")]
            self.emit([(clean(text), "")] + ([(" " + clean(where), "detail")] if where else []), 2, lead=lead)
        self.blank()

    def visit_tree(self, block):
        self.block_title(block)
        for level, nodes in block.levels:
            self.emit([(clean(level), "heading")])
            for node in nodes:
                self._node(node, 2)
            self.blank()

    def _node(self, node, indent):
        segments = [(clean(node["label"]), "")] + ([(f" [{node['tag']}]", "status")] if node.get("tag") else [])
        self.emit(segments, indent, lead=[(self.bullet, "bullet")])
        for child in node["children"]:
            self._node(child, indent + 2)

    def visit_diff(self, block):
        self.block_title(block)
        self.emit([("Legend:", "label")])
        for sign, kind, label, count in block.legend:
            self.emit([(f"{label} ({count})", "")], 2, lead=[(sign, tone(kind)), (" ", "")])
        self.blank()
        current = None
        for change in block.changes:
            if change.kind != current:
                self.blank()
                current = change.kind
                self.emit([(clean(change.label), tone(change.kind))])
            lead = [(change.sign, tone(change.kind)), (" ", "")]
            self.emit(self.tagged(change, "strong"), 0, lead=lead)
            self.emit([(clean(f"{change.holders}, {change.when}"), "detail")], 2)
            if change.detail:
                self.emit([(clean(change.detail), "detail")], 2)
        self.blank()

    def visit_table(self, block):
        indent = self.block_title(block)
        width = None if self.width is None else self.width - indent
        names, rows = block.columns, [row.cells for row in block.rows]
        widths = table_widths(names, rows, block.codes, width)
        spill = widths is None and len(names) > 2  # the last column goes under its row
        if spill:
            widths = table_widths(names[:-1], [r[:-1] for r in rows], block.codes, width)
        if widths is None:
            self._records(block, indent, width)
            return
        shown = len(widths)
        self._table_line(names[:shown], widths, indent, "heading")
        if self.rule:
            self.out.append(" " * indent + self.paint(self.rule * (sum(widths) + GAP * (shown - 1)), "rule"))
        wraps = spill or any(len(clean(c)) > w for row in block.rows for c, w in zip(row.cells, widths))
        for number, row in enumerate(block.rows):
            if wraps and number:  # rows of several lines need a gap to be told apart
                self.out.append("")
            self._table_line(row.cells[:shown], widths, indent, "", self.refs(row))
            if spill and row.cells[-1]:
                self.emit([(clean(names[-1]) + ": ", "detail"), (clean(row.cells[-1]), "detail")], indent + 2)
        self.blank()

    def _records(self, block, indent, width):
        """A table too wide for the terminal: one record per row, its first cell as the heading."""
        for row in block.rows:
            first, *rest = row.cells
            self.emit([(clean(first), "strong")] + self.refs(row), indent, lead=[(self.bullet, "bullet")])
            pairs = [(c, v) for c, v in zip(block.columns[1:], rest) if v]
            column = max((len(c) for c, _ in pairs), default=0) + 1
            column = min(column, max(8, (width - 2) // 3))
            for name, value in pairs:
                label = clean(name) + ":"
                if len(label) > column:  # a long label gets a line of its own
                    self.emit([(label, "label")], indent + 2)
                    label = ""
                lead = [(label.ljust(column + GAP), "label")]
                self.emit([(clean(value), "")], indent + 2, indent + 2 + column + GAP, lead)
        self.blank()

    def _table_line(self, cells, widths, indent, style, refs=()):
        columns = []
        for i, (cell, width) in enumerate(zip(cells, widths)):
            segments = [(clean(cell), style)] + (list(refs) if i == len(cells) - 1 else [])
            columns.append(fill(segments, width if self.width is not None else None))
        for n in range(max(len(c) for c in columns)):
            parts = []
            for column, width in zip(columns, widths):
                pieces = column[n] if n < len(column) else []
                text = "".join(self.paint(t, s) for t, s in pieces)
                parts.append(text + " " * (width - sum(len(t) for t, _ in pieces)))  # pad to the column
            self.out.append((" " * indent + (" " * GAP).join(parts)).rstrip())


def table_widths(names, rows, codes, width):
    """Column widths that fit `width`: codes and short columns keep their full width, long text wraps in
    its column at word boundaries. None when even one word per column does not fit."""
    columns = list(zip(names, *rows))
    natural = [max(len(clean(c)) for c in column) for column in columns]
    if width is None or sum(natural) + GAP * (len(natural) - 1) <= width:
        return natural
    least = []
    for name, column, full in zip(names, columns, natural):
        longest = max((len(w) for c in column for w in clean(c).split()), default=1)
        least.append(full if name in codes else longest)
    room = width - GAP * (len(natural) - 1) - sum(least)
    if room < 0:
        return None
    widths = list(least)
    wanting = sorted(range(len(widths)), key=lambda i: natural[i] - least[i])
    for left, i in enumerate(wanting):  # fill the smallest wants first, share the rest evenly
        extra = min(natural[i] - least[i], room // (len(wanting) - left))
        widths[i] += extra
        room -= extra
    return widths


def clean(text):
    return strip_controls(str(text))


def _split_lines(segments):
    """Segments split at newlines into paragraphs (a newline in data starts a new line)."""
    paragraphs = [[]]
    for text, style in segments:
        for i, part in enumerate(text.split("\n")):
            if i:
                paragraphs.append([])
            paragraphs[-1].append((part, style))
    return paragraphs
