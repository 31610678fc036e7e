"""What an answer is about: the date it describes, how current the data is, and its sources.

Shared by the Excel "About" sheet and the MCP server, so both say the same thing as the JSON document.
Nothing here imports click or rich.
"""
from ..base import freshness
from ..base.version import __version__
from ..dates import today
from ..store.model import iter_citations
from ..systems import version_on, version_record
from .doc import describe_source


def date_described(payload):
    """The date (or period) an answer describes: its as-of date (a checked claim's `on`), a range of
    dates, otherwise today."""
    payload = payload if isinstance(payload, dict) else {}
    if payload.get("as_of") or payload.get("on"):
        return payload.get("as_of") or payload["on"]
    if "from" in payload and "to" in payload:  # a timeline or the changes between two dates
        return f"{payload['from'] or 'the start'} to {payload['to'] or today()}"
    return today()


def checked_on(document):
    """The document's data_as_of: when its data's sources were last checked (YYYY-MM-DD), or "" when the
    data does not say. The CLI sets it on every document; otherwise (the MCP server) it is read from the
    document's data by freshness.data_as_of, the one reading of data/meta.yaml."""
    value = getattr(document, "data_as_of", None)
    if not value and document.kb is not None:
        value = freshness.data_as_of(document.kb)
    return value or ""


def cited_sources(document):
    """Every source id the document cites, in order of first citation."""
    return list(dict.fromkeys(iter_citations(document.payload)))


def about_rows(document, command):
    """[(label, value)] for an "About" sheet: command, title, dates, version and each source."""
    rows = [("Command", command), ("Title", document.title), ("Date described", date_described(document.payload))]
    if checked_on(document):
        rows.append(("Data as of", checked_on(document)))
    rows += [("ics version", __version__), ("Written on", today())]
    kb = document.kb
    for source in cited_sources(document):
        rows.append(("Source", describe_source(kb, source) if kb else source))
    return rows


def map_about_rows(kb, command, summary, day):
    """About rows for `ics map`: the command, the date mapped to, the result, and the sources of the
    structure on that date (the ICB data version in force, or the CCG records before July 2022)."""
    rows = [("Command", command), ("Date described", summary["to"])]
    if summary.get("from"):
        rows.append(("Codes read as of", summary["from"]))
    checked = freshness.data_as_of(kb)
    if checked:
        rows.append(("Data as of", checked))
    counts = ", ".join(f"{n} {change}" for change, n in summary["changes"].items() if n)
    rows += [("Rows", f"{summary['rows']} read, {summary['rows_written']} written ({counts or 'no rows'})"),
             ("Written on", today())]
    rows += [("Note", note) for note in summary.get("notes", ())]
    version = version_on(kb, day)
    records = [version_record(kb, version)] if version else list(kb.ccgs.values())
    for source in dict.fromkeys(iter_citations(records)):
        rows.append(("Source", describe_source(kb, source)))
    return rows
