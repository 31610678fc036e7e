"""A small document model between the views and the renderers.

A view turns a query result into a `Doc`: a title, a list of blocks and one `table` for the tabular
formats (csv, tsv, tabulate). Renderers only know these blocks, so every command gets every format.
Citations are numbered here, once, in reading order, so `--cite` means the same in every format.
"""


class Line:
    """A line of text with the sources that back it."""

    __slots__ = ("text", "sources", "refs")

    def __init__(self, text, sources=None):
        self.text = text
        self.sources = sources or []
        self.refs = []


class Block:
    __slots__ = ("kind", "title", "lines", "columns", "rows", "root", "text")

    def __init__(self, kind, title="", lines=None, columns=None, rows=None, root=None, text=""):
        self.kind, self.title, self.text = kind, title, text
        self.lines = lines or []
        self.columns, self.rows, self.root = columns, rows, root


def heading(text):
    return Block("heading", text=text)


def para(text, sources=None, title=""):
    return Block("para", title=title, lines=[Line(text, sources)])


def fields(title, pairs):
    """pairs: [(label, value, sources)]; rendered as 'label: value'."""
    return Block("fields", title=title, lines=[Line(f"{label}: {value}", s) for label, value, s in pairs])


def items(title, lines):
    return Block("list", title=title, lines=lines)


def table(title, columns, rows, row_sources=None):
    """rows: lists of cell strings; row_sources: one citation list per row."""
    block = Block("table", title=title, columns=columns, rows=rows)
    block.lines = [Line("", s) for s in (row_sources or [[] for _ in rows])]
    return block


def tree(title, root):
    """root: {'label': str, 'children': [...]} nodes."""
    return Block("tree", title=title, root=root)


def note(text):
    return Block("note", text=text)


class Doc:
    def __init__(self, title, blocks, table, payload, kb=None):
        self.title = title
        self.blocks = blocks
        self.table = table  # (columns, rows) for csv/tsv/tabulate
        self.payload = payload  # the JSON document
        self.kb = kb
        self.references = []  # [(number, source id, locator)] when citing
        self.data_as_of = None  # when the data's sources were last checked; set by the CLI for every command

    def number_citations(self):
        """Give every cited (source, locator) a number, in reading order."""
        numbers = {}
        for block in self.blocks:
            for line in block.lines:
                line.refs = []
                for cite in line.sources:
                    key = (cite.get("source"), cite.get("at") or "")
                    if key not in numbers:
                        numbers[key] = len(numbers) + 1
                        self.references.append((numbers[key], key[0], key[1]))
                    if numbers[key] not in line.refs:
                        line.refs.append(numbers[key])
        return self.references


def describe_source(kb, source_id, locator=""):
    """'The King's Fund, "Title" (July 2021), at "Section". seeds/000...' for reference lists."""
    from .dates import human

    source = kb.sources.get(source_id) if kb else None
    if not source:
        return source_id
    text = f"{source['publisher']}, \u201c{source['title']}\u201d ({human(source['date'])})"
    if locator:
        text += f", at \u201c{locator}\u201d"
    where = source.get("url") or (f"shared/{source['file']}" if source.get("file") else "")
    text += f". [{source_id}]" + (f" {where}" if where else "")
    return text
