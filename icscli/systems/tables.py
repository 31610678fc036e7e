"""`ics systems`: one row per ICB on a date, and the regions."""
from ..errors import BadValue
from ..store.systems_index import all_regions, index, key  # noqa: F401  (systems.all_regions)
from .base import (
    _day,
    _formed_from,
    _la_count,
    _need_version,
    _provenance,
    version_record,
)


def systems(kb, as_of=None, region=None):
    """One row per ICB as it stood on a date (default today)."""
    day = _day(as_of)
    version = _need_version(kb, day)
    valid = index(kb).regions.get(version) or []
    if region:
        wanted = next((r for r in valid if key(r) == key(region)), None)
        if wanted is None:
            raise BadValue(f"--region: '{region}' is not a region in the {version} data; "
                           f"use one of: {', '.join(valid)}")
        region = wanted
    rows = []
    for ident in index(kb).by_version.get(version, []):
        icb = kb.icbs[ident]
        if region and icb.get("region") != region:
            continue
        locs = index(kb).icb_locs.get(ident, [])  # ids: no record is decoded for the counts
        rows.append({
            "id": ident, "short_name": icb["short_name"], "name": icb["name"],
            "ods_code": icb.get("ods_code"), "ons_code": icb["ons_code"],
            "region": icb.get("region"), "region_ods_code": icb.get("region_ods_code"),
            "region_note": icb.get("region_note"),
            "local_authority_count": _la_count(kb, ident),
            "sub_icb_count": icb.get("sub_icb_count", len(locs)),
            "former_ccg_count": sum(1 for loc in locs if loc in index(kb).former),
            "formed_from": _formed_from(kb, ident),
            "predecessor": icb.get("predecessor"), "predecessor_ons_code": icb.get("predecessor_ons_code"),
            "change_note": icb.get("change_note"),
            "provenance": _provenance(kb, icb), "sources": icb["sources"],
        })
    return {"as_of": day, "version": version_record(kb, version), "region": region, "regions": valid,
            "count": len(rows), "systems": rows}


def regions(kb, as_of=None):
    day = _day(as_of)
    return index(kb).regions.get(_need_version(kb, day)) or []


