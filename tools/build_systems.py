#!/usr/bin/env python3
"""Convert the checked ICB / sub-ICB location reference tables into `data/systems/*.yaml`.

    python tools/build_systems.py [REFERENCE_DIR] [--out DATA_SYSTEMS_DIR]

REFERENCE_DIR defaults to ../shared/reference (relative to the project root) and must hold
icbs.csv, sub_icb_locations.csv, icb_local_authorities.csv, icb_population.csv and later/*.csv
(see that folder's SOURCES.md files). Standard library only. Nothing is typed by hand here: every
code and name is copied from the CSV files, and every derived value (2026 `formed_from`, regions
mapped from Y-codes, change notes) is computed from them and says so. See data/systems/REFRESH.md.
"""
import argparse
import json
import os
import re
import sys

from refdata import Fail, check, read
from systems_links import link_2022, official_2026

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LATER_YEARS = (2023, 2024, 2025, 2026)

# --------------------------------------------------------------------------- sources

# `reference` says where a reader finds each dataset; `url` only where the address was checked;
# `file` (the reading copy under ../shared/) and `maintainer_note` are never shown to users.
OGP = "Office for National Statistics, Open Geography Portal (geoportal.statistics.gov.uk)"
SOURCES = [
    {"id": "ons-loc22-icb22-nhser22",
     "title": "Locations to Integrated Care Boards to NHS England (Region) (July 2022) Lookup in England "
              "(LOC22_ICB22_NHSER22_EN_LU)",
     "publisher": "Office for National Statistics (Open Geography Portal)", "date": "2022-07", "kind": "data",
     "reference": f"{OGP}, lookup LOC22_ICB22_NHSER22_EN_LU, as at 1 July 2022; Open Government Licence v3.",
     "file": "reference/icbs.csv",
     "note": "The sub-ICB locations, ICBs and NHS England regions as at 1 July 2022 (106 entries).",
     "maintainer_note": "Read from NHS Digital's copy (NHSDigital/NDOP-publication @ecd6fbc, "
                        "inputs/CCG_ICB_mapping_July_2022.xlsx) and cross-checked with a second copy "
                        "(craig-shenton/cqc-icb-lookup @c332799). Source of reference/icbs.csv and "
                        "reference/sub_icb_locations.csv."},
    {"id": "ons-lsoa11-loc22-icb22-lad22",
     "title": "LSOA (2011) to Sub ICB Locations to Integrated Care Boards to Local Authority Districts "
              "(July 2022) Lookup in England (LSOA11_LOC22_ICB22_LAD22_EN_LU)",
     "publisher": "Office for National Statistics (Open Geography Portal)", "date": "2022-07", "kind": "data",
     "reference": f"{OGP}, lookup LSOA11_LOC22_ICB22_LAD22_EN_LU, as at 1 July 2022; Open Government Licence v3.",
     "file": "reference/icb_local_authorities.csv",
     "note": "As at 1 July 2022 (32,844 small areas). Gives the small-area counts, the local authorities in each "
             "ICB and, compared with the April 2021 lookup, the boundary changes of 1 July 2022.",
     "maintainer_note": "Copies in NHSDigital/NDOP-publication and humaniverse/geographr."},
    {"id": "ons-lsoa11-ccg21-stp21-lad21",
     "title": "LSOA (2011) to CCG to STP to LAD (April 2021) Lookup in England (LSOA11_CCG21_STP21_LAD21_EN_LU)",
     "publisher": "Office for National Statistics (Open Geography Portal)", "date": "2021-04", "kind": "data",
     "url": "https://geoportal.statistics.gov.uk/datasets/ons::lsoa-2011-to-clinical-commissioning-groups-to-"
            "sustainability-and-transformation-partnerships-april-2021-lookup-in-england/explore",
     "file": "reference/sub_icb_locations.csv",
     "note": "The April 2021 CCG and STP/ICS footprints. The former CCG of each sub-ICB location and the "
             "predecessor STP of each ICB are the ones sharing the most small areas (LSOAs) with it.",
     "maintainer_note": "Copy in humaniverse/geographr @c026be5; the address is the one in that repository's "
                        "data-raw/query-urls.R."},
    {"id": "ons-ltla21-utla21",
     "title": "Lower Tier Local Authority to Upper Tier Local Authority (April 2021) Lookup in England and Wales "
              "(LTLA21_UTLA21_EW_LU)",
     "publisher": "Office for National Statistics (Open Geography Portal)", "date": "2021-04", "kind": "data",
     "url": "https://geoportal.statistics.gov.uk/datasets/lower-tier-local-authority-to-upper-tier-local-"
            "authority-april-2021-lookup-in-england-and-wales/explore",
     "file": "reference/icb_local_authorities.csv",
     "note": "Turns each local authority district into its upper-tier authority.",
     "maintainer_note": "Copy in humaniverse/geographr; the address is the one in data-raw/query-urls.R."},
    {"id": "ons-sape23dt2-mid2020",
     "title": "Lower layer Super Output Area population estimates, mid-2020 (SAPE23DT2)",
     "publisher": "Office for National Statistics", "date": "2020", "kind": "data",
     "reference": "Office for National Statistics, 'Lower layer Super Output Area population estimates', "
                  "mid-2020 edition, table SAPE23DT2 (ons.gov.uk).",
     "file": "reference/icb_population.csv",
     "note": "Mid-2020 estimates. The ICB totals shown here are these small-area estimates added up over the "
             "July 2022 ICB boundaries: an estimate for scale, not a figure ONS published for ICBs.",
     "maintainer_note": "Copy in humaniverse/demographr @d0417101 (data/population20_lsoa11.rda); summed "
                        "by the reference compiler."},
    {"id": "later-r23",
     "title": "Integrated Care Boards (April 2023) EN BSC (boundary file attribute table ICB_APR_2023_EN_BSC)",
     "publisher": "Office for National Statistics", "date": "2023-04-04", "kind": "data",
     "reference": f"{OGP}, boundary dataset 'Integrated Care Boards (April 2023) EN BSC'; Open Government "
                  "Licence v3.",
     "file": "reference/later/icbs_2023.csv",
     "note": "ONS codes and names of the 42 ICBs in April 2023 (no ODS codes).",
     "maintainer_note": "Copy in rcpch/rcpch-nhs-organisations @af9b22c; metadata CreaDate 2023-04-04."},
    {"id": "later-g24",
     "title": "LSOA (2021) to SICBL to ICB to Cancer Alliances to LAD (April 2024) Lookup in EN "
              "(LSOA21_SICBL24_ICB24_CAL24_LAD24_EN_LU)",
     "publisher": "Office for National Statistics", "date": "2024-04", "kind": "data",
     "reference": f"{OGP}, lookup LSOA21_SICBL24_ICB24_CAL24_LAD24_EN_LU (April 2024); Open Government Licence v3.",
     "file": "reference/later/sub_icb_locations_2024.csv",
     "note": "Sub-ICB locations and ICBs in April 2024 (33,755 small areas).",
     "maintainer_note": "R copy in humaniverse/geographr @8fa83ff (data/lookup_lsoa21_icb24.rda), columns "
                        "renamed, cancer alliance and LAD columns dropped."},
    {"id": "later-j24",
     "title": "Integrated Care Boards (ICB24) names and codes in England",
     "publisher": "Office for National Statistics", "date": "2024", "kind": "data",
     "reference": f"{OGP}, names and codes table 'Integrated Care Boards (April 2024) Names and Codes in "
                  "England' (ICB24); Open Government Licence v3.",
     "file": "reference/later/icbs_2024.csv",
     "note": "The ICB codes of April 2024; also the source of the ICB ODS codes shown for 2023, 2025 and 2026 "
             "where the ONS code and name did not change.",
     "maintainer_note": "Copy in jhau/nhs-spend @e602ea9 (data/icb_names_codes_dec_2024.csv); ICB24 vintage, "
                        "no other metadata. ODS codes matched on identical ONS code and name."},
    {"id": "later-ods-eccg",
     "title": "NHS ODS eccg extract (sub-ICB locations and former CCGs)",
     "publisher": "NHS Organisation Data Service", "date": "2024", "kind": "data",
     "reference": "NHS England, Organisation Data Service, 'eccg' file download (sub-ICB locations and "
                  "former CCGs), 2024 extract.",
     "file": "reference/later/icbs_2024.csv",
     "note": "Gives the NHS England region code (Y56-Y63) of each ICB for 2023-2025.",
     "maintainer_note": "Copy in jhau/nhs-spend @e602ea9 (data/eccg.csv); extract date not stated, latest "
                        "open date 2024-07-24."},
    {"id": "later-s-derived",
     "title": "IMD 2025 scores by sub-ICB location, boundary years 2023-2026 (imd2025_subicb_scores_long.csv)",
     "publisher": "SIRSAZOFDUCK/IMD2025_subICB_scores (GitHub repository)", "date": "2026-08", "kind": "data",
     "url": "https://github.com/SIRSAZOFDUCK/IMD2025_subICB_scores",
     "file": "reference/later/sub_icb_locations_2026.csv",
     "note": "A research table, not a file ONS or NHS England publishes: its codes and names are copied from the "
             "ONS small-area to sub-ICB location to ICB lookups of April 2023 to April 2026. The only source for the 2025 and "
             "2026 rows; it holds no ICB ODS codes.",
     "maintainer_note": "Read at commit 2062835b (data/imd2025_subicb_scores_long.csv); raw lookups collected "
                        "2026-08-04, not committed."},
]

