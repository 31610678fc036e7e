"""Each place kind of `ics map` put in its area by the file in force on the date: practice, pcn, lsoa,
trust (postcodes: mappostcodes.py). Each takes the PlaceMapper (mapcodes.py), the value as given and its
upper-case code, and returns the answer `PlaceMapper.parts` makes, with a note saying which file placed
it and what is assumed when the date is not that file's own.
"""
from .. import dates
from ..store import places as store
from ..systems.mapping import unknown
from .base import vintages
from .lsoa import GEOGRAPHY, POPULATION

PRACTICE_FILES = (("prac2022", "ccg2022", "pcn2022", "name2022"), ("prac2026", "loc2026", "pcn2026", "name2026"))
PRACTICE_IDS = frozenset(f[0] for f in PRACTICE_FILES)


def _files(pm, geographies, ids=None):
    """The dated files of these geographies in date order, each with its first day ('start'), and the
    one in force on the mapper's date (worked out once per mapper)."""
    key = (geographies, ids)
    if key not in pm.files:
        found = [dict(v, start=dates.start(v["date"])) for v in vintages(pm.kb, geographies)]
        found = [v for v in found if (ids is None or v["id"] in ids)
                 and (ids is not None or {"ccg", "loc"} & set(v.get("levels") or ()))]
        pm.files[key] = found, _in_force(found, pm.day)
    return pm.files[key]


def _in_force(files, day):
    """(index of the file in force on `day`: the latest on or before it, else the first; how the date
    stands to it: 'before', 'on', 'after' (the latest) or 'between')."""
    at = max((i for i, v in enumerate(files) if v["start"] <= day), default=None)
    if at is None:
        return 0, "before"
    if files[at]["start"] == day:
        return at, "on"
    return at, "after" if at == len(files) - 1 else "between"


def _when(what, files, at, stand):
    """Plain words for which file placed a value and what that assumes."""
    v = files[at]
    own = f"{what} of {dates.human(v['date'])}"
    if stand == "before":
        return f"{own}, the first: the date is before it, so this assumes nothing moved between the date and the file"
    if stand == "between":
        return f"{own}, in force on the date (the next is of {dates.human(files[at + 1]['date'])})"
    if stand == "after":
        return f"{own}, the latest: assumes nothing moved since"
    return own


def _area_text(at):
    row = store.areas()[at]
    return f"{row[4]} ({row[3] or row[2]})"


# --------------------------------------------------------------------------- GP practices


def practice(pm, text, code):
    cells = store.row("practices", code)
    if not cells:
        return unknown(text, "not a GP practice code in the practice files (January 2022, August 2026)")
    col = store.header("practices")
    files, (at, stand) = _files(pm, ("practice",), PRACTICE_IDS)
    areas = [cells[col[f[1]]] for f in PRACTICE_FILES]
    note = "placed by the practice file" if stand != "on" else "as the practice file"
    if not areas[at]:
        other = 1 - at
        if at == len(files) - 1:  # not in the latest file: it closed or left the list
            return unknown(text, f"not in the practice file of {dates.human(files[at]['date'])}, in force on the date "
                                  f"(it had closed or left the list); the file of {dates.human(files[other]['date'])} "
                                  f"placed it in {_area_text(int(areas[other]))}")
        return pm.parts(text, [(int(areas[other]), files[other]["start"], 1.0)],
                        f"not in the practice file of {dates.human(files[at]['date'])}, in force on the date (it "
                        f"opened or joined the list later); placed by the file of {dates.human(files[other]['date'])}",
                        "practice lies in one of them")
    place = _when(note, files, at, stand)
    if stand == "between" and areas[at + 1] and store.areas()[int(areas[at + 1])][3] != store.areas()[int(areas[at])][3]:
        place += f"; the file of {dates.human(files[at + 1]['date'])} places it in {_area_text(int(areas[at + 1]))}"
    return pm.parts(text, [(int(areas[at]), files[at]["start"], 1.0)], place, "practice lies in one of them")


# --------------------------------------------------------------------------- PCNs


def pcn_codes():
    """{PCN code: {file id: PCN row}} (once per process)."""
    known = store.memo("map_pcn_codes")
    if not known:
        for i, (vintage, code, _name, _patients) in enumerate(store.pcns()[0]):
            known.setdefault(code, {})[vintage] = i
    return known


def _pcn_areas():
    """{PCN row: {area row: practices}} from the practice files (once per process)."""
    known = store.memo("map_pcn_areas")
    if not known:
        col = store.header("practices")
        for cells in store.rows("practices"):
            for _file, area_col, pcn_col, _name in PRACTICE_FILES:
                if cells[col[pcn_col]] and cells[col[area_col]]:
                    counts = known.setdefault(int(cells[col[pcn_col]]), {})
                    counts[int(cells[col[area_col]])] = counts.get(int(cells[col[area_col]]), 0) + 1
    return known


