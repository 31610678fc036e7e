"""What the places queries share: the dated vintages, the code table as plain records, picking the file in
force on a date, the ICB of a sub-ICB location on a date (from the systems data), and codes not found."""
from .. import dates
from ..errors import UnknownTerm
from ..store.places import area, by_ods, by_ons_lad, chain  # noqa: F401  (the code table, for the queries)


def day_of(as_of):
    """A full date from a --as-of value (default today)."""
    return dates.start(as_of) if as_of else dates.today()


def vintages(kb, geographies):
    """The place vintages of these geographies, in date order, as plain dicts (sorted once per data)."""
    ordered = kb.__dict__.get("_place_vintages_in_order")
    if ordered is None:
        ordered = kb.__dict__["_place_vintages_in_order"] = sorted(
            kb.place_vintages.values(), key=lambda v: (dates.start(v["date"]), v["id"]))
    return [dict(v) for v in ordered if v["geography"] in geographies]


def vintage_brief(v):
    brief = {"id": v["id"], "date": v["date"], "label": v["label"], "provenance": v["provenance"],
             "sources": [s["source"] if isinstance(s, dict) else s for s in v["sources"]]}
    if v.get("imported"):
        brief["imported"] = v["imported"]  # the user's ONS lookup read in place of a derived assignment
    return brief


def in_force(ordered, day):
    """(the vintage in force on `day`: the latest on or before it, or None; the next one after it, or None)."""
    current, following = None, None
    for v in ordered:
        if dates.start(v["date"]) <= day:
            current = v
        elif following is None:
            following = v
    return current, following


def label(a):
    """'NHS Frimley ICB - D4U1Y (D4U1Y, E38000252)'."""
    codes = ", ".join(c for c in (a.get("ods_code"), a.get("ons_code")) if c)
    return f"{a['name']} ({codes})" if codes else a["name"]


def icb_on(kb, loc_ods, day):
    """The sub-ICB location with this ODS code and its ICB in the systems data on `day`, or None (before
    1 July 2022, or when no location had that code then)."""
    from ..store.systems_index import index
    from ..systems import version_on

    version = version_on(kb, day)
    ident = index(kb).loc_by_ods.get(version, {}).get(str(loc_ods).upper()) if version else None
    if not ident:
        return None
    loc = kb.sub_icb_locations[ident]
    icb = kb.icbs[loc["icb"]]
    record = kb.system_versions[version]
    return {"version": version, "version_label": record["label"], "version_date": record["date"],
            "provenance": record["provenance"],
            "loc": {"level": "loc", "ods_code": loc["ods_code"], "ons_code": loc["ons_code"], "name": loc["name"]},
            "icb": {"level": "icb", "ods_code": icb.get("ods_code"), "ons_code": icb["ons_code"], "name": icb["name"],
                    "short_name": icb["short_name"]},
            "region": icb.get("region"), "sources": list(loc["sources"])}


def cite(vintage, locator):
    """The citations of a vintage's value, each source with the locator of the row."""
    return [{"source": s["source"] if isinstance(s, dict) else s, "at": locator} for s in vintage["sources"]]


def unknown(text, known, what, near=None):
    """The error for a code or name not in the data, with the nearest ones (base/suggest.py)."""
    from ..base.suggest import suggest

    pool = near if near is not None else known
    return UnknownTerm(text, suggest(text.upper(), pool, limit=3, cutoff=0.5), what=what)


def nearby_codes(code, codes):
    """The codes sharing the longest start with `code` (at most a few hundred), to suggest from."""
    for size in range(len(code), 0, -1):
        pool = [c for c in codes if c[:size] == code[:size]]
        if len(pool) >= 3 or size <= 3:
            return pool[:400]
    return []
