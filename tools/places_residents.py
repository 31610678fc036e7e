"""The residents of each ICB of a 2021-LSOA lookup vintage: Census 2021 usual residents added up over the
LSOAs the vintage places in the ICB's sub-ICB locations (written as the vintage's `icb_residents`, so that
`ics system` shows them without reading the tables).

Checks, before anything is written: every LSOA of England is placed once; the ICBs' totals add up to
England's total over all LSOAs; that total and the LSOA count are the ones places/SOURCES.md states for
England ("Census 2021 (LSOA21): ... England 33,755 LSOAs, 56,490,108").
"""
import os
import re

from refdata import check


def england_total(places):
    """(LSOAs, usual residents) of England as places/SOURCES.md states them for Census 2021."""
    with open(os.path.join(places, "SOURCES.md"), encoding="utf-8") as handle:
        text = handle.read()
    found = re.search(r"Census 2021 \(LSOA21\):[^\n]*?England ([\d,]+) LSOAs, ([\d,]+)", text)
    check(found is not None, "places/SOURCES.md: no England total of the Census 2021 residents")
    return int(found.group(1).replace(",", "")), int(found.group(2).replace(",", ""))


def icb_residents(areas, assignment, pop21, stated):
    """[{ods_code, ons_code, lsoas, residents}] for each ICB of a vintage, from {LSOA21: sub-ICB location
    area row} and {LSOA21: residents}; `stated` is England's (LSOAs, residents) from SOURCES.md."""
    check(set(assignment) == set(pop21), "residents: the lookup and the census table hold different LSOAs")
    england = sum(pop21.values())
    check((len(pop21), england) == stated,
          f"residents: England has {len(pop21):,} LSOAs and {england:,} residents, SOURCES.md says "
          f"{stated[0]:,} and {stated[1]:,}")
    totals = {}
    for lsoa, loc in assignment.items():
        icb = areas.rows[loc][5]
        check(icb is not None and areas.rows[icb][1] == "icb", f"residents: {lsoa} has a location with no ICB")
        lsoas, people = totals.get(icb, (0, 0))
        totals[icb] = (lsoas + 1, people + pop21[lsoa])
    out = [{"ods_code": areas.rows[i][3], "ons_code": areas.rows[i][2], "lsoas": n, "residents": people}
           for i, (n, people) in totals.items()]
    check(sum(t["residents"] for t in out) == england and sum(t["lsoas"] for t in out) == len(pop21),
          "residents: the ICBs' totals do not add up to England's")
    check(all(t["ods_code"] and t["ons_code"] for t in out), "residents: an ICB without both codes")
    return sorted(out, key=lambda t: t["ods_code"])
