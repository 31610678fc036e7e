"""`ics map` of places: GP practice, PCN, LSOA (2011 or 2021), NHS trust codes and postcodes, beside the
CCG, sub-ICB location, ICB and STP codes and names that systems/mapping.py re-codes.

A place is first put in an area by the file in force on the date (the practice mapping files, the LSOA
lookups, the ODS trusts file, the imported postcode directory), then that area is followed to the date
through the systems data, as `ics map` follows any area code. The answer has the same columns, `change`,
`share` and `note` as an area code's, so cli/map.py hands `mapper(kind)` to systems/mapfile.py and the row
loop does not change. With kind `auto`, a value that the systems data knows is mapped exactly as before;
only a value it does not know is read by its shape as a place code.
"""
from .. import dates
from ..errors import BadValue
from ..store import places as store
from ..systems.mapping import unknown

DIGITS_LAST = ("lsoa", "practice", "pcn")  # shapes whose text is its own key in the systems code table
KINDS = ("auto", "area", "practice", "pcn", "lsoa", "trust", "postcode")  # cli/map.py's --kind offers these


def mapper(kind):
    """The mapper factory for systems/mapfile.py: None for `area` (the systems mapper alone, as before),
    else (kb, day, weights, source_day) -> PlaceMapper."""
    if kind not in KINDS:
        raise BadValue(f"--kind: '{kind}' is not one of: {', '.join(KINDS)}")
    if kind == "area":
        return None
    return lambda kb, day, weights="population", source_day=None: PlaceMapper(kb, day, kind, weights, source_day)


def shape(code):
    """The kind a code's shape suggests (upper-case, without spaces), or None."""
    if len(code) == 9 and code[:3] in ("E01", "W01") and code[3:].isdigit():
        return "lsoa"
    if len(code) == 6 and code[0].isalpha() and code[1:].isdigit():
        from .mapkinds import pcn_codes

        return "pcn" if code[0] == "U" and code in pcn_codes() else "practice"
    if (len(code) == 3 and code[0] == "R" and code.isalnum()) or (len(code) == 5 and code.isalnum()
                                                                   and store.row("trusts", code)):
        return "trust"
    return None


