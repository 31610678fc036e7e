"""Matching keys for what people type: case, punctuation, hyphens, `&`/`and`, plurals and British or
American spelling do not matter. Used when a layer is compiled (the term index, the search rows) and by
the resolver that reads them.
"""
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


def record_texts(kind, record, topics=False):
    """The texts of a record that a search reads, in order: an entity's summary, responsibilities,
    membership, facts and the values of its claims; an event's description and its claims' values.
    topics: each claim's value after its topic ('Population an ICS covers: 1 to 3 million'), for a reader."""
    claims = [(f"{claim['topic']}: " if topics and claim.get("topic") else "") + v["value"]
              for claim in record.get("claims") or [] for v in claim.get("values") or []]
    if kind == "entity":
        return [record["summary"]] + [i["text"] for f in ("responsibilities", "membership", "facts")
                                      for i in record.get(f) or []] + claims
    return [record["description"]] + claims


def search_row(kind, ident, record):
    """One row of the search index: [kind, id, title, keys, summary, all the text], normalised, then what a
    hit shows ([date, first sentence, sources]: a search never decodes the large records it lists)."""
    texts = [normalize(t) for t in record_texts(kind, record)]
    if kind == "entity":
        keys = [normalize(t) for _how, t in entity_keys(record)]
        return ["entity", ident, record["name"], keys, texts[0], " ".join(keys + texts)] + search_hit(record)
    title = normalize(record["title"])
    return ["event", ident, record["title"], [title], title, " ".join([title] + texts)] + search_hit(record)


def in_context(kind, record, phrases, terms):
    """The sentence of a record that says what was searched for: the first holding the words as a phrase,
    else the first holding most of them; None when none holds any."""
    best, most = None, 0
    for text in record_texts(kind, record, topics=True):
        rest = " ".join(text.split())
        while rest:
            sentence = first_sentence(rest)
            rest = rest[len(sentence):].strip()
            said = f" {normalize(sentence)} "
            found = len(terms) + 1 if any(f" {p} " in said for p in phrases) else \
                sum(1 for t in terms if has_word(said.strip(), t))
            if found > most:
                best, most = sentence, found
    return best


def search_hit(record):
    """What a search hit shows of a record: [date, first sentence, sources] (the end of its search row)."""
    return [record.get("date"), first_sentence(record.get("summary") or record["description"]), record["sources"]]


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


def key_match(query, words, keys):
    """How well a query matches a record's names: 0 exactly, 1 as a prefix, 2 word by word, else None."""
    if query in keys:
        return 0
    if any(k.startswith(query) for k in keys):
        return 1
    if any(all(has_word(k, w) for w in words) for k in keys):
        return 2
    return None


def has_word(body, word):
    """A query word matches a whole word or the start of one ('commission' finds 'commissioning');
    a number only matches the same number ('3' does not find '30'). Bodies are normalised: one space
    between words."""
    if word not in body:  # the common case, answered by one substring search
        return False
    if word.isdigit():
        return f" {word} " in f" {body} "
    return body.startswith(word) or f" {word}" in body
