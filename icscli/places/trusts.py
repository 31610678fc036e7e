"""`ics trust CODE`: an NHS trust in the ODS trusts file, its host ICB on a date, its ODS successions and
(for acute trusts) the third-party catchment shares by July 2022 ICB.

The ODS file gives one ICB code per trust, as at its (unstated) extract date, before the April 2026
mergers; the ICB on another date follows that ICB through the systems data's versions.
"""
from ..errors import AmbiguousTerm, BadValue
from ..store import places as store
from .base import cite, day_of, nearby_codes, unknown, vintage_brief, vintages

MAX_CANDIDATES = 12


def _vintage(kb, ident):
    return next(v for v in vintages(kb, ("trust",)) if v["id"] == ident)


def _brief(kb, ident):
    icb = kb.icbs[ident]
    return {"id": ident, "version": icb["version"], "version_label": kb.system_versions[icb["version"]]["label"],
            "name": icb["name"], "short_name": icb["short_name"], "ods_code": icb.get("ods_code"),
            "ons_code": icb["ons_code"], "region": icb.get("region"), "sources": list(icb["sources"])}


def host_on(kb, ods, day):
    """The ICB(s) that held the area of the ICB with this ODS code on `day`: status same, merged, split,
    before-icbs (the date is before 1 July 2022), not-yet (the code began later) or unknown."""
    from ..store.systems_index import index
    from ..systems import version_on

    records = {kb.icbs[i]["version"]: i for i in kb.icbs if (kb.icbs[i].get("ods_code") or "").upper() == ods}
    version = version_on(kb, day)
    if not records:
        return {"status": "unknown", "icbs": []}
    if version is None:
        return {"status": "before-icbs", "icbs": []}
    if version in records:
        return {"status": "same", "icbs": [_brief(kb, records[version])]}
    order = [v for v, _ in index(kb).versions]
    earlier = [v for v in records if order.index(v) < order.index(version)]
    if not earlier:
        return {"status": "not-yet", "icbs": [], "from": _brief(kb, records[min(records, key=order.index)])}
    start = records[max(earlier, key=order.index)]
    frontier = [start]
    while frontier and kb.icbs[frontier[0]]["version"] != version:
        frontier = list(dict.fromkeys(n for f in frontier for n in index(kb).next.get(f, [])))
    return {"status": "merged" if len(frontier) == 1 else "split", "from": _brief(kb, start),
            "icbs": [_brief(kb, f) for f in frontier]}


def resolve(text):
    """A trust code (of the ODS trusts file, or an older one in the successions) or a trust's name."""
    text = str(text).strip()
    if not text:
        raise BadValue("give an NHS trust's ODS code or name")
    code = text.upper()
    if store.row("trusts", code) or _successions(code, "old") or _successions(code, "new"):
        return code
    rows = store.rows("trusts")
    from ..base.words import normalize

    k = normalize(text)
    for hits in ([r for r in rows if normalize(r[1]) == k], [r for r in rows if k and k in normalize(r[1])]):
        if len(hits) == 1:
            return hits[0][0]
        if len(hits) > MAX_CANDIDATES:
            raise BadValue(f"'{text}' matches {len(hits)} trusts; give more of the name, or the code")
        if hits:
            raise AmbiguousTerm(text, [{"type": r[0], "name": r[1]} for r in hits])
    codes = sorted({r[0] for r in rows} | {r[0] for r in store.rows("successions")})
    if len(text) <= 5 and " " not in text:
        raise unknown(code, codes, "trust code", nearby_codes(code, codes))
    raise unknown(text, sorted({normalize(r[1]) for r in rows}), "trust")


def _successions(code, side):
    position = {"old": 0, "new": 1}[side]
    return [r for r in store.rows("successions") if r[position] == code]


def chain(code, side):
    """Every succession step back from (side 'new') or on from (side 'old') a code, in date order."""
    seen, out, frontier = {code}, [], [code]
    while frontier:
        step = []
        for c in frontier:
            for old, new, date in _successions(c, side):
                out.append({"old": old, "new": new, "date": date, "name_old": _name(old), "name_new": _name(new)})
                nxt = old if side == "new" else new
                if nxt not in seen:
                    seen.add(nxt)
                    step.append(nxt)
        frontier = step
    return sorted(out, key=lambda s: (s["date"], s["old"], s["new"]))


def _name(code):
    cells = store.row("trusts", code)
    return cells[1] if cells else None


def trust(kb, text, as_of=None):
    code = resolve(text)
    day = day_of(as_of)
    etr = _vintage(kb, "etr")
    cells = store.row("trusts", code)
    col = store.header("trusts")
    record = {"code": code, "as_of": day, "in_file": cells is not None, "vintage": vintage_brief(etr),
              "sources": cite(etr, f"organisation_code {code}")}
    if cells:
        regions = {icb.get("region_ods_code"): icb.get("region") for icb in kb.icbs.values()
                   if icb.get("region_ods_code")}
        opened, closed = cells[col["opened"]] or None, cells[col["closed"]] or None
        status = "not-yet" if opened and day < opened else "closed" if closed and day > closed else "open"
        icb = cells[col["icb"]] or None
        record.update({"name": cells[col["name"]], "postcode": cells[col["postcode"]], "opened": opened,
                       "closed": closed, "status": status, "region_ods_code": cells[col["region"]] or None,
                       "region": regions.get(cells[col["region"]]), "icb_ods_code": icb,
                       "host": host_on(kb, icb, day) if icb else None})
    succ = _vintage(kb, "succ2022")
    record["predecessors"] = chain(code, "new")
    record["successors"] = chain(code, "old")
    record["successions_vintage"] = vintage_brief(succ)
    catchment = _vintage(kb, "catchment2022")
    by_ons = {icb["ons_code"]: ident for ident, icb in kb.icbs.items() if icb["version"] == "2022"}
    shares = []
    for trust_code, ons, share in store.rows_where("catchment", "trust", code):
        ident = by_ons.get(ons)
        shares.append({"icb": _brief(kb, ident) if ident else {"ons_code": ons, "name": ons},
                       "share": float(share), "share_text": share})
    record["catchment"] = sorted(shares, key=lambda s: -s["share"])
    record["catchment_vintage"] = vintage_brief(catchment)
    if not cells and not record["predecessors"] and not record["successors"]:
        raise unknown(code, [], "trust code")
    return record
