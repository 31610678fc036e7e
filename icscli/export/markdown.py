"""The export as one GitHub-flavoured markdown document, with explicit anchors and numbered citations.

It walks the export's sections (export.document) with the markdown renderer; only citations (numbered
links to the bibliography), entities (links to their cards), the glossary index and the structure
diagram (Mermaid) differ from `-f markdown`. Every heading that is linked to carries an `<a id>`.
"""
from .. import dates
from ..base.safe import strip_controls
from ..render.markdown import MarkdownLayout, address, escape, inline
from . import diagram
from .document import TITLE, anchor, document


def _title_attr(text):
    return text.replace("\\", "").replace('"', "'").replace("|", "/").replace("\n", " ")


class ExportLayout(MarkdownLayout):
    block_heading = ""

    def __init__(self, ref):
        super().__init__(cite=True)
        self.ref = ref

    def refs(self, line):
        """' \\[[3](#source-x "at: Section"), [5](#source-y)\\]' or ''."""
        found = self.ref.cite(line.sources)
        if not found:
            return ""
        links = []
        for n, source, at in found:
            title = f' "{_title_attr(strip_controls("at: " + at))}"' if at else ""
            links.append(f"[{n}](#{anchor('source', source)}{title})")
        return " \\[" + ", ".join(links) + "\\]"

    def entity(self, ident):
        return f"[{inline(self.ref.entity_name(ident))}](#{anchor('entity', ident)})"

    def value(self, line):
        """Names of entities become links to their cards; a timeline entry links what it involves."""
        if line.ids and not line.anchor:
            return ", ".join(self.entity(i) for i in line.ids)
        return inline(line.text)

    def body(self, line):
        text = super().body(line)
        if line.anchor and line.ids:
            text += " (involves " + ", ".join(self.entity(i) for i in line.ids) + ")"
        return text

    def titled(self, block):
        if block.title:
            self.out += [f"**{inline(block.title)}**", ""]

    def table_cells(self, block):
        header, rows = super().table_cells(block)
        for row, line in zip(rows, block.rows):
            if line.ids:
                row[0] = self.entity(line.ids[0])
        if any(line.sources for line in block.rows):
            header = header + ["Sources"]
            rows = [row + [self.refs(line).strip() or " "] for row, line in zip(rows, block.rows)]
        return header, rows

    def node_label(self, node):
        return self.entity(node["ids"][0]) if node.get("ids") else inline(node["label"])

    def visit_figure(self, block):
        if block.name == "structure":
            self.out += ["```mermaid", diagram.mermaid(block.data).rstrip("\n"), "```", ""]
            block.fallback.accept(self)
        else:
            super().visit_figure(block)

    def visit_references(self, block):
        for number, text, where, ident in block.entries:
            where = f" {address(where)}" if where else ""
            self.out.append(f'{number}. <a id="{ident}"></a>{inline(text)}{where}')
        self.out.append("")


def render(ref):
    out = ExportLayout(ref)
    out.out += [f"# {inline(TITLE)}", ""]
    out.out += [escape(f"Exported by ics {ref.version} on {dates.human(ref.generated)}; data as of "
                       f"{dates.human(ref.data_as_of) or 'an unknown date'} (when the sources were last checked). "
                       f"It covers {len(ref.cards)} "
                       f"terms, {len(ref.timeline['events'])} events, {len(ref.comparisons)} before/after "
                       f"comparisons and {len(ref.bibliography)} sources.") + " Numbers in square brackets cite the "
                "[bibliography](#bibliography); hover over a number for the section of the source.", ""]
    for section in document(ref):
        section.accept(out)
    return out.end(None)
