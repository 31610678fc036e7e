"""Views for `ics systems`, `ics system` and `ics ccg`: query results -> `Doc`s (see views.py)."""
from .. import dates
from . import doc
from .doc import Field, Line, Row, cite_text

MISSING = "none verified*"
DERIVED = "\u2020"  # marks a derived region; one footnote explains it
SORT_KEYS = {
    "name": lambda r: r["short_name"].lower(),
    "ods": lambda r: (r["ods_code"] is None, r["ods_code"] or ""),
    "ons": lambda r: r["ons_code"],
    "region": lambda r: ((r["region"] or "~").lower(), r["short_name"].lower()),
    "las": lambda r: (r["local_authority_count"] is None, -(r["local_authority_count"] or 0), r["short_name"].lower()),
    "locations": lambda r: (-r["sub_icb_count"], r["short_name"].lower()),
    "ccgs": lambda r: (-r["former_ccg_count"], r["short_name"].lower()),
}


def _code(value):
    return value if value else MISSING


def _icb_label(b):
    codes = ", ".join(c for c in (b.get("ods_code"), b.get("ons_code")) if c)
    return f"{b['short_name']} ({codes})"


# Where rows come from when no copy of the official file is used: shown with --cite (provenance).
COPIED = ("come from a table that copies the ONS lookup's codes and names field for field (the IMD 2025 scores "
          "by sub-ICB location), not from the ONS file itself.")


def provenance_notes(version, records):
    """Footnotes: missing ODS codes and inferred regions (caveats), and where rows and region names come
    from (provenance, shown with --cite)."""
    notes = []
    if version.get("provenance") == "derived" or any(r["provenance"]["rows"] == "derived" for r in records):
        notes.append(doc.Note(f"Provenance: the {version['label']} rows {COPIED}", provenance=True))
    missing = [r for r in records if r["provenance"].get("ods_code") == "missing"]
    if missing:
        notes.append(doc.Note(f"* No ODS code: the data give none for {len(missing)} "
                              f"ICB{'s' if len(missing) != 1 else ''} shown here "
                              f"({', '.join(r['short_name'] for r in missing)}); none is filled in. Use the ONS code."))
    kinds = {r["provenance"].get("region") for r in records}
    if "derived" in kinds:
        notes.append(doc.Note(f"{DERIVED} Region inferred: the data give no region for this version; a region is "
                              "shown only where every sub-ICB location of the ICB was in that region the year before."))
    if "mapped from ODS code" in kinds:
        notes.append(doc.Note("Region names: the files give only the region's ODS code (Y56-Y63); the name is the one "
                              "the July 2022 ONS lookup gives for that code.", provenance=True))
    return notes


# --------------------------------------------------------------------------- ics systems


def systems(kb, data, sort=None):
    version = data["version"]
    rows_data = list(data["systems"])
    if sort:
        rows_data.sort(key=SORT_KEYS[sort])
    where = f" in {data['region']}" if data["region"] else ""
    title = f"Integrated care boards{where} on {dates.human(data['as_of'])}: {data['count']}"
    columns = ["name", "ods_code", "ons_code", "region", "local_authorities_jul2022", "sub_icb_locations",
               "former_ccgs", "formed_from_or_change", "provenance", "sources"]
    text_rows, csv_rows = [], []
    recoded = _recoded(kb)
    for r in rows_data:
        if r["formed_from"]:
            change = "formed from " + "; ".join(f["short_name"] for f in r["formed_from"])
        elif r.get("predecessor") and r["predecessor_ons_code"] != r["ons_code"]:
            change = f"from STP {r['predecessor_ons_code']} ({r['predecessor']})"
        elif (r["ods_code"], r["ons_code"]) in recoded:
            change = recoded[(r["ods_code"], r["ons_code"])]
        else:
            change = ""
        region = r["region"] or "not given"
        if r["provenance"].get("region") == "derived":
            region += DERIVED
        las = "" if r["local_authority_count"] is None else str(r["local_authority_count"])
        text_rows.append(Row([r["short_name"], _code(r["ods_code"]), r["ons_code"], region, las or "-",
                              str(r["sub_icb_count"]), str(r["former_ccg_count"]), change], r["sources"]))
        csv_rows.append([r["short_name"], r["ods_code"] or "", r["ons_code"], r["region"] or "", las,
                         str(r["sub_icb_count"]), str(r["former_ccg_count"]), change,
                         r["provenance"]["rows"] + ("" if r["ods_code"] else "; ods code missing"),
                         cite_text(r["sources"])])
    blocks = [doc.Note(f"Data: {version['label']} version, the one in force on {dates.human(data['as_of'])}.")]
    if version.get("note"):
        blocks.append(doc.Note(f"Provenance: {version['note']}", provenance=True))
    if text_rows:
        blocks.append(doc.Table("", ["ICB", "ODS", "ONS", "Region", "LAs", "Sub-ICB locs", "Former CCGs",
                                     "Formed from / change"], text_rows, key="systems", codes=("ODS", "ONS")))
    else:
        blocks.append(doc.Note("No ICBs match."))
    legend = ("LAs: upper-tier local authorities on 1 July 2022 boundaries (the later files have no local-authority "
              "columns); '-' for an ICB formed by a merger since then; the authorities themselves changed in April "
              "2023 in Cumbria and North Yorkshire. Former CCGs: the sub-ICB locations that continue a CCG of 1 July "
              "2022.")
    blocks.append(doc.Note(legend, screen=legend + " Details: ics system NAME-OR-CODE."))
    blocks += provenance_notes(version, rows_data)
    payload = dict(data, systems=rows_data, sort=sort)
    return doc.Doc(title, blocks, (columns, csv_rows), payload, kb)


