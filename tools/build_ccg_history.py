#!/usr/bin/env python3
"""Convert the checked CCG history tables (2013-2021) into `data/systems/ccgs.yaml`.

    python tools/build_ccg_history.py [REFERENCE_DIR] [--out DATA_SYSTEMS_DIR]

REFERENCE_DIR defaults to ../shared/reference and must hold history/ccg_history.csv,
history/ccg_ons_vintages.csv and history/ccg_boundary_changes_2015_2021.csv (see history/SOURCES.md).
Standard library only. Every code and name is copied from those files; the structured fields
(`successions`, `split`, `vintages`, `boundary_changes`) are computed from their columns, and the
script refuses to write when the tables disagree with each other or with the published counts.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import refdata
from build_systems import HEADER, ROOT, emit
from refdata import check, read

E, SUCC, MHB = "later-ods-eccg", "ods-succ", "nhsd-mhb-ccg-mapping"
ONS = "ons-lsoa11-ccg-2015-2020"
O21 = "ons-lsoa11-ccg21-stp21-lad21"
OL = "jtrim-ons/ons-lookups @85d0ba6d"
VINTAGE_FILES = {"20150731": "csv/212.csv (31 July 2015)", "20160401": "csv/211.csv (April 2016)",
                 "20170401": "csv/226.csv (April 2017)", "20180401": "csv/216.csv (April 2018)",
                 "20190401": "csv/217.csv (April 2019)", "20200401": "csv/219.csv (April 2020)"}
# Published counts of CCGs open on 1 April, checked against the rows (history/SOURCES.md).
EXPECTED_COUNTS = {2013: 211, 2019: 191, 2020: 135, 2021: 106}

# As in build_systems.py: `reference` tells a reader where the dataset is published; the copy that was
# read (repository @ commit, path) is in `maintainer_note`, which users never see.
SOURCES = [
    {"id": SUCC, "title": "NHS ODS successor organisations file (succ)", "publisher": "NHS Organisation Data Service",
     "date": "2026", "kind": "data",
     "reference": "NHS England, Organisation Data Service, 'succ' (successor organisations) file download.",
     "file": "reference/history/ccg_history.csv",
     "note": "Predecessor, successor, reason and effective date of NHS organisations, 1992-2026. Source of every "
             "CCG merger chain 2013-2021 and of the April 2026 ICB successions.",
     "maintainer_note": "Copy in Maglehoj/42578-Project @c0ee05455a35fe72a39dc3b1462973243a687712 (data/succ.csv), "
                        "11,537 rows, extract date not stated."},
    {"id": MHB, "title": "Mental Health Bulletin reference data: ccg_mapping_2021 (old CCG code to 2021 CCG)",
     "publisher": "NHS Digital", "date": "2025-01", "kind": "data",
     "reference": "NHS Digital, Mental Health Bulletin publication code, reference data table ccg_mapping_2021.",
     "file": "reference/history/ccg_history.csv",
     "note": "NHS Digital's own table of 224 old CCG codes and the April 2021 CCG each became; not a published "
             "reference file. Used as an independent check of the ODS chains (no disagreement).",
     "maintainer_note": "NHSDigital/mental-health-bulletin @1b54a481a621a26f1f8baa01a033e0c3e4343441, "
                        "mental-health-bulletin-main/mh_bulletin/mh_bulletin/setup/Reference Data.py."},
    {"id": ONS, "title": "LSOA (2011) to Clinical Commissioning Group to Local Authority District lookups, "
                         "July 2015 and April 2016-2020",
     "publisher": "Office for National Statistics (Open Geography Portal)", "date": "2015", "kind": "data",
     "reference": "Office for National Statistics, Open Geography Portal (geoportal.statistics.gov.uk), lookups "
                  "'Lower Layer Super Output Area (2011) to Clinical Commissioning Group to Local Authority "
                  "District' of July 2015 and April 2016, 2017, 2018, 2019 and 2020; Open Government Licence v3.",
     "file": "reference/history/ccg_ons_vintages.csv",
     "note": "The CCG ONS codes, names and LSOA counts of each vintage, cross-checked with the ONS CCG names and "
             "codes files of 2017-2020.",
     "maintainer_note": "Copies in jtrim-ons/ons-lookups @85d0ba6d031bf2b0fab8cc4cb4f3fc9a87dc7b88: csv/212.csv, "
                        "211, 226, 216, 217 and 219.csv (32,844 rows each); names-and-codes files csv/270, 065, "
                        "273 and 245.csv."},
    {"id": "nhse-gp-reg-pat-prac-map-2026",
     "title": "Patients Registered at a GP Practice: practice to PCN, sub-ICB location, ICB and region mapping "
              "(extract 1 August 2026)",
     "publisher": "NHS England", "date": "2026-08-01", "kind": "data",
     "reference": "NHS England, 'Patients Registered at a GP Practice', August 2026, mapping file "
                  "gp-reg-pat-prac-map (files.digital.nhs.uk).",
     "file": "reference/history/icb_ods_codes_2026.csv",
     "note": "The ODS and ONS codes, names and NHS regions of the 36 ICBs and 106 sub-ICB locations of 2026 "
             "(6,129 practices), including the ODS codes of the seven ICBs created on 1 April 2026; the ODS "
             "successor file confirms them independently.",
     "maintainer_note": "Copy in robg-test/icb-map @3677cdc485b30e879057c0e548f6ee2dfc785e17 "
                        "(data/nhs/gp-reg-pat-prac-map.zip; EXTRACT_DATE 01Aug2026)."},
]

CHAIN_STEP = re.compile(r"^(\w+) \((\d{4}-\d{2}-\d{2})\)$")
LSOA_CHECK = re.compile(r"^(\d{4}): (\d+)/(\d+) LSOA11 in (\w+) in 2021(?: \(rest: (.*)\))?$")
GSS_VINTAGES = re.compile(r"^(E38\d{6}) \[(\d{4})(?:-(\d{4}))?\]$")


def vintage_date(vintage):
    return f"{vintage[:4]}-{vintage[4:6]}-{vintage[6:]}"


def successions(row):
    """The merger chain as [{ods_code, date}] from the succession_chain column."""
    parts = row["succession_chain"].split(" > ")
    check(parts[0] == row["old_ccg_ods_code"], f"{row['old_ccg_ods_code']}: chain does not start with the code")
    steps = []
    for part in parts[1:]:
        match = CHAIN_STEP.match(part)
        check(match, f"{row['old_ccg_ods_code']}: unreadable chain step {part!r}")
        steps.append({"ods_code": match.group(1), "date": match.group(2)})
    return steps


def split_of(row):
    """Where the LSOAs of a closed code lie in April 2021, when more than one CCG holds them."""
    text = row["ons_lsoa_check"]
    if not text:
        return None
    match = LSOA_CHECK.match(text)
    check(match, f"{row['old_ccg_ods_code']}: unreadable ons_lsoa_check {text!r}")
    year, held, total, main, rest = match.groups()
    check(main == row["successor_ccg_ods_code"], f"{row['old_ccg_ods_code']}: most LSOAs not in the ODS successor")
    if not rest:
        check(held == total, f"{row['old_ccg_ods_code']}: LSOAs missing without a rest")
        return None
    parts = [{"ods_code": main, "lsoa_count": int(held), "of": int(total)}]
    for bit in rest.split(", "):
        code, count = bit.split(" ")
        parts.append({"ods_code": code, "lsoa_count": int(count), "of": int(total)})
    check(sum(p["lsoa_count"] for p in parts) == int(total), f"{row['old_ccg_ods_code']}: split does not add up")
    return {"basis": f"LSOA (2011) of its April {year} area in the April 2021 CCGs", "parts": parts}


def name_source(text):
    """'ONS 2019 (O19)' -> 'ONS lookup, 2019': the reader sees the file, not the compiler's ids."""
    match = re.match(r"^ONS (\d{4}) \(O\d\d\)$", text)
    if match:
        return f"ONS lookup, {match.group(1)}"
    check(text.startswith("ODS eccg (E)"), f"unexpected name_source {text!r}")
    return "NHS ODS eccg extract (upper case as in ODS); no ONS lookup covers its dates"


