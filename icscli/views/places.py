"""Views for `ics lsoa` and `ics trust` (and what `ics practice` and `ics pcn` share, in views/practices.py):
query results of icscli/places -> `Doc`s. A derived or third-party value says so where it shows."""
from .. import dates
from . import doc
from .doc import Field, Line, Row, cite_text

LEVELS = (("ccg", "CCG"), ("stp", "STP"), ("loc", "Sub-ICB location"), ("icb", "ICB"), ("region", "NHS region"))
CHANGES = {"U": "unchanged", "S": "split", "M": "merged", "X": "redrawn (complex change)"}
THIRD_PARTY = ("Catchment shares are not an official table: a third party (the geographr package) built them from "
               "OHID's trust catchment populations; an approximate weight only.")
THIRD_PARTY_SOURCE = " (ics sources geographr-trust-icb22-catchment)"  # the screen's hint


def label(a):
    codes = ", ".join(c for c in (a.get("ods_code"), a.get("ons_code")) if c)
    return f"{a['name']} ({codes})" if codes else a["name"]


def provenance_tag(v):
    """' [derived]' after a value that is not read from an official file (unless its label says so)."""
    official = v["provenance"] in ("official", "official-imported")  # an imported file's label says so
    return "" if official or v["provenance"] in v["label"] else f" [{v['provenance']}]"


def candidates(kb, text, cands, what, command):
    """A name that names several: each with the command that shows it."""
    lines = [Line(c["name"], detail=f"{command} {c['type']}") for c in cands]
    payload = {"term": text, "ambiguous": True, "candidates": cands}
    return doc.Doc(f"'{text}' matches {len(cands)} {what}s", [doc.Items("Which one do you mean?", lines,
                                                                         key="candidates")],
                   (["code", "name"], [[c["type"], c["name"]] for c in cands]), payload, kb)


def area_fields(areas, sources, patients_note=""):
    """One field per level of a chain of areas (CCG or sub-ICB location, STP or ICB, region)."""
    out = []
    for level, name in LEVELS:
        a = areas.get(level)
        if a:
            value = label(a) + (f"; {a['patients']:,} registered patients" if a.get("patients") is not None else "")
            out.append(Field(name, value, sources, detail=patients_note if a.get("patients") is not None else ""))
    return out


def systems_line(found, day):
    """'On 1 June 2023, sub-ICB location 92A was in NHS Surrey Heartlands ICB (QXU, E54000063) (the ICBs of
    April 2023)': the location's ICB on the date, from the ICB lists."""
    icb = found["icb"]
    return (f"On {dates.human(day)}, sub-ICB location {found['loc']['ods_code']} was in {icb['name']} "
            f"({', '.join(c for c in (icb['ods_code'], icb['ons_code']) if c)}) (the ICB list of "
            f"{dates.human(found['version_date'])})")


# --------------------------------------------------------------------------- ics lsoa


def _population(r):
    what = "mid-2020 estimate" if r["population_vintage"] == "pop2020" else "Census 2021 usual residents"
    source = "ons-lsoa11-population-mid2020" if r["population_vintage"] == "pop2020" else "ons-census21-ts021-lsoa21"
    return f"{r['population']:,} ({what}, {r['geography']} LSOA)", {"source": source, "at": f"LSOA {r['code']}"}


def _counterparts(r):
    other = "2021" if r["geography"] == "2011" else "2011"
    change = r.get("change") or (r["counterparts"][0]["change"] if len(r["counterparts"]) == 1 else None)
    if r["geography"] == "2011" and len(r["counterparts"]) > 1:
        change = "S"
    text = "; ".join(f"{c['code']} {c['name']}" for c in r["counterparts"])
    return Field(f"{other} LSOA" + ("s" if len(r["counterparts"]) > 1 else ""),
                 text + (f" ({CHANGES.get(change, change)})" if change else ""),
                 [{"source": "ons-lsoa11-lsoa21-lad22", "at": f"LSOA {r['code']}"}])


def _part_text(part):
    a = part["areas"]
    main = a.get("loc") or a.get("ccg")
    top = a.get("icb") or a.get("stp")
    return label(main) + (f" in {label(top)}" if top else "")


