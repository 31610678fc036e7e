"""Postcodes in `ics map`: each postcode's sub-ICB location from the imported directory (ONSPD or NSPL),
then to the date through the systems data, as `ics postcode` does (systems/postcodes.py).

One connection for the whole file; the row loop hands over the values of a few thousand rows at a time
(`prefetch`) and they are looked up in one query per 500, so no row waits on its own query. What the
directory says of each postcode is kept in a bounded cache (emptied when full), and the answer is made
once per sub-ICB location and status, so memory stays flat however many postcodes the file holds.
"""
from .. import dates
from ..systems import postcode_text, postcodes

CACHE_LIMIT = 300000
BATCH = 500


class Postcodes:
    """The imported directory, open for one run of `ics map`."""

    def __init__(self, kind, connection, meta):
        self.connection, self.meta = connection, meta
        self.label = meta.get("label") or kind
        self.records, self.answers, self.keys = {}, {}, {}

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
        normalise = postcode_text.normalise
        self.keys = {v: normalise(v) for v in values if v.__class__ is str and 5 <= len(v) <= 10}
        records = self.records
        keys = sorted({k for k in self.keys.values() if k and k not in records})  # in key order: near pages
        if not keys:
            return
        if len(records) + len(keys) > CACHE_LIMIT:
            records.clear()
        records.update(dict.fromkeys(keys))
        for start in range(0, len(keys), BATCH):  # SQLite's limit on parameters is 999 in older builds
            part = keys[start:start + BATCH]
            cursor = self.connection.execute("SELECT pcd, sub_icb, terminated FROM postcodes WHERE pcd IN "
                                             f"({', '.join('?' * len(part))})", part)
            for key, sub_icb, terminated in cursor:
                records[key] = (sub_icb or "", terminated or "")

    def map(self, pm, text):
        key = self.keys.get(text) or postcode_text.normalise(str(text))
        if key is None:
            return _unknown(text, "not shaped like a postcode")
        if key not in self.records:
            self.prefetch([str(text).strip()])
        record = self.records.get(key)
        if record is None:
            return _unknown(text, f"not in the imported postcode directory ({self.label})")
        answer = self.answers.get(record)
        if answer is None:
            if len(self.answers) > CACHE_LIMIT:
                self.answers.clear()
            answer = self.answers[record] = self._answer(pm, *record)
        return answer  # shared by every postcode with that sub-ICB location and status

    def _answer(self, pm, sub_icb, terminated):
        if not sub_icb or sub_icb.endswith("99999999"):
            return _unknown("", f"the postcode directory ({self.label}) gives it no sub-ICB location"
                                + (f" (its code is {sub_icb})" if sub_icb else ""))
        found = pm.area.map(sub_icb)
        bits = [f"sub-ICB location {sub_icb} in the postcode directory ({self.label})"]
        if terminated:
            bits.append(f"the postcode was terminated in {dates.human(_month(terminated))}; the area is the one the "
                        "directory gives it")
        if found["change"] == "unknown":
            bits.append("the systems data does not know that code")
        elif found["note"]:
            bits.append(found["note"])
        return {"input": "", "change": found["change"], "rows": found["rows"], "note": "; ".join(bits)}


def _month(value):
    value = (value or "").strip()
    return f"{value[:4]}-{value[4:6]}" if len(value) == 6 and value.isdigit() else value


def _unknown(text, note):
    return {"input": text, "change": "unknown", "note": note, "rows": []}
