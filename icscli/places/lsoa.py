"""`ics lsoa CODE`: a 2011 or 2021 LSOA's CCG, sub-ICB location and ICB in every lookup file and on a date,
its population and its 2011/2021 counterparts.

A code that is both a 2011 and a 2021 LSOA (most are: unchanged in 2021) is answered from both. For a
file on the other geography, the LSOA's counterparts (the ONS best-fit link) stand in, and the answer
says so. Between two files the answer is the earlier file's, with the date of the next; for dates from
1 July 2022 the sub-ICB location's ICB on the date comes from the systems data.
"""
from .. import dates
from ..errors import BadValue, OutsideCoverage
from ..store import places as store
from .base import (
    area,
    chain,
    cite,
    day_of,
    icb_on,
    in_force,
    nearby_codes,
    unknown,
    vintage_brief,
    vintages,
)

CHANGES = {"U": "unchanged", "S": "split", "M": "merged", "X": "redrawn (complex change)"}
GEOGRAPHY = {"lsoa11": "2011", "lsoa21": "2021"}
POPULATION = {"lsoa11": "pop2020", "lsoa21": "pop2021"}


def lookup_vintages(kb):
    """The LSOA lookup files (CCG 2015-2021, sub-ICB location 2022, 2024, 2026), in date order; a derived
    one for which an imported ONS lookup is read (store/places.py `official_rows`) is described as that."""
    out = [v for v in vintages(kb, ("lsoa11", "lsoa21")) if {"ccg", "loc"} & set(v.get("levels") or ())]
    for v in out:
        if v["provenance"] == "derived":
            standing = store.official_standing(v["id"])
            if standing and standing["used"]:
                v.update(imported_instead(v, standing))
    return out


def imported_instead(v, standing):
    """A derived vintage's label, provenance and sources when the user's imported ONS lookup is read instead."""
    fingerprint = ("its SHA-256 is the published one" if standing["fingerprint"] == "verified"
                   else "no published fingerprint to verify it against")
    return {"label": f"ONS LSOA (2021) to sub-ICB location and ICB lookup, {dates.human(v['date'])}, imported "
                     f"on {dates.human(standing['imported'][:10])} ({fingerprint})",
            "provenance": "official-imported", "sources": [], "imported": standing}


def file_on(kb, day):
    """(the lookup file in force on `day`, or None before the first; the next one, or None)."""
    return in_force(lookup_vintages(kb), day)


def assignments(kb, vintage_id):
    """{LSOA code: its areas keyed by level (ccg or loc, stp or icb, region)} for every LSOA of one lookup
    file's geography, as that file (or the derived assignment) gives them: the bulk form of the answer."""
    v = next(v for v in lookup_vintages(kb) if v["id"] == vintage_id)
    return store.assignments(v["id"])


def _record(table, cells):
    col = store.header(table)
    other = "lsoa21" if table == "lsoa11" else "lsoa11"
    record = {"code": cells[0], "name": cells[col["name"]], "geography": GEOGRAPHY[table],
              "population": int(cells[col[POPULATION[table]]]), "population_vintage": POPULATION[table],
              "local_authority": area(int(cells[col["lad2022"]])), other: cells[col[other]].split()}
    if table == "lsoa21":
        record["change"] = cells[col["change"]]
        for name in (c for c in col if c.endswith("_basis")):
            official = store.official_rows(name[:-len("_basis")]) is not None
            record[name] = "official" if official else cells[col[name]]
    return record


def find(code):
    """{'lsoa11': cells or None, 'lsoa21': cells or None} for a code."""
    return {table: store.row(table, code) for table in ("lsoa11", "lsoa21")}


