"""`ics system`: the card for one ICB record."""
from ..base.records import public
from ..store.systems_index import index
from .base import (
    _brief,
    _day,
    _former_ccg,
    _position,
    _provenance,
    places,
    version_on,
    version_record,
)


def system_card(kb, ident, as_of=None, how=None, status=None):
    """A card for one ICB record: codes and names over time, places, sub-ICB locations, changes, sources."""
    day = _day(as_of)
    version = version_on(kb, day)
    icb = kb.icbs[ident]
    chain = index(kb).chains[index(kb).identity[ident]]
    history = []
    for member in chain:
        rec = kb.icbs[member]
        vrec = kb.system_versions[rec["version"]]
        history.append({"version": rec["version"], "date": vrec["date"], "label": vrec["label"], "name": rec["name"],
                        "short_name": rec["short_name"], "ods_code": rec.get("ods_code"), "ons_code": rec["ons_code"],
                        "region": rec.get("region"), "sub_icb_count": rec.get("sub_icb_count"),
                        "change_note": rec.get("change_note"), "provenance": _provenance(kb, rec),
                        "sources": rec["sources"]})
    first, last = kb.icbs[chain[0]], kb.icbs[chain[-1]]
    locs = []
    for loc_id in index(kb).icb_locs.get(ident, []):
        loc = kb.sub_icb_locations[loc_id]
        ccg = _former_ccg(kb, loc_id)
        locs.append({"id": loc_id, "ods_code": loc["ods_code"], "ons_code": loc["ons_code"], "name": loc["name"],
                     "former_ccg_name": (ccg or {}).get("former_ccg_name"),
                     "former_ccg_ons_code": (ccg or {}).get("former_ccg_ons_code"),
                     "lsoa_count": loc.get("lsoa_count"), "change_note": loc.get("change_note"),
                     "provenance": loc.get("provenance"), "sources": loc["sources"]})
    formed_from = []
    for old in index(kb).prev.get(chain[0], []) if first.get("formed_from") else []:
        formed_from.append(dict(_brief(kb, old), parts=_parts(kb, old, chain[0])))
    went_to = []
    for new in index(kb).next.get(chain[-1], []):
        if index(kb).identity.get(new) != index(kb).identity[ident]:
            went_to.append(dict(_brief(kb, new), parts=_parts(kb, chain[-1], new),
                                date=kb.system_versions[kb.icbs[new]["version"]]["date"],
                                provenance=_provenance(kb, kb.icbs[new]), sources=kb.icbs[new]["sources"]))
    ended = kb.system_versions[kb.icbs[went_to[0]["id"]]["version"]]["date"] if went_to else None
    begun = kb.system_versions[first["version"]]["date"]
    state = "current"
    if version is not None and _position(kb, version) > _position(kb, last["version"]):
        state = "ended"
    elif version is None or _position(kb, version) < _position(kb, first["version"]):
        state = "not yet"
    sources = []
    for rec in history:
        for c in rec["sources"]:
            if c not in sources:
                sources.append(c)
    data = public(icb)
    data.update({
        "as_of": day, "as_of_version": version, "match": how, "state": state, "began": begun, "ended": ended,
        "version_record": version_record(kb, icb["version"]), "history": history,
        "sub_icb_locations": locs, "places": places(kb, ident), "formed_from": formed_from, "went_to": went_to,
        "provenance": _provenance(kb, icb), "all_sources": sources, "registrations": _registrations(kb, icb),
        "residents": _residents(kb, icb),
    })
    data["formed_from_ids"] = icb.get("formed_from") or []
    if version is None:  # before the ICBs: the area as `ics map` gives it on the day
        from .mapping import map_code

        data["before_icbs"] = map_code(kb, icb["ons_code"], day)
    return data


def _registrations(kb, icb):
    """The GP practices and registered patients a practice file gives for this ICB, when this record is the
    one in force on the file's date (the August 2026 file: the ICBs of April 2026), else None."""
    from .. import dates

    for vintage in kb.place_vintages.values():
        for total in vintage.get("icb_totals") or ():
            if (total["ons_code"], total["ods_code"]) == (icb["ons_code"], icb.get("ods_code")) \
                    and version_on(kb, dates.start(vintage["date"])) == icb["version"]:
                return {"date": vintage["date"], "practices": total["practices"],
                        "registered_patients": total.get("registered_patients"), "sources": vintage["sources"]}
    return None


def _residents(kb, icb):
    """Census 2021 usual residents added up over the 2021 LSOAs a lookup vintage places in this ICB, when
    this record is the one in force on the vintage's date (April 2024: official; April 2026: derived), else
    None. The figure is the vintage's (worked out when the data was built), unless an imported ONS lookup
    stands in for a derived vintage: then it is added up again from the places tables through that lookup.
    With nothing imported no table is read."""
    from .. import dates

    census = kb.place_vintages.get("pop2021") or {}
    for vintage in kb.place_vintages.values():
        for total in vintage.get("icb_residents") or ():
            if total["ons_code"] != icb["ons_code"] or icb.get("ods_code") not in (None, total["ods_code"]) \
                    or version_on(kb, dates.start(vintage["date"])) != icb["version"]:
                continue
            out = {"residents": total["residents"], "lsoas": total["lsoas"], "census_date": census.get("date"),
                   "vintage": vintage["id"], "lookup": vintage["label"], "lookup_date": vintage["date"],
                   "basis": vintage["provenance"], "imported": None,
                   "sources": [*vintage["sources"], *census.get("sources", [])]}
            if vintage["provenance"] == "derived":
                out.update(_by_imported_lookup(vintage["id"], total["ons_code"]) or {})
            return out
    return None


def _by_imported_lookup(column, ons_code):
    """{residents, lsoas, basis: 'official-imported', imported: its standing} added up through the imported
    ONS lookup when it stands in for vintage `column`; {imported: standing} when it is imported for that
    date but set aside; None when none is (one stat: the places tables are not read)."""
    from ..store import lsoa_official

    meta, _key = lsoa_official.lookup()
    if not (meta and ((meta.get("stands_in") or {}).get("vintage") == column)):
        return None
    from ..store import places as store

    standing = store.official_standing(column)
    if not (standing and standing.get("used")):
        return {"imported": standing}
    from .apportion import population

    areas, people = store.areas(), population("lsoa21")["by"]
    mine = [lsoa for lsoa, loc in store.area_rows(column).items() if areas[areas[loc][5]][2] == ons_code]
    return {"residents": sum(people[lsoa] for lsoa in mine), "lsoas": len(mine), "basis": "official-imported",
            "imported": standing}


def _parts(kb, old, new):
    """Which sub-ICB locations (or LSOAs of an ended one) went from ICB record `old` to record `new`."""
    new_locs = {kb.sub_icb_locations[i]["ods_code"]: kb.sub_icb_locations[i] for i in index(kb).icb_locs.get(new, [])}
    old_locs = {kb.sub_icb_locations[i]["ods_code"]: kb.sub_icb_locations[i] for i in index(kb).icb_locs.get(old, [])}
    moved = sorted(c for c in old_locs if c in new_locs)
    out = [{"ods_code": c, "whole": True, "name": old_locs[c]["name"]} for c in moved]
    for target in new_locs.values():  # an ended location: its `took` field says how many LSOAs went where
        for part in target.get("took") or []:
            code = part["ods_code"]
            if code in old_locs and code not in new_locs:
                out.append({"ods_code": code, "whole": False, "name": old_locs[code]["name"],
                            "lsoas": part["lsoa_count"], "of": part["of"], "into": target["ods_code"]})
    return out
