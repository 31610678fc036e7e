"""The lifecycle of a body, duty or law, and the one answer to "what was X on date D".

A status history is a list of periods in date order. Each period starts where the one before it ended,
and a history may only stop (a last period with a `to`) when it says how it ended: an `end_event` (the id
of the dated event that ended it) or a following end state (abolished, repealed, dropped, superseded)
with its own sources. So a proposal that became law continues as `enacted` or `statutory` with its legal
basis, and nothing reads as ended unless a source says it ended.
"""
from .. import dates
from .schema import ENDED, NOT_EXISTING, PROPOSAL_STATES


def history_problems(periods):
    """[(index, field, message)] for a status history that is out of order, has gaps or stops unexplained."""
    problems = []
    for i, period in enumerate(periods):
        frm, to = period.get("from"), period.get("to")
        if frm and to and dates.start(to) < dates.start(frm):
            problems.append((i, f"status[{i}]", f"ends ({to}) before it starts ({frm})"))
        if i + 1 < len(periods):
            following = periods[i + 1].get("from")
            if to != following:
                problems.append((i, f"status[{i}].to", (f"ends {to or 'never'} but the next period starts "
                                                        f"{following or 'at an unknown date'}; periods must follow on")))
            if period.get("end_event"):
                problems.append((i, f"status[{i}].end_event", "only the last period can end with an end_event"))
            if period["state"] in ENDED and periods[i + 1]["state"] not in ENDED:
                problems.append((i + 1, f"status[{i + 1}]", (f"follows '{period['state']}'; an ended thing needs "
                                                            "a new entry, not a new period")))
        if period.get("bill") and period["state"] not in PROPOSAL_STATES:
            problems.append((i, f"status[{i}].bill", "only a proposed or planned period names the Bill that carried it"))
        open_end = i + 1 == len(periods) and not to
        if period.get("outcome") and not (open_end and period["state"] in PROPOSAL_STATES):
            problems.append((i, f"status[{i}].outcome", ("only an open proposed or planned period has an outcome "
                                                         "(what became of the proposal or plan)")))
    if periods:
        last = periods[-1]
        if last.get("to") and not last.get("end_event"):
            problems.append((len(periods) - 1, f"status[{len(periods) - 1}].to",
                             (f"the history stops on {last['to']} without saying what followed: add the next state "
                             f"(for example enacted, statutory, {', '.join(ENDED)}) with its sources, "
                             "or an end_event")))
    return problems


def period_on(entity, day):
    """The status period in force on a full date, or None (not dated / outside every period)."""
    for period in entity.get("status") or []:
        if dates.in_period(day, period.get("from"), period.get("to")):
            return period
    return None


def existed_on(entity, day):
    """True / False when the status periods say, None when the entity is undated."""
    periods = entity.get("status") or []
    if not periods:
        return None
    period = period_on(entity, day)
    return bool(period) and period["state"] not in NOT_EXISTING


def count_on(counts, day, what=None):
    """The dated count row in force on a full date (optionally only rows counting `what`), or None.

    A count's `to` is the last day it held (inclusive), unlike a status period's `to`."""
    for row in counts or []:
        if what and row["what"] != what:
            continue
        if day >= dates.start(row["from"]) and (not row.get("to") or day <= dates.end(row["to"])):
            return row
    return None


def counts_text(counts):
    """'42 ICBs from 1 July 2022 to 31 March 2026; 36 ICBs since 1 April 2026' (rows in date order)."""
    parts = []
    for row in sorted(counts or [], key=lambda r: dates.start(r["from"])):
        if row.get("to"):
            parts.append(f"{row['value']} {row['what']} from {dates.human(row['from'])} to {dates.human(row['to'])}")
        else:
            parts.append(f"{row['value']} {row['what']} since {dates.human(row['from'])}")
    return "; ".join(parts)


def outcome_text(record):
    """What became of a planned, proposed or announced event or responsibility, when the data records
    it (`outcome.text`), else None."""
    return (record.get("outcome") or {}).get("text")
