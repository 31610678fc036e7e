"""`ics mcp`: a Model Context Protocol server over stdio, so an AI assistant can ask `ics` and cite it.

Built on the official MCP SDK (`mcp`, the optional `mcp` extra), imported only here. Each tool answers
through the entry of the same command in answers/commands.py, as the CLI does (its parameters by the
CLI's names), and returns the CLI's JSON document for the same
question (`answer`), with the date it describes, the data's as-of date and every source it cites with
its address. A question the CLI would refuse (an unknown term, a bad date) is an MCP tool error with
the CLI's words; nothing a client sends stops the server.
"""
import json
from typing import Any

from ..answers import questions as answers
from ..answers.commands import answer as make_document
from ..base.version import __version__
from ..errors import IcsError
from ..render import jsonout
from ..views.about import checked_on, date_described
from ..views.doc import describe_source

INSTRUCTIONS = (
    "ics is a cited reference for England's NHS integrated care systems (ICSs): what each body is, the "
    "timeline 2012-2026, who took over which duties from CCGs on 1 July 2022, and which integrated care "
    "board (ICB) covers an area or a former CCG code on any date{counts}. Every answer carries its sources with addresses, the date it describes and the "
    "data's as-of date: cite them, and say how current the answer is."
)


def result(document):
    """The structured result of a tool: the CLI's JSON document plus how to cite it and how current it is."""
    document.data_as_of = checked_on(document) or None  # as the CLI sets it, so the JSON is the CLI's
    payload = json.loads(jsonout.render(document, cite=False))
    kb = document.kb
    sources = [{"id": ident, "citation": describe_source(kb, ident), "title": record.get("title"),
                "publisher": record.get("publisher"), "date": record.get("date"),
                "address": record.get("url") or None}
               for ident, record in (payload.get("bibliography") or {}).items()]
    return {"answer": payload, "date_described": date_described(document.payload),
            "data_as_of": document.data_as_of, "sources": sources}


def instructions(kb):
    """What the server tells an assistant, with the ICB counts the data gives (never typed)."""
    from ..base.lifecycle import counts_text
    from ..store.model import counts_of

    icb = kb.entities.get("icb")
    counts = counts_text(counts_of(kb, icb)) if icb else ""
    return INSTRUCTIONS.format(counts=f" ({counts})" if counts else "")


