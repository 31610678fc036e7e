"""Postcodes in `ics map`: each postcode's sub-ICB location from the imported directory (ONSPD or NSPL),
then to the date through the systems data, as `ics postcode` does (systems/postcodes.py).

One connection for the whole file; the row loop hands over the values of a few thousand rows at a time
(`prefetch`) and they are looked up in one query per 500, so no row waits on its own query. What the
directory says of each postcode is kept in a bounded cache (emptied when full), and the answer is made
once per sub-ICB location and status, so memory stays flat however many postcodes the file holds.
"""
import re

from .. import dates
from ..systems import postcode_text, postcodes
from ..systems.mapping import unknown

CACHE_LIMIT = 300000
BATCH = 500
# postcode_text.is_shaped as one pattern (`ics map` loads `re` with csv anyway): outward code, inward code
SHAPE = re.compile("([A-Z][A-Z]?[0-9][0-9A-Z]?)([0-9][A-Z][A-Z])").fullmatch


def keys(values):
    """{value: its 7-character key, or None when it is not shaped like a postcode}, as
    postcode_text.normalise gives it, for many values (text) at once."""
    values = list(values)
    found = map(SHAPE, map(str.upper, map("".join, map(str.split, values))))
    return dict(zip(values, [m[1].ljust(4) + m[2] if m else None for m in found]))


class Postcodes:
    """The imported directory, open for one run of `ics map`."""

    def __init__(self, kind, connection, meta):
        self.connection, self.meta = connection, meta
        self.label = meta.get("label") or kind
        self.records, self.answers, self.keys, self.unknowns = {}, {}, {}, {}

    @classmethod
    def open(cls, required):
        """The directory, or None when none is imported (postcodes.NoDirectory when `required`: one line
        saying what to download)."""
        try:
            return cls(*postcodes.directory())
        except postcodes.NoDirectory:
            if required:
                raise
            return None

    def close(self):
        self.connection.close()

    def prefetch(self, values):
        """Look up, in batches, the postcodes among `values` not already known (their keys are kept
        for `map` until the next batch)."""
        self.keys = keys(v for v in values if v.__class__ is str and 5 <= len(v) <= 10)
        self._fetch(self.keys.values())

    def _fetch(self, wanted):
        """What the directory says of each key among `wanted` not already known, kept in `records` as
        one text, the sub-ICB location and the termination date with a NUL between (None for a key it
        does not hold); emptied first when it would outgrow CACHE_LIMIT."""
        records, every = self.records, {k for k in wanted if k}
        wanted = every.difference(records)
        if len(records) + len(wanted) > CACHE_LIMIT:  # emptied: every key asked for is looked up again
            records.clear()
            wanted = every
        wanted = sorted(wanted)  # in key order: near pages
        records.update(dict.fromkeys(wanted))
        for start in range(0, len(wanted), BATCH):  # SQLite's limit on parameters is 999 in older builds
            part = wanted[start:start + BATCH]
            records.update(self.connection.execute(
                "SELECT pcd, ifnull(sub_icb, '') || char(0) || ifnull(terminated, '') FROM postcodes WHERE pcd IN "
                f"({', '.join('?' * len(part))})", part))

    def answer_all(self, pm, values):
        """{value: answer} for every value of `values` (`map`'s answers, for many values at once; an
        unknown's answer is shared by the values with the same note, its `input` left empty)."""
        found = keys(values)
        self._fetch(set(found.values()))
        held = list(map(self.records.get, found.values()))
        answers = self.answers
        if len(answers) > CACHE_LIMIT:
            answers.clear()
        for record in set(held).difference(answers):
            answers[record] = self._answer(pm, record) if record else self._unknown(
                f"not in the imported postcode directory ({self.label})")
        out = dict(zip(found, map(answers.__getitem__, held)))
        if None in found.values():  # what is not shaped like a postcode
            for value in [v for v, k in found.items() if k is None]:
                out[value] = self._unknown("not shaped like a postcode")
        return out

    def _unknown(self, note):
        found = self.unknowns.get(note)
        if found is None:
            found = self.unknowns[note] = unknown("", note)
        return found

    def map(self, pm, text):
        key = self.keys.get(text) or postcode_text.normalise(str(text))
        if key is None:
            return unknown(text, "not shaped like a postcode")
        if key not in self.records:
            self.prefetch([str(text).strip()])
        record = self.records.get(key)
        if record is None:
            return unknown(text, f"not in the imported postcode directory ({self.label})")
        answer = self.answers.get(record)
        if answer is None:
            if len(self.answers) > CACHE_LIMIT:
                self.answers.clear()
            answer = self.answers[record] = self._answer(pm, record)
        return answer  # shared by every postcode with that sub-ICB location and status

    def notes(self):
        """What the summary says of the directory, once a postcode was looked up in it: its edition and
        when it was imported."""
        if not self.answers:
            return []
        when = str(self.meta.get("imported") or "")[:10]
        return [f"postcodes looked up in your imported {self.label}"
                + (f" (imported on {dates.human(when)})" if len(when) == 10 else "")]

    def _answer(self, pm, record):
        sub_icb, terminated = record.split("\0")
        if not sub_icb or sub_icb.endswith("99999999"):
            return unknown("", f"the postcode directory ({self.label}) gives it no sub-ICB location"
                                + (f" (its code is {sub_icb})" if sub_icb else ""))
        found = pm.area.map(sub_icb)
        bits = [f"sub-ICB location {sub_icb} in the postcode directory ({self.label})"]
        if terminated:
            bits.append(f"the postcode was terminated in {dates.human(postcodes.month(terminated))}; the area is the one the "
                        "directory gives it")
        if found["change"] == "unknown":
            bits.append("the systems data does not know that code")
        elif found["note"]:
            bits.append(found["note"])
        return {"input": "", "change": found["change"], "rows": found["rows"], "note": "; ".join(bits)}

