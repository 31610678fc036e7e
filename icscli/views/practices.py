"""Views for `ics practice` and `ics pcn`: query results of icscli/places/practices.py -> `Doc`s."""
from .. import dates
from . import doc
from .doc import Field, Line, Row, cite_text
from .places import area_fields, label, systems_line

NO_PRACTICE_COUNT = ("The files give registered patients per PCN, sub-ICB location, ICB and region on 1 August "
                     "2026, not per practice.")
KIND = {"closed": "closed or merged: in the January 2022 file, not in the August 2026 one",
        "opened": "new: in the August 2026 file, not in the January 2022 one",
        "moved": "moved to another sub-ICB location", "recoded": "same sub-ICB location; its ICB code changed",
        "unchanged": "same sub-ICB location and ICB code"}
WHY = {"boundary": "the 1 July 2022 boundary change", "merger": "the April 2026 ICB mergers"}


def _file_fields(e):
    fields = [Field("Name", e["name"], e["sources"]), Field("Postcode", e["postcode"], e["sources"]),
              Field("PCN", f"{e['pcn']['name']} ({e['pcn']['code']})"
                    + (f"; {e['pcn']['patients']:,} registered patients" if e["pcn"]["patients"] is not None else ""),
                    e["sources"])]
    return fields + area_fields(e["areas"], e["sources"])


def _change_lines(data):
    old, new, ch = data["jan2022"], data["aug2026"], data["change"]
    first, last = (dates.human(data["vintages"][k]["date"]) for k in ("first", "last"))
    sources = (old or {}).get("sources", []) + (new or {}).get("sources", [])
    lines = [Line(f"{first} to {last}: {KIND[ch['kind']]}", sources)]
    if ch["kind"] == "moved":
        lines.append(Line(f"From {label(old['areas']['ccg'])} to {label(new['areas']['loc'])}; the files do not "
                          "say when", sources))
    for step in ch.get("icb") or []:
        lines.append(Line(f"ICB code {step['from']} to {step['to']}: {WHY[step['why']]} ({dates.human(step['when'])})",
                          sources))
    for key, what in (("pcn", "PCN"), ("name", "name"), ("postcode", "postcode")):
        if ch.get(key):
            before = old["pcn"]["code"] if key == "pcn" else old[key]
            after = new["pcn"]["code"] if key == "pcn" else new[key]
            lines.append(Line(f"Its {what} changed: {before} to {after}", sources))
    if ch["kind"] == "closed":
        lines.append(Line("The files do not say when it closed, or whether it merged with another practice."))
    return lines


def _on_date(data):
    """(note, fields) for the date asked."""
    day, when = dates.human(data["as_of"]), data["when"]
    old, new, kind = data["jan2022"], data["aug2026"], data["change"]["kind"]
    first, last = data["vintages"]["first"], data["vintages"]["last"]
    if when == "before":
        return (f"As of {day}: before the first file ({first['label']}); the files do not say where this practice "
                "was then." + (" On 1 January 2022 it was as below." if old else "")), _file_fields(old) if old else []
    if when in ("first", "last") or (when == "after" and new) or (when == "between" and kind in ("unchanged",
                                                                                                  "recoded")):
        e = old if when == "first" or not new else new
        tail = {"first": "", "last": "",
                "after": f" The latest file is of {dates.human(last['date'])}; later changes are not in the data.",
                "between": f" It is in the same sub-ICB location in both files ({dates.human(first['date'])} and "
                           f"{dates.human(last['date'])}); its PCN and ICB on the date are shown below as the "
                           "files and the systems data give them."}[when]
        return f"As of {day}: {_where(e)}.{tail}", _file_fields(e)
    if when == "after":
        return (f"As of {day}: not in the latest file ({last['label']}): it had closed or merged by "
                f"{dates.human(last['date'])}."), []
    one, two = dates.human(first["date"]), dates.human(last["date"])
    text = {"moved": "it moved between the two files, and they do not say when: on this date it was in one of their "
                     "sub-ICB locations",
            "closed": f"it is in the {one} file but not in the {two} one: it closed or merged on a date the files do "
                      "not give, so it may or may not have been open",
            "opened": f"it is not in the {one} file: it opened (or took this code) on a date the files do not "
                      "give"}[kind]
    systems = data["systems_on_date"] or {}
    if kind == "moved" and systems.get("aug2026") and not systems.get("jan2022"):
        text += (f"; but its {one} location ({old['areas']['ccg']['ods_code']}) no longer existed then (systems "
                 f"data), so it was in its {two} one")
    return f"As of {day}: between the files; {text}. What each file says is below.", []


def _where(e):
    loc = e["areas"].get("loc") or e["areas"]["ccg"]
    top = e["areas"].get("icb") or e["areas"].get("stp")
    return f"in {label(loc)}, {label(top)}, PCN {e['pcn']['name']} ({e['pcn']['code']})"


