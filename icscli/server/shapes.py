"""The typed shapes of the MCP answers: each tool's `outputSchema` is made from these (pydantic, which the
MCP SDK brings), and every structured result the server returns is validated against them.

Every answer is an `Answer`: what it is, the date it describes, the data's as-of date, the next known
dated change after that date (how long the answer holds), the answer itself (brief unless `detail` is
"full"), a page of a long list with the cursor of the next, and the sources it cites (id, citation,
address). A question the data cannot answer as asked is a `Refusal` (the tool result's `isError`), with
a code, the reason and how to recover.
"""
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..queries.check import VERDICTS

DETAIL = Literal["brief", "full"]
REFUSALS = ("unknown_code", "unknown_term", "ambiguous_term", "date_before_coverage", "outside_coverage", "not_imported",
            "bad_value")


class Source(BaseModel):
    id: str = Field(description="the source id, as cited in the answer")
    citation: str = Field(description="publisher, title and date, ready to quote")
    address: str | None = Field(description="its public web address, where it has one")


class NextChange(BaseModel):
    date: str = Field(description="YYYY, YYYY-MM or YYYY-MM-DD")
    text: str
    status: str = Field(description="recorded (in the data), or the event's status: planned, announced, ...")
    event: str | None = Field(default=None, description="the timeline event's id")


class Page(BaseModel):
    offset: int
    limit: int
    total: int
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")


class Answer(BaseModel):
    tool: str
    what: str = Field(description="what the answer is about")
    date_described: str = Field(description="the date or period the answer describes")
    data_as_of: str | None = Field(description="when the data's sources were last checked")
    next_change: NextChange | None = Field(description="the next known dated change after that date that "
                                                       "affects the answer: it holds until then, as far as is known")
    detail: DETAIL
    answer: dict[str, Any] = Field(description="brief: the answer with source ids; full: the CLI's JSON document")
    page: Page | None = Field(default=None, description="set when the answer's list is paged")
    sources: list[Source]
    full_document: str | None = Field(default=None, description="a resource with the full document")


class Verdict(BaseModel):
    model_config = ConfigDict(extra="allow")

    verdict: Literal[VERDICTS]
    on: str = Field(description="the date the claim was checked on")
    subject: str
    property: str
    value: str | int
    held: list[dict[str, Any]] = Field(description="the spans of dates on which the claim is true")
    fact: dict[str, Any] | None = Field(description="the fact as it stands on the date")
    evidence: list[dict[str, Any]] = Field(description="the sources, locators and quoted sentences")


class CheckAnswer(Answer):
    answer: Verdict



# The places answers: each brief shape's own fields, typed; detail="full" gives the CLI's document, which has
# the same required fields (extra fields are allowed in both).
WHEN = Literal["before", "first", "between", "last", "after"]
Record = dict[str, Any]


class Place(BaseModel):
    model_config = ConfigDict(extra="allow")

    notes: list[str] | None = Field(default=None, description="brief: the dated answer in a sentence first, then "
                                                               "what the files do and do not say")


class Practice(Place):
    code: str
    name: str
    as_of: str
    when: WHEN = Field(description="the date against the two files: before the first, on it, between, ...")
    change: Record = Field(description="what changed between the files: kind (unchanged, recoded, moved, closed, "
                                       "opened), and whether its PCN, name or postcode changed")
    files: dict[str, Record | None] | None = Field(default=None, description="brief: what each file says (PCN, "
                                                   "sub-ICB location or CCG, ICB or STP, region, registered patients)")
    icb_on_date: dict[str, Record] | None = Field(default=None, description="brief: each file's location's ICB on "
                                                                            "the date, from the ICB lists")


class Pcn(Place):
    code: str
    name: str
    patients: int | None = Field(description="registered patients (1 August 2026)")
    practices: list[Record] = Field(description="its practices (brief: a page of them)")
    locations: list[Record] = Field(description="its sub-ICB locations with their share of its patients")
    icbs: list[Record] = Field(description="its ICBs with their share of its patients")


class Lsoa(Place):
    code: str
    name: str
    as_of: str
    lsoa11: Record | None = Field(description="the 2011 LSOA: population, local authority, 2021 counterparts")
    lsoa21: Record | None = Field(description="the 2021 LSOA: population, local authority, 2011 counterparts")
    on_date: Record | None = Field(description="the lookup file in force on the date: its areas, population, "
                                               "and (brief) whether the assignment is derived")
    history: list[Record] = Field(description="where it lay in every lookup file")
    split: list[Record] = Field(description="the derived split of an ended sub-ICB location it fell in")


class Trust(Place):
    code: str
    as_of: str
    in_file: bool = Field(description="whether the ODS trusts file holds it")
    name: str | None = None
    status: str | None = Field(default=None, description="open, closed or not-yet on the date")
    host: Record | None = Field(default=None, description="its host ICB on the date: status (same, merged, split, "
                                                          "...), the ICB(s)")
    predecessors: list[Record]
    successors: list[Record]


class Postcode(Place):
    as_of: str
    directory: Record = Field(description="the imported directory: kind, label, edition, rows")
    postcodes: list[Record] = Field(description="each postcode's areas (brief: a page of them)")


class PracticeAnswer(Answer):
    answer: Practice


class PcnAnswer(Answer):
    answer: Pcn


class LsoaAnswer(Answer):
    answer: Lsoa


class TrustAnswer(Answer):
    answer: Trust


class PostcodeAnswer(Answer):
    answer: Postcode

class Refusal(BaseModel):
    error: Literal[REFUSALS]
    message: str
    hint: str = Field(description="how to ask again")
    nearest: list[dict[str, str]] | None = Field(default=None, description="the nearest codes or terms")
    senses: list[dict[str, str]] | None = Field(default=None, description="the senses of an ambiguous term")
    earliest: str | None = Field(default=None, description="the earliest date the data answers for")
