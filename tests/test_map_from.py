"""`ics map --from DATE`: the date the column's codes are of. A code that names different areas on
different dates (01Y: a CCG until June 2022, a sub-ICB location since, with less area) is read as the
area it named on the from-date, and a split is divided by the LSOAs that area held then.

The expected figures come from the LSOA tables (store/places.py), as in tests/test_apportion.py."""
from collections import defaultdict

import pytest
from test_apportion import (
    codes_of,
    icb_weights_2026,
    lsoas_of,
    map_extract_2019,
    one_error_line,
    people,
    table,
    totals_by_2026_icb,
    write,
)

from icscli import dates
from icscli.store import places

FROM, DAY, BACK = "2019-04-01", "2026-12-06", "2019-06-01"


def icb_of(code):
    """The ONS code of the 2026 ICB of a 2026 sub-ICB location (its parent in the loc2026 lookup)."""
    areas = places.areas()
    return areas[areas[codes_of("loc2026", "loc")[code]][5]][2]


def moved_away(code):
    """{sub-ICB location of July 2022: LSOAs} of the April 2019 CCG `code`'s LSOAs that the July 2022
    lookup puts in another sub-ICB location (both on 2011 LSOAs)."""
    members = lsoas_of("ccg2019")[codes_of("ccg2019", "ccg")[code]]
    where, areas = places.area_rows("loc2022"), places.areas()
    out = defaultdict(list)
    for lsoa in members:
        at = where.get(lsoa)
        if at is not None and areas[at][3].upper() != code:
            out[areas[at][3].upper()].append(lsoa)
    return out


def ccg_weights_2019(lsoas21):
    """{April 2019 CCG ODS code: weight} of 2021 LSOAs: each weighted by its Census 2021 population,
    divided among its 2011 LSOAs by their mid-2020 population, placed by the ccg2019 lookup."""
    pop21, pop11 = people("lsoa21"), people("lsoa11")
    bridge = places.header("lsoa21")["lsoa11"]
    parents = {cells[0]: cells[bridge].split() for cells in places.rows("lsoa21")}
    where, areas = places.area_rows("ccg2019"), places.areas()
    out = defaultdict(float)
    for lsoa in lsoas21:
        parts = parents[lsoa]
        total = sum(pop11[p] for p in parts)
        for part in parts:
            if part in where:
                out[areas[where[part]][3].upper()] += pop21[lsoa] * pop11[part] / total
    return out


@pytest.fixture(scope="module")
def mapped_2019(tmp_path_factory):
    """Every CCG of the April 2019 LSOA lookup, one row each with a value, mapped --from 1 April 2019."""
    return map_extract_2019(tmp_path_factory.mktemp("extract"), "--from", FROM, "--to", DAY)


def test_a_2019_extract_read_as_of_2019_keeps_every_ccgs_people_by_2026_icb(mapped_2019):
    """Every code, those still in use in 2026 included, is divided by the residents of its April 2019 LSOAs."""
    rows = totals_by_2026_icb(mapped_2019, read_as_today=False)
    ccgs, _, result = mapped_2019
    today = codes_of("loc2026", "loc")
    # the codes still in use whose CCG lost area on 1 July 2022 are among them, and are now split
    kept = [code for code, _ in ccgs if code in today and moved_away(code)]
    assert kept
    for code in kept:
        parts = [r for r in rows if r["code"] == code]
        assert len(parts) > 1 and all(r["change"] == "split" for r in parts), code
        assert all(f"read as the CCG of {dates.human(FROM)}" in r["note"] for r in parts), code
    assert f"mapped from {FROM} to {DAY}" in result.stderr


def test_a_code_read_the_same_either_way_says_nothing_of_from(mapped_2019):
    ccgs, _, result = mapped_2019
    today = codes_of("loc2026", "loc")
    gone = [code for code, _ in ccgs if code not in today]
    assert gone
    for r in table(result):
        if r["code"] in gone:  # no 2026 area has the code: it is the CCG with or without --from
            assert "read as the" not in r["note"], r


def glossop():
    """(01Y's code, the sub-ICB location its lost LSOAs went to on 1 July 2022): from the data, the April
    2019 CCG still a code in 2026 that lost the largest share of its residents to another sub-ICB location."""
    pop, today = people("lsoa11"), codes_of("loc2026", "loc")
    best = None
    for code, at in codes_of("ccg2019", "ccg").items():
        if code not in today:
            continue
        lost = moved_away(code)
        whole = sum(pop[p] for p in lsoas_of("ccg2019")[at])
        for to, lsoas in lost.items():
            share = sum(pop[p] for p in lsoas) / whole
            if best is None or share > best[2]:
                best = (code, to, share)
    return best


