"""The export as one set of parts: `collect(kb)` gathers the glossary and every entity card, the structure,
the timeline, every before/after comparison, the systems tables and a numbered bibliography, once, for
every format module (markdown, html, jsonout, sqlite) to write out."""
from .. import dates
from ..base import freshness
from ..base.records import public
from ..base.version import __version__
from ..queries import reference as query
from ..queries import resolve
from ..store import model
from ..views import reference as views

TITLE = "England's integrated care systems: the ics reference"


def anchor(kind, ident):
    """The in-document anchor of a record: entity-icb, event-..., source-..., compare-ccg-icb, icb-..."""
    return f"{kind}-{ident}"


class Reference:
    """Everything an export shows, computed once and shared by every format."""

    def __init__(self, kb, today=None):
        self.kb = kb
        self.generated = today or query.today()
        self.version = __version__
        self.data_as_of = freshness.data_as_of(kb)
        self.glossary = query.glossary(kb)["terms"]
        self.cards = []
        for term in self.glossary:
            data = query.card(kb, term["id"])
            self.cards.append((term["id"], data, views.explain(kb, data)))
        self.timeline = query.timeline(kb)
        self.comparisons = []
        for a, b in comparison_pairs(kb):
            data = compare_ids(kb, a, b)
            if data is not None:
                self.comparisons.append((data, views.compare(kb, data)))
        self.tree = query.tree(kb, self.generated)
        self.tree_doc = views.tree(kb, self.tree)
        from . import diagram

        self.structure = diagram.structure(kb, self.generated)
        self.systems, self.systems_doc, self.ccgs, self.ccgs_doc = None, None, None, None
        self.systems_missing = ""
        self.local_authorities = []
        self._collect_systems()
        self.numbers = self._number_sources()
        counts = kb.citing_record_counts()  # the same "cited by N records" as `ics sources`
        self.bibliography = [(n, public(kb.sources[s]), counts.get(s, 0))
                             for s, n in sorted(self.numbers.items(), key=lambda i: i[1])]

    def _collect_systems(self):
        kb = self.kb
        try:
            from .. import systems
            from ..views import systems as views_systems
        except ImportError:  # pragma: no cover - the systems modules are part of the package
            self.systems_missing = "The systems tables are not available in this build."
            return
        if not systems.index(kb).loaded:
            self.systems_missing = "No ICB data is loaded (data/systems is missing), so there are no systems tables."
            return
        self.systems = systems.systems(kb, self.generated)
        self.systems_doc = views_systems.systems(kb, self.systems)
        if hasattr(systems, "all_ccgs"):
            self.ccgs = systems.all_ccgs(kb, self.generated)
            self.ccgs_doc = views_systems.all_ccgs(kb, self.ccgs) if hasattr(views_systems, "all_ccgs") else None
        self.local_authorities = local_authorities(kb)

    def _number_sources(self):
        """One number per source, in reading order: cards, timeline, responsibilities, systems, then the rest."""
        kb = self.kb
        numbers = {}

        def see(record):
            for source in model.iter_citations(record):
                if source not in numbers and source in kb.sources:
                    numbers[source] = len(numbers) + 1

        for ident, _data, _doc in self.cards:
            see(kb.entities[ident])
        for event in self.timeline["events"]:
            see(event)
        for data, _doc in self.comparisons:
            see(data["rows"])
        for record in kb.responsibilities.values():
            see(record)
        if self.systems:
            see(list(getattr(kb, "system_versions", {}).values()))
            see(self.systems["systems"])
        if self.ccgs:
            see(self.ccgs["ccgs"])
        see(list(kb.icbs.values()))
        see(list(kb.sub_icb_locations.values()))
        for source in sorted(kb.sources):
            if source not in numbers:
                numbers[source] = len(numbers) + 1
        return numbers

    def cite(self, sources):
        """[(number, source id, locator)] for a record's citations, in order, without repeats."""
        out = []
        for c in sources or []:
            key = (self.numbers.get(c.get("source")), c.get("source"), c.get("at") or "")
            if key[0] and key not in out:
                out.append(key)
        return out

    def entity_name(self, ident):
        entity = self.kb.entities.get(ident)
        return entity["name"] if entity else ident