def build(kb):
    """The MCP server with its tools and resources, answering from the loaded data `kb`."""
    from mcp.server.mcpserver import (
        MCPServer,  # the optional SDK: loaded only when a server is built
    )
    from mcp.server.mcpserver.exceptions import ToolError

    server = MCPServer(name="ics", version=__version__, instructions=instructions(kb), log_level="WARNING")

    def respond(make):
        """The result of make(), or the CLI's words for its error as a tool error."""
        try:
            return result(make())
        except IcsError as exc:
            raise ToolError(str(exc)) from None

    def answer(command, **params):
        """A command's answer (its entry in answers/commands.py), with its parameters by their CLI names."""
        return respond(lambda: make_document(command, kb, params))

    @server.tool()
    def explain(term: str, as_of: str | None = None) -> dict[str, Any]:
        """A body or term explained (ICB, ICP, CCG, ICS, STP, place...): kind, legal status over time,
        duties, board, accountability, what it replaced, where sources disagree, with sources. `term`
        may be an acronym, a name, a former name, an ICB or a former CCG code (02Q). `as_of`
        (YYYY, YYYY-MM or YYYY-MM-DD) shows it as it stood on that date."""
        return answer("explain", term=(term,), as_of=as_of)

    @server.tool()
    def search(text: str, limit: int = 25) -> dict[str, Any]:
        """Ranked matches for words across names, aliases, summaries, the timeline, ICBs and former CCGs."""
        return answer("search", text=(text,), limit=limit)

    @server.tool()
    def timeline(from_date: str | None = None, to_date: str | None = None,
                 tags: list[str] | None = None, entity: str | None = None) -> dict[str, Any]:
        """Dated events 2012-2026 (announced, planned and done kept apart), optionally between two dates
        (YYYY, YYYY-MM or YYYY-MM-DD; to_date includes the whole period), with tags (legislation,
        policy, structure, guidance, ...) or about one body (entity, e.g. ccg)."""
        return answer("timeline", date_from=from_date, date_to=to_date, tags=tags or (), entity=entity)

    @server.tool()
    def compare(a: str, b: str, as_of: str | None = None) -> dict[str, Any]:
        """Responsibilities of body A and body B as a diff as of a date: for a successor (ccg -> icb,
        stp -> ics) what was carried over, changed, new, taken on or abolished when B took over (default:
        the day of that transfer), each row's `part` "diff", and later changes apart (`part` "later"); for
        bodies side by side (icb, icp) what each holds (default: today)."""
        return answer("compare", a=a, b=b, as_of=as_of)

    @server.tool()
    def systems(as_of: str | None = None, region: str | None = None) -> dict[str, Any]:
        """The integrated care boards on a date (default today), with ODS and ONS codes and region."""
        return answer("systems", as_of=as_of, region=region)

    @server.tool()
    def system(name: str, as_of: str | None = None) -> dict[str, Any]:
        """One ICB on a date (default today): names and codes over time, region, places, sub-ICB
        locations and former CCGs, mergers. `name` may be an ODS code (QNQ), an ONS code (E54000034), a
        name or a unique part of one, a former CCG or a local authority."""
        return answer("system", name=(name,), as_of=as_of)

    @server.tool()
    def ccg(name: str | None = None, as_of: str | None = None) -> dict[str, Any]:
        """What became of a former CCG: its sub-ICB location and ICB on 1 July 2022 and the ICB that
        covers it on `as_of` (default today), and since when. `name` may be its ODS code (02Q), ONS
        code (E38000008) or name; without it, every former CCG."""
        return answer("ccg", name=(name,) if name else (), show_all=not name, as_of=as_of)

    @server.tool(name="map")
    def map_codes(codes: list[str], as_of: str | None = None) -> dict[str, Any]:
        """Codes of any vintage mapped to a date (default today): CCG codes of 2013-2022, sub-ICB location,
        ICB or STP codes, ODS (02Q, QT1) or ONS (E38000008), one row per code (per part when an area
        was split, with its share), saying whether each is unchanged, renamed, merged, split or ended."""
        return respond(lambda: answers.map_codes(kb, codes, as_of))  # `ics ccg CODE CODE ...`

    @server.tool()
    def check(statement: str | None = None, subject: str | None = None, property: str | None = None,
              value: str | None = None, as_of: str | None = None) -> dict[str, Any]:
        """Check a claim against the data on a date (default today) before repeating it: "There are 42
        ICBs", "CCGs are abolished", "02Q is in QT1"; or subject, property (count, state, icb) and value.
        The verdict is true (with `until` when it stops), false (with `held`: when it was true), not yet
        true, or not recorded; with the fact as it stands on the date, the evidence (sources, locators,
        quoted sentences) and the next known dated change."""
        return answer("check", statement=(statement,) if statement else (), subject=subject, prop=property,
                      value=value, as_of=as_of)

    @server.tool()
    def changes(from_date: str | None = None, to_date: str | None = None) -> dict[str, Any]:
        """What changed between two dates (default 1 July 2022 to today): CCG mergers, bodies created,
        renamed and abolished, responsibilities moved, ICBs merged, split or re-coded, with counts."""
        return answer("changes", start=from_date, end=to_date)

    @server.resource("ics://glossary", name="glossary", mime_type="application/json",
                     description="Every term A to Z with its summary and sources (ics glossary -f json).")
    def glossary() -> str:
        return json.dumps(result(make_document("glossary", kb, {})), ensure_ascii=False)

    @server.resource("ics://sources", name="bibliography", mime_type="application/json",
                     description="Every source with its address and what cites it (ics sources -f json).")
    def bibliography() -> str:
        return json.dumps(result(make_document("sources", kb, {})), ensure_ascii=False)

    return server


def serve(kb):
    """Run the server on standard input and output until the client closes it (server/stdio.py: every
    request answered, even one the SDK cannot read; a failed output is one OSError)."""
    from . import stdio

    stdio.serve_stdio(build(kb))
