"""Rich output for a terminal: a titled card, bullet lists, tables and trees, citations dimmed."""
import io

from . import reference_lines


def render(document, cite, width=None, color=True):
    from rich.console import Console
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

    console.print(Text(document.title, style="bold cyan"))
    console.print(Rule(style="cyan"))
    for block in document.blocks:
        if block.kind == "note":
            console.print(Text(block.text, style="italic yellow"))
            console.print()
            continue
        if block.title:
            console.print(Text(block.title, style="bold"))
        if block.kind == "fields":
            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="bold green", no_wrap=True)
            grid.add_column()
            for line in block.lines:
                label, _, value = line.text.partition(": ")
                grid.add_row(label, with_refs(_Shim(value, line)))
            console.print(grid)
        elif block.kind == "table":
            table = Table(*block.columns, show_lines=False, header_style="bold")
            for row in block.rows:
                table.add_row(*[str(c) for c in row])
            console.print(table)
        elif block.kind == "tree":
            console.print(_tree(Tree, block.root))
        elif block.kind == "para":
            for line in block.lines:
                console.print(with_refs(line))
        else:
            for line in block.lines:
                first, *rest = line.text.split("\n")
                text = Text("\u2022 ", style="cyan")
                text.append(first)
                for more in rest:
                    text.append("\n  " + more, style="dim" if not cite else "")
                if cite and line.refs:
                    text.append(" [" + ",".join(map(str, line.refs)) + "]", style="dim")
                console.print(text)
        console.print()
    if cite and document.references:
        console.print(Text("References", style="bold"))
        for n, text in reference_lines(document):
            console.print(Text(f"[{n}] ", style="dim") + Text(text))
    return buffer.getvalue().rstrip("\n") + "\n"


class _Shim:
    """A Line-like object carrying a field's value with the line's citations."""

    def __init__(self, text, line):
        self.text, self.refs, self.sources = text, line.refs, line.sources


def _tree(Tree, node):
    tree = Tree(node["label"], guide_style="cyan")

    def add(parent, children):
        for child in children:
            add(parent.add(child["label"]), child["children"])

    add(tree, node["children"])
    return tree


def _width():
    import shutil

    return max(40, min(shutil.get_terminal_size((100, 24)).columns, 120))
