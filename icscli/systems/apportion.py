"""Exact shares of a split area for `ics map`: where the people of the area live on the target date.

The systems index (mapping.project) says which areas in force on the target date continue an area; when
there are several, this module divides the area between them by the LSOAs it held on its own date: the
LSOA lookup in force at the end of its life, or on the --from date when it was in force then (ccg2015 ...
ccg2021 and loc2022 on 2011 LSOAs, loc2024 and loc2026 on 2021 LSOAs; data/places/vintages.yaml), each LSOA placed by the lookup in force on the target
date. Between 2011 and 2021 LSOAs it goes through the ONS bridge of the LSOA tables (a 2011 LSOA split in
2021 is divided among its parts by their Census 2021 population, and the other way by the mid-2020
estimates). The weights are the LSOAs' resident population (by default), registered patients (only where
the data gives a whole part's patients) or the LSOA count. The systems data keeps the say on which parts
there are; the LSOA files give the shares among them, and a note says what was left out.

The LSOA assignments are read only through store/places.py (`area_rows`), when a split needs them, and
each area's shares are worked out once. `Scaler` multiplies the numeric columns of `--apportion`.
"""
import math

from .. import dates
from ..errors import BadValue
from ..store import places
from ..store.systems_index import ICBS_START

WEIGHTS = ("population", "patients", "lsoas")
GEOGRAPHIES = ("lsoa11", "lsoa21")


def lookups(kb):
    """[(first day, vintage record)] of the LSOA lookups (CCG or sub-ICB location), by date."""
    out = []
    for rec in (getattr(kb, "place_vintages", None) or {}).values():
        levels = rec.get("levels") or []
        if rec.get("geography") in GEOGRAPHIES and levels and levels[0] in ("ccg", "loc"):
            out.append((dates.start(rec["date"]), rec))
    return sorted(out, key=lambda pair: pair[0])


def _when(rec):
    """A lookup's date, and for a derived one whether the user's imported ONS lookup stands in for it."""
    text = dates.human(rec["date"])
    if rec.get("provenance") != "derived":
        return text
    standing = places.official_standing(rec["id"]) or {}
    if standing.get("used"):
        return f"{text}, from your imported ONS lookup ({standing['edition']})"
    return text + ", derived (not an official lookup)"