def _recoded(kb):
    """{(ODS code, ONS code): 'ONS code changed from X to Y (April 2023)'} for every ICB that kept its ODS
    code but got a new ONS code from one data version to the next (found at compile time)."""
    from ..store.systems_index import index

    return {(ods, new): f"ONS code changed from {old} to {new} ({kb.system_versions[version]['label']})"
            for ods, old, new, version in index(kb).recoded}


# --------------------------------------------------------------------------- ics system


_HOW = {"ods code": "ODS code", "ons code": "ONS code", "name": "name", "2021 name": "April 2021 STP/ICS name",
        "2021 code": "April 2021 STP/ICS code", "local authority": "local authority (1 July 2022 boundaries)",
        "former CCG": "former CCG"}


def system_card(kb, data, text=None):
    codes = ", ".join(c for c in (data.get("ods_code"), data["ons_code"]) if c)
    title = f"{data['name']} ({codes})"
    blocks = []
    day = dates.human(data["as_of"])
    version = data["version_record"]
    if data["state"] == "current":
        state = f"As of {day}: in force (data version {version['label']})."
    elif data["state"] == "ended":
        went = "; ".join(_icb_label(w) for w in data["went_to"])
        state = f"As of {day}: no longer exists. From {dates.human(data['ended'])} its area is in: {went}. " \
                f"Shown as it stood in {version['label']}."
    else:
        began = dates.human(data["began"])
        state = f"As of {day}: did not exist yet; it was formed {'on' if data['began'][8:] else 'in'} {began}."
        if data.get("before_icbs"):
            state += " " + _area_before(data["before_icbs"]["results"])
    blocks.append(doc.Note(state))
    if text and data.get("match") and data["match"] not in ("name", "ods code", "ons code"):
        blocks.append(doc.Note(f"'{text}' matched by {_HOW.get(data['match'], data['match'])}."))
    about = [Field("Short name", data["short_name"]),
             Field("ODS code", _code(data.get("ods_code")), data["sources"]),
             Field("ONS code", data["ons_code"], data["sources"]),
             Field("Region", (data.get("region") or "not given in the data")
                   + (f" ({data['region_ods_code']})" if data.get("region_ods_code") else ""), data["sources"]),
             Field("Sub-ICB locations", str(data.get("sub_icb_count", len(data["sub_icb_locations"]))),
                   data["sources"])]
    if data.get("lsoa_count") is not None:
        unit = "2011" if data["version"] == data["history"][0]["version"] and data["version"] == "2022" else "2021"
        about.append(Field(f"LSOAs ({unit})", f"{data['lsoa_count']:,}", data["sources"]))
    if data.get("population"):
        about.append(Field("Population", f"{data['population']:,}", [{"source": "ons-sape23dt2-mid2020"}],
                           detail=data.get("population_note") or ""))
    if data.get("predecessor"):
        about.append(Field("April 2021 STP/ICS", f"{data['predecessor']} ({data['predecessor_ons_code']})",
                           [{"source": "ons-lsoa11-ccg21-stp21-lad21"}]))
    registered = data.get("registrations")
    if registered:
        on = dates.human(registered["date"])
        about.append(Field("GP practices", f"{registered['practices']:,} ({on})", registered["sources"]))
        if registered.get("registered_patients") is not None:
            about.append(Field("Registered patients", f"{registered['registered_patients']:,} ({on}, all ages)",
                               registered["sources"]))
    if data.get("residents"):
        about.append(_residents_field(data["residents"]))
    about.append(Field("Data", version["label"], version["sources"]))
    blocks.append(doc.Fields("", about, key="about"))
    history = []
    for h in data["history"]:
        line = f"{h['label']}: {h['name']}; ODS {h['ods_code'] or MISSING}; ONS {h['ons_code']}" \
               + (f"; {h['region']}" if h.get("region") else "")
        history.append(Line(line, h["sources"], detail=h.get("change_note") or ""))
    blocks.append(doc.Items("Names and codes over time", history, key="history"))
    if data["formed_from"]:
        on = "on" if len(str(data["began"])) == 10 else "in"  # "on 1 April 2026", "in April 2026"
        blocks.append(doc.Items(f"Formed {on} {dates.human(data['began'])} from", [
            Line(f"{_icb_label(f)}: " + _parts_text(f["parts"]), data["sources"]) for f in data["formed_from"]],
            key="formed"))
    if data["went_to"]:
        blocks.append(doc.Items(f"Where its area went ({dates.human(data['ended'])})", [
            Line(f"{_icb_label(w)}: " + _parts_text(w["parts"]), w["sources"]) for w in data["went_to"]],
            key="ended"))
    place_lines = []
    for group in data["places"]["groups"]:
        names = "; ".join(f"{la['name']} ({la['ons_code']}, {la.get('type') or ''}"
                          + (", part" if la.get("coverage") == "part" else "") + ")"
                          for la in group["local_authorities"])
        if group["from"] is None:
            place_lines.append(Line(names, [{"source": "ons-lsoa11-loc22-icb22-lad22"}, {"source": "ons-ltla21-utla21"}]))
        else:
            if group.get("same"):
                lead = f"As {_icb_label(group['from'])}"
            elif group["whole"]:
                lead = f"From all of {_icb_label(group['from'])}"
            else:
                lead = f"From part of {_icb_label(group['from'])} (which of its authorities is not in the data)"
            place_lines.append(Line(f"{lead}: {names}",
                                    [{"source": "ons-lsoa11-loc22-icb22-lad22"}, {"source": "ons-ltla21-utla21"}]))
    heading = "Places: upper-tier local authorities on 1 July 2022 boundaries"
    if data["version"] != "2022":
        heading += " (no later local-authority lookup in the data)"
    blocks.append(doc.Items(heading, place_lines, key="places"))
    loc_rows = []
    for loc in data["sub_icb_locations"]:
        ccg = loc["former_ccg_name"] or "(none: new location)"
        loc_rows.append(Row([loc["ods_code"], loc["ons_code"], ccg, str(loc.get("lsoa_count") or ""),
                             loc.get("change_note") or ""], loc["sources"]))
    blocks.append(doc.Table("Sub-ICB locations (the CCGs they continue)", ["ODS", "ONS", "Former CCG", "LSOAs",
                                                                          "Change"], loc_rows, key="locations",
                            codes=("ODS", "ONS")))
    records = [dict(h, short_name=h["short_name"]) for h in data["history"]]
    blocks += provenance_notes(version, records)
    blocks.append(doc.Items("Sources", [Line(doc.describe_source(kb, c["source"] if isinstance(c, dict) else c,
                                                                 (c.get("at") or "") if isinstance(c, dict) else ""))
                                         for c in data["all_sources"]], key="sources"))
    return doc.Doc(title, blocks, None, data, kb)  # the table: one row per line, by section


