"""The one resolver: what a user types -> the entity they mean.

Matching ignores case, punctuation, hyphens, `&` vs `and`, plurals and British/American spelling, and
looks at ids, acronyms, names, aliases and former names.
"""
from ..base.words import (  # noqa: F401  (the resolver's vocabulary, used as resolve.normalize and so on)
    _LETTERS,
    _words,
    add_to_index,
    entity_keys,
    first_sentence,
    normalize,
    search_hit,
    search_row,
)
from ..errors import AmbiguousTerm, UnknownTerm
from ..store.model import KnowledgeBase


class Reference(KnowledgeBase):
    """The knowledge base as the library gives it (`icscli.load()`): with `entity(term)`."""

    def entity(self, term):
        """The record a term (id, acronym, name, alias or former name) means."""
        return self.entities[resolve_entity(self, term)]

def resolve_entity(kb, term, exact_id_wins=False):
    """Return the one entity id a term means; raise AmbiguousTerm or UnknownTerm otherwise.

    With exact_id_wins, a term that is exactly an id means that entity even when it is also a shared
    acronym (`ics compare icb icp`); `ics explain icp` instead lists every sense.
    """
    return resolve_term(kb, term, exact_id_wins, typos=False, main_sense=False)["id"]


def resolve_term(kb, term, exact_id_wins=False, typos=True, main_sense=True):
    """What a user typed -> {"id", "assumed", "main_sense_of"}; raises AmbiguousTerm or UnknownTerm.

    Beyond exact keys it takes back what the tool prints ("Integrated care board (ICB)"), reads a full
    name with one typo as the single name it is one edit away from (`assumed` says so), and, with
    main_sense, answers a shared acronym with its main current sense (`main_sense_of` names the acronym;
    the card then lists the other senses).
    """
    if exact_id_wins and term.strip().lower() in kb.entities:
        return _match(term.strip().lower())
    printed = _printed_name(kb, term)  # first: "Sustainability and transformation partnership (STP)" is
    if printed:                        # the STP's own title, and also a former name of the ICS
        return _match(printed)
    try:
        return _match(_exact(kb, term))
    except AmbiguousTerm as exc:
        main = main_current_sense(kb, [c["id"] for c in exc.candidates]) if main_sense else None
        if main is None:
            raise
        key = normalize(term)
        acronym = next((a for a in kb.entities[main].get("acronyms") or [] if normalize(a) == key), term.strip())
        return _match(main, main_sense_of=acronym)
    except UnknownTerm:
        printed = _printed_name(kb, term, strict=False)  # "Integrated care board (entity)", as search prints
        if printed:
            return _match(printed)
        near = one_typo_match(kb, term) if typos else None
        if near:
            entity = kb.entities[near]
            return _match(near, assumed=f"read '{term.strip()}' as {entity['name']} ({exact_term(kb, near)})")
        raise


def _match(ident, assumed=None, main_sense_of=None):
    return {"id": ident, "assumed": assumed, "main_sense_of": main_sense_of}


def _exact(kb, term):
    key = normalize(term)
    hits = kb.index.get(key) or []
    ids = [h[0] for h in hits]
    if len(ids) == 1:
        return ids[0]
    if ids:
        acronym_senses = [h for h in hits if h[1] == "acronym"]
        if len(acronym_senses) < 2:
            for preferred in ("id", "name", "alias", "former name"):
                chosen = [h[0] for h in hits if h[1] == preferred]
                if len(chosen) == 1:
                    return chosen[0]
        raise AmbiguousTerm(term, [sense(kb, i) for i in ids])
    raise UnknownTerm(term, suggest(kb, term))


_PRINTED = r"^(?P<base>.+?)\s*\((?P<inner>[^()]*)\)\s*$"  # compiled by re on first use
_STATUS_TAG = r"\s*\[[^\[\]]*\]\s*$"