def test_01y_keeps_todays_reading_without_from_and_splits_with_it(run, tmp_path):
    code, went_to, _ = glossop()
    src = write(tmp_path / "in.csv", [["code", "value"], [code, "1000"]])
    plain = table(run("map", src, "-c", "code", "--to", DAY, "--apportion", "value"))
    assert len(plain) == 1 and plain[0]["share"] == "1" and plain[0]["value"] == "1000"
    assert plain[0]["sub_icb_location_ods_code"] == code and plain[0]["change"] == "unchanged"
    assert "read as the sub-ICB location" in plain[0]["note"]
    result = run("map", src, "-c", "code", "--from", FROM, "--to", DAY, "--apportion", "value")
    rows = table(result)
    weights = icb_weights_2026(lsoas_of("ccg2019")[codes_of("ccg2019", "ccg")[code]])
    total = sum(weights.values())
    assert {r["icb_ons_code"] for r in rows} == set(weights) and len(rows) > 1
    assert icb_of(went_to) in weights and icb_of(went_to) != icb_of(code)
    for r in rows:
        assert abs(float(r["value"]) - 1000 * weights[r["icb_ons_code"]] / total) < 1e-3, r
        assert r["note"].startswith(f"read as the CCG of {dates.human(FROM)}")
    assert abs(sum(float(r["value"]) for r in rows) - 1000) < 1e-3
    away = next(r for r in rows if r["icb_ons_code"] == icb_of(went_to))
    assert away["sub_icb_location_ods_code"] == went_to and 0 < float(away["share"]) < 0.5
    assert "mapped from 2019-04-01 to 2026-12-06" in result.stderr


@pytest.mark.parametrize("kind", ["auto", "area"])
def test_the_area_mapper_and_the_place_mapper_read_from_alike(run, tmp_path, kind):
    code, went_to, _ = glossop()
    src = write(tmp_path / "in.csv", [["code"], [code]])
    rows = table(run("map", src, "-c", "code", "--kind", kind, "--from", FROM, "--to", DAY))
    assert sorted(r["sub_icb_location_ods_code"] for r in rows) == sorted([code, went_to])


def test_a_2026_code_maps_back_to_the_ccgs_of_2019(run, tmp_path):
    """--from after --to: the 2026 sub-ICB location that took part of 01Y comes from two April 2019 CCGs."""
    code, went_to, _ = glossop()
    src = write(tmp_path / "in.csv", [["code", "value"], [went_to, "1000"]])
    plain = table(run("map", src, "-c", "code", "--to", BACK, "--apportion", "value"))
    assert [r["ccg_ods_code"] for r in plain] == [went_to]  # the CCG of that code in 2019, as before
    result = run("map", src, "-c", "code", "--from", DAY, "--to", BACK, "--apportion", "value")
    rows = table(result)
    weights = ccg_weights_2019(lsoas_of("loc2026")[codes_of("loc2026", "loc")[went_to]])
    total = sum(weights.values())
    assert {r["ccg_ods_code"] for r in rows} == {c for c, w in weights.items() if w > 0} == {went_to, code}
    for r in rows:
        assert abs(float(r["value"]) - 1000 * weights[r["ccg_ods_code"]] / total) < 1e-3, r
        assert r["note"].startswith(f"read as the sub-ICB location of {dates.human(DAY)}")
    assert abs(sum(float(r["value"]) for r in rows) - 1000) < 1e-3
    assert f"mapped from {DAY} to {BACK}" in result.stderr


def test_from_reaches_the_library_call_and_leaves_its_default(kb):
    from icscli.systems import map_code

    code, went_to, _ = glossop()
    plain = map_code(kb, code, DAY)
    assert "from" not in plain and [r["sub_icb_location_ods_code"] for r in plain["results"]] == [code]
    found = map_code(kb, code, DAY, source_day=FROM)
    assert found["from"] == FROM and found["change"] == "split"
    assert {r["sub_icb_location_ods_code"] for r in found["results"]} == {code, went_to}


def test_a_workbook_says_the_from_date_in_its_about_sheet(run, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    code, _, _ = glossop()
    book = openpyxl.Workbook()
    book.active.append(["code", "value"])
    book.active.append([code, 10])
    src, out = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    book.save(src)
    assert run("map", src, "-c", "code", "--from", FROM, "--to", DAY, "--apportion", "value", "-o", out).exit_code == 0
    saved = openpyxl.load_workbook(out)
    rows = list(saved.active.iter_rows(values_only=True))
    assert len(rows) == 3 and abs(sum(r[1] for r in rows[1:]) - 10) < 1e-6
    about = {r[0]: r[1] for r in saved["About"].iter_rows(values_only=True)}
    assert about["Codes read as of"] == FROM


@pytest.mark.parametrize("value", ["2012-12-31", "not a date", "2019-02-30"])
def test_a_bad_from_is_one_line(run, tmp_path, value):
    src = write(tmp_path / "in.csv", [["code"], ["01Y"]])
    out = tmp_path / "out.csv"
    line = one_error_line(run("map", src, "-c", "code", "--from", value, "-o", out), 2)
    assert line.startswith("ics: error: --from") and not out.exists()
