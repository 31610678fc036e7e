"""HTML fragments of a document's blocks: the walk behind the HTML export (export/html.py).

Every text is escaped; only http and https addresses become links (safe.is_safe_url). The export
overrides `refs` (numbered citation links) and `entity` (links to the cards).
"""
from html import escape as _escape

from ..base.safe import is_safe_url, strip_controls
from ..views.doc import Visitor


def esc(text):
    return _escape(strip_controls(str(text)), quote=True)


def text_lines(text):
    return "<br>".join(esc(part) for part in str(text).split("\n"))


def address(where):
    if is_safe_url(where):
        return f'<a href="{esc(where)}" rel="noreferrer">{esc(where)}</a>'
    return esc(where) if where else ""  # a reference that stands in for an address: plain text


class HtmlLayout(Visitor):
    """The HTML walk (see doc.walk); `level` is the heading level of a block's title. Only the export uses
    it, and the export cites every line, so provenance notes are shown."""

    cite = True

    def __init__(self, level=4):
        self.out, self.level = [], level

    # -- hooks
    def refs(self, line):
        return f' <sup class="cite">[{",".join(map(str, line.refs))}]</sup>' if line.refs else ""

    def value(self, line):
        return text_lines(line.text)

    def body(self, line):
        status = f'<span class="status">{esc(line.status)}</span>' if line.status else ""
        detail = f'<br><span class="meta">{text_lines(line.detail)}</span>' if line.detail else ""
        return f"{self.value(line)}{status}{self.refs(line)}{detail}"

    def titled(self, block):
        if block.title:
            self.out.append(f"<h{self.level}>{esc(block.title)}</h{self.level}>")

    # -- the walk
    def begin(self, document):
        self.out.append(f"<h1>{esc(document.title)}</h1>")

    def end(self, document):
        return "\n".join(self.out) + "\n"

    def visit_note(self, block):
        if self.shows(block):
            self.out.append(f'<p class="note">{text_lines(block.text)}</p>')

    def visit_prose(self, block):
        self.titled(block)
        self.out += [f"<p>{self.body(line)}</p>" for line in block.lines]

    def visit_fields(self, block):
        self.titled(block)
        self.out.append("<dl>" + "".join(f"<dt>{esc(f.label)}</dt><dd>{self.body(f)}</dd>" for f in block.fields)
                        + "</dl>")

    def visit_items(self, block):
        self.titled(block)
        tag = "ol" if block.numbered else "ul"
        items = []
        for line in block.lines:
            ident = f' id="{esc(line.anchor)}"' if line.anchor else ""
            text = f'<a href="#{esc(line.link)}">{esc(line.text)}</a>' if line.link else self.body(line)
            items.append(f"<li{ident}>{text}</li>")
        self.out.append(f"<{tag}>{''.join(items)}</{tag}>")

    def visit_table(self, block):
        self.titled(block)
        head = "".join(f"<th>{esc(c)}</th>" for c in block.columns) + "<th>Sources</th>"
        body = "".join("<tr>" + "".join(f"<td>{self.cell(row, i)}</td>" for i in range(len(row.cells)))
                       + f"<td>{self.refs(row).strip()}</td></tr>" for row in block.rows)
        self.out.append(f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
                        f"<tbody>{body}</tbody></table></div>")

    def cell(self, row, index):
        return text_lines(row.cells[index])

    def visit_tree(self, block):
        self.titled(block)
        for level, nodes in block.levels:
            self.out.append(f"<h{self.level}>{esc(level)}</h{self.level}>")
            self.out.append("<ul>" + "".join(self._node(n) for n in nodes) + "</ul>")

    def _node(self, node):
        tag = f'<span class="status">{esc(node["tag"])}</span>' if node.get("tag") else ""
        kids = "".join(self._node(c) for c in node["children"])
        return f"<li>{self.node_label(node)}{tag}" + (f"<ul>{kids}</ul>" if kids else "") + "</li>"

    def node_label(self, node):
        return esc(node["label"])

    def visit_diff(self, block):
        self.titled(block)
        legend = "; ".join(f"<code>{esc(sign)}</code> {esc(label)} ({count})"
                           for sign, _kind, label, count in block.legend)
        self.out.append(f'<p class="legend">{legend}</p>')
        rows = []
        for c in block.changes:
            status = f'<span class="status">{esc(c.status)}</span>' if c.status else ""
            rows.append(f'<tr class="diff-{esc(c.kind.replace(" ", "-"))}"><td><code>{esc(c.sign)}</code> '
                        f"{esc(c.label)}</td><td>{esc(c.text)}{status}</td><td>{esc(c.holders)}</td>"
                        f"<td>{esc(c.when)}</td><td>{text_lines(c.detail)}{self.refs(c)}</td></tr>")
        self.out.append('<div class="table-wrap"><table><thead><tr><th>Change</th><th>Function</th>'
                        "<th>Before \u2192 after</th><th>From</th><th>Note</th></tr></thead>"
                        f"<tbody>{''.join(rows)}</tbody></table></div>")

    def visit_figure(self, block):
        if block.fallback is not None:
            block.fallback.accept(self)

    def visit_section(self, block):
        ident = f' id="{esc(block.anchor)}"' if block.anchor else ""
        terms = f' data-terms="{esc(block.terms)}"' if block.terms else ""
        tag, cls = {"card": ("article", ' class="card"'), "nav": ("nav", ' class="toc"')}.get(block.role, ("section", ""))
        title = f"<strong>{esc(block.title)}</strong>" if block.role == "nav" \
            else f"<h{block.level}>{esc(block.title)}</h{block.level}>"
        self.out.append(f"<{tag}{cls}{ident}{terms}>{title}")
        for child in block.blocks:
            child.accept(self)
        self.out.append(f"</{tag}>")

    def visit_references(self, block):
        self.out.append('<ol class="bibliography">')
        for number, text, where, anchor in block.entries:
            ident = f' id="{esc(anchor)}"' if anchor else ""
            self.out.append(f'<li{ident} value="{number}">{text_lines(text)}'
                            + (f" {address(where)}" if where else "") + "</li>")
        self.out.append("</ol>")
