"""The MCP server's resources, resource templates, prompts and completions.

Resources hold full documents (what a tool gives with detail="full"), so an assistant can attach one
without a tool call: the glossary and the bibliography, and by template one ICB (`ics://icb/{code}`), one
former CCG (`ics://ccg/{code}`), one body or term (`ics://entity/{term}`), the changes between two
dates (`ics://changes/{from_date}/{to_date}`), and one GP practice, PCN, trust or LSOA
(`ics://practice/{code}`, `ics://pcn/{code}`, `ics://trust/{code}`, `ics://lsoa/{code}`), each as of today. Completions offer the codes and terms that start
with what was typed (store/completion.py, the table shell completion reads), and for the places
templates the codes of the places tables (store/places.py), read on the first such completion. The prompts are the
questions assistants are asked most: brief a board member on an ICB, re-code a column of codes to a
date, and what changed in an area since a date.
"""
import json
from urllib.parse import quote

from ..answers.commands import answer as make_document
from ..errors import IcsError
from ..store.completion import system_items, term_items
from .answering import envelope, refusal

TEMPLATES = {"icb": "ics://icb/{code}", "ccg": "ics://ccg/{code}", "entity": "ics://entity/{term}",
             "changes": "ics://changes/{from_date}/{to_date}", "practice": "ics://practice/{code}",
             "pcn": "ics://pcn/{code}", "trust": "ics://trust/{code}", "lsoa": "ics://lsoa/{code}"}
MAX_VALUES = 100  # the most completion values one answer may hold


def uri(kind, *parts):
    """The address of a full document: uri("icb", "QNQ") is ics://icb/QNQ."""
    return f"ics://{kind}/" + "/".join(quote(str(p), safe="") for p in parts)


def offers(kb, where, argument, typed):
    """The completion values that start with what was typed, for an argument (by its name) of a
    template (by its address) or a prompt (by its name)."""
    if where in (TEMPLATES["icb"], TEMPLATES["ccg"]) or argument in ("icb", "area"):
        return [word for word, _what in system_items(kb, typed)]
    if where == TEMPLATES["entity"]:
        return [text for text, _name in term_items(kb, typed)]
    for kind in PLACE_CODES:
        if where == TEMPLATES[kind]:
            return place_codes(kind, typed)
    return []


PLACE_CODES = ("practice", "pcn", "trust", "lsoa")


def place_codes(kind, typed):
    """The codes of GP practices, PCNs, trusts or LSOAs (2011 and 2021) that start with what was typed (any
    case), in order: read from the places tables on the first completion of the kind, not at start-up."""
    from bisect import bisect_left

    from ..store import places

    known = places.memo("completion")
    if kind not in known:
        if kind == "pcn":
            codes = {row[1] for row in places.pcns()[0]}
        elif kind == "lsoa":
            codes = set(places.codes("lsoa11")) | set(places.codes("lsoa21"))
        else:
            codes = places.codes({"practice": "practices", "trust": "trusts"}[kind])
        known[kind] = sorted(codes)
    codes, prefix = known[kind], str(typed).strip().upper()
    start = bisect_left(codes, prefix)
    return codes[start:bisect_left(codes, prefix + "\U0010ffff", start)]