def resolve(text):
    code = str(text).strip().upper()
    if not code:
        raise BadValue("give an LSOA code, e.g. E01000001")
    rows = find(code)
    if any(rows.values()):
        return code, rows
    if len(code) == 9 and code.startswith("W01") and code[3:].isdigit():
        raise OutsideCoverage(f"'{code}' is a Welsh LSOA: the NHS England lookups cover England only")
    known = sorted(set(store.codes("lsoa11")) | set(store.codes("lsoa21")))
    raise unknown(code, known, "LSOA code", nearby_codes(code, known))


def parts(vintage, table, cells, counterparts):
    """Where this LSOA was in one lookup file: [{'areas', 'lsoas', 'population'}], one per area, and
    whether its counterparts stood in (`via`)."""
    geo = vintage["geography"]
    if table == geo:
        sources, via = [cells], None
    else:
        sources = [store.row(geo, c) for c in counterparts]
        via = counterparts
    col = store.header(geo)
    grouped = {}
    official = store.official_rows(vintage["id"]) is not None
    for source in sources:
        at = store.area_of(vintage["id"], source)
        entry = grouped.setdefault(at, {"areas": chain(at), "lsoas": [], "population": 0})
        entry["lsoas"].append(source[0])
        entry["population"] += int(source[col[POPULATION[geo]]])
        if vintage["id"] + "_basis" in col:
            entry["basis"] = "official" if official else source[col[vintage["id"] + "_basis"]]
    return list(grouped.values()), via


def lsoa(kb, text, as_of=None):
    code, rows = resolve(text)
    day = day_of(as_of)
    records = {t: _record(t, cells) for t, cells in rows.items() if cells}
    main = "lsoa21" if "lsoa21" in records else "lsoa11"
    for table, record in records.items():
        other = "lsoa21" if table == "lsoa11" else "lsoa11"
        record["counterparts"] = _counterparts(other, record[other])
    history = []
    for v in lookup_vintages(kb):
        table = v["geography"] if v["geography"] in records else main
        other = "lsoa21" if table == "lsoa11" else "lsoa11"
        found, via = parts(v, table, rows[table], records[table][other])
        history.append({"vintage": vintage_brief(v), "via": via, "parts": found,
                        "sources": cite(v, f"LSOA {' '.join(via) if via else code}")})
    current, following = file_on(kb, day)
    on_date = next((h for h in history if current and h["vintage"]["id"] == current["id"]), None)
    systems = None
    if on_date and all("loc" in p["areas"] for p in on_date["parts"]):
        systems = [icb_on(kb, p["areas"]["loc"]["ods_code"], day) for p in on_date["parts"]]
        systems = systems if any(systems) else None
    name = (records.get("lsoa21") or records["lsoa11"])["name"]
    split = _split(kb, history)
    return {"code": code, "name": name, "as_of": day, "lsoa11": records.get("lsoa11"),
            "lsoa21": records.get("lsoa21"), "on_date": on_date, "next": following,
            "first": history[0]["vintage"] if history else None, "systems_on_date": systems, "history": history,
            "split": split}


def _split(kb, history):
    """The part of a derived split this LSOA fell in: the location that ended, the one it went to, and the
    local authorities (with names) that went there."""
    from .base import by_ons_lad

    out = []
    for h in history:
        to = {p["areas"]["loc"]["ods_code"] for p in h["parts"] if p.get("basis") == "la"}
        for s in kb.place_vintages[h["vintage"]["id"]].get("split") or ():
            if s["to"] in to:
                lads = by_ons_lad()
                out.append({"from": s["from"], "to": s["to"], "lsoa_count": s["lsoa_count"], "date": h["vintage"]["date"],
                            "local_authorities": [{"ons_code": c, "name": lads.get(c, c)} for c in s["local_authorities"]]})
    return out


def _counterparts(table, codes):
    """The 2011 or 2021 LSOAs linked to this one, each with the ONS change code of the 2021 side."""
    out = []
    for c in codes:
        cells = store.row(table, c)
        col = store.header(table)
        change = cells[col["change"]] if table == "lsoa21" else None
        out.append({"code": c, "name": cells[col["name"]], "change": change})
    return out