S = "later-s-derived"


# --------------------------------------------------------------------------- reading


def short(name):
    """'NHS Frimley Integrated Care Board' -> 'Frimley' (the rule reference/icbs.csv used for short_name)."""
    name = name.strip()
    name = name.removeprefix("NHS ")
    for tail in (" Integrated Care Board", " ICB"):
        name = name.removesuffix(tail)
    return name


def icb_id(ons, version):
    return f"{ons.lower()}-{version}"


def loc_id(ods, version):
    return f"{ods.lower()}-{version}"


def cite(source, at=None):
    return {"source": source, "at": at} if at else source


# --------------------------------------------------------------------------- 2022


def build_2022(ref):
    icbs = read(os.path.join(ref, "icbs.csv"))
    locs = read(os.path.join(ref, "sub_icb_locations.csv"))
    las = read(os.path.join(ref, "icb_local_authorities.csv"))
    pops = {r["icb_ods_code"]: r for r in read(os.path.join(ref, "icb_population.csv"))}
    check(len(icbs) == 42, f"icbs.csv has {len(icbs)} rows, expected 42")
    check(len(locs) == 106, f"sub_icb_locations.csv has {len(locs)} rows, expected 106")
    by_ods = {r["icb_ods_code"]: r for r in icbs}
    out_icbs, out_locs = [], []
    loc_changes = {}
    for r in locs:
        check(r["icb_ods_code"] in by_ods, f"sub-ICB {r['loc_ods_code']}: unknown ICB {r['icb_ods_code']}")
        check(by_ods[r["icb_ods_code"]]["icb_gss_code"] == r["icb_gss_code"], f"sub-ICB {r['loc_ods_code']}: ICB codes disagree")
        record = {
            "id": loc_id(r["loc_ods_code"], 2022), "version": "2022", "ods_code": r["loc_ods_code"],
            "ons_code": r["loc_gss_code"], "name": r["loc_name"], "icb": icb_id(r["icb_gss_code"], 2022),
            "former_ccg_name": r["former_ccg_name"], "former_ccg_ons_code": r["former_ccg_gss_code"],
            "lsoa_count": int(r["lsoa11_count"]),
        }
        sources = [cite("ons-loc22-icb22-nhser22"), cite("ons-lsoa11-ccg21-stp21-lad21", "former CCG (April 2021)"),
                   cite("ons-lsoa11-loc22-icb22-lad22")]
        note = r["boundary_change_2021_to_jul2022"].strip()
        if note:
            record["change_note"] = f"1 July 2022: {note}"
            loc_changes.setdefault(r["icb_ods_code"], []).append(f"{r['loc_ods_code']}: {note}")
        record["provenance"] = "official"
        record["sources"] = sources
        out_locs.append(record)
    counts = {}
    for r in locs:
        counts[r["icb_ods_code"]] = counts.get(r["icb_ods_code"], 0) + 1
    # A location that left its April 2021 STP: note it on the ICB that continued that STP too.
    by_stp = {r["predecessor_stp21_gss_code"]: r["icb_ods_code"] for r in icbs}
    for r in locs:
        match = re.search(r"former CCG was in STP .*\((E54\d{6})\)", r["boundary_change_2021_to_jul2022"])
        if match and by_stp.get(match.group(1)) and by_stp[match.group(1)] != r["icb_ods_code"]:
            dest = by_ods[r["icb_ods_code"]]
            loc_changes.setdefault(by_stp[match.group(1)], []).append(
                f"{r['loc_ods_code']} ({r['former_ccg_name']}), in its April 2021 STP footprint "
                f"{match.group(1)}, is in {dest['short_name']} ICB ({dest['icb_ods_code']}) from 1 July 2022")
    la_rows = {}
    for r in las:
        la_rows.setdefault(r["icb_ods_code"], []).append(r)
    for r in icbs:
        ods = r["icb_ods_code"]
        check(int(r["sub_icb_location_count"]) == counts.get(ods), f"{ods}: sub_icb_location_count disagrees")
        check(short(r["icb_name"]) == r["short_name"], f"{ods}: short name rule does not reproduce {r['short_name']!r}")
        record = {
            "id": icb_id(r["icb_gss_code"], 2022), "version": "2022", "ons_code": r["icb_gss_code"], "ods_code": ods,
            "name": r["icb_name"], "short_name": r["short_name"], "region": r["nhs_region"],
            "region_ods_code": r["region_ods_code"], "region_ons_code": r["region_gss_code"],
            "sub_icb_count": int(r["sub_icb_location_count"]), "lsoa_count": int(r["lsoa11_count"]),
        }
        pop = pops.get(ods)
        if pop:
            check(pop["source_note"].startswith(f"Mid-{pop['year']} ONS LSOA (2011) estimates")
                  and "summed over LSOAs" in pop["source_note"], f"{ods}: population note says how else it was made")
            record["population"] = int(pop["population"])
            record["population_note"] = (f"Mid-{pop['year']} estimate: the ONS small-area (LSOA 2011) estimates "
                                         "added up over the ICB's area of July 2022; ONS publishes no total for "
                                         "the ICB itself.")
        record["predecessor"] = r["predecessor_stp21_name"]
        record["predecessor_ons_code"] = r["predecessor_stp21_gss_code"]
        notes = []
        if r["predecessor_stp21_gss_code"] != r["icb_gss_code"]:
            notes.append(f"New ONS code on 1 July 2022: the April 2021 STP/ICS footprint was "
                         f"{r['predecessor_stp21_gss_code']}")
        if r["predecessor_stp21_name"] != r["short_name"]:
            notes.append(f"as an STP/ICS in April 2021 it was called \u201c{r['predecessor_stp21_name']}\u201d")
        notes += loc_changes.get(ods, [])
        if notes:
            record["change_note"] = "; ".join(notes) + "."
        record["local_authorities"] = [
            {"ons_code": a["local_authority_gss_code"], "name": a["local_authority_name"],
             "type": a["local_authority_type"], "coverage": a["coverage"], "lsoa_count": int(a["lsoa11_in_icb"])}
            for a in sorted(la_rows.get(ods, []), key=lambda a: a["local_authority_name"])]
        check(record["local_authorities"], f"{ods}: no local authorities")
        record["provenance"] = "official"
        record["sources"] = [cite("ons-loc22-icb22-nhser22"), cite("ons-lsoa11-loc22-icb22-lad22"),
                             cite("ons-lsoa11-ccg21-stp21-lad21", "STP/ICS footprints (April 2021)"),
                             cite("ons-ltla21-utla21")] + ([cite("ons-sape23dt2-mid2020")] if pop else [])
        out_icbs.append(record)

    link_2022(ref, locs, out_locs, icbs)
    region_names = {r["region_ods_code"]: r["nhs_region"] for r in icbs}
    region_ons = {r["region_ods_code"]: r["region_gss_code"] for r in icbs}
    check(len(region_names) == 7 and len(set(region_names.values())) == 7, "expected 7 regions in 2022")
    return out_icbs, out_locs, region_names, region_ons