def pcn(pm, text, code):
    rows_of = pcn_codes().get(code)
    if not rows_of:
        return unknown(text, "not a PCN code in the practice files (January 2022, August 2026)")
    files, (at, stand) = _files(pm, ("practice",), PRACTICE_IDS)
    which = files[at]["id"] if files[at]["id"] in rows_of else next(iter(rows_of))
    row = rows_of[which]
    place = _when("placed by the practice file" if stand != "on" else "as the practice file", files, at, stand)
    if which != files[at]["id"]:
        held = next(v for v in files if v["id"] == which)
        place = (f"not in the practice file of {dates.human(files[at]['date'])}, in force on the date; placed by "
                 f"the file of {dates.human(held['date'])}")
    start = next(v["start"] for v in files if v["id"] == which)
    areas = _pcn_areas().get(row, {})
    if not areas:
        return unknown(text, "the practice files list no practice in this PCN")
    if len(areas) == 1:
        return pm.parts(text, [(next(iter(areas)), start, 1.0)], place, "PCN's practices lie in one or more of them")
    known = {area: patients for pcn_row, area, patients in store.pcns()[1] if pcn_row == row}
    counts = ", ".join(f"{n} in {store.areas()[a][3]}" for a, n in sorted(areas.items(), key=lambda x: -x[1]))
    patients = [known.get(a) for a in areas]
    total = sum(patients) if None not in patients else 0
    if total:
        weights = [p / total for p in patients]
        place += (f"; its practices lie in {len(areas)} areas ({counts}), shared by registered patients on 1 August "
                  "2026 (worked out from the official totals)")
    else:
        weights = [None] * len(areas)
        place += (f"; its practices lie in {len(areas)} areas ({counts}); the files give no registered patients "
                  "for each part, so no shares")
    return pm.parts(text, [(a, start, w) for a, w in zip(areas, weights)], place, "PCN's practices lie in one or more of them")


# --------------------------------------------------------------------------- LSOAs


def lsoa(pm, text, code):
    files, (at, stand) = _files(pm, ("lsoa11", "lsoa21"))
    v = files[at]
    geo = v["geography"]
    place = pm.files.get("lsoa note")
    if place is None:
        place = _when("placed by the LSOA lookup" if stand != "on" else "as the LSOA lookup", files, at, stand)
        if v.get("provenance") != "official":
            place += " (a derived assignment: ics holds no official lookup for that date; `ics import` takes one)"
        pm.files["lsoa note"] = place
    assigned = pm.files.get(v["id"])
    if assigned is None:
        assigned = pm.files[v["id"]] = store.area_rows(v["id"])  # every LSOA of the lookup's geography
    if code in assigned:
        return pm.parts(text, [(assigned[code], v["start"], 1.0)], place)
    other = "lsoa21" if geo == "lsoa11" else "lsoa11"
    cells = store.row(other, code)
    if not cells:
        if code.startswith("W01"):
            return unknown(text, "a Welsh LSOA: the NHS England lookups cover England only")
        return unknown(text, "not a 2011 or 2021 LSOA code in the lookups")
    counterparts = cells[store.header(other)[geo]].split()
    weights, pop = {}, store.header(geo)[POPULATION[geo]]
    for c in counterparts:
        cells = store.row(geo, c)
        if cells and c in assigned:
            weights[assigned[c]] = weights.get(assigned[c], 0) + int(cells[pop])
    total = sum(weights.values())
    if not weights:
        return unknown(text, f"its {GEOGRAPHY[geo]} counterparts are not in the LSOA lookup of {dates.human(v['date'])}")
    place += (f"; a {GEOGRAPHY[other]} LSOA, read through its {GEOGRAPHY[geo]} counterpart"
              f"{'s' if len(counterparts) > 1 else ''} ({', '.join(counterparts)}, the ONS link)")
    if len(weights) > 1:
        place += f", shared by their population ({'mid-2020' if geo == 'lsoa11' else 'Census 2021'})"
    return pm.parts(text, [(a, v["start"], (w / total) if total else None) for a, w in weights.items()], place)


# --------------------------------------------------------------------------- NHS trusts


def trust(pm, text, code):
    from . import trusts

    cells = store.row("trusts", code)
    place = ""
    if not cells:
        later = [s["new"] for s in trusts.chain(code, "old") if store.row("trusts", s["new"])]
        if not later:
            return unknown(text, "not an NHS trust code in the ODS trusts file or its successions")
        place = f"succeeded by {later[-1]}; "
        cells = store.row("trusts", later[-1])
    col = store.header("trusts")
    icb = cells[col["icb"]]
    if not icb:
        return unknown(text, place + "the ODS trusts file gives it no host ICB")
    place += f"host ICB {icb} in the ODS trusts file (as at its extract, before the April 2026 mergers)"
    opened, closed = cells[col["opened"]], cells[col["closed"]]
    if opened and pm.day < opened:
        place += f"; the trust opened on {dates.human(opened)}, after the date"
    if closed and pm.day > closed:
        place += f"; the trust closed on {dates.human(closed)}"
    host = trusts.host_on(pm.kb, icb, pm.day)
    if host["status"] in ("same", "merged", "split"):
        rows = [{"fields": ["", "", "", b.get("ods_code") or "", b["ons_code"], b["name"], b.get("region") or ""],
                 "share": 1.0 if len(host["icbs"]) == 1 else None, "node": None} for b in host["icbs"]]
        change = {"same": "unchanged", "merged": "merged", "split": "split"}[host["status"]]
        if host["status"] == "merged":
            place += f"; its area is in {host['icbs'][0]['name']} on the date"
        elif host["status"] == "split":
            place += f"; its area is divided between {len(rows)} ICBs on the date; the data does not say which hosts it"
        return {"input": text, "change": change, "rows": rows, "note": place}
    if host["status"] == "unknown":
        return unknown(text, place + "; the systems data has no ICB with that code")
    found = pm.area.map(icb)
    if host["status"] == "before-icbs":
        place += "; ICBs began on 1 July 2022: shown is the area that ICB had"
    else:  # not-yet: the code began after the date
        place += "; that ICB code began after the date: shown is the area it covers, as it was on the date"
    rows = found["rows"]
    if len(rows) > 1:
        rows = [dict(r, share=None) for r in rows]
        place += f", which was {len(rows)} areas on the date (no shares: the trust serves all of them)"
    return {"input": text, "change": found["change"], "rows": rows, "note": place}
