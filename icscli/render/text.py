"""The plain text layout: no colour, no box drawing, nothing wrapped. Each record stays on one line (a
pipe, a file, `grep`); a terminal wraps what is longer than it. Tables keep their columns aligned by
padding. The terminal format is drawn by rich instead (render/terminal.py).
"""
from ..base.changekinds import KINDS
from ..base.safe import strip_controls
from ..views.doc import Visitor

GAP = 2  # spaces between table columns


def tone(kind):
    """The style of a kind of change: 'diff:' and its tone (base/changekinds.py), which the terminal colours."""
    return "diff:" + KINDS[kind].tone


class TextLayout(Visitor):
    """Walks a document into lines of plain text: segments are (text, style) pairs, the style unused
    here (it names the part: a label, a detail), so that the walk reads like the terminal's."""

    bullet = "- "
    screen = True  # plain and rich are what a screen shows: hints included

    def __init__(self, cite=False):
        self.cite, self.out = cite, []

    @staticmethod
    def title_suffix(title):
        return title if title[-1:] in "?:!." else f"{title}:"

    # -- primitives
    def emit(self, segments, indent=0, hang=None, lead=()):
        """One line of `segments` after an optional lead [(text, style)] at `indent`; a newline in the text
        starts a new line at `hang` (by default under the text)."""
        hang = indent + sum(len(t) for t, _ in lead) if hang is None else hang
        for number, para in enumerate(_split_lines(segments)):
            prefix = " " * indent + "".join(t for t, _ in lead) if number == 0 else " " * hang
            self.out.append((prefix + "".join(t for t, _ in para)).rstrip())

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
        self.out.append("")

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
        for field in block.fields:  # one record per line: 'Label: value'
            self.emit([(clean(field.label) + ": ", "label")] + self.tagged(field), indent)
            if field.detail:
                self.emit([(clean(field.detail), "detail")], indent + 2)
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
        """Columns aligned by padding each cell to its column's longest; a row stays on one line."""
        indent = self.block_title(block)
        names, rows = block.columns, [row.cells for row in block.rows]
        widths = [max(len(clean(c)) for c in column) for column in zip(names, *rows)]
        self._table_line(names, widths, indent)
        for row in block.rows:
            self._table_line(row.cells, widths, indent, "".join(t for t, _ in self.refs(row)))
        self.blank()

    def _table_line(self, cells, widths, indent, refs=""):
        parts = [clean(cell) + (refs if i == len(cells) - 1 else "") for i, cell in enumerate(cells)]
        parts = [part.ljust(width) for part, width in zip(parts, widths)]
        self.out.append((" " * indent + (" " * GAP).join(parts)).rstrip())


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
