"""The knowledge base: plain records plus the indexes the queries need.

Records are plain dicts (as validated by `loader.py`), so the whole state can be cached with `marshal`
and dumped as JSON without conversion.
"""
from . import dates, lifecycle


LAZY_TABLES = ("sources", "entities", "events", "responsibilities", "icbs", "sub_icb_locations")


class LazyTable(dict):
    """A table whose records stay marshalled bytes until first read.

    A run that shows one card out of 10,000 decodes one record, not all of them.
    """

    __slots__ = ()

    def __getitem__(self, key):
        value = dict.__getitem__(self, key)
        if isinstance(value, bytes):
            import marshal

            value = marshal.loads(value)
            dict.__setitem__(self, key, value)
        return value

    def get(self, key, default=None):
        return self[key] if key in self else default

    def values(self):
        return [self[k] for k in self]

    def items(self):
        return [(k, self[k]) for k in self]


def pack_state(state):
    """The state as cached: every part marshalled on its own, and each record of the big tables too.

    A run then decodes only the parts and records it touches (see KnowledgeBase.__getattr__).
    """
    import marshal

    packed = {}
    for name, value in state.items():
        if name in LAZY_TABLES:
            value = {k: marshal.dumps(v) for k, v in value.items()}
        packed[name] = value if name.startswith("_") else marshal.dumps(value)
    return packed


class KnowledgeBase:
    """Attribute access to the state's parts (kb.entities, kb.index, ...), decoded on first use."""

    def __init__(self, state):
        self.state = state

    def __getattr__(self, name):
        state = self.__dict__.get("state")
        if state is None or name not in state:
            raise AttributeError(name)
        value = state[name]
        if isinstance(value, bytes):
            import marshal

            value = marshal.loads(value)
        if name in LAZY_TABLES and not isinstance(value, LazyTable):
            value = LazyTable(value)
        setattr(self, name, value)
        return value

    @staticmethod
    def build_state(tables):
        """Derive the indexes once, at compile time, so they are cached with the data."""
        from . import resolve, systems

        events = tables["events"]
        order = sorted(events, key=lambda i: (dates.sort_key(events[i]["date"]), i))
        entity_events = {}
        for ident in order:
            for entity in events[ident].get("entities") or []:
                entity_events.setdefault(entity, []).append(ident)
        state = {}
        for name, table in tables.items():  # file:line locations matter only while validating
            state[name] = {k: {f: v for f, v in r.items() if f != "_loc"} for k, r in table.items()}
        state["index"] = resolve.build_index(tables["entities"])
        state["event_order"] = order
        state["entity_events"] = entity_events
        state["event_dates"] = {i: [dates.start(events[i]["date"]), dates.end(events[i].get("end") or events[i]["date"]),
                                    events[i].get("tags") or []] for i in order}
        replaced_by = {}
        for ident, entity in tables["entities"].items():
            for old in entity.get("replaced") or []:
                replaced_by.setdefault(old, []).append(ident)
        state["replaced_by"] = replaced_by
        state["search_index"] = resolve.search_index(tables["entities"], events, order)
        state.update(systems.build_indexes(tables))
        return state

    def entity(self, term):
        from . import resolve

        return self.entities[resolve.resolve_entity(self, term)]

    def cited_by(self):
        """{source id: [what cites it]}: entity ids, `event:ID`, `responsibility:ID`, and for the systems
        tables a count (`icbs: N records`), since hundreds of rows cite the same lookup file."""
        return self._citation_index()[0]

    def citing_record_counts(self):
        """{source id: number of records that cite it}, systems rows included."""
        return self._citation_index()[1]

    def _citation_index(self):
        if "_citations" not in self.__dict__:
            found, records = {}, {}
            for prefix, table in (("", self.entities), ("event:", self.events),
                                  ("responsibility:", self.responsibilities)):
                for ident, record in table.items():
                    for source in dict.fromkeys(iter_citations(record)):
                        found.setdefault(source, []).append(prefix + ident)
                        records[source] = records.get(source, 0) + 1
            for name in ("system_versions", "icbs", "sub_icb_locations", "ccgs"):
                counts = {}
                for record in getattr(self, name).values():
                    for source in dict.fromkeys(iter_citations(record)):
                        counts[source] = counts.get(source, 0) + 1
                for source, n in counts.items():
                    found.setdefault(source, []).append(f"{name}: {n} record{'s' if n != 1 else ''}")
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


# The one model of time lives in lifecycle.py; these names stay for the callers that use them.
state_on = lifecycle.period_on
existed_on = lifecycle.existed_on


def item_in_force(item, day):
    return dates.in_period(day, item.get("from"), item.get("to"))
