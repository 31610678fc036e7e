"""Each question `ics` answers, as a `Doc`: one code path for the click commands (cli/), the click-free
fast path (cli/fast.py) and the MCP server (server/mcp.py), which reach it through the table of
answers/commands.py, so all give the same answer.

A function here takes the loaded data and the command's arguments and returns the view's document.
What a user should read on stderr (a typo read as a name) is appended to `notes`; errors are the core's
`IcsError`s. No click, no rich.
"""
from .. import dates
from ..base import freshness
from ..base.schema import TAGS
from ..dates import today
from ..errors import AmbiguousTerm, BadValue, IcsError, UnknownTerm

# Each function imports the modules it needs: `ics systems` and `ics ccg` load neither the entity
# queries nor their views (every module costs a plain run start-up time).


def _day(value, option="--as-of"):
    if not value:
        return None
    from ..queries import reference as query

    return query.parse_user_date(value, option)


def explain(kb, text, as_of=None, wanted=(), notes=None):
    """A body's card (only the `wanted` sections if given); an acronym's senses; or, for a term that
    names an ICB, a place or a former CCG, that system's card; else a one-typo name (noted)."""
    from ..queries import reference as query
    from ..queries import resolve
    from ..views import reference as views

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
    former CCG in one), as `ics system` shows it; None when it names none. Before the ICBs began, a
    CCG code is answered by its own card (`ics ccg`), as `ics map` answers it."""
    from ..systems.base import first_day
    from ..systems.codes import is_code_like

    try:
        if day and is_code_like(text) and first_day(kb) and day < first_day(kb):
            try:
                return ccg(kb, text, day)
            except IcsError:
                pass
        return system(kb, text, day)
    except IcsError:
        return None


def _note(notes, data):
    if data.get("assumed") and notes is not None:
        notes.append(data["assumed"])


def timeline(kb, date_from=None, date_to=None, tags=(), entity=None, notes=None):
    from ..queries import reference as query
    from ..views import reference as views

    for tag in tags or ():  # click checks these for the CLI (cli/types.py); the MCP server's callers are checked here
        if tag not in TAGS:
            raise BadValue(f"--tag: '{tag}' is not one of: {', '.join(TAGS)}")
    data = query.timeline(kb, date_from, date_to, tuple(tags or ()), entity)
    _note(notes, data)
    return views.timeline(kb, data)


def compare(kb, a, b, notes=None, as_of=None):
    from ..queries import reference as query
    from ..views import reference as views

    data = query.compare(kb, a, b, as_of)
    for assumed in data["assumed"]:
        _note(notes, {"assumed": assumed})
    return views.compare(kb, data)


def tree(kb, as_of=None):
    from ..queries import reference as query
    from ..views import reference as views

    return views.tree(kb, query.tree(kb, _day(as_of)))


def glossary(kb):
    from ..queries import reference as query
    from ..views import reference as views

    return views.glossary(kb, query.glossary(kb))


def search(kb, text, limit=25):
    from ..queries import reference as query
    from ..views import reference as views

    if not 1 <= int(limit) <= 10_000:  # as click's IntRange says it for the CLI
        raise BadValue("--limit: give a number from 1 to 10000")
    return views.search(kb, query.search(kb, text, int(limit)))


def systems_list(kb, as_of=None, region=None, sort=None):
    from .. import systems as core
    from ..views import systems as views_systems

    return views_systems.systems(kb, core.systems(kb, _day(as_of), region), sort.lower() if sort else None)


def date_the_data(document, fmt, kb=None):
    """Every document carries data_as_of; rich and plain output end with a line when the data is stale."""
    from ..views import doc

    kb = document.kb or kb
    if kb is None:
        from ..store import (
            load,  # only a document made without data (none today) loads it here
        )

        try:
            kb = load()
        except IcsError:
            return
    document.data_as_of = freshness.data_as_of(kb)
    line = freshness.stale_line(kb, today()) if fmt in ("rich", "plain") else None
    if line:
        document.blocks.append(doc.Note(line, key="data"))


def sources(kb, source_id=None):
    """The bibliography with what cites each source; with an id, that one source."""
    from ..base.records import public
    from ..views import reference as views

    if source_id is not None and source_id not in kb.sources:
        from ..base.suggest import (
            suggest,  # start-up speed: difflib only for an unknown id
        )

        raise UnknownTerm(source_id, suggest(source_id, kb.sources, limit=3), what="source")
    cited_by, counts = kb.cited_by(), kb.citing_record_counts()
    rows = [dict(public(s), cited=counts.get(i, 0), cited_by=cited_by.get(i, []))
            for i, s in sorted(kb.sources.items()) if source_id in (None, i)]
    if source_id is not None:
        return views.source(kb, rows[0])
    return views.sources(kb, {"sources": rows})


def system(kb, text, as_of=None):
    """One ICB's card, or the candidates when the text names several."""
    from .. import systems as core
    from ..views import systems as views_systems

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
    from .. import systems as core
    from ..views import systems as views_systems

    day = _day(as_of)
    if not text and day and core.version_on(kb, dates.start(day)) is None and core.index(kb).versions:  # before ICBs
        from ..views import ccg_history as views_ccg_history

        return views_ccg_history.ccgs_on(kb, core.ccgs_on(kb, day))
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
        from ..views import ccg_history as views_ccg_history

        return views_ccg_history.historic(kb, core.historic_card(kb, old, day))


