"""The typed document model between the views and the renderers.

A view turns a query result into a `Doc`: a title, a list of small typed blocks and one `table` for the
tabular formats (csv, tsv, tabulate). Each block names its own `kind`; `walk` hands every block to the
renderer's `visit_<kind>` method, so every renderer (terminal, plain, markdown, html and the exports)
walks a document the same way and a new block kind is one method per renderer.

Structure is kept in fields, never in wording: a field's label and value are apart, a relation carries
entity ids, a status is a field, a block's `key` names its section (`--section board`). Citations are
numbered here, once, in reading order, so `--cite` means the same in every format.

Two kinds of text are kept apart from the answer. A hint (a command to type for more: `--section board`,
`ics explain icp-contract`) is for a screen: only the plain and rich layouts show it, never a document
(markdown, HTML, CSV, JSON, the exports). Provenance (which file or table the rows come from) is shown
on request: a note marked `provenance` appears with --cite and in the exports, which cite every line.
"""
from ..dates import human


class Line:
    """A line of text with the sources that back it.

    detail: a second, quieter paragraph (a note); status: planned, proposed... (shown as a tag when not
    done); ids: the entities the text names, in order (its text is their names, so exports link them),
    or, for an anchored entry (a timeline event in the export), the entities it involves; anchor: an id a
    document can link to;
    link: the in-document anchor the line points to (a contents entry); hint: what to type for more, shown
    after the text on a screen only (see the module's docstring);
    lead: what the line leads with (a timeline entry's date), kept apart from the rest (`body`) so that a
    layout can set it in a column of its own; `text` is the two as one reads them, 'lead: body'.
    """

    __slots__ = ("anchor", "body", "detail", "hint", "ids", "lead", "link", "refs", "sources", "status")

    def __init__(self, text, sources=None, detail="", status="", ids=(), anchor="", link="", hint="", lead=""):
        self.body, self.lead, self.detail, self.anchor, self.link = text, lead, detail or "", anchor, link
        self.hint = hint
        self.status = "" if status in (None, "done") else status
        self.sources = sources or []
        self.ids = list(ids or [])
        self.refs = []

    @property
    def text(self):
        return f"{self.lead}: {self.body}" if self.lead else self.body

    @text.setter
    def text(self, value):  # the whole text, lead and all: nothing stays apart
        self.body, self.lead = value, ""


class Field(Line):
    """One label and its value: never joined into 'label: value' text."""

    __slots__ = ("label",)

    def __init__(self, label, value, sources=None, **more):
        super().__init__(value, sources, **more)
        self.label = label


class Row(Line):
    """A table row: its cells and the sources behind the whole row."""

    __slots__ = ("cells",)

    def __init__(self, cells, sources=None):
        super().__init__("", sources)
        self.cells = [str(c) for c in cells]


class Change(Line):
    """One row of a diff: the text is the function; its kind (a key of base/changekinds.py), sign and
    label say what happened to it, `holders` who held it before and after, `when` its date."""

    __slots__ = ("holders", "kind", "label", "sign", "when")

    def __init__(self, kind, sign, label, function, holders, when, sources=None, **more):
        super().__init__(function, sources, **more)
        self.kind, self.sign, self.label, self.holders, self.when = kind, sign, label, holders, when


class Block:
    kind = ""

    def __init__(self, title="", key=""):
        self.title, self.key = title, key

    def cited(self):
        """The lines of this block that can carry citations, in reading order."""
        return []

    def accept(self, visitor):
        return getattr(visitor, "visit_" + self.kind)(self)


class Note(Block):
    """A remark about the answer (the date it is for, a caveat), set apart from it. screen: the same remark
    with the commands to type, for a screen; provenance: shown only with --cite and in the exports."""

    kind = "note"

    def __init__(self, text, key="", screen="", provenance=False):
        super().__init__("", key)
        self.text, self.screen, self.provenance = text, screen or text, provenance


