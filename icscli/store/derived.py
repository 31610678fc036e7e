"""The parts of a layer's state derived from its records rather than read from its YAML: the term
index, the search rows and what TAB completion offers.

Every `explain` resolves a term, so the term index is built with the layer. The search rows and the
completion part (`model.DERIVED`) are read only by `search`, a term that matches nothing and TAB: the
bottom layer builds them at compile time (the wheel's compiled file cannot be written later), an
overlay when a run first reads them (`KnowledgeBase.__getattr__`), which then adds them to the layer's
compiled file (`cache.add_part`). Either way they are made from the layer's records alone, so they
equal what a compile of every layer at once makes.
"""


def derive(kb, name):
    """One DERIVED part of a knowledge base, made from its records."""
    if name == "search_index":
        return search_rows(kb)
    from . import completion

    return completion.build(kb)


def search_rows(kb):
    """[search row] of every entity, in table order, then of every event, by date (`resolve.search_row`)."""
    from ..base.words import search_row

    events = kb.events
    return [search_row("entity", ident, entity) for ident, entity in kb.entities.items()] + \
        [search_row("event", ident, events[ident]) for ident in kb.event_order]


def entity_parts(tables, base):
    """(term index, replaced_by, entity_names) of a layer: {normalised key: [[id, how]]} (see
    `resolve.add_to_index`), {old id: [ids that replaced it]} and {id: name}, each in table order.

    An overlay that only adds entities extends copies of the layer below's parts with its own: its
    records come after every record below, so the result is what indexing every record makes, without
    decoding the records below."""
    from ..base import words as resolve
    from .layers import added_ids

    entities = tables["entities"]
    added = added_ids(entities) if base else None
    if added is None:
        index, replaced_by, names, todo = {}, {}, {}, list(entities)
    else:
        index, replaced_by, names = (_copy(base[0], name) for name in ("index", "replaced_by", "entity_names"))
        todo = added
    for ident in todo:
        entity = entities[ident]
        resolve.add_to_index(index, ident, entity, [resolve.normalize(t) for _how, t in resolve.entity_keys(entity)])
        for old in entity.get("replaced") or []:
            replaced_by.setdefault(old, []).append(ident)
        names[ident] = entity["name"]
    return index, replaced_by, names


def _copy(state, name):
    """A part of a state as new objects (the layer below's own stay as they are)."""
    import marshal

    from .layers import stored_bytes

    raw = stored_bytes(state, name)
    return marshal.loads(raw if raw is not None else marshal.dumps(dict(state[name])))
