"""`ics mcp`: a Model Context Protocol server over stdio, so an AI assistant can ask `ics` and cite it.

Built on the official MCP SDK (`mcp`, the optional `mcp` extra), imported only by the server. Each tool
answers through the entry of the same command in answers/commands.py, as the CLI does (its parameters by
the CLI's names). An answer is brief by default (server/brief.py: a few kB, claims with source ids) and
typed (server/shapes.py: every tool's outputSchema); `detail="full"` gives the CLI's JSON document for
the same question; long lists come a page at a time (`cursor`, `limit`, the answer's `next_cursor`).
Every answer carries the date it describes, the data's as-of date, the next known change after it and
the sources it cites (server/answering.py). A question the data cannot answer as asked is a typed
refusal with a hint; nothing a client sends stops the server. Resources, resource templates, prompts
and completions are in server/reference.py.
"""
import json
from typing import Annotated, Literal

from ..answers import questions as answers
from ..answers.commands import answer as make_document
from ..base.version import __version__
from ..errors import IcsError
from .answering import PAGE, envelope, refusal, upto

INSTRUCTIONS = (
    "ics is a cited, offline reference for England's NHS integrated care systems (ICSs): what each body is, the "
    "timeline 2012-2026, who took over which duties from CCGs on 1 July 2022, and which integrated care "
    "board (ICB) covers an area or a former CCG code on any date{counts}; and where a GP practice, primary care "
    "network (PCN), census small area (LSOA), NHS trust or (from the user's imported directory) postcode lay on "
    "a date. Before repeating a fact about them "
    "(\"there are 42 ICBs\"), check it with the `check` tool. Answers are brief: ask with detail=\"full\" for "
    "the whole document, and pass `next_cursor` back as `cursor` for the next page of a long list. Every "
    "answer carries its sources with addresses, the date it describes, the data's as-of date and the next "
    "known change after it: cite them, and say how long the answer holds. An error is a refusal with a "
    "code (unknown_code, unknown_term, ambiguous_term, date_before_coverage, outside_coverage, not_imported, "
    "bad_value) and a hint."
)
READ_ONLY = {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True, "openWorldHint": False}
Detail = Literal["brief", "full"]


def instructions(kb):
    """What the server tells an assistant, with the ICB counts the data gives (never typed)."""
    from ..base.lifecycle import counts_text
    from ..store.model import counts_of

    icb = kb.entities.get("icb")
    counts = counts_text(counts_of(kb, icb)) if icb else ""
    return INSTRUCTIONS.format(counts=f" ({counts})" if counts else "")


