"""`ics practice` and `ics pcn`: GP practices and primary care networks in NHS England's practice mapping
files of 1 January 2022 and 1 August 2026, what changed between them, and registered patients.

The files give registered patients per PCN, sub-ICB location, ICB and region, never per practice; a PCN
that spans sub-ICB locations has its patients per part only where the totals determine them.
"""
from ..errors import AmbiguousTerm, BadValue
from ..store import places as store
from .base import (
    by_ods,
    chain,
    cite,
    day_of,
    icb_on,
    nearby_codes,
    unknown,
    vintage_brief,
    vintages,
)

YEARS = (("2022", "ccg2022"), ("2026", "loc2026"))
MAX_CANDIDATES = 12


def _key(text):
    from ..base.words import normalize

    return normalize(text)


def practice_vintages(kb):
    """{'2022': the January 2022 vintage, '2026': the August 2026 one}."""
    found = vintages(kb, ("practice",))
    return {v["id"][-4:]: v for v in found}


def entry(kb, cells, year):
    """What one mapping file says of a practice, or None when it is not in that file."""
    col = store.header("practices")
    area_col = dict(YEARS)[year]
    if not cells[col[area_col]]:
        return None
    v = practice_vintages(kb)[year]
    pcn = store.pcns()[0][int(cells[col["pcn" + year]])]
    return {"vintage": vintage_brief(v), "name": cells[col["name" + year]], "postcode": cells[col["postcode" + year]],
            "pcn": {"code": pcn[1], "name": pcn[2], "patients": pcn[3]}, "areas": chain(int(cells[col[area_col]])),
            "sources": cite(v, f"PRACTICE_CODE {cells[0]}")}


def resolve(kb, text, what="practice"):
    """The practice row a code or name names; AmbiguousTerm when a name names several."""
    text = str(text).strip()
    if not text:
        raise BadValue("give a practice's ODS code or name")
    cells = store.row("practices", text.upper())
    if cells:
        return cells
    col = store.header("practices")
    k = _key(text)
    rows = store.rows("practices")
    names = [(r, {_key(r[col["name2026"]]), _key(r[col["name2022"]])} - {""}) for r in rows]
    for hits in ([r for r, keys in names if k in keys], [r for r, keys in names if any(k in n for n in keys)]):
        if len(hits) == 1:
            return hits[0]
        if len(hits) > MAX_CANDIDATES:
            raise BadValue(f"'{text}' matches {len(hits)} practices; give more of the name, or the code")
        if hits:
            raise AmbiguousTerm(text, [{"type": r[0], "name": _display(r, col)} for r in hits])
    codes = store.codes("practices")
    if any(ch.isdigit() for ch in text):
        raise unknown(text.upper(), codes, "practice code", nearby_codes(text.upper(), codes))
    raise unknown(text, sorted({n for _r, keys in names for n in keys}), "practice")


def _display(cells, col):
    name = cells[col["name2026"]] or cells[col["name2022"]]
    postcode = cells[col["postcode2026"]] or cells[col["postcode2022"]]
    return f"{name}, {postcode}"


def change(old, new):
    """What changed between the two files: kind (closed, opened, moved, recoded, unchanged) and details."""
    if new is None:
        return {"kind": "closed"}
    if old is None:
        return {"kind": "opened"}
    loc_old, loc_new = old["areas"]["ccg"]["ods_code"], new["areas"]["loc"]["ods_code"]
    out = {"kind": "moved" if loc_old != loc_new else "unchanged",
           "pcn": old["pcn"]["code"] != new["pcn"]["code"], "name": old["name"] != new["name"],
           "postcode": old["postcode"] != new["postcode"], "icb": []}
    if out["kind"] == "unchanged":
        stp, icb26 = old["areas"]["stp"]["ods_code"], new["areas"]["icb"]["ods_code"]
        icb22 = _parent_code("loc2022", loc_old)
        icb24 = _parent_code("loc2024", loc_new)
        if icb22 and icb22 != stp:
            out["icb"].append({"when": "2022-07-01", "from": stp, "to": icb22, "why": "boundary"})
        if icb24 and icb24 != icb26:
            out["icb"].append({"when": "2026-04", "from": icb24, "to": icb26, "why": "merger"})
        if out["icb"]:
            out["kind"] = "recoded"
    return out


def _parent_code(vintage, loc_ods):
    at = by_ods(vintage, "loc").get(loc_ods)
    return chain(at)["icb"]["ods_code"] if at is not None else None


