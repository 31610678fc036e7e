"""What shell completion offers, computed once when a layer is compiled (build.py) and stored as one
small part of the compiled state (`completion`), so a TAB reads that part instead of decoding every
record.

Each entry of the part is one string of rows: every row starts with NUL and its fields are joined
by U+0001 (the loader refuses control characters in any text, and ids cannot hold them). One string
decodes at once, where a list of 10,000 pairs costs milliseconds, and the terms, sorted, are found
by searching the string for NUL + what was typed. The entries:
- terms: entity ids and lowercased acronyms, each with the name of the first entity that gives it;
- holders: the same for the bodies that hold or held a responsibility (what `compare` can set side by
  side), in entity order with their ids, so `compare A B` can leave A out;
- systems: ICB codes and one-word names, and CCG codes, each with the full name;
- regions: the NHS England regions of every version of the ICB data.
The CLI (cli/complete.py) turns these into click's CompletionItems.
"""
ROW, FIELD = "\0", "\1"


def build(kb):
    """The completion part of a knowledge base (made when its layer is compiled)."""
    from .systems_index import (  # here: a TAB reads the part, only a compile builds it
        all_regions,
        completion_items,
    )

    terms, holders = {}, []
    held = {i for r in kb.responsibilities.values() for i in (r.get("before") or []) + (r.get("after") or [])}
    for ident, entity in kb.entities.items():
        for text in [ident] + [a.lower() for a in entity.get("acronyms") or []]:
            terms.setdefault(text, entity["name"])
            if ident in held:
                holders.append((text, entity["name"], ident))
    return {"terms": _pack(sorted(terms.items())), "holders": _pack(holders),
            "systems": _pack(completion_items(kb, "")), "regions": _pack((r,) for r in all_regions(kb))}


def _pack(rows):
    return "".join(ROW + FIELD.join(row) for row in rows)


def _packed(kb, name):
    """One entry of the part (from a part of another shape, built afresh)."""
    found = (getattr(kb, "completion", None) or {}).get(name)
    return found if type(found) is str else build(kb)[name]


def _rows(kb, name):
    return [row.split(FIELD) for row in _packed(kb, name).split(ROW)[1:]]


def term_items(kb, incomplete):
    """[(text, name)] of entity ids and acronyms that start with what was typed (any case), sorted."""
    prefix = incomplete.lower()
    packed = _packed(kb, "terms")
    marker = ROW + prefix
    first = packed.find(marker)  # the terms are sorted: those that start with the prefix are one run
    if first == -1 or FIELD in prefix or ROW in prefix:
        return []
    return [tuple(row.split(FIELD)) for row in packed[first + 1:_run_end(packed, first, marker)].split(ROW)]


def _run_end(packed, first, marker):
    """Where the run of rows that start with `marker` (the row at `first` does) ends: a binary search
    over row starts, so a short run in a long string costs a few searches, and a long one no loop."""
    low, high = first, len(packed)  # the row at `low` is in the run; no row from `high` on is
    while True:
        row = packed.find(ROW, (low + high) // 2 + 1, high)
        if row == -1:
            row = packed.find(ROW, low + 1, high)
            if row == -1:
                return high
        if packed.startswith(marker, row):
            low = row
        else:
            high = row


def holder_items(kb, incomplete, leave_out=None):
    """As `term_items`, for the bodies `compare` can set side by side, without the entity `leave_out`."""
    prefix = incomplete.lower()
    found = {}
    for text, name, ident in _rows(kb, "holders"):
        if ident != leave_out and text.startswith(prefix):
            found.setdefault(text, name)
    return sorted(found.items())


def system_items(kb, incomplete):
    """[(word, what it is)] of ICB and CCG codes and names that start with what was typed, sorted."""
    prefix = incomplete.lower()
    return [(word, what) for word, what in _rows(kb, "systems") if word.lower().startswith(prefix)]


def region_items(kb, incomplete):
    prefix = incomplete.lower()
    return [region for region, in _rows(kb, "regions") if region.lower().startswith(prefix)]
