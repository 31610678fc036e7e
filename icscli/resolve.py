"""The one resolver: what a user types -> the entity they mean.

Matching ignores case, punctuation, hyphens, `&` vs `and`, plurals and British/American spelling, and
looks at ids, acronyms, names, aliases and former names.
"""
import re

from .errors import AmbiguousTerm, UnknownTerm

_SPELLING = {
    "organization": "organisation", "center": "centre", "program": "programme", "behavior": "behaviour",
    "pediatric": "paediatric", "color": "colour", "defense": "defence", "labor": "labour",
    "favor": "favour", "neighborhood": "neighbourhood", "enrollment": "enrolment",
    "anesthesia": "anaesthesia", "fulfill": "fulfil", "judgement": "judgment", "modelling": "modeling",
    "cooperation": "co operation", "coordination": "co ordination", "coordinate": "co ordinate",
}
_WORD = re.compile(r"[a-z0-9]+")
_IZE = re.compile(r"(?<=[a-z]{3})iz(e|es|ed|ing|ation|ations|er|ers)$")


def _word(word):
    word = _SPELLING.get(word, word)
    word = _IZE.sub(r"is\1", word)
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word


def normalize(text):
    """A matching key: 'Sustainability & Transformation Plans' -> 'sustainability and transformation plan'."""
    text = str(text).lower().replace("&", " and ").replace("'", "").replace("\u2019", "")
    words = [_word(w) for w in _WORD.findall(text)]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def entity_keys(entity):
    """(how, display text) pairs under which an entity can be found, most specific first."""
    yield "id", entity["id"]
    for acronym in entity.get("acronyms") or []:
        yield "acronym", acronym
    yield "name", entity["name"]
    for alias in entity.get("aliases") or []:
        yield "alias", alias
    for former in entity.get("former_names") or []:
        yield "former name", former["name"]


def build_index(entities):
    """{normalised key: [[entity id, how], ...]} for every entity."""
    index = {}
    for ident, entity in entities.items():
        for how, text in entity_keys(entity):
            key = normalize(text)
            if not key:
                continue
            hits = index.setdefault(key, [])
            mine = next((h for h in hits if h[0] == ident), None)
            if mine is None:
                hits.append([ident, how])
            elif how == "acronym":
                mine[1] = "acronym"  # an acronym shared with others must list every sense
    return index


def search_index(entities, events, event_order):
    """Normalised text for `ics search`, computed once at compile time."""
    rows = []
    for ident, entity in entities.items():
        keys = [normalize(t) for _how, t in entity_keys(entity)]
        summary = normalize(entity["summary"])
        extra = [normalize(i["text"]) for f in ("responsibilities", "facts") for i in entity.get(f) or []]
        rows.append(["entity", ident, entity["name"], keys, summary, " ".join(keys + [summary] + extra)])
    for ident in event_order:
        event = events[ident]
        title = normalize(event["title"])
        rows.append(["event", ident, event["title"], [title], title, title + " " + normalize(event["description"])])
    return rows


def resolve_entity(kb, term, exact_id_wins=False):
    """Return the one entity id a term means; raise AmbiguousTerm or UnknownTerm otherwise.

    With exact_id_wins, a term that is exactly an id means that entity even when it is also a shared
    acronym (`ics compare icb icp`); `ics explain icp` instead lists every sense.
    """
    if exact_id_wins and term.strip().lower() in kb.entities:
        return term.strip().lower()
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
    """Close matches for a mistyped term, as ids people can type."""
    from difflib import get_close_matches

    key = normalize(term)
    if not key:
        return []
    keys = list(kb.index)
    found = get_close_matches(key, keys, n=limit, cutoff=0.72)
    if len(found) < limit:
        found += [k for k in keys if key in k.split() and k not in found][: limit - len(found)]
    if len(found) < limit and len(key) >= 3:
        found += [k for k in keys if k.startswith(key) and k not in found][: limit - len(found)]
    out = []
    for k in found:
        for ident, _how in kb.index[k]:
            term_to_type = exact_term(kb, ident)
            if term_to_type not in out:
                out.append(term_to_type)
    return out[:limit]


def first_sentence(text):
    text = " ".join(text.split())
    match = re.search(r"(?<=[a-z0-9)\]])[.!?](?=\s+[A-Z(])", text)
    return text[: match.end()] if match else text
