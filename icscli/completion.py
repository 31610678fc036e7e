"""What shell completion offers, computed once at compile time and stored as one small part of the
compiled state (`completion`), so a TAB reads that part instead of decoding every record.

The part holds sorted columns of plain strings (marshal decodes a list of strings far faster than a
list of pairs):
- terms: entity ids and lowercased acronyms, each with the name of the first entity that gives it;
- holders: the same for the bodies that hold or held a responsibility (what `compare` can set side by
  side), in entity order with their ids, so `compare A B` can leave A out;
- systems: ICB codes and one-word names, and CCG codes, each with the full name;
- regions: the NHS England regions of every version of the ICB data.
The CLI (cli_complete.py, cli_systems.py) turns these into click's CompletionItems.
"""
from bisect import bisect_left


def build(kb):
    """The completion part of a knowledge base (called by `KnowledgeBase.build_state`)."""
    from . import systems

    terms = {}
    held = _holder_ids(kb)
    holders = ([], [], [])
    for ident, entity in kb.entities.items():
        for text in [ident] + [a.lower() for a in entity.get("acronyms") or []]:
            terms.setdefault(text, entity["name"])
            if ident in held:
                for column, value in zip(holders, (text, entity["name"], ident)):
                    column.append(value)
    texts = sorted(terms)
    words = systems.completion_items(kb, "")
    return {"terms": [texts, [terms[t] for t in texts]], "holders": [list(c) for c in holders],
            "systems": [[w for w, _ in words], [what for _, what in words]], "regions": systems.all_regions(kb)}


def _holder_ids(kb):
    return {i for r in kb.responsibilities.values() for i in (r.get("before") or []) + (r.get("after") or [])}


def _part(kb):
    part = getattr(kb, "completion", None)
    return part if part is not None else build(kb)


def term_items(kb, incomplete):
    """[(text, name)] of entity ids and acronyms that start with what was typed (any case), sorted."""
    texts, names = _part(kb)["terms"]
    prefix = incomplete.lower()
    out = []
    i = bisect_left(texts, prefix)  # the texts that start with the prefix are one run from here
    while i < len(texts) and texts[i].startswith(prefix):
        out.append((texts[i], names[i]))
        i += 1
    return out


def holder_items(kb, incomplete, leave_out=None):
    """As `term_items`, for the bodies `compare` can set side by side, without the entity `leave_out`."""
    texts, names, idents = _part(kb)["holders"]
    prefix = incomplete.lower()
    found = {}
    for text, name, ident in zip(texts, names, idents):
        if ident != leave_out and text.startswith(prefix):
            found.setdefault(text, name)
    return sorted(found.items())


def system_items(kb, incomplete):
    """[(word, what it is)] of ICB and CCG codes and names that start with what was typed, sorted."""
    words, whats = _part(kb)["systems"]
    prefix = incomplete.lower()
    return [(w, what) for w, what in zip(words, whats) if w.lower().startswith(prefix)]


def region_items(kb, incomplete):
    prefix = incomplete.lower()
    return [r for r in _part(kb)["regions"] if r.lower().startswith(prefix)]