class Apportioner:
    """Shares of the parts of split areas, for one target date and one kind of weight."""

    def __init__(self, kb, ix, day, weights="population", source_day=None):
        if weights not in WEIGHTS:
            raise BadValue(f"--weights: '{weights}' is not one of: {', '.join(WEIGHTS)}")
        self.kb, self.ix, self.day, self.weights = kb, ix, day, weights
        self.source_day = source_day  # --from: an area in force then is divided by the LSOAs it held then
        self.lookups = lookups(kb)
        self._vintages = getattr(kb, "place_vintages", None) or {}
        self.level = "loc" if day >= ICBS_START else "ccg"
        self._found, self.used = {}, set()

    # ------------------------------------------------------------------ which lookup

    def _lookup(self, level, before=None, on=None):
        """(vintage record, note) of `level`: the last one starting before `before` (an area's end) or on
        `on` (the target date); the earliest, with a note, when none is that early."""
        found = [rec for start, rec in self.lookups if rec["levels"][0] == level]
        if not found:
            return None, ""
        fits = [rec for start, rec in self.lookups if rec["levels"][0] == level
                and (before is None or start < before) and (on is None or start <= on)]
        if fits:
            return fits[-1], ""
        return found[0], (f"the first LSOA file is of {dates.human(found[0]['date'])}; "
                          "it is used for the dates before it")

    def _code(self, node):
        record = self.kb.ccgs.get(node) if node in self.kb.ccgs else self.kb.sub_icb_locations[node]
        return record["ods_code"].upper()

    # ------------------------------------------------------------------ the shares

    def shares(self, starts, reached):
        """({node: share}, the words for their basis, the words for the LSOAs used) for the parts `reached`
        of the areas `starts` ([(node, weight)]), or None when the LSOA files cannot say (the area is in
        none of them)."""
        key = (tuple(sorted(node for node, _ in starts)), tuple(sorted(reached)))
        if key not in self._found:
            self._found[key] = self._shares([node for node, _ in starts], list(reached))
        return self._found[key]

    def _shares(self, starts, reached):
        source, notes = None, []
        lsoas = set()
        for node in starts:
            level = "ccg" if node in self.kb.ccgs else "loc"
            span = self.ix.spans[node]
            held_on = self.source_day if self.source_day and _on(span, self.source_day) else None
            rec, early = self._lookup(level, before=span[1], on=held_on)
            if rec is None or (source is not None and rec["geography"] != source["geography"]):
                return None
            source = rec
            notes += [early] if early and early not in notes else []
            row = places.by_ods(rec["id"], level).get(self._code(node))
            lsoas.update(_members(rec["id"]).get(row, ()))
        target, early = self._lookup(self.level, on=self.day)
        if not lsoas or target is None:
            return None
        notes += [early] if early and early not in notes else []
        placed = _place(source["geography"], lsoas, target)
        codes = {node: self._code(node) for node in reached}
        held = f"the LSOAs it held in the LSOA lookup of {_when(source)}, placed by the lookup of {_when(target)}"
        basis = self._basis(held, target, lsoas, placed, codes, notes, source)
        column = 1 if self.weights == "lsoas" else 0
        if basis[0] is not None:
            column, by = 2, basis[0]
            placed = {code: [0, 0, by.get(code, 0)] for code in placed}
        total = sum(placed.get(code, (0, 0, 0))[column] for code in codes.values())
        if not total:
            return None
        whole = sum(values[column] for values in placed.values())
        if whole - total > 1e-9 * whole:
            notes.append(f"{_percent((whole - total) / whole)} of it lies in LSOAs the lookup places outside "
                         "these parts, left out of the shares")
        shares = {node: placed.get(code, (0, 0, 0))[column] / total for node, code in codes.items()}
        self.used.add(basis[1].split(":", 1)[0].removeprefix("shares by "))
        return shares, "; ".join([basis[1]] + notes), "; ".join([held] + notes)

    def _basis(self, held, target, lsoas, placed, codes, notes, source):
        """(patients by code or None, the words for the basis of the shares)."""
        if self.weights == "lsoas":
            return None, f"shares by number of LSOAs (small areas of broadly similar population): {held}"
        column = population(source["geography"])["column"]
        label = (self._vintages.get(column) or {}).get("label") or column
        people = f"shares by resident population ({label}): {held}"
        if self.weights == "population":
            return None, people
        patients, missing = self._patients(source, target, lsoas, placed, codes)
        if missing == [] and patients:
            rec = self._vintages.get("prac2026") or {}
            return patients, f"shares by registered patients ({dates.human(rec.get('date', ''))}) of the parts"
        if missing is None:
            notes.append("registered patients are counted only for the areas of "
                         f"{dates.human((self._vintages.get('prac2026') or {}).get('date') or '')}, "
                         "so resident population is used instead")
        else:
            notes.append("the data has no registered patients for " + ", ".join(sorted(missing)) + " as a part of "
                         "this area (it counts them only for whole sub-ICB locations, ICBs and PCNs), so resident "
                         "population is used instead")
        return None, people

    def _patients(self, source, target, lsoas, placed, codes):
        """({code: registered patients} of the parts that are whole areas with patients, [codes without]).
        Registered patients are counted for the sub-ICB locations of one date (the prac2026 vintage): a
        part has them when it is in force on that date and all of it comes from this area."""
        counted = places.by_ods("prac2026", "loc")
        day = dates.start((self._vintages.get("prac2026") or {}).get("date") or "9999")
        areas, mine = places.by_ods(target["id"], "loc"), _members(target["id"])
        out, missing = {}, []
        if not all(_on(self.ix.spans.get(node), day) for node in codes):
            return out, None  # the parts are not the areas whose patients are counted
        for code in codes.values():
            if not placed.get(code, (0, 0, 0))[1]:
                continue  # no LSOA of the area lies here: a share of 0 whatever the weight
            if code in counted and _whole(source["geography"], target["geography"],
                                                     mine.get(areas.get(code), ()), lsoas):
                out[code] = places.areas()[counted[code]][6] or 0
            else:
                missing.append(code)
        return out, missing


def _on(span, day):
    return bool(span) and span[0] <= day and (span[1] is None or day < span[1])


def _percent(fraction):
    return f"{fraction:.1%}" if fraction >= 0.001 else "under 0.1%"


def _whole(geo, target_geo, target_lsoas, lsoas):
    """Whether every LSOA of a target area comes wholly from `lsoas` (of geography `geo`)."""
    if not target_lsoas:
        return False
    if geo == target_geo:
        return all(t in lsoas for t in target_lsoas)
    back = _links(target_geo)  # each target LSOA's counterparts: all of them must be the area's
    return all(back.get(t) and all(p in lsoas for p, _ in back[t]) for t in target_lsoas)


def _members(vintage):
    """{area row: [LSOA codes]} of a lookup vintage (through places.area_rows; once per process)."""
    known = places.memo("apportion_members")
    if vintage not in known:
        out = {}
        for lsoa, at in places.area_rows(vintage).items():
            out.setdefault(at, []).append(lsoa)
        known[vintage] = out
    return known[vintage]


