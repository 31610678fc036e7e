"""The one "today" every command uses.

`ICS_TODAY=YYYY-MM-DD` fixes it (tests and README examples set it so they never depend on the clock);
otherwise it is the local calendar date. Only ASCII digits are accepted.
"""
import os

from .errors import BadValue


def today():
    fixed = os.environ.get("ICS_TODAY", "").strip()
    if fixed:
        from . import dates

        found = dates.iso_parts(fixed)
        if not found or found[2] is None:  # a full YYYY-MM-DD
            raise BadValue(f"ICS_TODAY: '{fixed}' is not a date like 2026-12-01")
        try:
            return dates.parse(fixed)
        except ValueError as exc:
            raise BadValue(f"ICS_TODAY: {exc}") from None
    import time

    return time.strftime("%Y-%m-%d")
