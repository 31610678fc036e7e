"""Shell completion for the `ics` commands: each argument offers only what its command accepts, with a
description that zsh and fish show. Reads the compiled cache; never imports rich, tabulate or yaml."""
import os

from . import completion


def _completion_kb(ctx):
    """The knowledge base for completion, or None: completion must never print a traceback into the
    user's shell."""
    try:
        from .store import load

        return load(overlay=ctx.params.get("data_dir") or os.environ.get("ICS_DATA"))
    except Exception:
        return None


def _items(pairs):
    from click.shell_completion import CompletionItem

    return [CompletionItem(text, help=what) for text, what in pairs]


def complete_terms(ctx, param, incomplete):
    """`ics explain`: terms, and the systems and former CCGs it also answers for."""
    kb = _completion_kb(ctx)
    if kb is None:
        return []
    found = dict(completion.term_items(kb, incomplete))
    for word, what in completion.system_items(kb, incomplete):
        found.setdefault(word, what)
    return _items(sorted(found.items(), key=lambda pair: pair[0].lower()))


def complete_entities(ctx, param, incomplete):
    """`ics timeline --entity`: terms only (codes are not entities)."""
    kb = _completion_kb(ctx)
    return _items(completion.term_items(kb, incomplete)) if kb is not None else []


def complete_compare(ctx, param, incomplete):
    """`ics compare A B`: the bodies that hold or held a responsibility, the only ones compare can set
    side by side; B leaves out A."""
    kb = _completion_kb(ctx)
    if kb is None:
        return []
    leave_out = str(ctx.params["a"]).lower() if param.name == "b" and ctx.params.get("a") else None
    return _items(completion.holder_items(kb, incomplete, leave_out))


def complete_tags(ctx, param, incomplete):
    from click.shell_completion import CompletionItem

    from .schema import TAGS

    return [CompletionItem(t) for t in TAGS if t.startswith(incomplete.lower())]