# --------------------------------------------------------------------------- 2023-2026

VERSION_SOURCES = {
    2023: {"icb": ["later-r23", "later-j24", "later-ods-eccg", S], "loc": [S, "later-j24"]},
    2024: {"icb": ["later-j24", "later-g24", "later-ods-eccg"], "loc": ["later-g24"]},
    2025: {"icb": [S, "later-j24", "later-ods-eccg"], "loc": [S, "later-j24"]},
    2026: {"icb": [S, "later-j24"], "loc": [S, "later-j24"]},
}
ICB_PROVENANCE = {2023: "official", 2024: "official", 2025: "derived", 2026: "derived"}
LOC_PROVENANCE = {2023: "derived", 2024: "official", 2025: "derived", 2026: "derived"}


def build_later(ref, year, region_names):
    icbs = read(os.path.join(ref, "later", f"icbs_{year}.csv"))
    locs = read(os.path.join(ref, "later", f"sub_icb_locations_{year}.csv"))
    by_gss = {}
    for r in icbs:
        check(r["icb_gss_code"] not in by_gss, f"{year}: duplicate ICB code {r['icb_gss_code']}")
        by_gss[r["icb_gss_code"]] = r
    out_icbs, out_locs = [], []
    counts = {}
    for r in locs:
        check(r["icb_gss_code"] in by_gss, f"{year}: sub-ICB {r['loc_ods_code']}: unknown ICB {r['icb_gss_code']}")
        check(r["icb_name"] == by_gss[r["icb_gss_code"]]["icb_name"], f"{year}: {r['loc_ods_code']}: ICB names disagree")
        check(r["icb_ods_code"] == by_gss[r["icb_gss_code"]]["icb_ods_code"], f"{year}: {r['loc_ods_code']}: ICB ODS codes disagree")
        counts[r["icb_gss_code"]] = counts.get(r["icb_gss_code"], 0) + 1
        sources = [s for s in VERSION_SOURCES[year]["loc"] if s != "later-j24" or r["icb_ods_code"]]
        out_locs.append({
            "id": loc_id(r["loc_ods_code"], year), "version": str(year), "ods_code": r["loc_ods_code"],
            "ons_code": r["loc_gss_code"], "name": r["loc_name"], "icb": icb_id(r["icb_gss_code"], year),
            "lsoa_count": int(r["lsoa_count"]), "provenance": LOC_PROVENANCE[year], "sources": sources,
        })
    for r in icbs:
        check(int(r["sub_icb_location_count"]) == counts.get(r["icb_gss_code"]), f"{year}: {r['icb_gss_code']}: count disagrees")
        record = {"id": icb_id(r["icb_gss_code"], year), "version": str(year), "ons_code": r["icb_gss_code"]}
        if r["icb_ods_code"]:
            record["ods_code"] = r["icb_ods_code"]
        record.update({"name": r["icb_name"], "short_name": short(r["icb_name"])})
        y = r["nhs_region_ods_code"]
        if y:
            check(y in region_names, f"{year}: unknown region code {y}")
            record["region"] = region_names[y]
            record["region_ods_code"] = y
            record["region_note"] = (f"The {year} files give only the region's ODS code ({y}, from the NHS ODS "
                                     f"eccg extract); the name is the one the July 2022 ONS lookup gives for {y}.")
        record["sub_icb_count"] = int(r["sub_icb_location_count"])
        record["lsoa_count"] = int(r["lsoa_count"])
        record["provenance"] = ICB_PROVENANCE[year]
        record["sources"] = [s for s in VERSION_SOURCES[year]["icb"] if s != "later-j24" or r["icb_ods_code"]]
        if not r["icb_ods_code"]:
            record["provenance"] += "; no ODS code: none was found in an official file copy"
        out_icbs.append(record)
    return out_icbs, out_locs