def comparison_pairs(kb):
    """Every (before, after) pair of entities that a responsibility moved between, in date order."""
    pairs = {}
    for r in kb.responsibilities.values():
        for a in r.get("before") or []:
            for b in r.get("after") or []:
                if a != b and a in kb.entities and b in kb.entities:
                    when = dates.start(r["effective"])
                    if (a, b) not in pairs or when < pairs[(a, b)]:
                        pairs[(a, b)] = when
    return sorted(pairs, key=lambda p: (pairs[p], kb.entities[p[0]]["name"].lower(),
                                        kb.entities[p[1]]["name"].lower()))


def compare_ids(kb, a, b):
    """query.compare for two entity ids (an id that is also another entity's acronym is typed exactly)."""
    from ..errors import IcsError

    try:
        data = query.compare(kb, resolve.exact_term(kb, a), resolve.exact_term(kb, b))
    except IcsError:
        return None
    return data if (data["a"], data["b"]) == (a, b) else None


def local_authorities(kb):
    """Upper-tier local authorities of 1 July 2022, each with the ICB(s) that cover it."""
    found = {}
    for ident, icb in sorted(kb.icbs.items()):
        for la in icb.get("local_authorities") or []:
            entry = found.setdefault(la["ons_code"], {"ons_code": la["ons_code"], "name": la["name"],
                                                      "type": la.get("type") or "", "icbs": []})
            entry["icbs"].append({"icb": ident, "version": icb["version"], "short_name": icb["short_name"],
                                  "ons_code": icb["ons_code"], "ods_code": icb.get("ods_code"),
                                  "coverage": la.get("coverage") or "", "lsoa_count": la.get("lsoa_count"),
                                  "sources": icb["sources"]})
    return sorted(found.values(), key=lambda e: (e["name"].lower(), e["ons_code"]))


def collect(kb, today=None):
    return Reference(kb, today)


def bibliography_entry(source, cited):
    """The parts of one bibliography line, shared by the markdown and HTML exports:
    (text, note, uses), each plain text for the caller to escape."""
    from .. import dates

    text = f"{source['publisher']}, \u201c{source['title']}\u201d ({dates.human(source['date'])}). [{source['id']}]"
    uses = f" Cited by {cited} record{'s' if cited != 1 else ''}." if cited else " Not cited by any record."
    return text, source.get("note") or "", uses


SECTIONS = (("glossary", "Glossary"), ("structure", "Structure"), ("timeline", "Timeline"),
            ("before-and-after", "Before and after"), ("systems", "Systems"), ("bibliography", "Bibliography"))


