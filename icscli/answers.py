"""Each question `ics` answers, as a `Doc`: the one code path behind the CLI and the MCP server.

A function here takes the loaded data and the question's arguments as text (dates as the user typed
them) and returns the view's document, so `ics explain icb -f json` and the MCP tool `explain` give
the same JSON. Errors are the core's `IcsError`s with the CLI's words. No click, no rich.
"""
from . import query, resolve, views
from .errors import AmbiguousTerm, BadValue, IcsError, UnknownTerm


def _day(value, option="--as-of"):
    return query.parse_user_date(value, option) if value else None


def explain(kb, term, as_of=None):
    """A body's card; an acronym's senses; or, for a term that names an ICB, a place or a former CCG,
    that system's card."""
    day = _day(as_of)
    try:
        ident = resolve.resolve_entity(kb, term)
    except AmbiguousTerm as exc:
        return views.senses(kb, term, exc.candidates)
    except UnknownTerm:
        found = _system_for_term(kb, term, day)
        if found is None:
            raise
        return found
    return views.explain(kb, query.card(kb, ident, day))


def _system_for_term(kb, text, day):
    from . import views_systems

    try:
        return system(kb, text, day)
    except AmbiguousTerm as exc:
        return views_systems.candidates(kb, text, exc.candidates)
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


def sources(kb):
    cited_by, counts = kb.cited_by(), kb.citing_record_counts()
    rows = [dict(query.strip_private(s), cited=counts.get(i, 0), cited_by=cited_by.get(i, []))
            for i, s in sorted(kb.sources.items())]
    return views.sources(kb, {"sources": rows})


def systems_list(kb, as_of=None, region=None, sort=None):
    from . import systems as core, views_systems

    return views_systems.systems(kb, core.systems(kb, _day(as_of), region),
                                 sort)


def system(kb, text, as_of=None):
    """One ICB's card; raises AmbiguousTerm when the text names several."""
    from . import systems as core, views_systems

    day = _day(as_of)
    found = core.resolve_system(kb, text, day)
    card = core.system_card(kb, found["id"], day, how=found["how"], status=found["status"])
    return views_systems.system_card(kb, card, text)


def ccg(kb, text=None, as_of=None):
    """What became of a former CCG; with no text, every former CCG."""
    from . import systems as core, views_systems

    day = _day(as_of)
    if not text:
        return views_systems.all_ccgs(kb, core.all_ccgs(kb, day))
    try:
        return views_systems.ccg(kb, core.ccg_lookup(kb, text, day))
    except AmbiguousTerm as exc:
        return views_systems.candidates(kb, text, exc.candidates, what="CCG")
