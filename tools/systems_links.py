"""Structured links for tools/build_systems.py: where area moved between versions, each CCG's April 2021
STP/ICS, and the official April 2026 ICB codes and regions (history/icb_ods_codes_2026.csv).

Every value is read from the reference tables; a value read from a reference note is checked against the
LSOA counts before it is written, so the project never recovers structure from prose at run time.
"""
import os
import re

from refdata import check, read

PM26 = "nhse-gp-reg-pat-prac-map-2026"
GAINED = re.compile(r"gained (\d+) LSOA11 .*\((E38\d{6})\)$")
LOST = re.compile(r"lost (\d+) LSOA11 to sub-ICB (\w+)$")
STP_MOVE = re.compile(r"former CCG was in STP (.+) \((E54\d{6})\) in April 2021")


def link_2022(ref, rows, records, icb_rows):
    """Add `took` (LSOAs a 2022 location took from another April 2021 CCG) and `stp21_*` to 2022 records."""
    by_ods = {r["ods_code"]: r for r in records}
    loc_of_ccg = {r["former_ccg_gss_code"]: r["loc_ods_code"] for r in rows}
    icb_by_ods = {r["icb_ods_code"]: r for r in icb_rows}
    stp_names = {r["predecessor_stp21_gss_code"]: r["predecessor_stp21_name"] for r in icb_rows}
    lost = {}
    for r in rows:
        for part in r["boundary_change_2021_to_jul2022"].split("; "):
            match = LOST.search(part)
            if match:
                lost[r["loc_ods_code"]] = (match.group(2), int(match.group(1)))
    for r in rows:
        rec = by_ods[r["loc_ods_code"]]
        icb = icb_by_ods[r["icb_ods_code"]]
        rec["stp21_ons_code"], rec["stp21_name"] = icb["predecessor_stp21_gss_code"], icb["predecessor_stp21_name"]
        note = r["boundary_change_2021_to_jul2022"]
        moved = STP_MOVE.search(note)
        if moved:
            check(moved.group(2) in stp_names, f"{r['loc_ods_code']}: unknown STP {moved.group(2)}")
            rec["stp21_ons_code"], rec["stp21_name"] = moved.group(2), stp_names[moved.group(2)]
        for part in note.split("; "):
            match = GAINED.search(part)
            if not match:
                continue
            giver = loc_of_ccg.get(match.group(2))
            count = int(match.group(1))
            check(giver and lost.get(giver) == (r["loc_ods_code"], count),
                  f"{r['loc_ods_code']}: gain of {count} from {match.group(2)} has no matching loss")
            rec["took"] = [{"ods_code": giver, "lsoa_count": count, "of": by_ods[giver]["lsoa_count"] + count}]
    check(len(lost) == sum(1 for r in records if r.get("took")), "July 2022: losses and gains do not pair")


def official_2026(ref, icbs, locs, region_names):
    """Fill the 2026 ICB ODS codes and NHS regions from the NHS England file, checking every shared field."""
    hist = os.path.join(ref, "history")
    rows = {r["icb_gss_code"]: r for r in read(os.path.join(hist, "icb_ods_codes_2026.csv"))}
    loc_rows = {r["loc_ods_code"]: r for r in read(os.path.join(hist, "sub_icb_locations_2026_codes.csv"))}
    check(len(rows) == len(icbs) == 36, f"2026: {len(rows)} ICBs in the NHS England file, {len(icbs)} in the lookup")
    check(len(loc_rows) == len(locs), "2026: sub-ICB location counts disagree")
    for icb in icbs:
        row = rows.get(icb["ons_code"])
        check(row is not None, f"2026: {icb['ons_code']} not in the NHS England file")
        check(row["icb_name"] == icb["name"], f"2026: {icb['ons_code']}: names disagree")
        check(icb.get("ods_code") in (None, row["icb_ods_code"]), f"2026: {icb['ons_code']}: ODS codes disagree")
        y = row["nhs_region_ods_code"]
        check(region_names.get(y) == row["nhs_region"], f"2026: region {y} is named {row['nhs_region']!r}")
        check(icb.get("region_ods_code") in (None, y), f"2026: {icb['ons_code']}: derived region disagrees")
        icb["ods_code"] = row["icb_ods_code"]
        icb["region"], icb["region_ods_code"], icb["region_ons_code"] = row["nhs_region"], y, row["nhs_region_gss_code"]
        icb.pop("region_note", None)
        icb["provenance"] = ("official: codes, name and region from the NHS England GP practice mapping file of "
                             "1 August 2026; LSOA counts from a derived table")
        icb["sources"] = [{"source": PM26, "at": f"ICB_CODE {row['icb_ods_code']}"}] + \
            [s for s in icb["sources"] if s not in ("later-j24", "later-ods-eccg")]
    for loc in locs:
        row = loc_rows.get(loc["ods_code"])
        check(row is not None, f"2026: sub-ICB location {loc['ods_code']} not in the NHS England file")
        check((row["loc_gss_code"], row["loc_name"], row["icb_gss_code"]) ==
              (loc["ons_code"], loc["name"], loc["icb"].split("-")[0].upper()), f"2026: {loc['ods_code']} disagrees")
        loc["provenance"] = "official: codes and names from the NHS England GP practice mapping file; LSOA counts derived"
        loc["sources"] = [{"source": PM26, "at": f"SUB_ICB_LOCATION_CODE {loc['ods_code']}"}] + \
            [s for s in loc["sources"] if s != "later-j24"]