def practice(kb, text, as_of=None):
    cells = resolve(kb, text)
    day = day_of(as_of)
    old, new = entry(kb, cells, "2022"), entry(kb, cells, "2026")
    v = practice_vintages(kb)
    first, last = v["2022"]["date"], v["2026"]["date"]
    if day < first:
        when = "before"
    elif day == first:
        when = "first"
    elif day < last:
        when = "between"
    elif day == last:
        when = "last"
    else:
        when = "after"
    systems = {}  # the sub-ICB location's ICB on the date, from the systems data, for each file's location
    for key, e, level in (("jan2022", old, "ccg"), ("aug2026", new, "loc")):
        if e and when in ("between", "last", "after") and not (key == "jan2022" and new and when != "between"):
            systems[key] = icb_on(kb, e["areas"][level]["ods_code"], day)
    latest = new or old
    return {"code": cells[0], "name": latest["name"], "postcode": latest["postcode"], "as_of": day, "when": when,
            "jan2022": old, "aug2026": new, "change": change(old, new), "systems_on_date": systems,
            "vintages": {"first": vintage_brief(v["2022"]), "last": vintage_brief(v["2026"])}}


# --------------------------------------------------------------------------- PCNs


def resolve_pcn(text):
    """(PCN row, PCN record) for a code or name; the August 2026 PCN before the January 2022 one."""
    text = str(text).strip()
    if not text:
        raise BadValue("give a PCN's code or name")
    rows = store.pcns()[0]
    order = sorted(range(len(rows)), key=lambda i: (rows[i][0] != "prac2026", i))
    for i in order:
        if rows[i][1].upper() == text.upper():
            return i
    k = _key(text)
    for hits in ([i for i in order if _key(rows[i][2]) == k], [i for i in order if k and k in _key(rows[i][2])]):
        latest = [i for i in hits if rows[i][0] == "prac2026"] or hits
        codes = {rows[i][1] for i in latest}
        if len(codes) == 1:
            return latest[0]
        if len(codes) > MAX_CANDIDATES:
            raise BadValue(f"'{text}' matches {len(codes)} PCNs; give more of the name, or the code")
        if codes:
            raise AmbiguousTerm(text, [{"type": rows[i][1], "name": rows[i][2]} for i in latest])
    codes = sorted({r[1] for r in rows})
    if any(ch.isdigit() for ch in text):
        raise unknown(text.upper(), codes, "PCN code", nearby_codes(text.upper(), codes))
    raise unknown(text, sorted({_key(r[2]) for r in rows}), "PCN")


def pcn(kb, text):
    at = resolve_pcn(text)
    rows, part_rows = store.pcns()
    vintage, code, name, patients = rows[at]
    year = vintage[-4:]
    v = practice_vintages(kb)[year]
    members = store.rows_where("practices", "pcn" + year, str(at))
    practices, by_loc = [], {}
    for cells in members:
        e = entry(kb, cells, year)
        practices.append({"code": cells[0], "name": e["name"], "postcode": e["postcode"], "areas": e["areas"]})
        loc = e["areas"].get("loc") or e["areas"]["ccg"]
        by_loc.setdefault(loc["ods_code"], {"areas": e["areas"], "practices": 0})["practices"] += 1
    known = {store.areas()[a][3]: p for pcn_at, a, p in part_rows if pcn_at == at}
    locations = []
    for ods, part in sorted(by_loc.items()):
        share, basis = None, None
        if len(by_loc) == 1:
            part_patients, basis = patients, "official" if patients is not None else None
        else:
            part_patients = known.get(ods)
            basis = "derived" if part_patients is not None else None
        if part_patients is not None and patients:
            share = part_patients / patients
        locations.append(dict(part, patients=part_patients, share=share, patients_basis=basis))
    icbs = {}
    for part in locations:
        top = part["areas"].get("icb") or part["areas"].get("stp")
        entry_ = icbs.setdefault(top["ods_code"], {"area": top, "practices": 0, "patients": 0, "locations": 0,
                                                   "patients_basis": part["patients_basis"]})
        entry_["practices"] += part["practices"]
        entry_["locations"] += 1
        if part["patients_basis"] != entry_["patients_basis"]:
            entry_["patients_basis"] = None if part["patients_basis"] is None else "derived"
        entry_["patients"] = None if entry_["patients"] is None or part["patients"] is None \
            else entry_["patients"] + part["patients"]
    for e in icbs.values():
        e["share"] = e["patients"] / patients if e["patients"] is not None and patients else None
    other = [r for i, r in enumerate(rows) if r[1] == code and i != at]
    return {"code": code, "name": name, "vintage": vintage_brief(v), "patients": patients,
            "unallocated": code == "U", "practices": sorted(practices, key=lambda p: p["code"]),
            "locations": locations, "icbs": sorted(icbs.values(), key=lambda e: e["area"]["ods_code"] or ""),
            "also_in": [{"vintage": r[0], "name": r[2]} for r in other],
            "sources": cite(v, f"PCN_CODE {code}")}
