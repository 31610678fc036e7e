"""Plain text: no colour, no box drawing; one record per line or block, for pipes and files."""
from . import reference_lines


def _refs(line, cite):
    return f" [{','.join(map(str, line.refs))}]" if cite and line.refs else ""


def render(document, cite):
    out = [document.title, ""]
    for block in document.blocks:
        if block.kind == "note":
            out += [block.text, ""]
            continue
        if block.kind == "tree":
            out += _tree(block.root)
            out.append("")
            continue
        if block.title:
            out.append(block.title if block.title[-1] in "?:!." else f"{block.title}:")
        indent = "  " if block.title else ""
        if block.kind == "table":
            out += _table(block, indent)
        for line in block.lines if block.kind != "table" else []:
            first, *rest = line.text.split("\n")
            bullet = "- " if block.kind == "list" else ""
            out.append(f"{indent}{bullet}{first}{_refs(line, cite) if not rest else ''}")
            pad = indent + (" " * len(bullet))
            for i, more in enumerate(rest):
                out.append(f"{pad}{more}{_refs(line, cite) if i == len(rest) - 1 else ''}")
        out.append("")
    if cite and document.references:
        out.append("References:")
        out += [f"  [{n}] {text}" for n, text in reference_lines(document)]
        out.append("")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def _tree(node, depth=0):
    lines = ["  " * depth + node["label"]]
    for child in node["children"]:
        lines += _tree(child, depth + 1)
    return lines


def _table(block, indent):
    widths = [len(c) for c in block.columns]
    for row in block.rows:
        widths = [max(w, len(str(c))) for w, c in zip(widths, row)]
    lines = [indent + "  ".join(c.ljust(w) for c, w in zip(block.columns, widths)).rstrip()]
    for row in block.rows:
        lines.append(indent + "  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
    return lines