def provenance(row):
    """Say where a row's evidence is thin: one kind of source, or no independent mapping."""
    ids = row["source"].split()
    notes = []
    if not any(i.startswith("O") for i in ids):
        notes.append("known from the NHS ODS files only (no ONS lookup covers its dates)")
    if "MHB" not in ids and row["valid_to"]:
        notes.append("not in NHS Digital's mapping table; the chain rests on the ODS successor file")
    return "; ".join(notes)


def build(ref):
    hist = os.path.join(ref, "history")
    rows = read(os.path.join(hist, "ccg_history.csv"))
    vintages = read(os.path.join(hist, "ccg_ons_vintages.csv"))
    changes = read(os.path.join(hist, "ccg_boundary_changes_2015_2021.csv"))
    check(len(rows) == 248, f"ccg_history.csv has {len(rows)} rows, expected 248")
    by_code = {r["old_ccg_ods_code"]: r for r in rows}
    check(len(by_code) == len(rows), "duplicate CCG codes")
    by_vintage = {}
    for v in vintages:
        check(v["ccg_ods_code"] in by_code, f"vintage {v['vintage']}: unknown CCG {v['ccg_ods_code']}")
        by_vintage.setdefault(v["ccg_ods_code"], []).append(v)
    records = []
    for row in rows:
        code = row["old_ccg_ods_code"]
        rec = {"id": f"ccg-{code.lower()}", "ods_code": code, "name": row["old_ccg_name"],
               "valid_from": row["valid_from"]}
        if row["valid_to"]:
            rec["valid_to"] = row["valid_to"]
        rec["successor"] = row["successor_ccg_ods_code"]
        steps = successions(row)
        check(bool(steps) == bool(row["valid_to"]), f"{code}: chain and close date disagree")
        if steps:
            check(steps[0]["date"] == row["valid_to"], f"{code}: first merger is not on its close date")
            check(steps[-1]["ods_code"] == row["successor_ccg_ods_code"], f"{code}: chain does not end at successor")
            check(not row["mhb_successor"] or row["mhb_successor"] == row["successor_ccg_ods_code"],
                  f"{code}: NHS Digital's table disagrees")
            rec["successions"] = steps
        split = split_of(row) if row["valid_to"] else None
        if split:
            rec["split"] = split["parts"]
            rec["split_basis"] = split["basis"]
        own = []
        for v in sorted(by_vintage.get(code, []), key=lambda v: v["vintage"]):
            own.append({"date": vintage_date(v["vintage"]), "ons_code": v["ccg_gss_code"], "name": v["ccg_name"],
                        "lsoa_count": int(v["lsoa11_count"])})
        if own:
            rec["vintages"] = own
            check(own[-1]["ons_code"] == row["old_ccg_gss_code"], f"{code}: last ONS code disagrees")
        rec["name_source"] = name_source(row["name_source"])
        for c in changes:
            if c["ods_code"] != code:
                continue
            rec.setdefault("boundary_changes", []).append({
                "date": f"{c['to_vintage']}-04", "ons_from": c["gss_from"], "ons_to": c["gss_to"],
                "name_from": c["name_from"], "name_to": c["name_to"],
                "lsoa_from": int(c["lsoa11_from"]), "lsoa_to": int(c["lsoa11_to"]),
                "lost": parts_list(c["lost_to"]), "gained": parts_list(c["gained_from"]),
                "sources": [{"source": ONS, "at": f"{c['from_vintage']} against {c['to_vintage']}"}]})
        note = provenance(row)
        if note:
            rec["provenance"] = note
        ids = row["source"].split()
        cites = [{"source": E, "at": f"code {code}"}]
        if "SUCC" in ids:
            cites.append({"source": SUCC, "at": f"predecessor {code}"})
        if "MHB" in ids:
            cites.append({"source": MHB, "at": f"ccg_mapping_2021 '{code}'"})
        years = [i[1:] for i in ids if re.fullmatch(r"O\d\d", i) and i != "O21"]
        if years:
            cites.append({"source": ONS, "at": "vintages 20" + ", 20".join(years)})
        if "O21" in ids or not row["valid_to"]:
            cites.append({"source": O21, "at": "April 2021 CCGs"})
        rec["sources"] = cites
        records.append(rec)
    check_counts(records)
    check_splits(records)
    return records


