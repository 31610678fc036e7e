"""`ics ccg` for the CCG codes of 2013-2021 and for several codes at once, as documents."""
from .. import dates
from . import doc
from .doc import Field, Line, Row


def _share(value):
    return "" if value is None else f"{value:.4f}".rstrip("0").rstrip(".")


def _before(day):
    import datetime

    return (datetime.date.fromisoformat(day) - datetime.timedelta(days=1)).isoformat()


def historic(kb, data):
    title = f"{data['ccg_name']} ({data['ccg_ods_code']})"
    until = f"to {dates.human(_before(data['valid_to']))}" if data["valid_to"] else \
        "to 30 June 2022 (then a sub-ICB location under the same code)"
    pairs = [Field("CCG", f"{data['ccg_name']}: ODS {data['ccg_ods_code']}, from {dates.human(data['valid_from'])} "
                     f"{until}", data["sources"])]
    codes = []
    for v in data["vintages"]:
        if not codes or codes[-1][0] != v["ons_code"]:
            codes.append([v["ons_code"], v["date"]])
    if codes:
        pairs.append(Field("ONS codes", "; ".join(f"{c} (from the {dates.human(d)} lookup)" for c, d in codes), data["sources"]))
    for step in data["successions"]:
        pairs.append(Field("Merged", f"into {step['ods_code']} on {dates.human(step['date'])}", data["sources"]))
    if data["split"]:
        parts = ", ".join(f"{p['lsoa_count']} of {p['of']} to {p['ods_code']}" for p in data["split"])
        pairs.append(Field("Area split", f"{parts} ({data['split_basis']})", data["sources"]))
    if data["successor_2021"]:
        s = data["successor_2021"]
        pairs.append(Field("April 2021 CCG", f"{s['ods_code']} {s['name']}", data["sources"]))
    for b in data["boundary_changes"]:
        lost = ", ".join(f"{p['lsoa_count']} LSOAs to {p['ods_code']}" for p in b.get("lost") or [])
        gained = ", ".join(f"{p['lsoa_count']} LSOAs from {p['ods_code']}" for p in b.get("gained") or [])
        pairs.append(Field("Boundary change", f"{dates.human(b['date'])}: {b['ons_from']} \u2192 {b['ons_to']}"
                      + (f"; lost {lost}" if lost else "") + (f"; gained {gained}" if gained else ""), b["sources"]))
    blocks = [doc.Fields("", pairs, key="about")]
    found = data["on_date"]
    lines = []
    for r in found["results"]:
        where = r.get("icb_name") or r.get("ccg_name") or r.get("stp_name") or ""
        code = r.get("sub_icb_location_ods_code") or r.get("ccg_ods_code") or ""
        icb = f" of {r['icb_name']} ({r['icb_ods_code']}, {r['icb_ons_code']}), {r['nhs_region']}" if r.get("icb_name") else ""
        label = "sub-ICB location" if r.get("icb_name") else "CCG"
        share = "" if r["share"] in (None, 1) else f" (share {_share(r['share'])} by LSOA count)"
        lines.append(Line(f"{label} {code}{icb if icb else ' ' + where}{share}", data["sources"]))
    blocks.append(doc.Items(f"On {dates.human(data['as_of'])} ({found['change']})", lines, key="on-date"))
    if data.get("provenance"):
        blocks.append(doc.Note(f"Provenance: {data['provenance']}."))
    rows = [[data["ccg_ods_code"], data["ccg_name"], data["valid_from"], data["valid_to"] or "",
             (data["successor_2021"] or {}).get("ods_code", ""), data["as_of"], found["change"],
             " ".join(r.get("sub_icb_location_ods_code") or r.get("ccg_ods_code") or "" for r in found["results"]),
             " ".join(r.get("icb_ods_code") or "" for r in found["results"])]]
    columns = ["ccg_ods_code", "ccg_name", "valid_from", "valid_to", "ccg_2021", "as_of", "change", "mapped_to",
               "icb_ods_code"]
    return doc.Doc(title, blocks, (columns, rows), data, kb)


def table(kb, data):
    columns = data["columns"]
    rows = [[_share(r[c]) if c == "share" else str(r.get(c) or "") for c in columns] for r in data["rows"]]
    title = f"{data['count']} CCG codes on {dates.human(data['as_of'])}"
    table = doc.Table("", columns, [Row(r) for r in rows], key="codes", codes=[c for c in columns if "code" in c])
    return doc.Doc(title, [table], (columns, rows), data, kb)


def ccgs_on(kb, data):
    """`ics ccg --all` before the ICBs: the CCGs in force on the day, with their STP where the data gives it."""
    day = dates.human(data["as_of"])
    rows = data["ccgs"]
    shown = [Row([r["ccg_name"], r["ccg_ods_code"], r["ccg_ons_code"],
                  f"{r['stp_name']} ({r['stp_ons_code']})" if r["stp_ons_code"] else ""], r["sources"]) for r in rows]
    blocks = [doc.Table("", ["CCG", "Code", "ONS code", "STP/ICS"], shown, key="ccgs", codes=("Code", "ONS code"))]
    if not all(r["stp_ons_code"] for r in rows):
        blocks.append(doc.Note(f"STP/ICS: the data links CCGs to their STP (later ICS) only from "
                               f"{dates.human(data['stp_from'])}, so none is shown for {day}."))
    by_note = {}
    for r in rows:
        if r.get("provenance"):
            by_note.setdefault(r["provenance"], []).append(r["ccg_ods_code"])
    for note, codes in by_note.items():
        blocks.append(doc.Note(f"Provenance: {', '.join(codes)}: {note}.", provenance=True))
    columns = [*data["columns"], "valid_from", "valid_to"]
    table = [[r.get(c) or "" for c in columns] for r in rows]
    return doc.Doc(f"CCGs on {day}: {data['count']}", blocks, (columns, table), data, kb)