class PlaceMapper:
    """Maps values of one kind (or each by its shape) to one date; the same calls as systems Mapper."""

    CACHE_LIMIT = 200000

    def __init__(self, kb, day, kind="auto", weights="population", source_day=None):
        from ..systems.mapping import Mapper
        from . import mapkinds  # these, only for a mapping

        # area codes: split areas shared by `weights`, and read as of `source_day` (--from), as without places;
        # a place code is read by the file in force on the date, whatever --from says
        self.area = Mapper(kb, day, weights, source_day=source_day)
        self.kb, self.day, self.kind, self.source_day = kb, self.area.day, kind, self.area.source_day
        self.columns, self.width, self.icb_era = self.area.columns, self.area.width, self.area.icb_era
        self._cache, self._followed, self._answers, self.files = {}, {}, {}, {}
        self.areas, self.kinds = store.areas(), mapkinds
        self.postcodes = self.prefetch = self.answer_block = None
        if kind in ("auto", "postcode"):
            from .mappostcodes import Postcodes

            self.postcodes = Postcodes.open(self, required=kind == "postcode")
            if self.postcodes:  # the directory's index read a block of values at a time
                self.prefetch = self.postcodes.prefetch
            if self.postcodes and kind == "postcode":  # every value a postcode: answered a block at a time
                self.answer_block = self.postcodes.answer_block

    @property
    def apportioner(self):
        """The area mapper's shares of split areas (what the summary says of their basis)."""
        return self.area.apportioner

    def close(self):
        if self.postcodes:
            self.postcodes.close()

    def notes(self):
        """What the summary says of the files this run read (the postcode directory's edition)."""
        return self.postcodes.notes() if self.postcodes else []

    def map(self, text):
        """{'input', 'kind', 'change', 'rows': [{'fields', 'share', 'node'}], 'note'} for one value."""
        k = str(text).strip()
        found = self._cache.get(k)
        if found is None:
            found = self._map(text, k)
            if len(self._cache) < self.CACHE_LIMIT and self.kind != "postcode":  # postcodes: few repeat
                self._cache[k] = found
        return found

    def _map(self, text, k):
        kind = self.kind
        if kind == "auto":
            kind = shape(k.upper())
            if kind in DIGITS_LAST and not self.area.ix.codes.get(k.lower()):  # its own matching key: no area's
                return getattr(self.kinds, kind)(self, text, k.upper())
            found = self.area.map(text)
            if found["change"] != "unknown" or not k:
                return found
            if kind is None:
                from ..systems import postcode_text

                if not postcode_text.normalise(k):
                    return found
                if self.postcodes:
                    return self.postcodes.map(text)
                return unknown(text, "shaped like a postcode: import a postcode directory (ics import) to map "
                                     "postcodes")
        elif kind == "postcode":
            return self.postcodes.map(text)
        if not k:
            return unknown(text, "blank")
        return getattr(self.kinds, kind)(self, text, k.upper())

    # ------------------------------------------------------------------ what the kinds share

    def node(self, level, ods, day):
        """(kind, record id) of the CCG or sub-ICB location with this ODS code on `day` (a file's date)."""
        if level == "ccg":
            ident = "ccg-" + ods.lower()
            return ("ccg", ident) if ident in self.area.ix.spans else None
        from ..systems import version_on

        version = version_on(self.kb, day)
        ident = self.area.ix.loc_by_ods.get(version, {}).get(ods.upper()) if version else None
        return ("loc", ident) if ident else None

    def follow(self, kind, ident, text):
        """The area's mapping to the date (kept per area: every place in it shares it)."""
        key = (kind, ident)
        found = self._followed.get(key)
        if found is None:
            found = self._followed[key] = self.area.follow(kind, ident, text, exact=False)  # a place is no share
        return found

    def parts(self, text, parts, place_note, point=None):
        """The answer for a place lying in `parts`, [(area row of the code table, file date, weight)]:
        each part followed to the date, shares multiplied, parts reaching the same area added up. A
        part of a `point` (a practice, a PCN's practices: each lies in one area) that reaches several
        areas gets no shares there: the area's own shares do not say where the practices are. The answer
        is kept: the places of one area in one file share it."""
        key = (tuple(parts), place_note, point)
        found = self._answers.get(key)
        if found is None:
            if len(self._answers) >= self.CACHE_LIMIT:
                self._answers.clear()
            found = self._answers[key] = self._parts(parts, place_note, point)
        return found

    def _parts(self, parts, place_note, point):
        merged, notes, changes, fanned = {}, [], [], 0
        for at, day, weight in parts:
            row = self.areas[at]
            node = self.node(row[1], row[3], day)
            if node is None:
                notes.append(f"the systems data has no {_level(row[1])} {row[3]} on {dates.human(day)}")
                continue
            found = self.follow(node[0], node[1], row[3])
            changes.append(found["change"])
            if point and len(found["rows"]) > 1:
                fanned, weight = max(fanned, len(found["rows"])), None
            elif found["note"] and found["note"] not in notes:
                notes.append(found["note"])
            for r in found["rows"]:
                key = tuple(r["fields"])
                share = None if weight is None or r["share"] is None else weight * r["share"]
                entry = merged.setdefault(key, {"fields": r["fields"], "share": 0.0, "node": r["node"]})
                entry["share"] = None if share is None or entry["share"] is None else entry["share"] + share
        rows = sorted(merged.values(), key=lambda r: (-(r["share"] or 0), r["fields"]))
        if fanned:
            notes.append(f"its area of the file is divided between {fanned} areas on the date; the {point}, "
                         "and the data does not say which (no shares)")
        if not rows:
            change = "ended" if changes else "unknown"
        elif len(rows) > 1:
            change = "split"
        elif len(changes) == 1:
            change = changes[0]
        else:
            change = "merged"
        return {"change": change, "rows": rows, "note": "; ".join([place_note, *notes])}


def _level(level):
    return {"ccg": "CCG", "loc": "sub-ICB location"}.get(level, level)
