"""The one resolver: what a user types -> the entity they mean.

Matching ignores case, punctuation, hyphens, `&` vs `and`, plurals and British/American spelling, and
looks at ids, acronyms, names, aliases and former names.
"""
from .errors import AmbiguousTerm, UnknownTerm

_SPELLING = {
    "organization": "organisation", "center": "centre", "program": "programme", "behavior": "behaviour",
    "pediatric": "paediatric", "color": "colour", "defense": "defence", "labor": "labour",
    "favor": "favour", "neighborhood": "neighbourhood", "enrollment": "enrolment",
    "anesthesia": "anaesthesia", "fulfill": "fulfil", "judgement": "judgment", "modelling": "modeling",
    "cooperation": "co operation", "coordination": "co ordination", "coordinate": "co ordinate",
}
# Plain string code, not regular expressions, on the paths every run takes: importing `re` (and the
# `enum` it pulls in) costs a few milliseconds of each run. tests/test_fastpath.py checks them
# against the regular expressions they replace.
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_IZE_ENDINGS = ("ations", "ation", "ing", "ers", "es", "ed", "er", "e")  # after "iz"


# bytes.translate table: ASCII lower-case letters and digits stay, every other byte becomes a space
_WORD_BYTES = bytes(code if chr(code) in _LETTERS + "0123456789" else 32 for code in range(256))


def _words(text):
    """The runs of ASCII letters a-z and digits in text (what [a-z0-9]+ finds): every other character
    becomes a space (non-ASCII ones by way of '?'), then the text is split."""
    return text.encode("ascii", "replace").translate(_WORD_BYTES).decode("ascii").split()


def _british_ize(word):
    """-ize, -izes, -ization, ... -> -ise, -ises, -isation after three letters (as `(?<=[a-z]{3})iz(...)$`)."""
    for ending in _IZE_ENDINGS:
        if word.endswith("iz" + ending):
            stem = word[:-len(ending) - 2]
            if len(stem) >= 3 and all(c in _LETTERS for c in stem[-3:]):
                return stem + "is" + ending
            return word
    return word


class _Stems(dict):
    """word -> its matching form, worked out once: compiling the data normalises the same few thousand
    words often, and a hit is a plain dict lookup."""

    def __missing__(self, word):
        done = self[word] = _stem(word)
        return done


_WORDS = _Stems()


def _stem(word):
    word = _SPELLING.get(word, word)
    if "iz" in word:
        word = _british_ize(word)
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word


def normalize(text):
    """A matching key: 'Sustainability & Transformation Plans' -> 'sustainability and transformation plan'."""
    text = str(text).lower().replace("&", " and ").replace("'", "").replace("\u2019", "")
    words = [_WORDS[w] for w in _words(text)]
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


def add_to_index(index, ident, entity, keys):
    """Index one entity under its keys, already normalised in `entity_keys` order (its search row's)."""
    for (how, _text), key in zip(entity_keys(entity), keys):
        if not key:
            continue
        hits = index.get(key)
        if hits is None:  # most keys name one entity: no search among the others
            index[key] = [[ident, how]]
            continue
        mine = next((h for h in hits if h[0] == ident), None)
        if mine is None:
            hits.append([ident, how])
        elif how == "acronym":
            mine[1] = "acronym"  # an acronym shared with others must list every sense


def search_row(kind, ident, record):
    """One row of the search index: [kind, id, title, keys, summary, all the text], normalised, then what a
    hit shows ([date, first sentence, sources]: a search never decodes the large records it lists)."""
    if kind == "entity":
        keys = [normalize(t) for _how, t in entity_keys(record)]
        summary = normalize(record["summary"])
        extra = [normalize(i["text"]) for f in ("responsibilities", "membership", "facts") for i in record.get(f) or []]
        extra += [normalize(v["value"]) for claim in record.get("claims") or [] for v in claim.get("values") or []]
        return ["entity", ident, record["name"], keys, summary, " ".join(keys + [summary] + extra)] + search_hit(record)
    title = normalize(record["title"])
    claims = [normalize(v["value"]) for claim in record.get("claims") or [] for v in claim.get("values") or []]
    return ["event", ident, record["title"], [title], title,
            " ".join([title, normalize(record["description"])] + claims)] + search_hit(record)


def search_hit(record):
    """What a search hit shows of a record: [date, first sentence, sources] (the end of its search row)."""
    return [record.get("date"), first_sentence(record.get("summary") or record["description"]), record["sources"]]


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
    from . import model
    from .clock import today

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
    out = {}
    for k in found:
        for ident, _how in kb.index[k]:
            out.setdefault(exact_term(kb, ident), kb.entities[ident]["name"])
    return [{"type": t, "name": name} for t, name in out.items()][:limit]


_SENTENCE_END_AFTER = frozenset(_LETTERS + "0123456789)]")
_SENTENCE_START = frozenset(_LETTERS.upper() + "(")


def first_sentence(text):
    r"""Up to the first '.', '!' or '?' after a lower-case letter, digit or closing bracket and before a
    space and a capital or '(' (as `(?<=[a-z0-9)\]])[.!?](?=\s+[A-Z(])`); else the whole text."""
    text = " ".join(text.split())
    ends = []
    for mark in ".!?":
        at = text.find(mark + " ", 1)
        while at != -1 and not (text[at - 1] in _SENTENCE_END_AFTER and text[at + 2:at + 3] in _SENTENCE_START):
            at = text.find(mark + " ", at + 1)
        if at != -1:
            ends.append(at)
    return text[: min(ends) + 1] if ends else text