# --------------------------------------------------------------------------- comparing versions


def compare(prev_icbs, prev_locs, icbs, locs, year, prev_year, lsoa_comparable):
    """Change notes, formed_from and (for 2026) derived regions, from the previous version."""
    p_icb = {r["id"]: r for r in prev_icbs}
    p_loc = {r["ods_code"]: r for r in prev_locs}
    c_loc = {r["ods_code"]: r for r in locs}
    c_icb = {r["id"]: r for r in icbs}
    # Sub-ICB locations: what changed into this version.
    for r in locs:
        old = p_loc.get(r["ods_code"])
        notes = []
        if old is None:
            notes.append(f"New sub-ICB location in {year} (not in the {prev_year} data)")
        else:
            if old["ons_code"] != r["ons_code"]:
                notes.append(f"ONS code changed from {old['ons_code']} to {r['ons_code']}")
            old_icb, new_icb = p_icb[old["icb"]], c_icb[r["icb"]]
            if old_icb["ons_code"] != new_icb["ons_code"]:
                if old_icb.get("ods_code") and old_icb.get("ods_code") == new_icb.get("ods_code"):
                    notes.append(f"its ICB ({new_icb['ods_code']}) changed ONS code from {old_icb['ons_code']} "
                                 f"to {new_icb['ons_code']}")
                elif old_icb["short_name"] == new_icb["short_name"]:
                    notes.append(f"its ICB, {new_icb['short_name']}, took a new ONS code ({old_icb['ons_code']} "
                                 f"\u2192 {new_icb['ons_code']})")
                else:
                    notes.append(f"moved from {old_icb['short_name']} ICB ({old_icb['ons_code']}) to "
                                 f"{new_icb['short_name']} ICB ({new_icb['ons_code']})")
            if old["name"] != r["name"]:
                notes.append(f"name changed from \u201c{old['name']}\u201d")
            if lsoa_comparable and old["lsoa_count"] != r["lsoa_count"]:
                notes.append(f"LSOA (2021) count {old['lsoa_count']} \u2192 {r['lsoa_count']}")
        if notes:
            label = "April" if year > 2022 else ""
            r["change_note"] = f"{label} {year}: ".lstrip() + "; ".join(notes) + "."
    ended = [p for ods, p in p_loc.items() if ods not in c_loc]
    gains = {}
    for r in locs:
        old = p_loc.get(r["ods_code"])
        gain = r["lsoa_count"] - (old["lsoa_count"] if old else 0)
        if gain > 0 and (old is None or lsoa_comparable):
            gains[r["ods_code"]] = gain
    # Area of ended locations: attributed to the locations that grew, only when it adds up exactly.
    absorbed_by = {}
    if ended and lsoa_comparable:
        if len(ended) == 1 and sum(gains.values()) == ended[0]["lsoa_count"]:
            for ods, gain in gains.items():
                absorbed_by[ods] = (ended[0], gain)
                r = c_loc[ods]
                r["took"] = [{"ods_code": ended[0]["ods_code"], "lsoa_count": gain, "of": ended[0]["lsoa_count"]}]
                r["change_note"] = (r.get("change_note", "").rstrip(".") + "; " if r.get("change_note") else f"April {year}: ") + \
                    (f"took {gain} of the {ended[0]['lsoa_count']} LSOAs of sub-ICB location {ended[0]['ods_code']} "
                     f"({ended[0]['name']}), which ended; the {len(gains)} gains add up to its whole area.")
        else:
            raise Fail(f"{year}: ended sub-ICB locations {[e['ods_code'] for e in ended]} cannot be attributed")
    # ICBs.
    by_icb = {}
    for r in locs:
        by_icb.setdefault(r["icb"], []).append(r)
    prev_by_ods = {r["ods_code"]: r for r in prev_icbs if r.get("ods_code")}
    prev_by_ons = {r["ons_code"]: r for r in prev_icbs}
    for icb in icbs:
        parts = []  # (previous ICB id, what came from it)
        for loc in sorted(by_icb[icb["id"]], key=lambda x: x["ods_code"]):
            old = p_loc.get(loc["ods_code"])
            if old is not None:
                parts.append((old["icb"], loc["ods_code"]))
            if loc["ods_code"] in absorbed_by:
                gone, gain = absorbed_by[loc["ods_code"]]
                parts.append((gone["icb"], f"{gain} LSOAs of {gone['ods_code']}"))
        origins = []
        for pid, _what in parts:
            if pid not in origins:
                origins.append(pid)
        same = prev_by_ons.get(icb["ons_code"])
        whole_same = (len(origins) == 1 and same is not None and origins[0] == same["id"]
                      and {l["ods_code"] for l in prev_locs if l["icb"] == same["id"]} ==
                      {l["ods_code"] for l in by_icb[icb["id"]]})
        notes = []
        if not whole_same:
            old_same_ods = prev_by_ods.get(icb.get("ods_code")) if icb.get("ods_code") else None
            if (len(origins) == 1 and old_same_ods and old_same_ods["id"] == origins[0]):
                notes.append(f"April {year}: ONS code changed from {old_same_ods['ons_code']} to {icb['ons_code']} "
                             f"(ODS code {icb['ods_code']} unchanged)")
                old_locs = {l["ods_code"] for l in prev_locs if l["icb"] == old_same_ods["id"]}
                new_locs = {l["ods_code"] for l in by_icb[icb["id"]]}
                if old_locs != new_locs:
                    gained, lost = sorted(new_locs - old_locs), sorted(old_locs - new_locs)
                    if gained:
                        notes.append("gained sub-ICB location " + ", ".join(gained))
                    if lost:
                        notes.append("lost sub-ICB location " + ", ".join(lost))
            else:
                icb["formed_from"] = origins
                bits = []
                for pid in origins:
                    what = [w for p, w in parts if p == pid]
                    prev = p_icb[pid]
                    prev_all = [l["ods_code"] for l in prev_locs if l["icb"] == pid]
                    whole = set(prev_all) <= {w for w in what}
                    desc = "whole" if whole else "part: " + ", ".join(what)
                    bits.append(f"{prev['short_name']} ({prev['ons_code']}; {desc})")
                notes.append(f"Formed in April {year} from " + "; ".join(bits))
        if notes:
            icb["change_note"] = "; ".join(notes) + "."
            cites = [cite(S, f"sicbl_vintage {prev_year} and {year}")] if year >= 2025 else []
            if year == 2023:
                cites = [cite("later-r23"), cite(S, "sicbl_vintage 2023")]
            bare = {c["source"] if isinstance(c, dict) else c for c in cites}
            icb["sources"] = [s for s in icb["sources"] if s not in bare] + cites
    return absorbed_by


