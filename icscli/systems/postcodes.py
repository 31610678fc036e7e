"""`ics postcode`: a postcode's areas from the imported directory (ONSPD or NSPL), and, through the
bundled history (`mapping.py`), its sub-ICB location and ICB (or CCG) on another date.

The directory says where a postcode lies by the codes of its edition: LSOA, ward, local authority,
sub-ICB location, ICB and NHS region. The names of the health areas, and what they were or became on
another date, come from the bundled systems data, by the sub-ICB location's code. Plain JSON-able data.
"""
from .. import dates
from ..errors import IcsError
from ..store import imported
from . import postcode_text
from .codes import lookup
from .mapping import Mapper

DOWNLOAD = ("download the ONS Postcode Directory (ONSPD) zip of the latest edition from the ONS Open "
            "Geography Portal, https://geoportal.statistics.gov.uk/ (search for 'ONS Postcode Directory'), "
            "then run: ics import ONSPD_<MONTH>_<YEAR>.zip")
COLUMNS = ("input", "postcode", "status", "introduced", "terminated", "lsoa", "ward", "local_authority",
           "local_authority_name", "sub_icb_location_ons_code", "sub_icb_location_ods_code", "sub_icb_location_name",
           "icb_ons_code", "icb_ods_code", "icb_name", "nhs_region_code", "nhs_region")


class NoDirectory(IcsError):
    """No postcode directory is imported: the message says what to download and how to import it."""


def directory():
    """(kind, connection, meta) of the directory to answer from: of the ONSPD and the NSPL, the later
    edition (the ONSPD on a tie or when either edition is unknown). NoDirectory when neither is imported."""
    found = []
    try:
        for kind in imported.DIRECTORIES:
            connection = imported.connect(kind)
            if connection is not None:
                found.append((kind, connection, imported.meta_of(connection)))
    except imported.ImportUnreadable as exc:
        for _, connection, _ in found:
            connection.close()
        raise NoDirectory(str(exc)) from None
    if not found:
        raise NoDirectory(f"no postcode directory is imported: {DOWNLOAD}")
    found.sort(key=lambda f: f[2]["edition"].get("date") or "", reverse=True)
    if len(found) > 1 and not all(f[2]["edition"].get("date") for f in found):
        found.sort(key=lambda f: imported.DIRECTORIES.index(f[0]))
    for _, connection, _ in found[1:]:
        connection.close()
    return found[0]


def edition_day(meta):
    """The first day of the directory's edition (or of the month of its newest postcode), else ''."""
    edition = meta["edition"]
    if edition.get("date"):
        return edition["date"] + "-01"
    newest = edition.get("newest_postcode") or ""
    return f"{newest}-01" if newest else ""


def look_up(kb, texts, day):
    """Each postcode's areas from the directory and on `day` (the structure then), as plain data."""
    kind, connection, meta = directory()
    try:
        found = records(connection, [postcode_text.normalise(t) for t in texts])
    finally:
        connection.close()
    own_day = edition_day(meta) or day
    at_edition, on_day = _mapper(kb, own_day), _mapper(kb, day)
    names = _names(kb)
    rows = [_answer(kb, text, found, at_edition, on_day, names) for text in texts]
    return {"directory": {"kind": kind, "label": meta["label"], "edition": meta["edition"], "rows": meta["rows"],
                          "imported": meta["imported"], "files": meta["files"], "columns": meta["columns"]},
            "as_of": day, "edition_day": own_day, "columns": list(COLUMNS), "postcodes": rows}


def _mapper(kb, day):
    from .mapping import FIRST_DAY

    return Mapper(kb, max(day, FIRST_DAY))


def records(connection, keys):
    """{7-character key: the row} of the keys the directory holds, found through its sector index
    (systems/sectors.py), in batches (for `ics postcode`, and for any caller with many postcodes: ask for
    a few thousand at a time)."""
    from .sectors import rowids  # only when postcodes are looked up

    places = rowids(connection, {k for k in keys if k})
    key_of = {rowid: key for key, rowid in places.items()}
    wanted, found = sorted(key_of), {}
    for start in range(0, len(wanted), 500):  # SQLite's limit on parameters is 999 in older builds
        part = wanted[start:start + 500]
        cursor = connection.execute(f"SELECT rowid, * FROM postcodes WHERE rowid IN ({', '.join('?' * len(part))})",
                                    part)
        fields = [d[0] for d in cursor.description][1:]
        found.update((key_of[row[0]], dict(zip(fields, row[1:]))) for row in cursor)
    return found


def _names(kb):
    """{ONS code: name} of the local authorities and NHS regions the systems data names."""
    names = {}
    for icb in kb.icbs.values():
        for la in icb.get("local_authorities") or []:
            names.setdefault(la["ons_code"], la["name"])
        if icb.get("region_ons_code") and icb.get("region"):
            names.setdefault(icb["region_ons_code"], icb["region"])
    return names


