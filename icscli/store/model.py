"""The knowledge base as read: plain records plus the indexes the queries need, part by part.

Records are plain dicts (as validated by `loader.py`), so the whole state can be cached with `marshal`
and dumped as JSON without conversion. A state comes from a layer's compiled file (`CompiledState`,
one part decoded when a query first touches it) or from a compile (`build.py`, a plain dict). Nothing
here compiles, parses YAML or writes a file.
"""
from .. import dates
from ..base.schema import RECORD_TABLES
from .cache import CacheMiss

# Every part of a compiled state and its type: a compiled file lacking one, or holding one of another
# type, is of another shape, and the layer is compiled again.
PART_TYPES = dict(
    {table.name: dict for table in RECORD_TABLES},
    meta=dict, record_locations=dict, index=dict, replaced_by=dict, entity_names=dict, entity_events=dict,
    completion=dict, derived_counts=dict, event_order=list, timeline=list, search_index=list,
)


class CompiledState:
    """The state of a compiled file, part by part. If a part turns out corrupt, the layer is compiled
    again (`rebuild()`, which also rewrites the file) and every later read comes from that."""

    def __init__(self, compiled, rebuild):
        self._compiled, self._rebuild, self._full = compiled, rebuild, None
        self.key = compiled.key

    def __contains__(self, name):
        return name in (self._full if self._full is not None else self._compiled.parts)

    def __iter__(self):
        return iter(self._full if self._full is not None else self._compiled.parts)

    def __getitem__(self, name):
        if self._full is None:
            try:
                value = self._compiled.load(name)
                if name in PART_TYPES and type(value) is not PART_TYPES[name]:
                    raise CacheMiss(name)  # a file of another shape
                return value
            except CacheMiss:
                self._full = self._rebuild()
        return self._full[name]

    def get(self, name, default=None):
        return self[name] if name in self else default  # noqa: SIM401  (this is the get() of a Mapping)


class KnowledgeBase:
    """Attribute access to the state's parts (kb.entities, kb.index, ...), each decoded on first use."""

    def __init__(self, state):
        self.state = state

    def __getattr__(self, name):
        state = self.__dict__.get("state")
        if state is None or name.startswith("_") or name not in state:
            raise AttributeError(name)
        value = state[name]
        setattr(self, name, value)
        return value

    def cited_by(self):
        """{source id: [what cites it]}: entity ids, `event:ID`, `responsibility:ID`, and for the systems
        tables a count (`icbs: N records`), since hundreds of rows cite the same lookup file (each record
        table's `citing` in base/schema.py says which)."""
        return self._citation_index()[0]

    def citing_record_counts(self):
        """{source id: number of records that cite it}, systems rows included."""
        return self._citation_index()[1]

    def _citation_index(self):
        if "_citations" not in self.__dict__:
            found, records = {}, {}
            for table in RECORD_TABLES:
                if not table.citing:
                    continue
                counts = {}
                for ident, record in getattr(self, table.name).items():
                    for source in dict.fromkeys(iter_citations(record)):
                        counts[source] = counts.get(source, 0) + 1
                        if table.citing != "count":
                            found.setdefault(source, []).append(
                                ident if table.citing == "id" else f"{table.kind}:{ident}")
                for source, n in counts.items():
                    if table.citing == "count":
                        found.setdefault(source, []).append(f"{table.name}: {n} record{'s' if n != 1 else ''}")
                    records[source] = records.get(source, 0) + n
            self._citations = (found, records)
        return self._citations


def iter_citations(value):
    """Every source id cited anywhere inside a record."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "sources" and isinstance(inner, list):
                for cite in inner:
                    if isinstance(cite, dict) and "source" in cite:
                        yield cite["source"]
            else:
                yield from iter_citations(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from iter_citations(inner)


def timeline_row(ident, event):
    """[id, first day, last day, tags] of an event: what a timeline filters on. The `timeline` part holds
    one per event, by date, so a timeline window is found without a date parsed at run time."""
    return [ident, dates.start(event["date"]), dates.end(event.get("end") or event["date"]), event.get("tags") or []]


def __getattr__(name):
    """state_on and existed_on: the one model of time lives in lifecycle.py (imported when first asked
    for, for start-up speed: `ics systems` never needs it); these names stay for the callers that use them."""
    if name in ("state_on", "existed_on"):
        from ..base import lifecycle

        value = globals()[name] = lifecycle.period_on if name == "state_on" else lifecycle.existed_on
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def counts_of(kb, entity):
    """An entity's dated counts: those the systems data gives (`counts_from`) and its typed ones."""
    from . import derived

    return derived.rows_for(kb.state.get(derived.PART) or {}, entity)


def exists_on(kb, entity, day):
    """True / False when the entity's status periods, or else the systems data that counts it, say
    whether it existed on a full date; None when neither dates it."""
    if entity.get("status"):
        from ..base import lifecycle

        return lifecycle.existed_on(entity, day)
    found = derived_span(kb, entity)
    if found is None:
        return None
    first, last = found
    return first <= day and (last is None or day <= last)


def derived_span(kb, entity):
    """(first day, last day or None) the systems data counts an entity, or None (see derived.span)."""
    from . import derived

    return derived.span(kb.state.get(derived.PART) or {}, entity)


def item_in_force(item, day):
    return dates.in_period(day, item.get("from"), item.get("to"))