def practice(kb, data):
    title = f"{data['code']} {data['name']} ({data['postcode']})"
    note, fields = _on_date(data)
    blocks = [doc.Note(note)]
    if fields:
        blocks.append(doc.Fields(f"On {dates.human(data['as_of'])}", fields, key="on_date"))
    heading = {"jan2022": "Its January 2022 location: ", "aug2026": "Its August 2026 location: "}
    lines = [Line(heading[k] + _lower(systems_line(f, data["as_of"])) if len(data["systems_on_date"]) > 1
                  else systems_line(f, data["as_of"]), f["sources"])
             for k, f in (data["systems_on_date"] or {}).items() if f]
    if lines:
        blocks.append(doc.Items("", lines, key="on_date"))
    blocks.append(doc.Note(NO_PRACTICE_COUNT, key="on_date"))
    for key, heading in (("jan2022", "January 2022 file"), ("aug2026", "August 2026 file")):
        e = data[key]
        if e:
            blocks.append(doc.Fields(f"{heading} ({dates.human(e['vintage']['date'])})", _file_fields(e), key="files"))
        else:
            blocks.append(doc.Note(f"Not in the {heading}.", key="files"))
    blocks.append(doc.Items("What changed", _change_lines(data), key="changes"))
    table = []
    for key in ("jan2022", "aug2026"):
        e = data[key]
        if not e:
            continue
        a = e["areas"]
        loc, top, region = a.get("loc") or a["ccg"], a.get("icb") or a["stp"], a["region"]
        table.append([data["code"], e["vintage"]["id"], e["vintage"]["date"], e["name"], e["postcode"],
                      e["pcn"]["code"], e["pcn"]["name"], loc["ods_code"] or "", loc["ons_code"] or "", loc["name"],
                      top["ods_code"] or "", top["ons_code"] or "", top["name"], region["ods_code"] or "",
                      region["name"], _n(e["pcn"]["patients"]), _n(loc["patients"]), _n(top["patients"]),
                      data["change"]["kind"], cite_text(e["sources"])])
    columns = ["practice", "vintage", "date", "name", "postcode", "pcn_code", "pcn_name", "ccg_or_sub_icb_ods",
               "ccg_or_sub_icb_ons", "ccg_or_sub_icb_name", "stp_or_icb_ods", "stp_or_icb_ons", "stp_or_icb_name",
               "region_ods", "region_name", "pcn_patients", "sub_icb_patients", "icb_patients", "change", "sources"]
    return doc.Doc(title, blocks, (columns, table), data, kb)


def _lower(text):
    return text[:1].lower() + text[1:]


def _n(value):
    return "" if value is None else str(value)


def _share(part):
    if part.get("share") is None:
        return "not determined"
    return f"{part['share']:.1%}" + (" (derived)" if part.get("patients_basis") == "derived" else "")


def _count(value):
    return "" if value is None else f"{value:,}"


def pcn(kb, data):
    title = f"{data['code']} {data['name']}"
    v, src = data["vintage"], data["sources"]
    about = [Field("File", v["label"], src),
             Field("Practices", str(len(data["practices"])), src)]
    if data["patients"] is not None:
        about.append(Field("Registered patients", f"{data['patients']:,} (1 August 2026)", src))
    if data["unallocated"]:
        about.append(Field("Note", "Code U is not a network: it gathers the practices in no PCN."))
    for other in data["also_in"]:
        about.append(Field("Also in", f"the {other['vintage'][-4:]} file, as {other['name']}"))
    blocks = [doc.Fields("", about, key="about")]
    counted = data["patients"] is not None
    rows, table = [], []
    for part in data["locations"]:
        a = part["areas"]
        loc, top = a.get("loc") or a["ccg"], a.get("icb") or a["stp"]
        cells = [loc["ods_code"] or "", loc["name"], top["ods_code"] or "", str(part["practices"])]
        rows.append(Row(cells + ([_count(part["patients"]), _share(part)] if counted else []), src))
        table.append(["sub-ICB location" if "loc" in a else "CCG", loc["ods_code"] or "", loc["name"],
                      top["ods_code"] or "", str(part["practices"]), _n(part["patients"]),
                      "" if part["share"] is None else f"{part['share']:.6f}", part["patients_basis"] or "",
                      cite_text(src)])
    latest = v["id"] == "prac2026"
    patient_columns = ["Patients", "Share"] if counted else []
    blocks.append(doc.Table("Sub-ICB locations" if latest else "CCGs",
                            ["ODS", "Name", "ICB" if latest else "STP", "Practices", *patient_columns], rows, key="locations",
                            codes=("ODS", "ICB", "STP")))
    icb_rows = []
    for e in data["icbs"]:
        cells = [e["area"]["ods_code"] or "", e["area"]["name"], str(e["practices"])]
        icb_rows.append(Row(cells + ([_count(e["patients"]), _share(e)] if counted else []), src))
        table.append(["ICB" if latest else "STP", e["area"]["ods_code"] or "", e["area"]["name"], "",
                      str(e["practices"]), _n(e["patients"]),
                      "" if e["share"] is None else f"{e['share']:.6f}", e["patients_basis"] or "", cite_text(src)])
    blocks.append(doc.Table("ICBs" if latest else "STPs", ["ODS", "Name", "Practices", *patient_columns], icb_rows, key="icbs",
                            codes=("ODS",)))
    if not counted:
        blocks.append(doc.Note("The January 2022 file gives no registered patients.", key="locations"))
    elif len(data["locations"]) > 1:
        blocks.append(doc.Note("Shares are of the PCN's registered patients (1 August 2026). The files give no count "
                               "per practice: a part's patients are derived where the official totals determine "
                               "them (a sub-ICB location's total less its other PCNs' patients, or the PCN's total "
                               "less its other parts), else 'not determined'.", key="locations"))
    lines = []
    for p in data["practices"]:
        loc = p["areas"].get("loc") or p["areas"]["ccg"]
        lines.append(Row([p["code"], p["name"], p["postcode"], loc["ods_code"] or ""], src))
        table.append(["practice", p["code"], p["name"], loc["ods_code"] or "", "1", "", "", "", cite_text(src)])
    blocks.append(doc.Table("Practices", ["Code", "Name", "Postcode", "Sub-ICB location" if v["id"] == "prac2026"
                                          else "CCG"], lines, key="practices", codes=("Code",)))
    columns = ["kind", "code", "name", "in", "practices", "patients", "share", "patients_basis", "sources"]
    return doc.Doc(title, blocks, (columns, table), data, kb)