def lsoa(kb, data):
    code, day = data["code"], data["as_of"]
    title = f"LSOA {code}: {data['name']}"
    kinds = [r for r in (data["lsoa11"], data["lsoa21"]) if r]
    about = [Field("LSOA", " and ".join(r["geography"] for r in kinds) + " geography")]
    la = kinds[-1]["local_authority"]
    about.append(Field("Local authority (2022)", label(la), [{"source": "ons-lsoa11-lsoa21-lad22", "at": f"LSOA {code}"}]))
    for r in kinds:
        text, cite = _population(r)
        about.append(Field("Population", text, [cite]))
    if len(kinds) == 2 and kinds[0]["lsoa21"] == [code] and kinds[1]["lsoa11"] == [code]:
        about[0] = Field("LSOA", "2011 and 2021 geography (unchanged in 2021)",
                         [{"source": "ons-lsoa11-lsoa21-lad22", "at": f"LSOA {code}"}])
    else:
        about += [_counterparts(r) for r in kinds]
    blocks = [doc.Note(_summary(data)), doc.Fields("", about, key="about")]
    on = data["on_date"]
    if on:
        v = on["vintage"]
        fields = [Field("File", f"{v['label']}{provenance_tag(v)}", on["sources"])]
        if on["via"]:
            fields.append(Field("Through", f"this file is on {_geo(v)} LSOAs: {', '.join(on['via'])} "
                                           f"{'stands' if len(on['via']) == 1 else 'stand'} in for {code}"))
        for part in on["parts"]:
            share = f" ({', '.join(part['lsoas'])}; population {part['population']:,})" if len(on["parts"]) > 1 else ""
            for f in area_fields(part["areas"], on["sources"]):
                f.text += share
                fields.append(f)
        blocks.append(doc.Fields(f"On {dates.human(day)}", fields, key="on_date"))
        lines = [Line(systems_line(f, day), f["sources"]) for f in data["systems_on_date"] or [] if f]
        if lines:
            blocks.append(doc.Items("", lines, key="on_date"))
        if data["next"]:
            blocks.append(doc.Note(f"Between files: {dates.human(day)} is after the {v['label']} and before the "
                                   f"{data['next']['label']}; the answer is the earlier file's, and the files do not "
                                   "say whether anything changed for this LSOA between them.", key="on_date"))
    history, table = [], []
    for h in data["history"]:
        v = h["vintage"]
        through = f" (through {', '.join(h['via'])})" if h["via"] else ""
        text = "; ".join(_part_text(p) for p in h["parts"])
        tag = {"official": "", "official-imported": " [imported ONS lookup]"}.get(v["provenance"], f" [{v['provenance']}]")
        history.append(Line(f"{dates.human(v['date'])}: {text}{through}{tag}", h["sources"],
                            detail=_basis(h)))
        for p in h["parts"]:
            main = p["areas"].get("loc") or p["areas"].get("ccg")
            top = p["areas"].get("icb") or p["areas"].get("stp") or {}
            table.append([code, v["id"], v["date"], v["label"], v["provenance"], " ".join(h["via"] or []),
                          " ".join(p["lsoas"]), main["ods_code"] or "", main["ons_code"] or "", main["name"],
                          top.get("ods_code") or "", top.get("ons_code") or "", top.get("name") or "",
                          str(p["population"]), p.get("basis") or "", cite_text(h["sources"])])
    blocks.append(doc.Items("In each lookup file", history, key="history"))
    for v in (h["vintage"] for h in data["history"] if h["vintage"]["provenance"] == "derived"):
        record = kb.place_vintages.get(v["id"]) or {}
        blocks.append(doc.Note(f"{dates.human(v['date'])}: derived. {record.get('note', '')}".strip(), key="history"))
    for v in (h["vintage"] for h in data["history"] if h["vintage"].get("imported")):
        blocks.append(doc.Note(imported_note(v), key="history"))
    for split in data.get("split") or ():
        places_ = ", ".join(la["name"] for la in split["local_authorities"])
        blocks.append(doc.Note(f"Sub-ICB location {split['from']} ended in {dates.human(split['date'])}: "
                               f"{split['lsoa_count']} of its LSOAs ({places_}) are placed in {split['to']}.",
                               key="history"))
    columns = ["lsoa", "vintage", "date", "file", "provenance", "through_lsoas", "lsoas", "ccg_or_sub_icb_ods",
               "ccg_or_sub_icb_ons", "ccg_or_sub_icb_name", "icb_or_stp_ods", "icb_or_stp_ons", "icb_or_stp_name",
               "population", "basis", "sources"]
    return doc.Doc(title, blocks, (columns, table), data, kb)


def imported_note(v):
    """What a reader is told when the user's imported ONS lookup is read in place of a derived assignment."""
    use, when = v["imported"], dates.human(v["date"])
    checked = ("its SHA-256 is the published one of this edition" if use["fingerprint"] == "verified" else
               "no published fingerprint (SHA-256) of this edition is known, so ics checked its contents instead: "
               f"every LSOA of England, the sub-ICB locations and ICBs of {when} and each location's LSOA count")
    return (f"{when}: from your imported ONS lookup ({use['edition']}, imported on "
            f"{dates.human(use['imported'][:10])}), in place of the derived assignment; {checked}.")


def _geo(v):
    return "2011" if v["id"].startswith(("ccg", "loc2022")) else "2021"


def _basis(h):
    basis = {p.get("basis") for p in h["parts"]} - {None, ""}
    if "la" in basis:
        return "Derived: its sub-ICB location ended; it is placed by its local authority."
    return ""


def _summary(data):
    day = dates.human(data["as_of"])
    on = data["on_date"]
    if not on:
        first = data["first"]
        return (f"As of {day}: before the first LSOA lookup in the data ({first['label']}, "
                f"{dates.human(first['date'])}); the files do not say where this LSOA was then.")
    text = "; ".join(_part_text(p) for p in on["parts"])
    return f"As of {day}: {text}, by the {on['vintage']['label']}{provenance_tag(on['vintage'])}."