class Prose(Block):
    """Paragraphs of running text."""

    kind = "prose"

    def __init__(self, title, lines, key=""):
        super().__init__(title, key)
        self.lines = lines

    def cited(self):
        return self.lines


class Fields(Block):
    """Label and value pairs (a card's particulars)."""

    kind = "fields"

    def __init__(self, title, fields, key=""):
        super().__init__(title, key)
        self.fields = fields

    def cited(self):
        return self.fields


class Items(Block):
    """A list of separate statements; numbered when the order is a count (a bibliography). `lead` names
    what each line leads with (its `lead`, e.g. 'Date'): a layout with columns may set them as a table."""

    kind = "items"

    def __init__(self, title, lines, key="", numbered=False, lead=""):
        super().__init__(title, key)
        self.lines, self.numbered, self.lead = lines, numbered, lead

    def cited(self):
        return self.lines


class Table(Block):
    """Columns and rows; `codes` names the columns that must never be cut or wrapped."""

    kind = "table"

    def __init__(self, title, columns, rows, key="", codes=()):
        super().__init__(title, key)
        self.columns, self.rows, self.codes = list(columns), rows, set(codes)

    def cited(self):
        return self.rows


class Tree(Block):
    """Levels, each with its nodes: {'label', 'tag', 'ids', 'children'}; levels are shown as headings."""

    kind = "tree"

    def __init__(self, title, levels, key=""):
        super().__init__(title, key)
        self.levels = levels  # [(level name, [node, ...])]


class Diff(Block):
    """What happened to each function between two bodies, with a legend of the signs used."""

    kind = "diff"

    def __init__(self, title, changes, legend, key=""):
        super().__init__(title, key)
        self.changes, self.legend = changes, legend  # legend: [(sign, kind, label, count)]

    def cited(self):
        return self.changes


class Figure(Block):
    """A drawing only some formats can make (a diagram); `name` says which, `data` is what to draw, and
    `fallback` the block a format that cannot draw it shows instead."""

    kind = "figure"

    def __init__(self, name, data, fallback=None, key=""):
        super().__init__("", key)
        self.name, self.data, self.fallback = name, data, fallback

    def cited(self):
        return self.fallback.cited() if self.fallback else []


class Section(Block):
    """A titled part of a long document (an export): its own blocks, an anchor, and a role
    ('card' for a glossary card) that lets a format frame it; `terms` are words a filter can match."""

    kind = "section"

    def __init__(self, title, blocks, anchor="", level=2, role="", terms=""):
        super().__init__(title, "")
        self.blocks, self.anchor, self.level, self.role, self.terms = blocks, anchor, level, role, terms

    def cited(self):
        return [line for block in self.blocks for line in block.cited()]


class References(Block):
    """Numbered sources: [(number, text, address, anchor)]; the address is a web address or a file."""

    kind = "references"

    def __init__(self, entries, title="References"):
        super().__init__(title, "references")
        self.entries = entries


class Visitor:
    """The one walk every renderer shares: begin, a visit per block, then the references. cite: the
    reader asked for sources (provenance notes are shown); screen: a layout for a screen (hints are shown)."""

    cite = False
    screen = False

    def shows(self, note):
        """Whether this layout shows a note: a provenance note only when citing."""
        return self.cite or not note.provenance

    def begin(self, document):
        pass

    def end(self, document):
        pass

    def visit_figure(self, block):  # most formats cannot draw: they show the fallback
        if block.fallback is not None:
            block.fallback.accept(self)

    def visit_section(self, block):
        for child in block.blocks:
            child.accept(self)


def walk(document, visitor, cite=False):
    visitor.begin(document)
    for block in document.blocks:
        block.accept(visitor)
    if cite and document.references:
        References([(n, *source_entry(document.kb, s, at), "") for n, s, at in document.references]).accept(visitor)
    return visitor.end(document)


