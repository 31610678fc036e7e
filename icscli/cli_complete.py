"""Shell completion for the `ics` commands: each argument offers only what its command accepts, with a
description that zsh and fish show. Reads the compiled cache; never imports rich, tabulate or yaml."""
import os


def _completion_kb(ctx):
    """The knowledge base for completion, or None: completion must never print a traceback into the
    user's shell."""
    try:
        from .store import load

        return load(overlay=ctx.params.get("data_dir") or os.environ.get("ICS_DATA"))
    except Exception:
        return None


def _entity_items(kb, incomplete, wanted=None):
    """Ids and acronyms of entities (those in `wanted`, when given) that start with what was typed,
    each with the entity's name as its description."""
    from click.shell_completion import CompletionItem

    prefix = incomplete.lower()
    found = {}
    for ident, entity in kb.entities.items():
        if wanted is not None and ident not in wanted:
            continue
        for text in [ident] + [a.lower() for a in entity.get("acronyms") or []]:
            if text.startswith(prefix):
                found.setdefault(text, entity["name"])
    return [CompletionItem(text, help=name) for text, name in sorted(found.items())]


def complete_terms(ctx, param, incomplete):
    """`ics explain`: terms, and the systems and former CCGs it also answers for."""
    from click.shell_completion import CompletionItem

    kb = _completion_kb(ctx)
    if kb is None:
        return []
    from . import systems

    items = _entity_items(kb, incomplete)
    taken = {i.value for i in items}
    items += [CompletionItem(w, help=what) for w, what in systems.completion_items(kb, incomplete) if w not in taken]
    return sorted(items, key=lambda i: i.value.lower())


def complete_entities(ctx, param, incomplete):
    """`ics timeline --entity`: terms only (codes are not entities)."""
    kb = _completion_kb(ctx)
    return _entity_items(kb, incomplete) if kb is not None else []


def complete_compare(ctx, param, incomplete):
    """`ics compare A B`: the bodies that hold or held a responsibility, the only ones compare can set
    side by side; B leaves out A."""
    kb = _completion_kb(ctx)
    if kb is None:
        return []
    holders = {i for r in kb.responsibilities.values() for i in (r.get("before") or []) + (r.get("after") or [])}
    if param.name == "b" and ctx.params.get("a"):
        holders.discard(str(ctx.params["a"]).lower())
    return _entity_items(kb, incomplete, holders)


def complete_tags(ctx, param, incomplete):
    from click.shell_completion import CompletionItem

    from .schema import TAGS

    return [CompletionItem(t) for t in TAGS if t.startswith(incomplete.lower())]