def derive_regions_2026(prev_icbs, prev_locs, icbs, locs, absorbed_by):
    """2026 has no region column: derive one only when every sub-ICB location was in one region in 2025."""
    p_icb = {r["id"]: r for r in prev_icbs}
    p_loc = {r["ods_code"]: r for r in prev_locs}
    for icb in icbs:
        regions, how = set(), []
        for loc in locs:
            if loc["icb"] != icb["id"]:
                continue
            old = p_loc.get(loc["ods_code"])
            if old is not None:
                regions.add(p_icb[old["icb"]].get("region_ods_code"))
            elif loc["ods_code"] in absorbed_by:
                gone = absorbed_by[loc["ods_code"]][0]
                regions.add(p_icb[gone["icb"]].get("region_ods_code"))
                how.append(f"{loc['ods_code']} is new; its area came from {gone['ods_code']}, whose region is used")
            else:
                regions.add(None)
        if len(regions) == 1 and None not in regions:
            y = regions.pop()
            source = next(r for r in prev_icbs if r.get("region_ods_code") == y)
            icb["region"] = source["region"]
            icb["region_ods_code"] = y
            icb["region_note"] = ("Inferred: the 2026 data give no region; every one of its sub-ICB locations was in "
                                  f"{source['region']} ({y}) in April 2025" + (f" ({'; '.join(how)})" if how else "") + ".")
            if "later-ods-eccg" not in icb["sources"]:
                icb["sources"].append("later-ods-eccg")


