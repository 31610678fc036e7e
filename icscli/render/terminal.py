"""Rich output for a terminal: a titled card, bullet lists, tables and trees, citations dimmed."""
import io

from . import reference_lines


def render(document, cite, width=None, color=True):
    from rich.console import Console, Group
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text
    from rich.tree import Tree

    buffer = io.StringIO()
    console = Console(file=buffer, width=width or _width(), force_terminal=color, no_color=not color,
                      highlight=False, soft_wrap=False, emoji=False)

    def with_refs(line, style=""):
        text = Text(line.text, style=style)
        if cite and line.refs:
            text.append(" [" + ",".join(map(str, line.refs)) + "]", style="dim")
        return text

    # Everything goes into a few Text blocks printed once: rich's cost is per print call, not per line.
    parts = [Text(document.title, style="bold cyan"), Rule(style="cyan")]
    for block in document.blocks:
        if block.kind == "note":
            parts += [Text(block.text, style="italic yellow"), Text("")]
            continue
        text = Text()
        if block.title:
            text.append(block.title + "\n", style="bold")
        if block.kind == "fields":
            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="bold green", no_wrap=True)
            grid.add_column()
            for line in block.lines:
                label, _, value = line.text.partition(": ")
                grid.add_row(Text(label), with_refs(_Shim(value, line)))
            if block.title:
                parts.append(text)
            parts += [grid, Text("")]
            continue
        if block.kind == "table":
            table = Table(show_lines=False, header_style="bold")
            for column in block.columns:
                table.add_column(Text(column))
            for row in block.rows:  # Text, not str: "[current]" in a cell is data, not rich markup
                table.add_row(*[Text(str(c)) for c in row])
            parts += [text, table, Text("")] if block.title else [table, Text("")]
            continue
        if block.kind == "tree":
            parts += ([text] if block.title else []) + [_tree(Tree, Text, block.root), Text("")]
            continue
        for line in block.lines:
            first, *rest = line.text.split("\n")
            if block.kind != "para":
                text.append("\u2022 ", style="cyan")
            text.append(first)
            for more in rest:
                text.append("\n  " + more, style="dim" if not cite else "")
            if cite and line.refs:
                text.append(" [" + ",".join(map(str, line.refs)) + "]", style="dim")
            text.append("\n")
        parts.append(text)
    if cite and document.references:
        refs = Text("References\n", style="bold")
        for n, line in reference_lines(document):
            refs.append(f"[{n}] ", style="dim")
            refs.append(line + "\n")
        parts.append(refs)
    # soft_wrap: long lines are left to the terminal to wrap. Rich's own word-wrapping of a long card
    # costs more than importing rich does, and the `rich` format must stay within 2x of a bare start.
    console.print(Group(*parts), soft_wrap=True)
    import re

    text = re.sub(r" +((?:\x1b\[[0-9;]*m)*)$", r"\1", buffer.getvalue(), flags=re.M)  # no trailing padding
    return text.rstrip("\n") + "\n"


class _Shim:
    """A Line-like object carrying a field's value with the line's citations."""

    def __init__(self, text, line):
        self.text, self.refs, self.sources = text, line.refs, line.sources


def _tree(Tree, Text, node):
    tree = Tree(Text(node["label"]), guide_style="cyan")

    def add(parent, children):
        for child in children:
            add(parent.add(Text(child["label"])), child["children"])

    add(tree, node["children"])
    return tree


def _width():
    import shutil

    return max(40, min(shutil.get_terminal_size((100, 24)).columns, 120))
