"""The two derived parts of `data/places/`, each computed from the checked files and marked derived there.

- `derive_2026`: the April 2026 sub-ICB location of every 2021 LSOA. No official April 2026 LSOA lookup is
  at hand. The April 2026 mergers re-coded ICBs without moving sub-ICB locations, except that one location
  (Frimley's, in the files) ended and its area went to others. So every LSOA keeps its April 2024 location
  (re-coded to the 2026 codes of the NHS England practice map), and the LSOAs of a location that ended are
  given, local authority by local authority, to the locations that took its practices, in the one way that
  reproduces the LSOA counts each gained (from the derived 2025 and 2026 tables under ../later/) and sends
  every local authority the ended location already shared with a gainer to that gainer.
- `pcn_parts`: a PCN's registered patients in each sub-ICB location it spans, where the official totals
  determine it by subtraction (a location's total less its other PCNs), else unknown.
"""
import collections
import itertools
import os

from refdata import check, read


def later_counts(ref, year):
    return {r["loc_ods_code"]: int(r["lsoa_count"])
            for r in read(os.path.join(ref, "later", f"sub_icb_locations_{year}.csv"))}


def derive_2026(ref, areas, loc24, lad21, practices):
    """({LSOA21: loc2026 area row}, {LSOA21: 'kept' | 'la'}, the split: [{from, to, lsoa_count,
    local_authorities}], one per gainer)."""
    rows = areas.rows
    locs26 = {rows[i][3]: i for i in areas.of("loc2026", "loc")}
    counts25, counts26 = later_counts(ref, 2025), later_counts(ref, 2026)
    check(set(counts26) == set(locs26), "later/sub_icb_locations_2026.csv and the 2026 practice map name different "
                                        "sub-ICB locations")
    by24 = collections.defaultdict(list)
    for lsoa, at in loc24.items():
        by24[rows[at][3]].append(lsoa)
    check({ods: len(v) for ods, v in by24.items()} == counts25,
          "the April 2024 lookup's LSOA counts are not those of the 2025 table: the 2024 file may not hold in 2025")
    out, basis, splits = {}, {}, []
    for ods, lsoas in by24.items():
        if ods in locs26:
            for lsoa in lsoas:
                out[lsoa], basis[lsoa] = locs26[ods], "kept"
    ended = sorted(set(by24) - set(locs26))
    check(len(ended) <= 1, f"{len(ended)} sub-ICB locations ended in 2026: the method splits one at a time")
    for ods in ended:
        gainers = sorted(g for g in locs26 if counts26[g] != len(by24.get(g, ())))
        took = {rows[p["2026"][3]][3] for p in practices.values()
                if "2022" in p and "2026" in p and rows[p["2022"][3]][3] == ods}
        check(set(gainers) == took, f"{ods}: the locations that gained LSOAs ({gainers}) are not the ones that took "
                                    f"its practices ({sorted(took)})")
        need = {g: counts26[g] - len(by24.get(g, ())) for g in gainers}
        check(sum(need.values()) == len(by24[ods]) and all(n > 0 for n in need.values()),
              f"{ods}: the gains {need} do not add up to its {len(by24[ods])} LSOAs")
        assignment = split_by_local_authority(ods, by24, lad21, gainers, need)
        for lsoa in by24[ods]:
            out[lsoa], basis[lsoa] = locs26[assignment[lad21[lsoa]]], "la"
        for gainer in gainers:
            splits.append({"from": ods, "to": gainer, "lsoa_count": need[gainer], "local_authorities":
                           sorted(rows[lad][2] for lad, g in assignment.items() if g == gainer)})
    got = collections.Counter(rows[at][3] for at in out.values())
    check(dict(got) == counts26, "the derived 2026 LSOA counts are not those of the 2026 table")
    check(len(out) == len(loc24), "a 2021 LSOA has no 2026 sub-ICB location")
    return out, basis, splits


def split_by_local_authority(ods, by24, lad21, gainers, need):
    """{LAD row: gainer}: the one way to give each local authority whole to a gainer that reproduces the
    counts and sends every authority already shared with a gainer in April 2024 to that gainer."""
    sizes = collections.Counter(lad21[lsoa] for lsoa in by24[ods])
    shared = collections.defaultdict(set)
    for g in gainers:
        for lsoa in by24.get(g, ()):
            if lad21[lsoa] in sizes:
                shared[lad21[lsoa]].add(g)
    lads = sorted(sizes)
    fits, kept = 0, []
    for choice in itertools.product(gainers, repeat=len(lads)):
        got = collections.Counter()
        for lad, g in zip(lads, choice):
            got[g] += sizes[lad]
        if dict(got) != need:
            continue
        fits += 1
        if all(g in shared.get(lad, {g}) for lad, g in zip(lads, choice)):
            kept.append(dict(zip(lads, choice)))
    check(len(kept) == 1, f"{ods}: {fits} ways by local authority fit the counts and {len(kept)} of them keep the "
                          "shared authorities together; the split needs exactly one")
    return kept[0]


def pcn_parts(areas, pcns, practices):
    """[[PCN row, loc2026 area row, patients or None]] for every PCN of August 2026 in more than one sub-ICB
    location: the patients where the official totals determine them, by subtraction, else None."""
    rows = areas.rows
    parts = collections.defaultdict(set)
    for p in practices.values():
        if "2026" in p:
            parts[p["2026"][2]].add(p["2026"][3])
    known = {(pcn, next(iter(locs))): pcns[pcn][3] for pcn, locs in parts.items() if len(locs) == 1}
    in_loc = collections.defaultdict(set)
    for pcn, locs in parts.items():
        for loc in locs:
            in_loc[loc].add(pcn)
    changed = True
    while changed:
        changed = False
        for loc, members in in_loc.items():
            unknown = [m for m in members if (m, loc) not in known]
            if len(unknown) == 1:
                known[(unknown[0], loc)] = rows[loc][6] - sum(known[(m, loc)] for m in members if (m, loc) in known)
                changed = True
        for pcn, locs in parts.items():
            unknown = [loc for loc in locs if (pcn, loc) not in known]
            if len(unknown) == 1:
                known[(pcn, unknown[0])] = pcns[pcn][3] - sum(known[(pcn, loc)] for loc in locs if (pcn, loc) in known)
                changed = True
    check(all(v >= 0 for v in known.values()), "a PCN part comes out negative: the totals do not fit the map")
    return [[pcn, loc, known.get((pcn, loc))] for pcn, locs in sorted(parts.items()) if len(locs) > 1
            for loc in sorted(locs)]
