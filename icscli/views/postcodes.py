"""Views for `ics postcode` and `ics import --list`: results -> `Doc`s, and the lines `ics import` says."""
from .. import dates
from . import doc
from .doc import Field, Line, Row

KIND_LABELS = {"onspd": "ONS Postcode Directory (ONSPD)", "nspl": "National Statistics Postcode Lookup (NSPL)",
               "lsoa-lookup": "ONS LSOA to sub-ICB location to ICB lookup"}
ON_DATE_COLUMNS = ("as_of", "change", "sub_icb_location_or_ccg_ods_code", "sub_icb_location_or_ccg_name",
                   "icb_or_stp_code", "icb_or_stp_name", "share", "note")


def _share(value):
    return "" if value is None else f"{value:.4f}".rstrip("0").rstrip(".")


def _edition(directory):
    edition = directory["edition"]
    text = directory["label"]
    if not edition.get("date") and edition.get("newest_postcode"):
        text += f"; its newest postcode was introduced in {dates.human(edition['newest_postcode'])}"
    return text


def _area(code, name):
    return f"{name} ({code})" if name and code else code or name or "none given"


def _on_date(result):
    """(ODS code, name, ICB/STP code, ICB/STP name) of one mapped part, in either era."""
    if "icb_name" in result:
        return (result.get("sub_icb_location_ods_code", ""), result.get("sub_icb_location_name", ""),
                result.get("icb_ods_code") or result.get("icb_ons_code", ""), result.get("icb_name", ""))
    return (result.get("ccg_ods_code", ""), result.get("ccg_name", ""), result.get("stp_ons_code", ""),
            result.get("stp_name", ""))


def _on_date_line(result):
    ods, name, icb_code, icb_name = _on_date(result)
    era = "sub-ICB location" if "icb_name" in result else "CCG"
    text = f"{era} {name} ({ods})" if name else f"{era} {ods}" if ods else ""
    if icb_name:
        text += f" of {icb_name} ({icb_code})" if "icb_name" in result else f", STP {icb_name} ({icb_code})"
    if "icb_name" in result and result.get("nhs_region"):
        text += f", {result['nhs_region']}"
    share = _share(result.get("share"))
    return text + (f" (share {share} by LSOA count)" if share and share != "1" else "")


def postcodes(kb, data):
    """One postcode: a card; several: a table. The tabular formats get one row per postcode and part."""
    directory = data["directory"]
    on = dates.human(data["as_of"])
    source_note = doc.Note(f"From the imported {_edition(directory)} ({directory['rows']:,} postcodes, imported "
                           f"{directory['imported'][:10]}); names and other dates from the bundled systems data.",
                           key="directory")
    columns = list(data["columns"]) + list(ON_DATE_COLUMNS)
    table_rows = []
    for p in data["postcodes"]:
        parts = (p["on_date"] or {}).get("results") or [{}]
        for part in parts:
            ods, name, icb_code, icb_name = _on_date(part) if part else ("", "", "", "")
            table_rows.append([p[c] for c in data["columns"]] + [
                data["as_of"], (p["on_date"] or {}).get("change", ""), ods, name, icb_code, icb_name,
                _share(part.get("share")), "; ".join(n for n in (p["note"], (p["on_date"] or {}).get("note", "")) if n)])
    if len(data["postcodes"]) == 1:
        p = data["postcodes"][0]
        title = f"Postcode {p['postcode'] or p['input']}"
        blocks = [doc.Fields("", _card_fields(p), key="directory-areas"), *_card_on_date(p, on), source_note]
    else:
        title = f"{len(data['postcodes'])} postcodes"
        rows = [Row([p["postcode"] or p["input"], p["status"], p["lsoa"], _area(p["local_authority"], p["local_authority_name"]),
                     _area(p["sub_icb_location_ods_code"] or p["sub_icb_location_ons_code"], p["sub_icb_location_name"]),
                     _area(p["icb_ods_code"] or p["icb_ons_code"], p["icb_name"]),
                     "; ".join(_on_date_line(r) for r in (p["on_date"] or {}).get("results") or [])],
                    p["sources"]) for p in data["postcodes"]]
        blocks = [doc.Table("", ["postcode", "status", "lsoa", "local authority", "sub-ICB location", "ICB",
                                 f"on {on}"], rows, key="postcodes", codes=["postcode", "lsoa"]), source_note]
        notes = [f"{p['postcode'] or p['input']}: {p['note']}" for p in data["postcodes"] if p["note"]]
        if notes:
            blocks.insert(1, doc.Items("Notes", [Line(n) for n in notes], key="notes"))
    return doc.Doc(title, blocks, (columns, table_rows), data, kb)


def _card_fields(p):
    if p["status"] in ("not a postcode", "not found"):
        return [Field("Status", f"{p['status']}: {p['note']}")]
    status = "live" if p["status"] == "live" else f"terminated in {dates.human(p['terminated'])}"
    fields = [Field("Status", status + (f" (introduced {dates.human(p['introduced'])})" if p["introduced"] else "")),
              Field("LSOA", p["lsoa"] or "none given"), Field("Ward", p["ward"] or "none given"),
              Field("Local authority", _area(p["local_authority"], p["local_authority_name"])),
              Field("Sub-ICB location", _area(p["sub_icb_location_ons_code"], p["sub_icb_location_name"])
                    + (f", ODS {p['sub_icb_location_ods_code']}" if p["sub_icb_location_ods_code"] else ""), p["sources"]),
              Field("ICB", _area(p["icb_ons_code"], p["icb_name"])
                    + (f", ODS {p['icb_ods_code']}" if p["icb_ods_code"] else "")),
              Field("NHS region", _area(p["nhs_region_code"], p["nhs_region"]))]
    if p["note"]:
        fields.append(Field("Note", p["note"]))
    return fields


