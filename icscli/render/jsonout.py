"""JSON: one stable document per command (see README, "JSON output")."""
import json

from ..base.records import public
from ..base.version import __version__
from ..store.model import iter_citations


def render(document, cite):
    return json.dumps(body(document, cite), indent=2, ensure_ascii=False) + "\n"


def body(document, cite=False):
    """The JSON document as Python data (what `render` writes; the MCP server hands it on as it is)."""
    payload = document.payload
    out = {"ics": __version__, "data_as_of": getattr(document, "data_as_of", None), "title": document.title}
    out.update(payload if isinstance(payload, dict) else {"data": payload})
    kb = document.kb
    if kb is not None:
        cited = []
        for source in iter_citations(payload):
            if source not in cited:
                cited.append(source)
        out["bibliography"] = {s: public(kb.sources[s]) for s in cited if s in kb.sources}
    if cite:
        out["references"] = [{"n": n, "source": s, "at": at} for n, s, at in document.references]
    return out


