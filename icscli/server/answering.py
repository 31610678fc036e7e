"""From a document to the structured result of a tool, and from an error to a typed refusal.

`envelope` builds the result straight from the document's payload (no JSON is rendered and parsed back):
the brief answer (server/brief.py) or the CLI's JSON document as data (`detail="full"`), one page of its
long list, the sources it cites, the date it describes, the data's as-of date and the next known change
after that date (queries/horizon.py). `refusal` turns an `IcsError` into {error, message, hint, ...}.
"""
from .. import dates
from ..errors import (
    AmbiguousTerm,
    BadValue,
    DateBeforeCoverage,
    IcsError,
    OutsideCoverage,
    UnknownTerm,
)
from ..queries.horizon import next_change
from ..render import jsonout
from ..views.about import checked_on, date_described
from ..views.doc import source_entry
from .brief import brief
from .brief_places import PLACES, brief_place

PAGE = 10  # items in a page of a long list, unless the call asks for another number
CODE_TOOLS = ("system", "systems", "ccg", "map", *PLACES)  # answers about ICBs, CCG codes and places in them


def page_of(items, cursor, limit, total=None):
    """(the items on the page, the page's description): `cursor` is where the page starts."""
    offset = _offset(cursor)
    if not isinstance(limit, int) or not 1 <= limit <= 1000:
        raise BadValue(f"limit: give a number from 1 to 1000, not {limit!r}")
    total = len(items) if total is None else total
    if offset > total:
        raise BadValue(f"cursor: '{cursor}' is past the end ({total} items)")
    end = offset + limit
    return items[offset:end], {"offset": offset, "limit": limit, "total": total,
                               "next_cursor": str(end) if end < total else None}


def upto(cursor, limit):
    """Where the page that starts at `cursor` ends (how many results to rank)."""
    if not isinstance(limit, int) or not 1 <= limit <= 1000:
        raise BadValue(f"limit: give a number from 1 to 1000, not {limit!r}")
    return _offset(cursor) + limit


def _offset(cursor):
    if cursor in (None, ""):
        return 0
    text = str(cursor)
    if not (text.isascii() and text.isdigit()):
        raise BadValue(f"cursor: '{cursor}' is not a cursor this server gave; leave it out for the first page")
    return int(text)


def _source_ids(value, found):
    """Every source id a brief answer cites: its `sources` lists and its evidence's `source`."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "sources" and isinstance(inner, list):
                found.update(dict.fromkeys(s if isinstance(s, str) else s.get("source") for s in inner))
            elif key == "source" and isinstance(inner, str):
                found[inner] = None
            else:
                _source_ids(inner, found)
    elif isinstance(value, list):
        for inner in value:
            _source_ids(inner, found)
    return found


def sources(kb, idents):
    out = []
    for ident in idents:
        if ident and ident in kb.sources:
            citation = source_entry(kb, ident, with_id=False)[0]  # its id is a field of its own
            out.append({"id": ident, "citation": citation, "address": kb.sources[ident].get("url")})
    return out


def _day(payload):
    """The date the answer describes, as one day: its as-of date, the end of its period, or today."""
    for key in ("on", "as_of", "to"):
        if isinstance(payload, dict) and payload.get(key):
            return dates.end(payload[key]) if key == "to" else dates.start(payload[key])
    return dates.today()


def _entities(kb, tool, payload):
    """The entities whose changes affect the answer."""
    if tool == "explain":
        return [payload.get("id")]
    if tool == "compare":
        return [payload.get("a"), payload.get("b")]
    if tool in CODE_TOOLS:
        return ["icb"]
    if tool == "timeline" and payload.get("entity"):
        return [payload["entity"]]
    if tool in ("timeline", "changes"):
        return list(kb.entities)
    if tool == "search":
        return [r["id"] for r in payload.get("results") or () if r.get("id") in kb.entities]
    return []


def horizon(kb, tool, payload):
    """The next known change after the date the answer describes."""
    if tool == "check":
        return payload.get("next_change")
    return next_change(kb, _day(payload), _entities(kb, tool, payload), versions=tool in CODE_TOOLS + ("changes",))


def envelope(kb, tool, document, detail="brief", cursor=None, limit=PAGE, full_document=None):
    """The structured result of a tool (shapes.Answer) for a document; AmbiguousTerm for a list of senses."""
    payload = document.payload
    if isinstance(payload, dict) and payload.get("ambiguous"):  # the CLI lists the senses; a tool refuses
        raise AmbiguousTerm(payload["term"], payload.get("senses") or payload.get("candidates") or [])
    document.data_as_of = checked_on(document) or None
    page = None
    if detail == "full":
        answer = jsonout.body(document)
        cited = list(dict.fromkeys([*(answer.get("bibliography") or {}), *_source_ids(payload, {})]))
    elif detail == "brief":
        answer, key = brief_place(tool, document) if tool in PLACES else brief(tool, payload)
        if key:
            answer[key], page = page_of(answer[key], cursor, limit, answer.get("total") if tool == "search" else None)
        cited = list(_source_ids(answer, {}))
    else:
        raise BadValue(f"detail: '{detail}' is not one of: brief, full")
    return {"tool": tool, "what": document.title, "date_described": date_described(payload),
            "data_as_of": document.data_as_of, "next_change": horizon(kb, tool, payload), "detail": detail,
            "answer": answer, "page": page, "sources": sources(kb, cited), "full_document": full_document}


CODE_WHATS = ("system", "CCG", "code", "practice code", "PCN code", "LSOA code", "trust code")
PLACE_WHATS = ("practice", "PCN", "trust")  # a place asked for by a name


def refusal(exc):
    """A typed refusal (shapes.Refusal) for an error the data gives on a question."""
    from ..systems.postcodes import (  # what to download: the words `ics postcode` says
        DOWNLOAD,
        NoDirectory,
    )

    out = {"message": str(exc)}
    if isinstance(exc, AmbiguousTerm):
        senses = [{"term": c["type"], "name": c["name"]} for c in exc.candidates]
        return dict(out, error="ambiguous_term", senses=senses, hint="ask again with one of the senses' terms")
    if isinstance(exc, UnknownTerm):
        nearest = [{"term": s["type"], "name": s["name"]} if isinstance(s, dict) else {"term": str(s)}
                   for s in exc.suggestions]
        code = "unknown_code" if exc.what in CODE_WHATS else "unknown_term"
        hint = ("ask again with one of the nearest" if nearest else
                "give its ODS code, or more of its name" if exc.what in PLACE_WHATS else
                "search for words of its name (the search tool)")
        return dict(out, error=code, nearest=nearest, hint=hint)
    if isinstance(exc, DateBeforeCoverage):
        return dict(out, error="date_before_coverage", earliest=exc.earliest,
                    hint=f"ask for a date on or after {exc.earliest}")
    if isinstance(exc, OutsideCoverage):
        return dict(out, error="outside_coverage", hint="the data covers England only: ask about an English code")
    if isinstance(exc, NoDirectory):
        return dict(out, error="not_imported", hint=f"the user imports a postcode directory once: {DOWNLOAD}")
    if isinstance(exc, IcsError):
        return dict(out, error="bad_value", hint="correct the value the message names and ask again")
    raise exc