def register(server, kb):
    """Add the resources, templates, prompts and the completion handler to `server`."""
    from mcp.types import Completion

    def document(tool, command, **params):
        """The full document as the JSON a resource holds (a refusal, as JSON, when it cannot be made)."""
        try:
            data = envelope(kb, tool, make_document(command, kb, params), detail="full")
        except IcsError as exc:
            data = refusal(exc)
        return json.dumps(data, ensure_ascii=False)

    def whole(command):
        return lambda: document(command, command)

    def by_code(command, key="name"):
        def read(code: str) -> str:
            return document(command, command, **{key: code if key == "code" else (code,)})
        return read

    def entity(term: str) -> str:
        return document("explain", "explain", term=(term,))

    def changes(from_date: str, to_date: str) -> str:
        return document("changes", "changes", start=from_date, end=to_date)

    for address, name, read, description in (
            ("ics://glossary", "glossary", whole("glossary"),
             "Every term A to Z with its summary and sources (ics glossary -f json)."),
            ("ics://sources", "bibliography", whole("sources"),
             "Every source with its address and what cites it (ics sources -f json)."),
            (TEMPLATES["icb"], "icb", by_code("system"),
             "One ICB today, in full (ics system CODE -f json): an ODS or ONS code or a name."),
            (TEMPLATES["ccg"], "ccg", by_code("ccg"), "What became of one former CCG, in full (ics ccg CODE -f json)."),
            (TEMPLATES["entity"], "entity", entity, "One body or term today, in full (ics explain TERM -f json)."),
            (TEMPLATES["changes"], "changes", changes,
             "What changed between two dates, in full (ics changes --from A --to B -f json)."),
            (TEMPLATES["practice"], "practice", by_code("practice"),
             "One GP practice today: its PCN, sub-ICB location and ICB (ics practice CODE -f json)."),
            (TEMPLATES["pcn"], "pcn", by_code("pcn"), "One primary care network and its practices (ics pcn CODE -f json)."),
            (TEMPLATES["trust"], "trust", by_code("trust"), "One NHS trust today (ics trust CODE -f json)."),
            (TEMPLATES["lsoa"], "lsoa", by_code("lsoa", "code"),
             "One LSOA (a census small area) today: its CCG, sub-ICB location and ICB (ics lsoa CODE -f json).")):
        server.resource(address, name=name, mime_type="application/json", description=description)(read)

    @server.completion()
    async def complete(ref, argument, context):
        values = offers(kb, getattr(ref, "uri", None) or getattr(ref, "name", None), argument.name, argument.value)
        return Completion(values=values[:MAX_VALUES], total=len(values), has_more=len(values) > MAX_VALUES)

    @server.prompt(name="brief_board_member", title="Brief a board member on an ICB as of a date")
    def brief_board_member(icb: str, as_of: str = "today") -> str:
        when = "" if as_of == "today" else f", as_of={as_of!r}"
        return (f"Brief a board member on the integrated care board {icb!r} as of {as_of}, in plain words, in "
                f"under 300 words. Call the `system` tool (name={icb!r}{when}) for its names, codes, region, "
                "local authorities and what it was formed from or went to, and `explain` (term='icb'"
                f"{when}) for what an ICB does. Check every count or status you state with the `check` tool. "
                "Cite each fact's sources with their addresses, say the date the data was last checked "
                "(data_as_of) and the next known change (next_change), and say nothing the answers do not hold.")

    @server.prompt(name="recode_column", title="Re-code a column of codes to a date")
    def recode_column(codes: str, to_date: str = "today") -> str:
        when = "" if to_date == "today" else f", as_of={to_date!r}"
        return ("Re-code these organisation codes (CCG, sub-ICB location, ICB or STP codes, ODS or ONS) to "
                f"the ICB in force on {to_date}: {codes}. Call the `map` tool (codes=[...]{when}) and page "
                "through next_cursor until it is null. Keep one output row per input row; where an area was "
                "split, give every part with its share and say so; never drop a code the tool could not "
                "place: show it with the tool's note. Cite the sources. For a whole file, the same mapping "
                "runs offline as `ics map FILE --column COLUMN --to DATE`.")

    @server.prompt(name="changes_in_area", title="What changed in my area since a date")
    def changes_in_area(area: str, since: str) -> str:
        return (f"Say what changed for {area!r} since {since}. Call the `system` tool (name={area!r}) for the ICB "
                f"that covers it today and its history, the `changes` tool (from_date={since!r}) for the changes "
                f"to ICBs and CCG codes since then, and the `timeline` tool (from_date={since!r}, entity='icb') "
                "for the dated events, paging with next_cursor. Keep what was done apart from what is planned "
                "or announced, give each change its date and sources, and end with the next known change.")