# --------------------------------------------------------------------------- ics trust


HOST = {"same": "", "merged": "its ICB's area is now part of", "split": "its ICB's area was divided between"}


def trust(kb, data):
    code, day = data["code"], dates.human(data["as_of"])
    title = f"{code} {data.get('name') or '(not in the ODS trusts file)'}"
    blocks, fields, table = [], [], []
    if data["in_file"]:
        status = {"open": "open", "closed": f"closed on {dates.human(data['closed'])}",
                  "not-yet": f"not yet open (opened {dates.human(data['opened'])})"}[data["status"]]
        blocks.append(doc.Note(f"As of {day}: {status}."))
        fields += [Field("ODS code", code, data["sources"]), Field("Name", data["name"], data["sources"]),
                   Field("Postcode", data["postcode"] or "not given", data["sources"]),
                   Field("Opened", dates.human(data["opened"]) if data["opened"] else "not given", data["sources"])]
        if data["closed"]:
            fields.append(Field("Closed", dates.human(data["closed"]), data["sources"]))
        if data["region_ods_code"]:
            fields.append(Field("NHS region", f"{data['region'] or 'not named in the data'} ({data['region_ods_code']})",
                                data["sources"]))
        fields += _host_fields(data, day)
        table.append(["trust", data["opened"] or "", code, data["name"], data["icb_ods_code"] or "", "",
                      cite_text(data["sources"])])
    else:
        blocks.append(doc.Note(f"{code} is not in the ODS trusts file (it may have closed before the file's records "
                               "begin, or not be a trust); the ODS successions below name it."))
    blocks.append(doc.Fields("", fields, key="about"))
    for key, title_, steps in (("predecessors", "Took over from", data["predecessors"]),
                               ("successors", "Succeeded by", data["successors"])):
        src = [{"source": s, "at": f"code {code}"} for s in data["successions_vintage"]["sources"]]  # ids
        lines = [Line(f"{dates.human(s['date'])}: {s['old']}{_named(s['name_old'])} to {s['new']}{_named(s['name_new'])}",
                      src) for s in steps]
        if lines:
            blocks.append(doc.Items(title_, lines, key=key))
        table += [[key[:-1], s["date"], s["old"], s["name_old"] or "", s["new"], "", cite_text(src)] for s in steps]
    blocks.append(doc.Note("Successions: the ODS files as downloaded on 26 September 2022; later ones are not in the "
                           "data.", key="successors"))
    if data["catchment"]:
        src = [{"source": s, "at": f"nhs_trust22_code {code}"} for s in data["catchment_vintage"]["sources"]]
        rows = [Row([c["icb"].get("short_name") or c["icb"]["name"], c["icb"].get("ods_code") or "",
                     c["icb"]["ons_code"], f"{c['share']:.1%}"], src) for c in data["catchment"]]
        blocks.append(doc.Table("Catchment by ICB (July 2022 ICBs; third-party)", ["ICB", "ODS", "ONS", "Share"], rows,
                                key="catchment", codes=("ODS", "ONS")))
        blocks.append(doc.Note(THIRD_PARTY, key="catchment", screen=THIRD_PARTY[:-1] + THIRD_PARTY_SOURCE + "."))
        table += [["catchment (third-party)", "2022-07-01", c["icb"].get("ods_code") or "", c["icb"]["name"],
                   c["icb"]["ons_code"], c["share_text"], cite_text(src)] for c in data["catchment"]]
    columns = ["kind", "date", "code", "name", "other_code", "share", "sources"]
    return doc.Doc(title, blocks, (columns, table), data, kb)


def _named(name):
    return f" ({name})" if name else ""


def _host_fields(data, day):
    out = []
    icb = data["icb_ods_code"]
    if not icb:
        return [Field("ICB", "none given in the ODS trusts file", data["sources"])]
    host = data["host"]
    out.append(Field("ICB in the ODS file", icb, data["sources"],
                     detail="The file's ICB code is as at its extract date, before the April 2026 mergers."))
    status = host["status"]
    if data["status"] != "open":
        out.append(Field(f"ICB on {day}", "none: the trust was not open on that date"))
    elif status == "before-icbs":
        out.append(Field(f"ICB on {day}", "none: ICBs began on 1 July 2022"))
    elif status in ("unknown", "not-yet"):
        out.append(Field(f"ICB on {day}", f"no ICB had code {icb} on that date in the systems data"))
    else:
        names = "; ".join(f"{h['name']} ({', '.join(c for c in (h['ods_code'], h['ons_code']) if c)})"
                          for h in host["icbs"])
        sources = [s for h in host["icbs"] for s in h["sources"]]
        lead = f"{HOST[status]} " if HOST[status] else ""
        detail = ("The files do not say which of these holds the trust." if status == "split" else "")
        out.append(Field(f"ICB on {day}", lead + names, sources, detail=detail))
    return out
