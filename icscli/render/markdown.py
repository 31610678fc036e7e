"""GitHub-flavoured markdown: headings, bullet lists, pipe tables and footnotes for citations."""
import re

from . import reference_lines

_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def escape(text):
    return _SPECIAL.sub(r"\\\1", text)


def _refs(line, cite):
    return "".join(f"[^{n}]" for n in line.refs) if cite else ""


def render(document, cite):
    out = [f"# {escape(document.title)}", ""]
    out += blocks(document.blocks, refs=lambda line: _refs(line, cite),
                  table_lines=lambda block: table(block.columns, block.rows))
    if cite and document.references:
        out += [f"[^{n}]: {escape(text)}" for n, text in reference_lines(document)]
        out.append("")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def blocks(doc_blocks, refs, table_lines, title="## {}", field=None, skip=()):
    """Markdown lines for a document's blocks; shared with `ics export`, which links its citations.

    refs(line) gives the citation suffix of a line; table_lines(block) a table's lines; field(line), when
    given, a whole line for a `fields` block entry; blocks of kind list whose title is in skip are left out.
    """
    out = []
    for block in doc_blocks:
        if block.kind == "list" and block.title in skip:
            continue
        if block.kind == "note":
            out += [f"> {escape(block.text)}", ""]
            continue
        if block.title:
            out += [title.format(escape(block.title)), ""]
        if block.kind == "tree":
            out += tree_lines(block.root)
        elif block.kind == "table":
            out += table_lines(block)
        elif block.kind == "para":
            for line in block.lines:
                out.append(escape(line.text).replace("\n", "  \n") + refs(line))
        elif block.kind == "fields" and field is not None:
            out += [field(line) for line in block.lines]
        else:
            for line in block.lines:
                first, *rest = line.text.split("\n")
                out.append(f"- {escape(first)}" + ("" if rest else refs(line)))
                for i, more in enumerate(rest):
                    out.append(f"  {escape(more.strip())}" + (refs(line) if i == len(rest) - 1 else ""))
        out.append("")
    return out


def table(columns, rows):
    def cell(value):
        return escape(str(value)).replace("\n", "<br>") or " "

    lines = ["| " + " | ".join(cell(c) for c in columns) + " |",
             "|" + "|".join(" --- " for _ in columns) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def tree_lines(node, depth=0):
    lines = ["  " * depth + "- " + escape(node["label"])]
    for child in node["children"]:
        lines += tree_lines(child, depth + 1)
    return lines