def _residents_field(r):
    """'Residents: N (Census 2021, added up over its N LSOAs by ...)': the lookup named, a derived one
    labelled derived, an imported one said to be the user's."""
    census = dates.human(r["census_date"])[-4:] if r.get("census_date") else ""
    when = dates.human(r["lookup_date"])
    if r["basis"] == "official-imported":
        lookup = f"by your imported ONS lookup for {when}"
    elif r["basis"] == "derived":
        lookup = f"by the {when} lookup, derived: not an official lookup"
    else:
        lookup = f"by the ONS {when} lookup"
    text = f"{r['residents']:,} (Census {census} usual residents, added up over its {r['lsoas']:,} LSOAs {lookup})"
    detail = ""
    if r["basis"] == "derived" and r.get("imported"):
        detail = f"Your imported ONS lookup for {when} is not used: {r['imported'].get('reason') or 'it does not fit'}."
    return Field("Residents", text, r["sources"], detail=detail)


def _parts_text(parts):
    whole = [p["ods_code"] for p in parts if p.get("whole")]
    bits = ["sub-ICB location" + ("s " if len(whole) > 1 else " ") + ", ".join(whole)] if whole else []
    bits += [f"{p.get('lsoas')} of the {p.get('of')} LSOAs of sub-ICB location {p['ods_code']} (now in {p.get('into')})"
             for p in parts if not p.get("whole")]
    return "; ".join(bits) if bits else "(parts not in the data)"