class Doc:
    """table: (columns, rows) for csv/tsv/tabulate; None for a card, whose table is one row per line:
    its section, its text and its sources (so `--section` narrows the table too)."""

    def __init__(self, title, blocks, table, payload, kb=None):
        self.title = title
        self.blocks = blocks
        self.by_section = table is None
        self.table = section_table(blocks) if table is None else table
        self.payload = payload  # the JSON document
        self.kb = kb
        self.references = []  # [(number, source id, locator)] when citing
        self.data_as_of = None  # when the data's sources were last checked; set by the CLI for every command

    def number_citations(self):
        """Give every cited (source, locator) a number, in reading order."""
        numbers = {}
        self.references = []
        for block in self.blocks:
            for line in block.cited():
                line.refs = []
                for cite in line.sources:
                    key = (cite.get("source"), cite.get("at") or "")
                    if key not in numbers:
                        numbers[key] = len(numbers) + 1
                        self.references.append((numbers[key], key[0], key[1]))
                    if numbers[key] not in line.refs:
                        line.refs.append(numbers[key])
        return self.references

    def keys(self):
        """The section names of this document, in order, without repeats."""
        return list(dict.fromkeys(b.key for b in self.blocks if b.key))

    def only(self, keys):
        """The same document with only the blocks of the given sections (`--short`, `--section`)."""
        blocks = [b for b in self.blocks if b.key in keys]
        return Doc(self.title, blocks, None if self.by_section else self.table, self.payload, self.kb)


def source_where(source):
    """Where a reader finds a source: its public address, or the reference that stands in for one."""
    return source.get("url") or source.get("reference") or ""


def section_table(blocks):
    """(['section', 'text', 'sources'], rows): one row per line of the blocks, for the tabular formats."""
    rows = []
    for block in blocks:
        section = block.title or block.key or "About"
        if block.kind == "note" and not block.provenance:
            rows.append([section if block.title else "Note", block.text, ""])
        for line in block.cited():
            if isinstance(line, Field):
                text = f"{line.label}: {line.text}"
            elif isinstance(line, Row):
                text = "; ".join(c for c in line.cells if c)
            else:
                text = line.text + (f" [{line.status}]" if line.status else "")
            if line.detail:
                text += f"\n{line.detail}"
            rows.append([section, text, cite_text(line.sources)])
    return ["section", "text", "sources"], rows


def cite_text(sources):
    """Compact inline citation for tables: 'kf-ics-explained-2021 (What are ICSs?); ...'."""
    parts = []
    for cite in sources or []:
        part = cite["source"]
        if cite.get("at"):
            part += f" ({cite['at']})"
        parts.append(part)
    return "; ".join(parts)


def who_says(kb, sources):
    """Who gives a value, for readers: 'The King's Fund, 2022; Kevin McDonnell (blog), 2024' (publisher and
    year of each source, once each); --cite numbers the sources themselves, -f json names them."""
    said = []
    for cite in sources or []:
        source = kb.sources.get(cite["source"]) if kb else None
        text = f"{source['publisher']}, {source['date'][:4]}" if source else cite["source"]
        if text not in said:
            said.append(text)
    return "; ".join(said)


def describe_source(kb, source_id, locator=""):
    """'The King's Fund, "Title" (July 2021), at "Section". [id] address' for reference lists."""
    text, where = source_entry(kb, source_id, locator)
    return text + (f" {where}" if where else "")


def source_entry(kb, source_id, locator="", with_id=True):
    """(description, where): `where` is the public address, or the reference that stands in for one; the
    description ends with the source's id in brackets unless `with_id` is false (where the id is shown
    apart, as the MCP server's sources are)."""
    source = kb.sources.get(source_id) if kb else None
    if not source:
        return source_id, ""
    text = f"{source['publisher']}, \u201c{source['title']}\u201d ({human(source['date'])})"
    if locator:
        text += f", at \u201c{locator}\u201d"
    return text + (f". [{source_id}]" if with_id else "."), source_where(source)
