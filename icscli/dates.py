"""Partial dates: "2022", "2022-07" or "2022-07-01". The string's form is its precision.

`parse` is the strict form data files use; `parse_user` also takes what people type on the command line
("today", "1 July 2022", "1/7/2022" day first, "July 2022") and returns the same canonical string.

`today()` is the one "today" every command uses. `ICS_TODAY=YYYY-MM-DD` fixes it (tests and README
examples set it so they never depend on the clock); otherwise it is the local calendar date.
"""
import os
import time

from .errors import BadValue

_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def iso_parts(text):
    """(year, month or None, day or None) of YYYY, YYYY-MM or YYYY-MM-DD in ASCII digits, else None.
    (Plain string tests, not a regular expression: importing `re` costs every run a few milliseconds.)"""
    parts = text.split("-")
    if len(parts) > 3 or any(len(part) != size or not (part.isascii() and part.isdigit())
                             for part, size in zip(parts, (4, 2, 2))):
        return None
    return tuple(parts) + (None,) * (3 - len(parts))


def parse(text):
    """Return the canonical string for a partial date, or raise ValueError."""
    if not isinstance(text, str):
        # ValueError, not TypeError: every caller reports a bad date (a YAML number too) by catching ValueError
        raise ValueError(f"expected a date string like 2022-07-01, got {type(text).__name__}")  # noqa: TRY004
    found = iso_parts(text.strip())
    if not found:
        raise ValueError(f"'{text}' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = found
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"'{text}' has no month {month}")
    if day is not None:
        y, mo, d = int(year), int(month), int(day)
        leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
        limit = 29 if mo == 2 and leap else (28 if mo == 2 else _DAYS[mo - 1])
        if not 1 <= d <= limit:
            raise ValueError(f"'{text}' has no day {day}")
    return text.strip()


_MONTH_NUMBERS = {m.lower()[:3]: n for n, m in enumerate(
    ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"), 1)}
# Compiled by re on first use, so a run given ISO dates (or none) never compiles them.
_SLASHED = r"^(?:([0-9]{1,2})/)?([0-9]{1,2})/([0-9]{4})$"  # 1/7/2022 or 7/2022: day first
_WORDED = r"^(?:([0-9]{1,2})(?:st|nd|rd|th)?\s+)?([a-z]+)\.?,?\s+([0-9]{4})$"  # 1 July 2022
USER_FORMS = "YYYY, YYYY-MM, YYYY-MM-DD, '1 July 2022', '1/7/2022' (day first) or 'today'"


def parse_user(text):
    """A date as a user may type it -> the canonical partial date, or ValueError naming the forms."""
    if not isinstance(text, str):
        raise ValueError(f"expected a date, got {type(text).__name__}")  # noqa: TRY004 (as in parse)
    value = " ".join(text.strip().lower().split())
    if value == "today":
        return today()
    if iso_parts(value):
        return parse(value)
    import re  # only for the forms people type

    parts = None
    slashed, worded = re.match(_SLASHED, value), re.match(_WORDED, value)
    if slashed:
        day, month, year = slashed.groups()
        parts = (year, month, day)
    elif worded:
        day, name, year = worded.groups()
        month = _MONTH_NUMBERS.get(name[:3]) if len(name) >= 3 and _is_month(name) else None
        if month is None:
            raise ValueError(f"'{text}' is not a date: no month '{name}'")
        parts = (year, str(month), day)
    if parts:
        year, month, day = parts
        value = f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
    try:
        return parse(value)
    except ValueError as exc:
        if iso_parts(value):
            raise ValueError(str(exc).replace(f"'{value}'", f"'{text.strip()}'")) from None
        raise ValueError(f"'{text.strip()}' is not a date (use {USER_FORMS})") from None


def _is_month(name):
    """'jul', 'july' and 'sept' are months; 'julyish' is not."""
    full = next((m for m in _MONTHS if m.lower().startswith(name[:3])), "")
    return full.lower().startswith(name) or name == "sept"


def start(text):
    """The first day a partial date can mean, as YYYY-MM-DD (sortable as a string)."""
    parts = text.split("-")
    return "-".join(parts + ["01"] * (3 - len(parts)))


def end(text):
    """The last day a partial date can mean, as YYYY-MM-DD."""
    parts = text.split("-")
    if len(parts) == 1:
        return f"{parts[0]}-12-31"
    if len(parts) == 2:
        y, m = int(parts[0]), int(parts[1])
        leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
        last = 29 if m == 2 and leap else (28 if m == 2 else _DAYS[m - 1])
        return f"{parts[0]}-{parts[1]}-{last:02d}"
    return text


def sort_key(text):
    """Where a partial date sorts: at the end of the period it names, after the more precise dates in it.

    "2018" sorts after "2018-12-15", and "2018-03" after "2018-03-31": a year-only date says only that
    something happened by the end of that year, so it never jumps ahead of what is known to come first.
    """
    return (end(text), 3 - text.count("-"))


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def day_before(text):
    """The day before a date's first day ('2022-07' -> '2022-06-30'); 0001-01-01 has none, and stays."""
    import datetime  # here: start-up speed, as only counts and changes need it

    day = start(text)
    if day <= "0001-01-01":  # no day before it in datetime's calendar (year 0 is none of its years either)
        return day
    return (datetime.date.fromisoformat(day) - datetime.timedelta(days=1)).isoformat()


def human(text):
    """'2022-07-01' -> '1 July 2022'; '2022-07' -> 'July 2022'; '2022' -> '2022'."""
    if not text:
        return ""
    parts = text.split("-")
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS[int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{int(parts[2])} {month} {parts[0]}"


def in_period(day, frm, to):
    """Whether a full date falls in [frm, to): frm/to are partial dates or None (open)."""
    return not (frm and day < start(frm)) and not (to and day >= start(to))


def today():
    """The one "today": ICS_TODAY (a full YYYY-MM-DD in ASCII digits) if set, else the local date."""
    fixed = os.environ.get("ICS_TODAY", "").strip()
    if fixed:
        found = iso_parts(fixed)
        if not found or found[2] is None:  # a full YYYY-MM-DD
            raise BadValue(f"ICS_TODAY: '{fixed}' is not a date like 2026-12-01")
        try:
            return parse(fixed)
        except ValueError as exc:
            raise BadValue(f"ICS_TODAY: {exc}") from None
    return time.strftime("%Y-%m-%d")