def candidates(kb, text, cands, what="system"):
    title = f"'{text}' matches {len(cands)} {what}s"
    command = "ics system" if what == "system" else "ics ccg"
    lines = [Line(c["name"], hint=f"\u2192 {command} {c['type']}") for c in cands]
    blocks = [doc.Items("Which one do you mean?", lines, key="candidates")]
    rows = [[c["type"], c["name"]] for c in cands]
    payload = {"term": text, "ambiguous": True, "candidates": cands}
    return doc.Doc(title, blocks, (["type", "name"], rows), payload, kb)


# --------------------------------------------------------------------------- ics ccg


def ccg(kb, data):
    title = f"{data['ccg_name']} ({data['ccg_ods_code']})"
    i22 = data["icb_2022"]
    fields = [
        Field("Former CCG", f"{data['ccg_name']}: ODS {data['ccg_ods_code']}, ONS {data['ccg_ons_code']} (April 2021)",
              [{"source": "ons-lsoa11-ccg21-stp21-lad21"}]),
        Field("On 1 July 2022", f"sub-ICB location {data['sub_icb_ods_code']} ({data['sub_icb_ons_code']}) of "
                                f"{i22['name']} ({i22['ods_code']}, {i22['ons_code']}), {data['region_2022']}",
              data["sources"]),
    ]
    if data.get("boundary_change_2022"):
        fields.append(Field("Boundary change", data["boundary_change_2022"]))
    now, day = data["now"], dates.human(data["as_of"])
    if data.get("before_icbs"):
        fields.append(Field(f"On {day}", _before_icbs(data), data["sources"]))
    elif now:
        icb = now["icb"]
        same = icb["ons_code"] == i22["ons_code"]
        text = f"sub-ICB location {now['sub_icb_ods_code']} ({now['sub_icb_ons_code']}) of {icb['name']} " \
               f"(ODS {icb['ods_code'] or MISSING}, ONS {icb['ons_code']})" \
               + (f", {now['region']}" if now.get("region") else "") + (", unchanged since 1 July 2022" if same else "")
        fields.append(Field(f"On {day}", text, now["sources"], detail=f"Data version: {now['label']}."))
    elif data["ended"]:
        went = "; ".join(f"{w['lsoas']} of its {w['of']} LSOAs to {_icb_label(w)} (location {w['into']})"
                         for w in data["ended"]["went_to"])
        fields.append(Field(f"On {day}", f"the location no longer exists (last in the {data['ended']['after']} "
                                         f"data); its area went: {went}", [{"source": "later-s-derived"}]))
    blocks = [doc.Fields("", fields, key="about")]
    history = [Line(f"{h['label']}: {h['sub_icb_ods_code']} ({h['sub_icb_ons_code']}) in {_icb_label(h['icb'])}",
                    h["sources"], detail=h.get("change_note") or "") for h in data.get("history") or []]
    blocks.append(doc.Items("Over time", history, key="history"))
    if any(h["provenance"]["rows"] == "derived" for h in data.get("history") or []):
        blocks.append(doc.Note("Provenance: the April 2023 sub-ICB rows and the April 2025 and April 2026 rows come "
                               "from a table that copies the ONS lookups field for field (the IMD 2025 scores by "
                               "sub-ICB location), not from the ONS files themselves.", provenance=True))
    if any(not h["icb"].get("ods_code") for h in data.get("history") or []):
        blocks.append(doc.Note("* No ODS code: the data give none for the ICB; none is filled in. Its ONS code "
                               "is shown."))
    rows = [_ccg_csv(data)]
    return doc.Doc(title, blocks, (CCG_COLUMNS, rows), data, kb)


