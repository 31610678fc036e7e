"""Each common question `ics` answers, as a `Doc`: one code path for the click commands in cli.py and
the click-free fast path (fastpath.py), so both print the same bytes.

A function here takes the loaded data and the command's arguments and returns the view's document.
What a user should read on stderr (a typo read as a name) is appended to `notes`; errors are the core's
`IcsError`s. No click, no rich.
"""
from . import query, resolve, views
from .errors import AmbiguousTerm, IcsError, UnknownTerm


def _day(value, option="--as-of"):
    return query.parse_user_date(value, option) if value else None


def explain(kb, text, as_of=None, wanted=(), notes=None):
    """A body's card (only the `wanted` sections if given); an acronym's senses; or, for a term that
    names an ICB, a place or a former CCG, that system's card; else a one-typo name (noted)."""
    day = _day(as_of)
    try:
        match = resolve.resolve_term(kb, text, typos=False)
    except AmbiguousTerm as exc:
        return views.senses(kb, text, exc.candidates)
    except UnknownTerm:
        found = _system_for_term(kb, text, day)
        if found is not None:
            return found
        match = resolve.resolve_term(kb, text)  # a one-typo name, or the error with suggestions
    _note(notes, match)
    card = views.explain(kb, query.card(kb, match["id"], day, match))
    return card.only(list(wanted)) if wanted else card


def _system_for_term(kb, text, day):
    """`ics explain frimley`: the system's card when a term names no body but an ICB (or a place or
    former CCG in one), as `ics system` shows it; None when it names none."""
    from . import systems, views_systems

    try:
        found = systems.resolve_system(kb, text, day)
    except AmbiguousTerm as exc:
        return views_systems.candidates(kb, text, exc.candidates)
    except IcsError:
        return None
    card = systems.system_card(kb, found["id"], day, how=found["how"], status=found["status"])
    return views_systems.system_card(kb, card, text)


def _note(notes, data):
    if data.get("assumed") and notes is not None:
        notes.append(data["assumed"])


def timeline(kb, date_from=None, date_to=None, tags=(), entity=None, notes=None):
    data = query.timeline(kb, date_from, date_to, tags, entity)
    _note(notes, data)
    return views.timeline(kb, data)


def compare(kb, a, b, notes=None):
    data = query.compare(kb, a, b)
    for assumed in data["assumed"]:
        _note(notes, {"assumed": assumed})
    return views.compare(kb, data)


def tree(kb, as_of=None):
    return views.tree(kb, query.tree(kb, _day(as_of)))


def glossary(kb):
    return views.glossary(kb, query.glossary(kb))


def search(kb, text, limit=25):
    return views.search(kb, query.search(kb, text, limit))


def systems_list(kb, as_of=None, region=None, sort=None):
    from . import systems as core, views_systems

    return views_systems.systems(kb, core.systems(kb, _day(as_of), region), sort.lower() if sort else None)


def date_the_data(document, fmt, kb=None):
    """Every document carries data_as_of; rich and plain output end with a line when the data is stale."""
    from . import doc, freshness
    from .clock import today

    kb = document.kb or kb
    if kb is None:
        from .store import load

        try:
            kb = load()
        except IcsError:
            return
    document.data_as_of = freshness.data_as_of(kb)
    line = freshness.stale_line(kb, today()) if fmt in ("rich", "plain") else None
    if line:
        document.blocks.append(doc.Note(line, key="data"))
