"""Compiling a layer: its YAML (on top of the compiled layer below, if any) into a state of plain parts.

The state (`build_state`) holds the validated record tables and every index the queries read, worked
out once here so that a run only decodes them (`model.py`); `cache.write` stores it as the layer's
compiled file. An overlay is compiled on the layer below's compiled state (`base_tables`), so the
bundled YAML is not parsed again: its records come back with their `file:line`, the overlay's records
are added or replace theirs, and every rule and index is worked out over the whole again.
"""
from .. import dates
from ..base.words import add_to_index, entity_keys, normalize, search_row
from ..errors import DataError
from . import completion, derived
from .loader import compile_sources
from .model import KnowledgeBase, timeline_row
from .systems_index import build_indexes

UNKNOWN_PLACE = "bundled data:0"


def compile_layer(directory, tag, parent_state=None):
    """The state of one layer of YAML on top of the layer below (a state, or None); DataError with
    every problem found."""
    base = base_tables(parent_state) if parent_state is not None else None
    tables, problems = compile_sources([(directory, tag)], base=base)
    if problems:
        raise DataError(problems)
    return build_state(tables)


def base_tables(state):
    """The validated tables of a compiled state, each record a copy with its `_loc` (file:line) back, for
    an overlay to compile on or `ics validate` to check."""
    kb = KnowledgeBase(state)
    locations = kb.record_locations
    tables = {}
    for name in locations:
        mine = locations[name]
        tables[name] = {k: dict(r, _loc=mine.get(k, UNKNOWN_PLACE)) for k, r in getattr(kb, name).items()}
    return tables


def build_state(tables):
    """Every part of a layer's state from its validated tables (whose records lose their `_loc` here: the
    locations are kept apart, read only when an overlay is compiled on this layer)."""
    locations = {}
    for name, table in tables.items():
        mine = locations[name] = {}
        for k, r in table.items():  # in place: a copy of a big table costs memory
            if "_loc" in r:
                mine[k] = r.pop("_loc")
    state = dict(tables, record_locations=locations)
    state["event_order"], state["entity_events"], state["timeline"] = event_indexes(tables["events"])
    state["index"], state["replaced_by"], state["entity_names"] = entity_indexes(tables["entities"])
    state.update(build_indexes(tables))
    state[derived.PART] = derived.build(tables)
    state["search_index"] = search_rows(tables, state["event_order"])
    kb = KnowledgeBase(state)
    state["completion"] = completion.build(kb)  # what TAB offers, in one small part
    kb.__dict__.pop("_systems_index", None)  # it refers back to kb: a cycle holding the whole state
    return state


def event_indexes(events):
    """(event ids by date, {entity id: its event ids by date}, the timeline rows by date)."""
    order = sorted(events, key=lambda i: (dates.sort_key(events[i]["date"]), i))
    entity_events = {}
    for ident in order:
        for entity in events[ident].get("entities") or []:
            entity_events.setdefault(entity, []).append(ident)
    return order, entity_events, [timeline_row(i, events[i]) for i in order]


def entity_indexes(entities):
    """(term index, replaced_by, entity_names): {normalised key: [[id, how]]} (see `words.add_to_index`),
    {old id: [ids that replaced it]} and {id: name}, each in table order."""
    index, replaced_by, names = {}, {}, {}
    for ident, entity in entities.items():
        add_to_index(index, ident, entity, [normalize(t) for _how, t in entity_keys(entity)])
        for old in entity.get("replaced") or []:
            replaced_by.setdefault(old, []).append(ident)
        names[ident] = entity["name"]
    return index, replaced_by, names


def search_rows(tables, event_order):
    """[search row] of every entity, in table order, then of every event, by date (`words.search_row`)."""
    events = tables["events"]
    return [search_row("entity", ident, entity) for ident, entity in tables["entities"].items()] + \
        [search_row("event", ident, events[ident]) for ident in event_order]
