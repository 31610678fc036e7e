"""The card's words for the law: what followed a proposal or a plan, and when an enacted thing came into force.

Everything here reads data fields, never prose: a period's `outcome` and `bill`, the Bill's `became`, the
Act's first status period (its Royal Assent) and the periods that follow an `enacted` one.
"""
from .. import dates
from ..base import freshness
from ..base.schema import NOT_EXISTING


def became_law(kb, bill_id):
    """(Bill, Act, day of Royal Assent) when the data records that the Bill became an Act, else None."""
    bill = kb.entities.get(bill_id or "")
    acts = [kb.entities[i] for i in (bill or {}).get("became") or [] if i in kb.entities]
    if not acts:
        return None
    day = ((acts[0].get("status") or [{}])[0].get("from")
           or ((bill.get("status") or [{}])[-1].get("to")))
    return (bill, acts[0], day) if day else None


def followed(kb, period):
    """What the data records after an open proposed or planned period, as the end of the card's sentence
    ('. Outcome: ...', or the Bill that carried it having become law with what the Act did not recorded),
    or None when nothing is recorded (the card then says no later stage is recorded)."""
    found = (period.get("outcome") or {}).get("text")
    if found:
        return f". Outcome: {found}"
    law = became_law(kb, period.get("bill"))
    if not law:
        return None
    bill, act, day = law
    return (f"; the {bill['name']} became the {act['name']} on {dates.human(day)}, but {_checked(kb)} do not "
            "record what the Act did with this proposal")


def enacted(kb, periods, period):
    """'enacted on 28 April 2022, not yet in force (in force from 1 July 2022)', or, when no later period
    says when it came into force, '...; the sources checked up to ... do not give the day it came into force'."""
    text = f"enacted on {dates.human(period['from'])}" if period.get("from") else "enacted"
    after = periods[periods.index(period) + 1:]
    if after and after[0]["state"] not in NOT_EXISTING and after[0].get("from"):
        return text + f", not yet in force (in force from {dates.human(after[0]['from'])})"
    if not after:
        return text + f"; {_checked(kb)} do not give the day it came into force"
    return text


def enacted_before(periods, period):
    """' (enacted on 28 April 2022)' after an in-force state that followed an enacted period, else ''."""
    at = periods.index(period)
    before = periods[at - 1] if at else None
    if before and before["state"] == "enacted" and before.get("from"):
        return f" (enacted on {dates.human(before['from'])})"
    return ""


def _checked(kb):
    as_of = freshness.data_as_of(kb)
    return f"the sources checked up to {dates.human(as_of)}" if as_of else "these sources"
