"""GitHub-flavoured markdown: headings, bullet lists, pipe tables and footnotes for citations.

All text is escaped: inline marks and HTML become literal, and a line that would open a list, a
heading, a quote or a code fence (`1. `, `- `, `+ `, `# `, `~~~`) starts with a backslash instead, so
text from an overlay cannot change the structure of the document. `MarkdownLayout` is also the base of
the markdown export (export/markdown.py), which only changes how citations and entities are linked.
"""
import re

from ..base.safe import is_safe_url, strip_controls
from ..views.doc import Visitor, walk

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&!#])")
_LINE_START = re.compile(r"^(\s*)(\d{1,9})([.)])(?=\s|$)|^(\s*)([-+=])(?=\s|$|[-=]+\s*$)", re.MULTILINE)


def escape(text):
    """Text that renders as itself in GitHub and CommonMark, wherever it is put."""
    text = _SPECIAL.sub(r"\\\1", strip_controls(str(text)))
    return _LINE_START.sub(_escape_start, text)


def _escape_start(match):
    if match.group(2) is not None:
        return f"{match.group(1)}{match.group(2)}\\{match.group(3)}"
    return f"{match.group(4)}\\{match.group(5)}"


def inline(text):
    """Escaped text on one line (a newline inside a list item or a cell would break it)."""
    return escape(" ".join(str(text).split("\n")).strip())


def address(where):
    """A web address as an autolink, anything else (a reference standing in for one) as escaped text."""
    if is_safe_url(where) and not re.search(r"[\s<>]", where):
        return f"<{where}>"
    return escape(where)


class MarkdownLayout(Visitor):
    """The markdown walk (see doc.walk). The export overrides `refs`, `entity` and `titled`."""

    block_heading = "## "

    def __init__(self, cite=False):
        self.cite, self.out = cite, []

    # -- hooks
    def refs(self, line):
        return "".join(f"[^{n}]" for n in line.refs) if self.cite else ""

    def value(self, line):
        """A line's text, escaped; the export links the entities it names."""
        return inline(line.text)

    def titled(self, block):
        if block.title:
            self.out += [self.block_heading + inline(block.title), ""]

    def table_cells(self, block):
        """(header, rows) of cells as markdown; rows are lists of escaped cells."""
        return [inline(c) for c in block.columns], [[inline(c) or " " for c in row.cells] for row in block.rows]

    # -- the walk
    def begin(self, document):
        self.out += [f"# {inline(document.title)}", ""]

    def end(self, document):
        while self.out and self.out[-1] == "":
            self.out.pop()
        return "\n".join(self.out) + "\n"

    def anchor(self, ident):
        return f'<a id="{ident}"></a>' if ident else ""

    def visit_note(self, block):
        if not self.shows(block):
            return
        self.out += ["> " + line if line else ">" for line in escape(block.text).split("\n")] + [""]

    def visit_prose(self, block):
        self.titled(block)
        for line in block.lines:
            self.out += [self.body(line), ""]

    def body(self, line):
        """Text, status, citations and the detail after a hard line break."""
        text = self.value(line) + (f" \\[{inline(line.status)}\\]" if line.status else "") + self.refs(line)
        return text + (f"\\\n  {inline(line.detail)}" if line.detail else "")

    def visit_fields(self, block):
        self.titled(block)
        self.out += [f"- **{inline(f.label)}:** {self.body(f)}" for f in block.fields] + [""]

    def visit_items(self, block):
        self.titled(block)
        for number, line in enumerate(block.lines, 1):
            mark = f"{number}." if block.numbered else "-"
            text = f"[{inline(line.text)}](#{line.link})" if line.link else self.body(line)
            self.out.append(f"{mark} {self.anchor(line.anchor)}{text}")
        self.out.append("")

    def visit_table(self, block):
        self.titled(block)
        header, rows = self.table_cells(block)
        self.out += table_lines(header, rows) + [""]

    def visit_tree(self, block):
        self.titled(block)
        for level, nodes in block.levels:
            self.out += [f"**{inline(level)}**", ""]
            for node in nodes:
                self._node(node, 0)
            self.out.append("")

    def _node(self, node, depth):
        tag = f" \\[{inline(node['tag'])}\\]" if node.get("tag") else ""
        self.out.append("  " * depth + "- " + self.node_label(node) + tag)
        for child in node["children"]:
            self._node(child, depth + 1)

    def node_label(self, node):
        return inline(node["label"])

    def visit_diff(self, block):
        self.titled(block)
        self.out += ["Legend: " + "; ".join(f"`{sign}` {inline(label)} ({count})"
                                            for sign, _kind, label, count in block.legend), ""]
        rows = []
        for change in block.changes:
            status = f" \\[{inline(change.status)}\\]" if change.status else ""
            rows.append([f"`{change.sign}` {inline(change.label)}", inline(change.text) + status,
                         inline(change.holders), inline(change.when), (inline(change.detail) + self.refs(change)) or " "])
        self.out += table_lines(["Change", "Function", "Before \u2192 after", "From", "Note"], rows) + [""]

    def visit_figure(self, block):
        if block.fallback is not None:
            block.fallback.accept(self)

    def visit_section(self, block):
        self.out += ["#" * block.level + " " + self.anchor(block.anchor) + inline(block.title), ""]
        for child in block.blocks:
            child.accept(self)

    def visit_references(self, block):
        for number, text, where, _anchor in block.entries:
            self.out.append(f"[^{number}]: {inline(text)}" + (f" {address(where)}" if where else ""))
        self.out.append("")


def table_lines(header, rows):
    """A pipe table from escaped cells (escape() already turns | into \\|)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def render(document, cite):
    return walk(document, MarkdownLayout(cite), cite)