def _card_on_date(p, on):
    found = p["on_date"]
    if not found:
        return []
    lines = [Line(_on_date_line(r), p["sources"]) for r in found["results"]]
    if not lines:
        lines = [Line(found["note"] or "no area in the data on that date")]
    elif found["note"]:
        lines.append(Line(found["note"]))
    return [doc.Items(f"On {on} ({found['change']})", lines, key="on-date")]


def import_list(found, directory):
    """`ics import --list`: what is imported, or what to download when nothing is."""
    columns = ["kind", "edition", "rows", "sha256", "imported", "files", "official", "use"]
    rows, table = [], []
    for kind, meta, problem in found:
        if meta is None:
            cells = [kind, "", "", "", "", "", problem, ""]
        else:
            files = "; ".join(f["name"] for f in meta["files"])
            sha = meta["files"][0]["sha256"] if len(meta["files"]) == 1 else f"{len(meta['files'])} files (see -f json)"
            cells = [kind, meta["label"], f"{meta['rows']:,}", sha, meta["imported"], files,
                     official_words(meta["official"]),
                     stands_in_words(meta["stands_in"]) if meta.get("stands_in") else ""]
        rows.append(Row(cells))
        table.append(cells)
    title = f"Imported files in {directory}"
    blocks = [doc.Table("", columns, rows, key="imports", codes=["sha256"])] if rows else \
        [doc.Note("Nothing is imported yet. " + NOTHING_YET, key="imports")]
    payload = {"directory": directory, "imports": [dict(meta or {}, kind=kind, problem=problem)
                                                   for kind, meta, problem in found]}
    return doc.Doc(title, blocks, (columns, table), payload)


NOTHING_YET = ("`ics import FILE` reads the ONS Postcode Directory (ONSPD) or the NSPL (the zip as published, its "
               "CSV, or its per-area CSVs), or an ONS LSOA to sub-ICB location to ICB lookup.")


def stands_in_words(use, long=False):
    """Whether an imported LSOA lookup is read in place of a derived assignment, and if not why not."""
    when = dates.human(use["date"]) if use.get("date") else ""
    if use.get("used"):
        if long:
            return (f"yes: from now on ics reads each LSOA's sub-ICB location and ICB for {when} from this file, "
                    "in place of its own derived assignment")
        return f"read in place of the derived assignment for {when}"
    if not use.get("vintage"):
        return f"{'no' if long else 'not used'}: {use.get('reason')}"
    return f"no: {use.get('reason')}; ics keeps its own derived assignment for {when}." if long else \
        f"not used ({use.get('reason')}); the derived assignment for {when} is read"


def official_words(official):
    status = official.get("status")
    if status == "official":
        return f"the official file ({official['title']})"
    if status == "not-official":
        return "not the official file: its SHA-256 differs from the published one"
    return "no published SHA-256 known"


def import_result(meta, kb=None):
    """What `ics import` says once an import has succeeded: the kind, edition, rows, each file's SHA-256
    and whether it is the official file."""
    kind = KIND_LABELS[meta["kind"]]
    what = "postcodes" if meta["kind"] != "lsoa-lookup" else "LSOAs"
    edition = _edition({"label": meta["label"], "edition": meta["edition"]})
    fields = [Field("Kind", kind), Field("Edition", edition), Field("Rows", f"{meta['rows']:,} {what}")]
    fields += [Field(f"SHA-256 of {f['name']}", f["sha256"]) for f in meta["files"]]
    official = meta["official"]
    if official["status"] == "official":
        words = f"this is the official file: its SHA-256 is the published one of {official['title']}"
    elif official["status"] == "not-official":
        words = ("this is not the official file as published: its SHA-256 differs from the published one of "
                 + "; ".join(official["titles"]))
        if official.get("rows_stated"):
            words += (f", and it has {meta['rows']:,} rows where the official file has "
                      + " or ".join(f"{n:,}" for n in official["rows_stated"]) + " (is it cut short?)")
    elif meta.get("stands_in", {}).get("vintage"):
        words = ("the data records no published fingerprint (SHA-256) for this edition, so ics cannot say it is the "
                 "file as the ONS published it; it checked its contents against the bundled LSOAs and the sub-ICB "
                 f"locations and ICBs of {dates.human(meta['stands_in']['date'])} and each location's LSOA count instead")
    else:
        words = "ics knows no published SHA-256 for this file, so it cannot say whether it is the official one"
    fields.append(Field("Official", words, official.get("sources")))
    if "stands_in" in meta:
        fields.append(Field("Used", stands_in_words(meta["stands_in"], long=True)))
    columns = ["kind", "edition", "rows", "file", "sha256", "official", "imported"]
    rows = [[meta["kind"], meta["label"], str(meta["rows"]), f["name"], f["sha256"], official["status"], meta["imported"]]
            for f in meta["files"]]
    return doc.Doc(f"Imported {meta['label']}", [doc.Fields("", fields, key="import")], (columns, rows), meta, kb)
