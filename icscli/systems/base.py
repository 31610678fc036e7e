"""Versions and small helpers shared by the systems queries."""
from .. import dates
from ..base.records import public
from ..errors import BadValue, DateBeforeCoverage
from ..store.systems_index import index


def _first_version(kb):
    return index(kb).versions[0][0] if index(kb).versions else None


def version_record(kb, version):
    """A data version's record as users see it."""
    return public(kb.system_versions[version])


def version_on(kb, day):
    """The id of the version in force on a full date (YYYY-MM-DD), or None before the first."""
    found = None
    for version, begins in index(kb).versions:
        if begins <= day:
            found = version
    return found


def _day(as_of):
    if not as_of:
        return dates.today()
    return dates.start(as_of)


def first_day(kb):
    """The first day of the systems data (1 July 2022: the ICBs began), or None without it."""
    versions = index(kb).versions
    return versions[0][1] if versions else None


def _need_version(kb, day):
    if not index(kb).versions:
        raise BadValue("no ICB data is loaded (data/systems is missing)")
    version = version_on(kb, day)
    if version is None:
        first = kb.system_versions[index(kb).versions[0][0]]
        raise DateBeforeCoverage(f"--as-of {day}: ICBs were set up on {dates.human(first['date'])}, so there were none then; "
                                 "`ics system NAME --as-of DATE` gives an ICB's area on an earlier date, and "
                                 "`ics ccg CODE --as-of DATE` or `ics map` a CCG's, on any date from April 2013",
                                 dates.start(first["date"]))
    return version


def _position(kb, version):
    return [v for v, _ in index(kb).versions].index(version)


def _provenance(kb, icb):
    """Provenance of a record for JSON: official/derived, and what is missing or derived."""
    version = kb.system_versions[icb["version"]]
    derived = version["provenance"] == "derived" or (icb.get("provenance") or "").startswith("derived")
    out = {"rows": "derived" if derived else "official", "version": icb["version"],
           "version_provenance": version["provenance"], "ods_code": "official" if icb.get("ods_code") else "missing"}
    if icb.get("region_note"):
        out["region"] = "derived" if icb["region_note"].startswith("Derived") else "mapped from ODS code"
    if icb.get("provenance"):
        out["note"] = icb["provenance"]
    return out


def _brief(kb, ident):
    icb = kb.icbs[ident]
    return {"id": ident, "version": icb["version"], "short_name": icb["short_name"], "name": icb["name"],
            "ods_code": icb.get("ods_code"), "ons_code": icb["ons_code"]}


def _former_ccg(kb, loc_id):
    """The 2022 record of a sub-ICB location (the CCG it continues), by ODS code."""
    old = index(kb).former.get(loc_id)
    return kb.sub_icb_locations[old] if old else None


def _lineage_2022(kb, ident):
    """The 2022 ICB records an ICB's area came from: [(2022 id, whole?)]."""
    first = _first_version(kb)
    frontier = [(ident, True)]
    while frontier and index(kb).icb_version[frontier[0][0]] != first:
        step = []
        for member, whole in frontier:
            parents = index(kb).prev.get(member, [])
            for p in parents:
                part = whole and len(index(kb).next.get(p, [])) == 1
                if all(p != s for s, _ in step):
                    step.append((p, part))
        frontier = step
    return frontier


def places(kb, ident):
    """The local authorities of an ICB: its own (July 2022) or those of the 2022 ICBs it came from."""
    icb = kb.icbs[ident]
    first = _first_version(kb)
    if icb["version"] == first:
        return {"as_of": kb.system_versions[first]["date"], "groups": [
            {"from": None, "whole": True, "local_authorities": icb.get("local_authorities") or []}]}
    groups = []
    for old, whole in _lineage_2022(kb, ident):
        groups.append({"from": _brief(kb, old), "whole": whole,
                       "same": whole and index(kb).identity.get(old) == index(kb).identity.get(ident),
                       "local_authorities": kb.icbs[old].get("local_authorities") or []})
    return {"as_of": kb.system_versions[first]["date"], "groups": groups}


def _la_count(kb, ident):
    """Local authorities (July 2022) when the area is one 2022 ICB's whole area under the same ODS code."""
    icb = kb.icbs[ident]
    if icb["version"] == _first_version(kb):
        return len(icb.get("local_authorities") or [])
    lineage = _lineage_2022(kb, ident)
    if len(lineage) == 1 and lineage[0][1] and index(kb).identity.get(ident) == index(kb).identity.get(lineage[0][0]):
        return len(kb.icbs[lineage[0][0]].get("local_authorities") or [])
    return None


def _formed_from(kb, ident):
    icb = kb.icbs[ident]
    return [_brief(kb, i) for i in icb.get("formed_from") or []]