def document(ref):
    """The export as one list of sections of typed blocks: the one section list every format walks."""
    from ..views.doc import (
        Field,
        Fields,
        Figure,
        Items,
        Line,
        Prose,
        References,
        Row,
        Section,
        Table,
        source_where,
    )

    kb = ref.kb
    contents = Items("", [Line(title, link=ident) for ident, title in SECTIONS])
    parts = [Section("Contents", [contents], anchor="contents", role="nav")]

    index = Table("", ["Term", "Acronyms", "Kind", "Level", "Summary"], [
        _row(Row([t["name"], ", ".join(t["acronyms"]), t["kind"], ", ".join(t["level"]), t["summary"]]), t["id"])
        for t in ref.glossary])
    glossary = [Figure("glossary-index", ref.glossary, fallback=index)]
    for ident, data, card in ref.cards:
        blocks = [b for b in card.blocks if b.key not in ("short", "sources")]  # the short answer repeats the card
        blocks.append(Prose("", [Line("Sources:", data["sources"])], key="sources"))
        glossary.append(Section(card.title, blocks, anchor("entity", ident), level=3, role="card",
                                terms=search_terms(kb.entities[ident])))
    parts.append(Section("Glossary", glossary, "glossary"))

    structure = [Prose("", [Line(f"The structure on {dates.human(ref.tree['as_of'])}: national, regional, system, "
                                 "place and neighbourhood bodies; arrows point from a body to the one it is part "
                                 "of, accountable to, or the plan it produces.")]),
                 Figure("structure", ref.structure, fallback=next(b for b in ref.tree_doc.blocks if b.kind == "tree"))]
    for kind, title in (("accountable to", "Who is accountable to whom"), ("produces", "Who produces which plan")):
        edges = [e for e in ref.structure["edges"] if e["kind"] == kind]
        if edges:
            structure.append(Fields(title, [Field(ref.entity_name(e["from"]), ref.entity_name(e["to"]),
                                                  e.get("sources"), detail=e.get("note") or "", ids=[e["to"]])
                                            for e in edges]))
    parts.append(Section("Structure", structure, "structure"))

    events = [Line(f"{dates.human(e['date'])}" + (f" to {dates.human(e['end'])}" if e.get("end") else "")
                   + f": {e['title']}", e["sources"], detail=e["description"], status=e.get("status"),
                   ids=[i for i in e.get("entities") or [] if i in kb.entities], anchor=anchor("event", e["id"]))
              for e in ref.timeline["events"]]
    timeline = [Figure("timeline", ref.timeline, fallback=Items("", events))] if events \
        else [Prose("", [Line("No events in the data.")])]
    parts.append(Section("Timeline", timeline, "timeline"))

    compared = [Items("", [Line(d.title, link=anchor("compare", data["a"] + "--" + data["b"]))
                           for data, d in ref.comparisons])] if ref.comparisons \
        else [Prose("", [Line("No responsibilities moved between bodies in the data.")])]
    compared += [Section(d.title, d.blocks, anchor("compare", data["a"] + "--" + data["b"]), level=3)
                 for data, d in ref.comparisons]
    parts.append(Section("Before and after", compared, "before-and-after"))

    parts.append(Section("Systems", _systems(ref), "systems"))

    entries = []
    for n, source, cited in ref.bibliography:
        text, note, uses = bibliography_entry(source, cited)
        where = source_where(source)
        entries.append((n, text + (f" {note}" if note else "") + uses, where, anchor("source", source["id"])))
    parts.append(Section("Bibliography", [References(entries)], "bibliography"))
    return parts


def _row(row, ident):
    row.ids = [ident]
    return row


def _systems(ref):
    from ..views.doc import Line, Prose, Row, Section, Table

    if ref.systems_doc is None:
        return [Prose("", [Line(ref.systems_missing)])]
    out = [Section(ref.systems_doc.title, ref.systems_doc.blocks, "systems-icbs", level=3)]
    if ref.ccgs_doc is not None:
        out.append(Section(ref.ccgs_doc.title, ref.ccgs_doc.blocks, "systems-ccgs", level=3))
    if ref.local_authorities:
        rows = [Row([la["name"], la["ons_code"], la["type"], cover["short_name"],
                     cover["ods_code"] or cover["ons_code"], cover["coverage"]], cover["sources"])
                for la in ref.local_authorities for cover in la["icbs"]]
        table = Table("", ["Local authority", "ONS code", "Type", "ICB", "ICB code", "Coverage"], rows,
                      codes=("ONS code", "ICB code"))
        out.append(Section("Local authorities and their ICBs on 1 July 2022", [table], "systems-local-authorities",
                           level=3))
    return out


def search_terms(entity):
    """The words the HTML glossary filter matches a card by."""
    words = [entity["id"], entity["name"], entity["kind"], " ".join(entity["level"]), entity["summary"]]
    words += entity.get("acronyms") or []
    words += entity.get("aliases") or []
    words += [f["name"] for f in entity.get("former_names") or []]
    return " ".join(words).lower()
