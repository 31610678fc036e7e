"""How current the data is: one `data_as_of` date (data/meta.yaml), when the sources were last checked.

Everything here returns plain values; the CLI and exporters decide where to show them.
"""
from .. import dates
from .schema import OPEN_STATUSES

STALE_AFTER_MONTHS = 6


def data_as_of(kb):
    """The date the sources were last checked, as YYYY-MM-DD, or None for data without a meta record."""
    meta = getattr(kb, "meta", None) or {}
    record = meta.get("meta") or {}
    return record.get("data_as_of")


def months_later(day, months):
    """A full date plus some months (clamped to the month's last day)."""
    year, month, dom = (int(p) for p in day.split("-"))
    month += months
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    last = int(dates.end(f"{year}-{month:02d}")[-2:])
    return f"{year}-{month:02d}-{min(dom, last):02d}"


def stale_line(kb, today):
    """One line when today is more than six months past data_as_of, else None."""
    as_of = data_as_of(kb)
    if not as_of or today <= months_later(dates.start(as_of), STALE_AFTER_MONTHS):
        return None
    return (f"Note: the sources behind this were last checked on {dates.human(as_of)}, more than "
            f"{STALE_AFTER_MONTHS} months before today ({dates.human(today)}); later changes are not included.")


def beyond_data(kb, today):
    """True when today is after data_as_of: "now" then means "when the data was last checked"."""
    as_of = data_as_of(kb)
    return bool(as_of) and today > dates.start(as_of)


def now_words(kb, today):
    """How a card ends an open period: "now", or, past data_as_of, the date the data was last checked."""
    if beyond_data(kb, today):
        return f"at least {dates.human(data_as_of(kb))} (when the sources were last checked)"
    return "now"


def outcomes_missing(tables, as_of):
    """[(record, field, message)] for items still planned, announced, proposed or in progress although
    their date (or end) is before `as_of`, with no outcome recorded. `tables` maps type -> {id: record}."""
    found = []
    if not as_of:
        return found
    for event in tables.get("events", {}).values():
        status = event.get("status") or "done"
        if not event.get("date"):
            continue
        last = dates.end(event.get("end") or event["date"])
        if status in OPEN_STATUSES and last < as_of and not event.get("outcome"):
            found.append((event, "status", (f"still '{status}' although its date ({event.get('end') or event['date']}) "
                                             f"is before the data's date ({as_of}); record the outcome")))
    for row in tables.get("responsibilities", {}).values():
        status = row.get("status") or "done"
        due = row.get("effective")
        if status in OPEN_STATUSES and due and dates.end(due) < as_of and not row.get("outcome"):
            found.append((row, "status", (f"still '{status}' although it was due on {row['effective']}, before "
                                           f"the data's date ({as_of}); record the outcome")))
    return found
