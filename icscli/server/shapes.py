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
REFUSALS = ("unknown_code", "unknown_term", "ambiguous_term", "date_before_coverage", "bad_value")


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


class Refusal(BaseModel):
    error: Literal[REFUSALS]
    message: str
    hint: str = Field(description="how to ask again")
    nearest: list[dict[str, str]] | None = Field(default=None, description="the nearest codes or terms")
    senses: list[dict[str, str]] | None = Field(default=None, description="the senses of an ambiguous term")
    earliest: str | None = Field(default=None, description="the earliest date the data answers for")
