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
    for block in document.blocks:
        if block.kind == "note":
            out += [f"> {escape(block.text)}", ""]
            continue
        if block.title:
            out += [f"## {escape(block.title)}", ""]
        if block.kind == "tree":
            out += _tree(block.root, 0)
        elif block.kind == "table":
            out += table(block.columns, block.rows)
        elif block.kind == "para":
            for line in block.lines:
                out.append(escape(line.text).replace("\n", "  \n") + _refs(line, cite))
        else:
            for line in block.lines:
                first, *rest = line.text.split("\n")
                out.append(f"- {escape(first)}" + ("" if rest else _refs(line, cite)))
                for i, more in enumerate(rest):
                    out.append(f"  {escape(more.strip())}" + (_refs(line, cite) if i == len(rest) - 1 else ""))
        out.append("")
    if cite and document.references:
        out += [f"[^{n}]: {escape(text)}" for n, text in reference_lines(document)]
        out.append("")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def table(columns, rows):
    def cell(value):
        return escape(str(value)).replace("\n", "<br>") or " "

    lines = ["| " + " | ".join(cell(c) for c in columns) + " |",
             "|" + "|".join(" --- " for _ in columns) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def _tree(node, depth):
    lines = ["  " * depth + "- " + escape(node["label"])]
    for child in node["children"]:
        lines += _tree(child, depth + 1)
    return lines