# --------------------------------------------------------------------------- writing YAML


def scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar


def emit(value, indent=0):
    pad = " " * indent
    lines = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(inner, (dict, list)) and inner:
                if isinstance(inner, list) and all(not isinstance(i, (dict, list)) for i in inner):
                    lines.append(f"{pad}{key}: [" + ", ".join(scalar(i) for i in inner) + "]")
                else:
                    lines.append(f"{pad}{key}:")
                    lines += emit(inner, indent + 2)
            elif isinstance(inner, (dict, list)):
                lines.append(f"{pad}{key}: []")
            else:
                lines.append(f"{pad}{key}: {scalar(inner)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                inner = emit(item, indent + 2)
                inner[0] = pad + "- " + inner[0].lstrip()
                lines += inner
            else:
                lines.append(f"{pad}- {scalar(item)}")
    return lines


HEADER = "# Generated by tools/build_systems.py from ../shared/reference; do not edit by hand (see REFRESH.md).\n"


def write(path, key, records):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(HEADER)
        handle.write("\n".join(emit({key: records})) + "\n")


VERSIONS = [
    {"id": "2022", "date": "2022-07-01", "label": "1 July 2022 (ICBs established)", "provenance": "official",
     "note": "42 ICBs and 106 sub-ICB locations as at 1 July 2022, from the official ONS lookups. LSOA counts are "
             "2011 LSOAs; local authorities and populations are given for this version only.",
     "sources": ["ons-loc22-icb22-nhser22", "ons-lsoa11-loc22-icb22-lad22", "ons-lsoa11-ccg21-stp21-lad21",
                 "ons-ltla21-utla21"]},
    {"id": "2023", "date": "2023-04", "label": "April 2023", "provenance": "official",
     "note": "ICB list from the official ONS April 2023 boundary file; ODS codes matched from the ONS ICB24 "
             "names-and-codes file; sub-ICB location rows and LSOA (2021) counts from a table that copies the ONS "
             "April 2023 lookup (the IMD 2025 scores by sub-ICB location). The files give the vintage 'April 2023', not a day.",
     "sources": ["later-r23", "later-j24", "later-ods-eccg", S]},
    {"id": "2024", "date": "2024-04", "label": "April 2024", "provenance": "official",
     "note": "From the official ONS April 2024 lookup and ICB24 names-and-codes file. The files give "
             "the vintage 'April 2024', not a day.",
     "sources": ["later-g24", "later-j24", "later-ods-eccg"]},
    {"id": "2025", "date": "2025-04", "label": "April 2025", "provenance": "derived",
     "note": "Rows come from a table that copies the ONS April 2025 lookup field for field (the IMD 2025 scores by "
             "sub-ICB location), not from the ONS file itself; ODS codes matched from the ONS ICB24 file.",
     "sources": [S, "later-j24", "later-ods-eccg"]},
    {"id": "2026", "date": "2026-04-01", "label": "1 April 2026 (ICB mergers)", "provenance": "official",
     "note": "Codes, names and NHS regions of the 36 ICBs and 106 sub-ICB locations from NHS England's GP "
             "practice mapping file (extract 1 August 2026), which gives the ODS codes of the seven ICBs created on "
             "1 April 2026; the NHS ODS successor file confirms them and dates the successions 1 April 2026. LSOA "
             "(2021) counts, and which sub-ICB locations took the area of the Frimley location, come from a table "
             "that copies the ONS April 2026 lookup (the IMD 2025 scores by sub-ICB location).",
     "sources": ["nhse-gp-reg-pat-prac-map-2026", "ods-succ", S]},
]


def main(argv=None):

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reference", nargs="?", default=os.path.join(ROOT, "..", "shared", "reference"),
                        help="the reference folder (default: ../shared/reference)")
    parser.add_argument("--out", default=os.path.join(ROOT, "data", "systems"), help="output folder")
    args = parser.parse_args(argv)
    ref = os.path.abspath(args.reference)
    try:
        icbs, locs, region_names, region_ons = build_2022(ref)
        versions = {2022: (icbs, locs)}
        prev = 2022
        for year in LATER_YEARS:
            y_icbs, y_locs = build_later(ref, year, region_names)
            absorbed = compare(versions[prev][0], versions[prev][1], y_icbs, y_locs, year, prev, prev != 2022)
            if year == 2026:
                derive_regions_2026(versions[prev][0], versions[prev][1], y_icbs, y_locs, absorbed)
                official_2026(ref, y_icbs, y_locs, region_names)
            versions[year] = (y_icbs, y_locs)
            prev = year
        for year, (y_icbs, y_locs) in versions.items():
            check(len({r["ons_code"] for r in y_icbs}) == len(y_icbs), f"{year}: ICB ONS codes not unique")
            ods = [r["ods_code"] for r in y_icbs if r.get("ods_code")]
            check(len(set(ods)) == len(ods), f"{year}: ICB ODS codes not unique")
            check(len({r["ods_code"] for r in y_locs}) == len(y_locs), f"{year}: sub-ICB ODS codes not unique")
            check(len({r["ons_code"] for r in y_locs}) == len(y_locs), f"{year}: sub-ICB ONS codes not unique")
    except (Fail, OSError, KeyError, ValueError) as exc:
        print(f"build_systems: {exc}", file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)
    write(os.path.join(args.out, "sources.yaml"), "sources", SOURCES)
    write(os.path.join(args.out, "versions.yaml"), "system_versions", VERSIONS)
    for year, (y_icbs, y_locs) in versions.items():
        write(os.path.join(args.out, f"icbs-{year}.yaml"), "icbs", sorted(y_icbs, key=lambda r: r["short_name"]))
        write(os.path.join(args.out, f"sub-icb-locations-{year}.yaml"), "sub_icb_locations",
              sorted(y_locs, key=lambda r: r["ods_code"]))
        print(f"{year}: {len(y_icbs)} ICBs, {len(y_locs)} sub-ICB locations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