def _area_part(p, several):
    """One part of an area before the ICBs, as `ics map` gives it: a CCG (and its STP), or an STP/ICS."""
    if not p.get("ccg_ods_code"):
        text = f"STP/ICS {p['stp_name']} ({p['stp_ons_code']})"
    else:
        stp = f", in STP {p['stp_name']} ({p['stp_ons_code']})" if p.get("stp_name") else ""
        text = f"CCG {p['ccg_ods_code']} {p['ccg_name']} ({p['ccg_ons_code']}){stp}"
    return text + (f" ({round(100 * p['share'])}% of the area by LSOAs)" if several and p.get("share") else "")


def _area_before(parts):
    """'Its area was then in CCG 15D ... (57% of the area by LSOAs); ...'."""
    if not parts:
        return "No CCG covered its area on that date in the data."
    return "Its area was then in " + "; ".join(_area_part(p, len(parts) > 1) for p in parts) + "."


def _before_icbs(data):
    """Where a former CCG's area was on a date before the ICBs (1 July 2022), as `ics map` gives it."""
    parts = data["before_icbs"]["results"]
    if len(parts) == 1 and parts[0]["ccg_ods_code"] == data["ccg_ods_code"]:
        return _area_part(parts[0], False) + "; there were no ICBs or sub-ICB locations yet"
    if not parts:
        return "no CCG covered this area on that date in the data"
    return "before ICBs existed, its area was in " + "; ".join(_area_part(p, len(parts) > 1) for p in parts)


CCG_COLUMNS = ["ccg_name", "ccg_ods_code", "ccg_ons_code", "sub_icb_ons_code_2022", "icb_2022_ods_code",
               "icb_2022_ons_code", "icb_2022_name", "region_2022", "as_of", "icb_now_ods_code", "icb_now_ons_code",
               "icb_now_name", "changed_since_2022", "now_provenance", "note"]


def _ccg_csv(r):
    now = r["now"]
    icb = (now or {}).get("icb") or {}
    note = ""
    if r.get("before_icbs"):
        note = "no ICBs yet; the area was in CCG " + "; ".join(p["ccg_ods_code"] for p in r["before_icbs"]["results"])
    elif r["ended"]:
        note = "location ended; area went to " + "; ".join(f"{w['short_name']} ({w['ons_code']}, {w['lsoas']} LSOAs)"
                                                          for w in r["ended"]["went_to"])
    elif now and not icb.get("ods_code"):
        note = "ICB has no verified ODS code"
    prov = ((now or {}).get("provenance") or {}).get("rows", "")
    return [r["ccg_name"] or "", r["ccg_ods_code"], r["ccg_ons_code"] or "", r["sub_icb_ons_code"],
            r["icb_2022"]["ods_code"] or "", r["icb_2022"]["ons_code"], r["icb_2022"]["name"], r["region_2022"] or "",
            r["as_of"], icb.get("ods_code") or "", icb.get("ons_code") or "", icb.get("name") or "",
            "yes" if r["changed_since_2022"] else "no", prov, note]


def all_ccgs(kb, data):
    title = f"Former CCGs (sub-ICB locations of 1 July 2022) and their ICB on {dates.human(data['as_of'])}: {data['count']}"
    text_rows, rows = [], []
    for r in data["ccgs"]:
        row = _ccg_csv(r)
        rows.append(row)
        now = r["now"]
        icb_now = _icb_label(now["icb"]) if now else ("ended: " + ", ".join(w["short_name"] for w in r["ended"]["went_to"]))
        if now and not now["icb"].get("ods_code"):
            icb_now += "*"
        text_rows.append(Row([r["ccg_name"] or "", r["ccg_ods_code"], _icb_label(r["icb_2022"]), icb_now,
                              "yes" if r["changed_since_2022"] else ""], r["sources"]))
    version = kb.system_versions[data["as_of_version"]]
    blocks = [doc.Table("", ["Former CCG", "Code", "ICB on 1 July 2022", f"ICB on {dates.human(data['as_of'])}",
                             "Changed"], text_rows, key="ccgs", codes=("Code",))]
    if version["provenance"] == "derived":
        blocks.append(doc.Note(f"Provenance: the {version['label']} rows {COPIED}", provenance=True))
    if any(r["now"] and not r["now"]["icb"].get("ods_code") for r in data["ccgs"]):
        blocks.append(doc.Note("* No ODS code: the data give none for this ICB; none is filled in. Its ONS code "
                               "is shown."))
    return doc.Doc(title, blocks, (CCG_COLUMNS, rows), data, kb)
