"""The knowledge base: plain records plus the indexes the queries need.

Records are plain dicts (as validated by `load.py`), so the whole state can be cached with `marshal`
and dumped as JSON without conversion.
"""
from . import dates, resolve, systems
from .schema import NOT_EXISTING


class KnowledgeBase:
    def __init__(self, state):
        self.state = state
        self.sources = state["sources"]
        self.entities = state["entities"]
        self.events = state["events"]
        self.responsibilities = state["responsibilities"]
        self.index = state["index"]
        self.event_order = state["event_order"]
        self.entity_events = state["entity_events"]
        self.system_versions = state["system_versions"]
        self.icbs = state["icbs"]
        self.sub_icb_locations = state["sub_icb_locations"]

    @staticmethod
    def build_state(tables):
        """Derive the indexes once, at compile time, so they are cached with the data."""
        events = tables["events"]
        order = sorted(events, key=lambda i: (dates.start(events[i]["date"]), events[i]["date"], i))
        entity_events = {}
        for ident in order:
            for entity in events[ident].get("entities") or []:
                entity_events.setdefault(entity, []).append(ident)
        state = dict(tables)
        state["index"] = resolve.build_index(tables["entities"])
        state["event_order"] = order
        state["entity_events"] = entity_events
        state.update(systems.build_indexes(tables))
        return state

    def entity(self, term):
        return self.entities[resolve.resolve_entity(self, term)]

    def cited_sources(self):
        """{source id: count of records citing it}."""
        counts = {}
        for table in (self.entities, self.events, self.responsibilities):
            for record in table.values():
                for source in iter_citations(record):
                    counts[source] = counts.get(source, 0) + 1
        return counts


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


def state_on(entity, day):
    """The status period in force on a full date, or None (not dated / outside every period)."""
    for period in entity.get("status") or []:
        if dates.in_period(day, period.get("from"), period.get("to")):
            return period
    return None


def existed_on(entity, day):
    """True / False when the status periods say, None when the entity is undated."""
    periods = entity.get("status") or []
    if not periods:
        return None
    period = state_on(entity, day)
    return bool(period) and period["state"] not in NOT_EXISTING


def item_in_force(item, day):
    return dates.in_period(day, item.get("from"), item.get("to"))