def ccg_names(kb, names, show_all=False, as_of=None):
    """`ics ccg NAME...` as given (standard input and usage errors are the CLI's): several codes give the
    table `map_codes` gives, any other text one CCG (`ccg`), --all every former CCG."""
    from ..systems.codes import is_code_like

    names = list(names)
    if len(names) > 1 and all(is_code_like(c) for c in names):
        return map_codes(kb, names, as_of)
    return ccg(kb, None if show_all else " ".join(names), as_of)


def map_codes(kb, codes, as_of=None):
    """Codes of any vintage (CCG, sub-ICB location, ICB, STP; 2013-2026) mapped to a date: the table
    `ics ccg CODE CODE ...` gives (one row per code, per part when split)."""
    from .. import systems as core
    from ..views import ccg_history as views_ccg_history

    codes = [str(c).strip() for c in codes or [] if str(c).strip()]
    if not codes:
        raise BadValue("give one or more codes")
    return views_ccg_history.table(kb, core.ccg_table(kb, codes, _day(as_of)))


def check(kb, statement=None, subject=None, prop=None, value=None, on=None):
    """The verdict on a claim on a date (default today), as `ics check` shows it."""
    from ..queries.check import check as find
    from ..views import check as views_check

    return views_check.check(kb, find(kb, statement, subject, prop, value, _day(on) if on else None))


def postcode(kb, codes, as_of=None):
    """Postcodes' areas from the imported directory, and their sub-ICB location and ICB (or CCG) on a
    date (default today), as `ics postcode` shows them."""
    from ..systems import postcode_text
    from ..systems import postcodes as core
    from ..views import postcodes as views_postcodes

    codes = postcode_text.join_parts([str(c).strip() for c in codes or [] if str(c).strip()])
    if not codes:
        raise BadValue("give one or more postcodes")
    data = core.look_up(kb, codes, dates.start(_day(as_of)) if as_of else today())
    if len(codes) == 1 and data["postcodes"][0]["status"] in ("not a postcode", "not found"):
        found = data["postcodes"][0]
        if found["status"] == "not a postcode":
            raise BadValue(f"'{codes[0]}' is not shaped like a postcode (e.g. SW1A 1AA)")
        raise BadValue(f"postcode {found['postcode']} is not in the imported {data['directory']['label']}")
    return views_postcodes.postcodes(kb, data)


def changes(kb, date_from=None, date_to=None):
    """What changed between two dates (default: 1 July 2022 to today), as `ics changes` shows it."""
    from ..systems.dated_changes import changes as find_changes
    from ..views import changes as views_changes

    first = dates.start(_day(date_from, "--from")) if date_from else "2022-07-01"
    last = dates.end(_day(date_to, "--to")) if date_to else today()
    if first > last:
        raise BadValue(f"--from {dates.human(first)} is after --to {dates.human(last)}; swap them")
    return views_changes.changes(kb, find_changes(kb, first, last))


# --------------------------------------------------------------------------- places: practices, PCNs, LSOAs, trusts


def _places(kb, find, view, text, what, command):
    """A places answer; a name that names several gives the candidates, each with its command."""
    from ..views import places as views_places

    try:
        data = find()
    except AmbiguousTerm as exc:
        return views_places.candidates(kb, text, exc.candidates, what, command)
    return view(kb, data)


def practice(kb, text, as_of=None):
    """A GP practice on a date: its PCN, sub-ICB location, ICB and region, and what changed 2022-2026."""
    from ..places import practices as query
    from ..views import practices as views

    return _places(kb, lambda: query.practice(kb, text, _day(as_of)), views.practice, text, "practice",
                   "ics practice")


def pcn(kb, text):
    """A primary care network: its practices, sub-ICB locations and ICBs with shares by registered patients."""
    from ..places import practices as query
    from ..views import practices as views

    return _places(kb, lambda: query.pcn(kb, text), views.pcn, text, "PCN", "ics pcn")


def lsoa(kb, text, as_of=None):
    """A 2011 or 2021 LSOA's CCG, sub-ICB location and ICB on a date and in every lookup file."""
    from ..places import lsoa as query
    from ..views import places as views

    return views.lsoa(kb, query.lsoa(kb, text, _day(as_of)))


def trust(kb, text, as_of=None):
    """An NHS trust: its host ICB on a date, its successions and (third-party) catchment shares."""
    from ..places import trusts as query
    from ..views import places as views

    return _places(kb, lambda: query.trust(kb, text, _day(as_of)), views.trust, text, "trust", "ics trust")