def population(geo):
    """{'column', 'by': {LSOA: people}} of the LSOA table of a geography (its `pop...` column), read once a
    process: for the shares, and for the ICB card's residents through an imported lookup (card.py)."""
    known = places.memo("apportion_population")
    if geo not in known:
        header = places.header(geo)
        column = next(name for name in header if name.startswith("pop"))
        at = header[column]
        known[geo] = {"column": column, "by": {cells[0]: int(cells[at] or 0) for cells in places.rows(geo)}}
    return known[geo]


def _links(geo):
    """{LSOA of `geo`: [(LSOA of the other geography, fraction)]}: the ONS bridge, each LSOA divided
    among its counterparts by their population."""
    known = places.memo("apportion_links")
    if geo not in known:
        other = GEOGRAPHIES[1 - GEOGRAPHIES.index(geo)]
        at = places.header(geo)[other]
        people = population(other)["by"]
        out = {}
        for cells in places.rows(geo):
            parts = cells[at].split()
            total = sum(people.get(p, 0) for p in parts)
            out[cells[0]] = [(p, (people.get(p, 0) / total) if total else 1 / len(parts)) for p in parts]
        known[geo] = out
    return known[geo]


def _place(geo, lsoas, target):
    """{ODS code of a target area: [people, LSOAs]} of the LSOAs `lsoas` (geography `geo`) placed by the
    lookup `target` (a vintage record)."""
    rows, table = places.area_rows(target["id"]), places.areas()
    people = population(geo)["by"]
    bridge = None if geo == target["geography"] else _links(geo)
    out = {}
    for lsoa in lsoas:
        weight = people.get(lsoa, 0)
        for part, fraction in (bridge.get(lsoa, ()) if bridge is not None else ((lsoa, 1.0),)):
            at = rows.get(part)
            if at is None:
                continue
            found = out.setdefault(table[at][3].upper(), [0.0, 0.0])
            found[0] += weight * fraction
            found[1] += fraction
    return out


# --------------------------------------------------------------------------- --apportion


class Scaler:
    """`--apportion`: the numeric cells of some columns multiplied by each output row's share, so that
    sums by the new areas keep the input's totals. A blank or non-numeric cell is kept as it is (and
    counted), and so is a row whose share the data cannot give (counted too)."""

    def __init__(self, positions):
        self.positions = positions
        self.not_numbers = self.no_share = 0

    def __call__(self, row, shares):
        """The row once per share (None: the data gives no share; 1: the row as it is)."""
        values = [(at, number(row[at])) for at in self.positions]
        if None in (value for _, value in values):
            self.not_numbers += sum(1 for _, value in values if value is None)
        if shares == WHOLE:
            return [row]
        if None in shares:
            self.no_share += 1
            return [row] * len(shares)
        out = []
        for share in shares:
            if share == 1:
                out.append(row)
                continue
            cells = list(row)
            for at, value in values:
                if value is not None:
                    cells[at] = scaled(value, share, row[at])
            out.append(cells)
        return out

    def notes(self, basis):
        words = [f"split areas' values apportioned by their shares, by {basis}" if basis else
                 "no split area: every value kept whole"]
        if self.not_numbers:
            words.append(f"{self.not_numbers:,} blank or non-numeric cell{'s' if self.not_numbers != 1 else ''} "
                         "of the apportioned columns kept as they were")
        if self.no_share:
            one = self.no_share == 1
            words.append(f"{self.no_share:,} row{'' if one else 's'} could not be apportioned (the data gives no "
                         "share: an unknown code, or a split it cannot divide) and "
                         + ("keeps its value" if one else "keep their values"))
        return words


WHOLE = [1.0]
NUMBER_CHARACTERS = frozenset("0123456789.eE+-")


def number(value):
    """A cell's number (int or float), or None: blank, text that is not a plain number, a date."""
    if value.__class__ in (int, float):
        return value if value.__class__ is int or math.isfinite(value) else None
    if value.__class__ is not str:
        return None
    if value.isdigit() and value.isascii():  # the common case, quickly
        return int(value)
    text = value.strip()
    if not text or len(text) > 40 or not set(text) <= NUMBER_CHARACTERS or not any(c.isdigit() for c in text):
        return None
    body = text.lstrip("+-")
    if body.isdigit():
        return int(text)
    try:
        found = float(text)
    except ValueError:
        return None
    return found if math.isfinite(found) else None


def scaled(value, share, original):
    """value * share, as the cell holds it: a number for a workbook's number, else text with no more
    decimals than it needs (at most 6 after the point, 15 significant digits)."""
    result = value * share
    if original.__class__ is not str:
        return round(result, 9)
    if abs(result) >= 1e15:  # past a float's exact digits: no made-up ones
        return f"{result:.15g}"
    digits = len(str(int(abs(result)))) if abs(result) >= 1 else 0
    text = f"{result:.{max(0, min(6, 15 - digits))}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
