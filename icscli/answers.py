"""Each question `ics` answers, as a `Doc`: the one code path behind the CLI and the MCP server.

A function here takes the loaded data and the question's arguments as text (dates as the user typed
them) and returns the view's document, so `ics explain icb -f json` and the MCP tool `explain` give
the same JSON. Errors are the core's `IcsError`s with the CLI's words. No click, no rich.
"""
from . import query, resolve, views
from .errors import AmbiguousTerm, BadValue, IcsError, UnknownTerm


def _day(value, option="--as-of"):
    return query.parse_user_date(value, option) if value else None


def explain(kb, term, as_of=None, sections=(), note=None):
    """A body's card (only the named `sections`, when given); an acronym's senses; or, for a term that
    names an ICB, a place or a former CCG, that system's card. A name read with one typo is passed to
    `note(match)` (the CLI says so on stderr)."""
    day = _day(as_of)
    try:
        match = resolve.resolve_term(kb, term, typos=False)
    except AmbiguousTerm as exc:
        return views.senses(kb, term, exc.candidates)
    except UnknownTerm:
        found = _system_for_term(kb, term, day)
        if found is not None:
            return found
        match = resolve.resolve_term(kb, term)  # a one-typo name, or the error with suggestions
    if note is not None and match.get("assumed"):
        note(match)
    card = views.explain(kb, query.card(kb, match["id"], day, match))
    return card.only(list(sections)) if sections else card


def _system_for_term(kb, text, day):
    try:
        return system(kb, text, day)
    except IcsError:
        return None


def timeline(kb, date_from=None, date_to=None, tags=(), entity=None):
    from .schema import TAGS

    for tag in tags or ():
        if tag not in TAGS:
            raise BadValue(f"--tag: '{tag}' is not one of: {', '.join(TAGS)}")
    return views.timeline(kb, query.timeline(kb, date_from, date_to, tuple(tags or ()), entity))


def compare(kb, a, b):
    return views.compare(kb, query.compare(kb, a, b))


def search(kb, text, limit=25):
    if not 1 <= int(limit) <= 10_000:
        raise BadValue("--limit: give a number from 1 to 10000")
    return views.search(kb, query.search(kb, text, int(limit)))


def glossary(kb):
    return views.glossary(kb, query.glossary(kb))


def sources(kb, source_id=None):
    """The bibliography with what cites each source; with an id, that one source."""
    if source_id is not None and source_id not in kb.sources:
        from difflib import get_close_matches

        raise UnknownTerm(source_id, get_close_matches(source_id, list(kb.sources), n=3), what="source")
    cited_by, counts = kb.cited_by(), kb.citing_record_counts()
    rows = [dict(query.strip_private(s), cited=counts.get(i, 0), cited_by=cited_by.get(i, []))
            for i, s in sorted(kb.sources.items()) if source_id in (None, i)]
    if source_id is not None:
        return views.source(kb, rows[0])
    return views.sources(kb, {"sources": rows})


def systems_list(kb, as_of=None, region=None, sort=None):
    from . import systems as core, views_systems

    return views_systems.systems(kb, core.systems(kb, _day(as_of), region),
                                 sort)


def system(kb, text, as_of=None):
    """One ICB's card, or the candidates when the text names several."""
    from . import systems as core, views_systems

    day = _day(as_of)
    try:
        found = core.resolve_system(kb, text, day)
    except AmbiguousTerm as exc:
        return views_systems.candidates(kb, text, exc.candidates)
    card = core.system_card(kb, found["id"], day, how=found["how"], status=found["status"])
    return views_systems.system_card(kb, card, text)


def ccg(kb, text=None, as_of=None):
    """What became of a former CCG (one of April 2021, or an older one of 2013-2021), the candidates
    when the text names several; with no text, every former CCG of 1 July 2022."""
    from . import systems as core, views_ccg_history, views_systems

    day = _day(as_of)
    if not text:
        return views_systems.all_ccgs(kb, core.all_ccgs(kb, day))
    try:
        return views_systems.ccg(kb, core.ccg_lookup(kb, text, day))
    except AmbiguousTerm as exc:
        return views_systems.candidates(kb, text, exc.candidates, what="CCG")
    except UnknownTerm:
        old = core.historic_ccg(kb, text)
        if old is None:
            raise
        return views_ccg_history.historic(kb, core.historic_card(kb, old, day))


def map_codes(kb, codes, as_of=None):
    """Codes of any vintage (CCG, sub-ICB location, ICB, STP; 2013-2026) mapped to a date: the table
    `ics ccg CODE CODE ...` gives (one row per code, per part when split)."""
    from . import systems as core, views_ccg_history

    codes = [str(c).strip() for c in codes or [] if str(c).strip()]
    if not codes:
        raise BadValue("give one or more codes")
    return views_ccg_history.table(kb, core.ccg_table(kb, codes, _day(as_of)))


def changes(kb, date_from=None, date_to=None):
    """What changed between two dates (default: 1 July 2022 to today), as `ics changes` shows it."""
    from . import dates, views_changes
    from .clock import today
    from .systems.changes import changes as find_changes

    first = dates.start(_day(date_from, "--from")) if date_from else "2022-07-01"
    last = dates.end(_day(date_to, "--to")) if date_to else today()
    if first > last:
        raise BadValue(f"--from {dates.human(first)} is after --to {dates.human(last)}; swap them")
    return views_changes.changes(kb, find_changes(kb, first, last))