def _answer(kb, text, found_rows, at_edition, on_day, names):
    key = postcode_text.normalise(text)
    blank = dict.fromkeys(COLUMNS, "")
    if key is None:
        return dict(blank, input=text, status="not a postcode", note="not shaped like a postcode", on_date=None,
                    sources=[])
    record = found_rows.get(key)
    if record is None:
        return dict(blank, input=text, postcode=postcode_text.display(key), status="not found",
                    note="not in the imported directory", on_date=None, sources=[])
    terminated = record.get("terminated") or ""
    given = record.get("sub_icb") or ""
    sub_icb = "" if given.endswith("99999999") else given  # a pseudo code (S99999999): none given
    own = _own(kb, sub_icb, record.get("icb") or "", at_edition)
    found = on_day.map(sub_icb) if sub_icb else {"change": "unknown", "note": "", "rows": []}
    names_on_day = on_day.columns[:-3]
    results = [dict(zip(names_on_day, r["fields"]), share=r["share"]) for r in found["rows"]]
    sources = _sources(kb, [r.get("node") for r in found["rows"]] + [own.get("node")])
    return {
        "input": text, "postcode": postcode_text.display(key), "status": "terminated" if terminated else "live",
        "introduced": month(record.get("introduced")), "terminated": month(terminated),
        "lsoa": record.get("lsoa") or "", "ward": record.get("ward") or "",
        "local_authority": record.get("local_authority") or "",
        "local_authority_name": names.get(record.get("local_authority") or "", ""),
        "sub_icb_location_ons_code": given, "sub_icb_location_ods_code": own.get("ods", ""),
        "sub_icb_location_name": own.get("name", ""), "icb_ons_code": record.get("icb") or "",
        "icb_ods_code": own.get("icb_ods", ""), "icb_name": own.get("icb_name", ""),
        "nhs_region_code": record.get("region") or "", "nhs_region": names.get(record.get("region") or "", ""),
        "note": _note(given, sub_icb, own, terminated),
        "on_date": {"change": found["change"], "note": found["note"], "results": results}, "sources": sources}


def _own(kb, sub_icb, icb, mapper):
    """The names of the directory's own codes on its edition's date: the sub-ICB location (or CCG) its
    code names then, and the ICB its ICB code names (the systems data's ICB where the directory has none)."""
    if not sub_icb:
        return {}
    found = mapper.map(sub_icb)
    rows = [r for r in found["rows"] if r["fields"][1].upper() == sub_icb.upper()] or found["rows"]
    if len(rows) != 1:
        return {"missing": True}
    fields, own = rows[0]["fields"], {"node": rows[0].get("node")}
    own.update(ods=fields[0], name=fields[2])
    if mapper.icb_era:
        icb_fields = _icb_named(kb, icb, mapper.day) if icb else None
        own.update(icb_ods=fields[3], icb_name=fields[5], icb_ons=fields[4])
        if icb_fields:
            own.update(icb_ods=icb_fields[0], icb_name=icb_fields[1])
        own["icb_differs"] = bool(icb) and icb.upper() != fields[4].upper()
    return own


def _icb_named(kb, code, day):
    """(ODS code, name) of the ICB an E54 code names on `day` (or the latest one before it)."""
    hits = [kb.icbs[i] for kind, i in lookup(kb, code) if kind == "icb" and kb.icbs[i]["ons_code"].upper() == code.upper()]
    if not hits:
        return None
    versions = {v["id"]: v["date"] for v in kb.system_versions.values()}
    hits.sort(key=lambda r: versions.get(r["version"], ""))
    before = [r for r in hits if versions.get(r["version"], "") <= day] or hits
    return before[-1].get("ods_code") or "", before[-1]["name"]


def _note(given, sub_icb, own, terminated):
    bits = []
    if terminated:
        bits.append(f"terminated in {dates.human(month(terminated))}; the areas shown are those the directory gives it")
    if not sub_icb:
        bits.append("the directory gives it no sub-ICB location" + (f" (its code is {given})" if given else ""))
    elif own.get("missing"):
        bits.append(f"the systems data has no sub-ICB location or CCG {sub_icb} on the directory's date")
    if own.get("icb_differs"):
        bits.append(f"the directory's ICB differs from the ICB the systems data gives its sub-ICB location "
                    f"({own['icb_ons']}): both are shown")
    return "; ".join(bits)


def month(value):
    """YYYYMM as YYYY-MM (a partial date), '' for none."""
    value = (value or "").strip()
    return f"{value[:4]}-{value[4:6]}" if len(value) == 6 and value.isdigit() else value


def _sources(kb, nodes):
    out = []
    for node in nodes:
        record = kb.sub_icb_locations.get(node) or kb.ccgs.get(node) if node else None
        for cite in (record or {}).get("sources") or []:
            if cite not in out:
                out.append(cite)
    return out
