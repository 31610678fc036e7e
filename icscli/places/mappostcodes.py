"""Postcodes in `ics map`: each postcode's sub-ICB location from the imported directory (ONSPD or NSPL),
then to the date through the systems data, as `ics postcode` does (systems/postcodes.py).

One connection for the whole file. The directory's sector index (systems/sectors.py) gives each
postcode's record (sub-ICB location and termination month) with no query per postcode: the row loop
hands over the values of many rows at a time and they are answered together, in loops that run in C.
The answer is made once per record, so memory stays bounded however many postcodes the file holds.
"""
import re

from .. import dates
from ..systems import postcodes
from ..systems.mapping import unknown
from ..systems.sectors import Sectors

# postcode_text.is_shaped as one pattern (`ics map` loads `re` with csv anyway): outward code, inward code
SHAPE = re.compile("[A-Z][A-Z]?[0-9][0-9A-Z]?[0-9][A-Z][A-Z]").fullmatch


def compact(values):
    """Each value (text) upper case without spaces, as postcode_text.normalise reads it."""
    return list(map("".join, map(str.split, map(str.upper, values))))


class Postcodes:
    """The imported directory, open for one run of `ics map`."""

    def __init__(self, kind, connection, meta, pm):
        self.connection, self.meta, self.pm = connection, meta, pm
        self.label = meta.get("label") or kind
        self.sectors = Sectors(connection, meta.get("sectors") or "I", self._answer)
        self.unknowns, self.found = {}, False

    @classmethod
    def open(cls, pm, required):
        """The directory, answering for the place mapper `pm`, or None when none is imported
        (postcodes.NoDirectory when `required`: one line saying what to download)."""
        try:
            return cls(*postcodes.directory(), pm)
        except postcodes.NoDirectory:
            if required:
                raise
            return None

    def close(self):
        self.connection.close()

    def prefetch(self, values):
        """Read the index of the sectors `values` name (`map` then answers each without a query)."""
        self.sectors.load(compact(v for v in values if v.__class__ is str and 5 <= len(v) <= 10))

    def answer_block(self, values):
        """The answer of each value of `values`, in their order (`map`'s answers, for many values at
        once; an answer is shared by the values with the same record or note, its `input` left empty)."""
        try:
            out = self.sectors.answers_of(values)  # as typed: found when written as the directory writes it
        except TypeError:  # a number or a date read from a workbook
            values = list(map(str, values))
            out = self.sectors.answers_of(values)
        if None not in out:
            self.found = True
        else:  # not in the directory, or typed another way (lower case, a tab, a no-break space): again, compact
            misses = [i for i, found in enumerate(out) if found is None]
            redone = compact([str(values[i]) for i in misses])
            again = self.sectors.answers_of(redone)
            self.found = self.found or len(misses) < len(out) or again.count(None) < len(again)
            for i, text, found in zip(misses, redone, again):
                out[i] = found or self._unknown(self._missing(text))
        return out

    def _missing(self, text):
        if SHAPE(text):
            return f"not in the imported postcode directory ({self.label})"
        return "not shaped like a postcode"

    def _unknown(self, note):
        found = self.unknowns.get(note)
        if found is None:
            found = self.unknowns[note] = unknown("", note)
        return found

    def map(self, text):
        found = self.answer_block([text])[0]
        if found["change"] == "unknown" and not found["input"]:
            return unknown(text, found["note"])
        return found  # shared by every postcode with that sub-ICB location and status

    def notes(self):
        """What the summary says of the directory, once a postcode was looked up in it: its edition and
        when it was imported."""
        if not self.found:
            return []
        when = str(self.meta.get("imported") or "")[:10]
        return [f"postcodes looked up in your imported {self.label}"
                + (f" (imported on {dates.human(when)})" if len(when) == 10 else "")]

    def _answer(self, record):
        sub_icb, terminated = record.split("\0")
        if not sub_icb or sub_icb.endswith("99999999"):
            return unknown("", f"the postcode directory ({self.label}) gives it no sub-ICB location"
                                + (f" (its code is {sub_icb})" if sub_icb else ""))
        found = self.pm.area.map(sub_icb)
        bits = [f"sub-ICB location {sub_icb} in the postcode directory ({self.label})"]
        if terminated:
            bits.append(f"the postcode was terminated in {dates.human(postcodes.month(terminated))}; the area is the one the "
                        "directory gives it")
        if found["change"] == "unknown":
            bits.append("the systems data does not know that code")
        elif found["note"]:
            bits.append(found["note"])
        return {"input": "", "change": found["change"], "rows": found["rows"], "note": "; ".join(bits)}