def parts_list(text):
    out = []
    for bit in filter(None, (b.strip() for b in text.split(";"))):
        code, count = bit.split(":")
        out.append({"ods_code": code, "lsoa_count": int(count)})
    return out


def open_on(rec, day):
    return rec["valid_from"] <= day and (not rec.get("valid_to") or day < rec["valid_to"])


def check_counts(records):
    for year, expected in EXPECTED_COUNTS.items():
        n = sum(open_on(r, f"{year}-04-01") for r in records)
        check(n == expected, f"{n} CCGs open on 1 April {year}; the published figure is {expected}")
    by_code = {r["ods_code"]: r for r in records}
    for r in records:
        for step in r.get("successions", []):
            target = by_code.get(step["ods_code"])
            check(target and open_on(target, step["date"]), f"{r['ods_code']}: successor {step['ods_code']} not open")


def check_splits(records):
    by_code = {r["ods_code"]: r for r in records}
    for r in records:
        for part in r.get("split") or []:
            target = by_code.get(part["ods_code"])
            check(target and open_on(target, r["valid_to"]) and not target.get("valid_to"),
                  f"{r['ods_code']}: split part {part['ods_code']} is not an April 2021 CCG open on {r['valid_to']}")


def write_ccgs(records, out):
    with open(os.path.join(out, "ccgs.yaml"), "w", encoding="utf-8") as handle:
        handle.write(HEADER.replace("build_systems", "build_ccg_history"))
        handle.write("\n".join(emit({"sources": SOURCES, "ccgs": records})) + "\n")
    return f"{len(records)} CCG codes 2013-2021"


def main(argv=None):
    return refdata.main("build_ccg_history", __doc__, os.path.join(ROOT, "data", "systems"), build, write_ccgs, argv)


if __name__ == "__main__":
    sys.exit(main())
