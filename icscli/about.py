"""What an answer is about: the date it describes, how current the data is, and its sources.

Shared by the Excel "About" sheet and the MCP server, so both say the same thing as the JSON document.
Nothing here imports click or rich.
"""
from .clock import today
from .model import iter_citations


def date_described(payload):
    """The date (or period) an answer describes: its as-of date, a timeline's range, otherwise today."""
    payload = payload if isinstance(payload, dict) else {}
    if payload.get("as_of"):
        return payload["as_of"]
    if "from" in payload and "to" in payload and "events" in payload:
        return f"{payload['from'] or 'the start'} to {payload['to'] or today()}"
    return today()


def data_as_of(payload):
    """The date the data itself is current to, when the document records it."""
    payload = payload if isinstance(payload, dict) else {}
    return payload.get("data_as_of") or ""


def cited_sources(document):
    """Every source id the document cites, in order of first citation."""
    return list(dict.fromkeys(iter_citations(document.payload)))


def about_rows(document, command):
    """[(label, value)] for an "About" sheet: command, title, dates, version and each source."""
    from . import __version__
    from .doc import describe_source

    rows = [("Command", command), ("Title", document.title), ("Date described", date_described(document.payload))]
    if data_as_of(document.payload):
        rows.append(("Data as of", data_as_of(document.payload)))
    rows += [("ics version", __version__), ("Written on", today())]
    kb = document.kb
    for source in cited_sources(document):
        rows.append(("Source", describe_source(kb, source) if kb else source))
    return rows