def _printed_name(kb, term, strict=True):
    """'Integrated care board (ICB)' or 'NHS England (NHSE) [statutory]', as cards, lists and the tree
    print them: the name resolves and every part in brackets names the same entity. Not strict, parts
    that name nothing are allowed too (search's '(entity)'), but never one naming something else."""
    if "(" not in term:
        return None
    import re

    text, inners, ident = re.sub(_STATUS_TAG, "", term.strip()), [], None
    while ident is None and (match := re.match(_PRINTED, text)) is not None:
        text = match["base"]  # peel one bracket at a time: the tree prints "Integrated care board (ICB) (36 ICBs)"
        inners.append(match["inner"])
        try:  # the longest name that resolves: "Integrated care partnership (place level) (ICP)"
            ident = _exact(kb, text)
        except (AmbiguousTerm, UnknownTerm):
            pass
    if ident is None:
        return None
    named = [[h[0] for h in kb.index.get(normalize(p)) or []] for inner in inners for p in re.split(r"[,;]", inner)
             if normalize(p)]
    if strict and named and all(ident in ids for ids in named):
        return ident
    if not strict and all(ident in ids or not ids for ids in named):
        return ident
    return None


def one_typo_match(kb, term):
    """The one entity whose name (or alias) is a single edit away from a full-name term, else None.

    Only terms of 8 letters or more: a short word one edit away from an acronym is as likely another
    acronym as a typo.
    """
    key = normalize(term)
    if len(key) < 8:
        return None
    found = set()
    for candidate, hits in kb.index.items():
        if abs(len(candidate) - len(key)) <= 1 and len(candidate) >= 8 and _one_edit(key, candidate):
            found.update(h[0] for h in hits)
    return found.pop() if len(found) == 1 else None


def _one_edit(a, b):
    """Whether a and b differ by one insertion, deletion, substitution or swap of neighbours."""
    if a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]
        return a[i + 1:] == b[i + 1:] or swapped
    return a[i:] == b[i + 1:]


def main_current_sense(kb, ids):
    """Of the senses of a shared acronym, the one that is the statutory body in force today, if just one.

    ICP: the statutory integrated care partnership (since July 2022), ahead of the place-level
    partnerships and the contract form that share the letters.
    """
    from ..dates import today
    from ..store import model

    day = today()
    statutory = [i for i in ids if (model.state_on(kb.entities[i], day) or {}).get("state") == "statutory"]
    return statutory[0] if len(statutory) == 1 else None


def sense(kb, ident):
    """One line for a sense of an ambiguous term: id, name, summary and the exact thing to type."""
    entity = kb.entities[ident]
    return {"id": ident, "name": entity["name"], "summary": first_sentence(entity["summary"]),
            "type": exact_term(kb, ident)}


def exact_term(kb, ident):
    """The shortest thing to type that reaches this entity and nothing else."""
    entity = kb.entities[ident]
    for how, text in entity_keys(entity):
        hits = kb.index.get(normalize(text)) or []
        if len(hits) == 1 or (how == "id" and not any(h[1] == "acronym" for h in hits)):
            return text if how != "id" else ident
    return ident


def suggest(kb, term, limit=5):
    """Close matches for a mistyped term: [{"type": what to type, "name": the entity's name}]."""
    from ..base.suggest import suggest as close

    key = normalize(term)
    if not key:
        return []
    keys = list(kb.index)
    found = close(key, keys, limit, cutoff=0.72)
    if len(found) < limit:
        found += [k for k in keys if key in k.split() and k not in found][: limit - len(found)]
    if len(found) < limit and len(key) >= 3:
        found += [k for k in keys if k.startswith(key) and k not in found][: limit - len(found)]
    out = {}
    for k in found:
        for ident, _how in kb.index[k]:
            out.setdefault(exact_term(kb, ident), kb.entities[ident]["name"])
    return [{"type": t, "name": name} for t, name in out.items()][:limit]
