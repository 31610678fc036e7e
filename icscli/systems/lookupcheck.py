"""Whether an imported ONS LSOA lookup may stand in for a derived LSOA assignment of the bundled data.

No official LSOA lookup for April 2026 is bundled; `loc2026` of data/places is derived. When a user
imports an ONS lookup whose edition is that of a derived vintage, `decide` checks it while the import is
built: its SHA-256 against a published one where the data records one (`importer.official`), and its
contents always: every LSOA of England once, and the sub-ICB locations and ICBs (ONS and ODS codes) of
the systems data in force on the vintage's date; then, through store/places.py `check_official`, the
code table and each sub-ICB location's LSOA count. The verdict goes into the import's meta
(`stands_in`), which the places readers consult; a lookup that fails is kept imported but not used.
"""
from .. import dates
from ..store import places
from ..store.systems_index import index
from .base import version_on


def derived_vintage(kb, geography, edition):
    """The derived LSOA lookup vintage of this geography (lsoa21) whose date is the edition's, or None."""
    found = (edition or {}).get("date") or ""
    for v in kb.place_vintages.values():
        kind = v["provenance"] == "derived" and v["geography"] == geography and "loc" in (v.get("levels") or ())
        if kind and found and (v["date"].startswith(found) or found.startswith(v["date"])):
            return v
    return None


def decide(kb, connection, geography, edition, official):
    """{'vintage', 'date', 'used', 'reason'}: whether the lookup just loaded (on `connection`) stands in
    for a derived vintage, and if not why not, in plain words."""
    v = derived_vintage(kb, geography, edition)
    if v is None:
        return {"vintage": None, "date": "", "used": False,
                "reason": "ics holds no derived assignment for this edition to replace: it keeps reading its own files"}
    out = {"vintage": v["id"], "date": v["date"], "used": False, "reason": ""}
    if official.get("status") == "not-official":
        out["reason"] = "its SHA-256 is not the published one of this edition"
        return out
    reason = (places.check_official(v["id"], v["date"], connection)[1]
              or _against_systems(kb, connection, dates.start(v["date"]), dates.human(v["date"])))
    out.update(used=not reason, reason=reason or "")
    return out


def _against_systems(kb, connection, day, when):
    """Why the lookup's sub-ICB locations and ICBs are not those of the systems data in force on `day`
    (`when`, in words), or ''."""
    version = version_on(kb, day)
    in_force = {}
    for ident in index(kb).loc_by_ods.get(version, {}).values() if version else ():
        loc = kb.sub_icb_locations[ident]
        in_force[loc["ons_code"]] = (loc, kb.icbs[loc["icb"]])
    icbs = {icb["ons_code"] for _, icb in in_force.values()}
    seen = set()
    query = "SELECT DISTINCT sub_icb, sub_icb_ods, icb, icb_ods FROM lsoas"
    for sub, sub_ods, icb_code, icb_ods in connection.execute(query):
        if sub not in in_force:
            return f"its sub-ICB location code {sub} is not one of the {len(in_force)} sub-ICB locations of {when}"
        loc, icb = in_force[sub]
        seen.add(sub)
        for given, have, what in ((sub_ods, loc["ods_code"], "ODS code"), (icb_code, icb["ons_code"], "ICB"),
                                  (icb_ods, icb.get("ods_code"), "ICB's ODS code")):
            if given and have and given.strip().upper() != have.upper():
                return (f"it gives sub-ICB location {sub} the {what} '{places_text(given)}' where the ICB list of "
                        f"{when} has {have}")
    if seen != set(in_force):
        return (f"it has LSOAs in {len(seen)} of the {len(in_force)} sub-ICB locations (in {len(icbs)} ICBs) of "
                f"{when}")
    return ""


def places_text(text):
    """A value from the user's file, short and inert, for a message."""
    from ..base.safe import visible

    return visible(str(text)[:20])