def text_of(data):
    """The text content of a result: its structured content as compact JSON."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _typed_errors(base):
    """The SDK's server, with the arguments it rejects (a wrong type, one missing, a tool it does not
    have) answered as typed refusals naming what to send, like every other error, instead of the
    validation library's report (its links, and the caller's rejected values)."""
    from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
    from mcp.types import CallToolResult, TextContent
    from pydantic import ValidationError

    class Server(base):
        async def call_tool(self, name, arguments, context=None):
            try:
                return await super().call_tool(name, arguments, context)
            except ToolError as exc:
                if isinstance(exc, UnexpectedToolError):
                    raise
                invalid = exc.__cause__ if isinstance(exc.__cause__, ValidationError) else None
                unknown = name not in {tool.name for tool in await self.list_tools()}  # the public listing
                if invalid is None and not unknown:
                    raise  # another failure: the SDK's own answer
                data = _rejected(name, invalid, unknown)
                return CallToolResult(content=[TextContent(type="text", text=text_of(data))],
                                      structured_content=data, is_error=True)

    return Server


def _rejected(name, invalid, unknown):
    """The refusal (shapes.Refusal) for arguments the SDK rejects, or a tool it does not have."""
    from ..base.safe import quoted

    if unknown:
        return {"error": "bad_value", "message": f"no tool named {quoted(name)}",
                "hint": "list the tools (tools/list) and call one of them"}
    problems = []
    for err in (invalid.errors() if invalid else ()):
        field = ".".join(str(part) for part in err.get("loc") or ()) or "arguments"
        expected = {"missing": "is required"}.get(err.get("type"), f"must be {_wanted(err)}")
        problems.append(f"{field} {expected}")
    return {"error": "bad_value", "message": f"{name}: " + ("; ".join(problems) or "the arguments do not fit the tool"),
            "hint": "send the arguments as the tool's inputSchema gives them (names, types and allowed values)"}


def _wanted(err):
    """What a rejected argument should have been, in words (from the validation error's kind)."""
    kind = str(err.get("type") or "")
    expected = (err.get("ctx") or {}).get("expected")
    if kind == "literal_error" and expected:
        return f"one of {expected}"
    for word, words in (("string", "text"), ("int", "a whole number"), ("bool", "true or false"),
                        ("list", "a list"), ("literal", "one of the allowed values"), ("dict", "an object")):
        if word in kind:
            return words
    return "of the type the tool's inputSchema gives"


def build(kb):
    """The MCP server with its tools, resources, prompts and completions, answering from the loaded data."""
    from mcp.server.mcpserver import (
        MCPServer,  # the optional SDK: loaded only when a server is built
    )
    from mcp.types import CallToolResult, TextContent, ToolAnnotations

    from . import reference
    from .shapes import (
        Answer,
        CheckAnswer,
        LsoaAnswer,
        PcnAnswer,
        PostcodeAnswer,
        PracticeAnswer,
        TrustAnswer,
    )

    server = _typed_errors(MCPServer)(name="ics", version=__version__, instructions=instructions(kb),
                                      log_level="WARNING")
    Result = Annotated[CallToolResult, Answer]
    Checked = Annotated[CallToolResult, CheckAnswer]
    PracticeResult, PcnResult = Annotated[CallToolResult, PracticeAnswer], Annotated[CallToolResult, PcnAnswer]
    LsoaResult, TrustResult = Annotated[CallToolResult, LsoaAnswer], Annotated[CallToolResult, TrustAnswer]
    PostcodeResult = Annotated[CallToolResult, PostcodeAnswer]

    def tool(name=None):
        return server.tool(name=name, annotations=ToolAnnotations(**READ_ONLY), structured_output=True)

    def respond(tool_name, make, detail="brief", cursor=None, limit=PAGE, full_document=None):
        """The tool's result for the document make() returns, or a typed refusal for its error."""
        try:
            data = envelope(kb, tool_name, make(), detail, cursor, limit, full_document)
        except IcsError as exc:
            data = refusal(exc)
            return CallToolResult(content=[TextContent(type="text", text=text_of(data))], structured_content=data,
                                  is_error=True)
        return CallToolResult(content=[TextContent(type="text", text=text_of(data))], structured_content=data)

    def answer(command, detail="brief", cursor=None, limit=PAGE, full_document=None, **params):
        """A command's answer (its entry in answers/commands.py), with its parameters by their CLI names."""
        return respond(command, lambda: make_document(command, kb, params), detail, cursor, limit, full_document)

    @tool()
    def explain(term: str, as_of: str | None = None, detail: Detail = "brief") -> Result:
        """A body or term explained (ICB, ICP, CCG, ICS, STP, place...): kind, legal status over time,
        counts, duties, facts, where sources disagree, with sources. `term` may be an acronym, a name, a
        former name, an ICB or a former CCG code (02Q). `as_of` (YYYY, YYYY-MM or YYYY-MM-DD) shows it as
        it stood on that date. detail="full" adds the board, events and every related body."""
        return answer("explain", detail, term=(term,), as_of=as_of,
                      full_document=None if as_of else reference.uri("entity", term))

    @tool()
    def search(text: str, cursor: str | None = None, limit: int = PAGE, detail: Detail = "brief") -> Result:
        """Ranked matches for words across names, aliases, summaries, the timeline, ICBs and former CCGs,
        `limit` at a time (pass `next_cursor` back as `cursor` for more)."""
        def make():  # ranked once to the end of the page, so every page comes from the same ranking
            return make_document("search", kb, {"text": (text,), "limit": upto(cursor, limit)})

        return respond("search", make, detail, cursor, limit)

    @tool()
    def timeline(from_date: str | None = None, to_date: str | None = None, tags: list[str] | None = None,
                 entity: str | None = None, cursor: str | None = None, limit: int = PAGE,
                 detail: Detail = "brief") -> Result:
        """Dated events 2012-2027 (announced, planned and done kept apart), optionally between two dates
        (YYYY, YYYY-MM or YYYY-MM-DD; to_date includes the whole period), with tags (legislation,
        policy, structure, guidance, ...) or about one body (entity, e.g. ccg); a page at a time."""
        return answer("timeline", detail, cursor, limit, date_from=from_date, date_to=to_date, tags=tags or (),
                      entity=entity)

    @tool()
    def compare(a: str, b: str, as_of: str | None = None, cursor: str | None = None, limit: int = PAGE,
                detail: Detail = "brief") -> Result:
        """Responsibilities of body A and body B as a diff as of a date: for a successor (ccg -> icb,
        stp -> ics) what was carried over, changed, new, taken on or abolished when B took over (default:
        the day of that transfer), each row's `part` "diff", and later changes apart (`part` "later"); for
        bodies side by side (icb, icp) what each holds (default: today)."""
        return answer("compare", detail, cursor, limit, a=a, b=b, as_of=as_of)

    @tool()
    def systems(as_of: str | None = None, region: str | None = None, cursor: str | None = None, limit: int = PAGE,
                detail: Detail = "brief") -> Result:
        """The integrated care boards on a date (default today), with ODS and ONS codes and region."""
        return answer("systems", detail, cursor, limit, as_of=as_of, region=region)

    @tool()
    def system(name: str, as_of: str | None = None, detail: Detail = "brief") -> Result:
        """One ICB on a date (default today): names and codes over time, region, local authorities,
        sub-ICB locations, what it was formed from and went to. `name` may be an ODS code (QNQ), an ONS
        code (E54000034), a name or a unique part of one, a former CCG or a local authority."""
        return answer("system", detail, name=(name,), as_of=as_of,
                      full_document=None if as_of else reference.uri("icb", name))

    @tool()
    def ccg(name: str | None = None, as_of: str | None = None, cursor: str | None = None, limit: int = PAGE,
            detail: Detail = "brief") -> Result:
        """What became of a former CCG: its sub-ICB location and ICB on 1 July 2022 and the ICB that
        covers it on `as_of` (default today), and since when. `name` may be its ODS code (02Q), ONS
        code (E38000008) or name; without it, every former CCG, a page at a time."""
        return answer("ccg", detail, cursor, limit, name=(name,) if name else (), show_all=not name, as_of=as_of,
                      full_document=reference.uri("ccg", name) if name and not as_of else None)

    @tool(name="map")
    def map_codes(codes: list[str], as_of: str | None = None, cursor: str | None = None, limit: int = PAGE,
                  detail: Detail = "brief") -> Result:
        """Codes of any vintage mapped to a date (default today): CCG codes of 2013-2022, sub-ICB location,
        ICB or STP codes, ODS (02Q, QT1) or ONS (E38000008), one row per code (per part when an area
        was split, with its share), saying whether each is unchanged, renamed, merged, split or ended."""
        return respond("map", lambda: answers.map_codes(kb, codes, as_of), detail, cursor, limit)

    @tool()
    def check(statement: str | None = None, subject: str | None = None, property: str | None = None,
              value: str | None = None, as_of: str | None = None, detail: Detail = "brief") -> Checked:
        """Check a claim against the data on a date (default today) before repeating it: "There are 42
        ICBs", "CCGs are abolished", "02Q is in QT1"; or subject, property (count, state, icb) and value.
        The verdict is true (with `until` when it stops), false (with `held`: when it was true), not yet
        true, or not recorded; with the fact as it stands on the date, the evidence (sources, locators,
        quoted sentences) and the next known dated change."""
        return answer("check", detail, statement=(statement,) if statement else (), subject=subject,
                      prop=property, value=value, as_of=as_of)

    @tool()
    def changes(from_date: str | None = None, to_date: str | None = None, cursor: str | None = None,
                limit: int = PAGE, detail: Detail = "brief") -> Result:
        """What changed between two dates (default 1 July 2022 to today): CCG mergers, bodies created,
        renamed and abolished, responsibilities moved, ICBs merged, split or re-coded, with counts."""
        return answer("changes", detail, cursor, limit, start=from_date, end=to_date,
                      full_document=reference.uri("changes", from_date, to_date) if from_date and to_date else None)

    @tool()
    def practice(name: str, as_of: str | None = None, detail: Detail = "brief") -> PracticeResult:
        """A GP practice on a date (default today): its PCN, sub-ICB location, ICB and region as the
        January 2022 and August 2026 mapping files give them (registered patients per PCN and area), the ICB
        its location was in on the date, and what changed between the files (re-coded by a merger, moved,
        closed, opened). `name` is its ODS code (A81001) or a unique part of its name."""
        return answer("practice", detail, name=(name,), as_of=as_of,
                      full_document=None if as_of else reference.uri("practice", name))

    @tool()
    def pcn(name: str, cursor: str | None = None, limit: int = PAGE, detail: Detail = "brief") -> PcnResult:
        """A primary care network (August 2026, else January 2022): its registered patients, its sub-ICB
        locations and ICBs with their shares of its patients, and its practices, a page at a time. `name`
        is its code (U12345) or a unique part of its name."""
        return answer("pcn", detail, cursor, limit, name=(name,), full_document=reference.uri("pcn", name))

    @tool()
    def lsoa(code: str, as_of: str | None = None, detail: Detail = "brief") -> LsoaResult:
        """A 2011 or 2021 LSOA (a census small area, E01...) on a date (default today): its CCG or sub-ICB
        location, ICB and region by the lookup file in force then (and whether that assignment is derived
        or official), its population, its 2011/2021 counterparts, and where it lay in every lookup file."""
        return answer("lsoa", detail, code=code, as_of=as_of,
                      full_document=None if as_of else reference.uri("lsoa", code))

    @tool()
    def trust(name: str, as_of: str | None = None, detail: Detail = "brief") -> TrustResult:
        """An NHS trust on a date (default today): open or closed, its host ICB then (the ODS file's ICB traced
        through mergers and splits), the trusts it took over from or went to, and (third-party) catchment
        shares by ICB. `name` is its ODS code (RDU) or a unique part of its name."""
        return answer("trust", detail, name=(name,), as_of=as_of,
                      full_document=None if as_of else reference.uri("trust", name))

    @tool()
    def postcode(codes: list[str], as_of: str | None = None, cursor: str | None = None, limit: int = PAGE,
                 detail: Detail = "brief") -> PostcodeResult:
        """Postcodes (any case and spacing) from the ONS Postcode Directory the user imported (`ics import`):
        each one's LSOA, ward, local authority, sub-ICB location, ICB and region in the directory's edition,
        and its sub-ICB location and ICB on `as_of` (default today). Without an import: a not_imported
        refusal that says what to download."""
        return answer("postcode", detail, cursor, limit, codes=tuple(codes), as_of=as_of)

    reference.register(server, kb)
    return server


def serve(kb):
    """Run the server on standard input and output until the client closes it (server/stdio.py: every
    request answered, even one the SDK cannot read; a failed output is one OSError)."""
    from . import stdio

    stdio.serve_stdio(build(kb))
