"""`ics map` divides a split area by the people who live in each part (the LSOAs it held), and
--apportion carries numeric columns with the shares, so totals by the new areas equal the input's.

The expected figures are worked out here from the LSOA tables (read through store/places.py, as the
command reads them), independently of icscli/systems/apportion.py."""
import csv
import io
import re
from collections import defaultdict

import pytest

from icscli.store import places

DAY = "2026-12-06"


def write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def table(result):
    assert result.exit_code == 0, result
    text = result.stdout if hasattr(result, "stdout") else result.output  # click's result, or conftest's
    return list(csv.DictReader(io.StringIO(text)))


def one_error_line(result, code):
    assert result.exit_code == code, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ics: error: "), result.stderr
    return lines[0]


def codes_of(vintage, level):
    """{ODS code: area row} of one vintage of the code table."""
    return places.by_ods(vintage, level)


def lsoas_of(vintage):
    out = defaultdict(list)
    for lsoa, at in places.area_rows(vintage).items():
        out[at].append(lsoa)
    return out


def people(table_name):
    header = places.header(table_name)
    column = next(name for name in header if name.startswith("pop"))
    return {cells[0]: int(cells[header[column]]) for cells in places.rows(table_name)}


def icb_weights_2026(lsoas11, weight_of=None):
    """{2026 ICB ONS code: weight} of 2011 LSOAs: each weighted by its mid-2020 population (or
    weight_of), divided among its 2021 LSOAs by their Census 2021 population, placed by loc2026."""
    pop11, pop21 = (weight_of or people("lsoa11")), people("lsoa21")
    bridge = places.header("lsoa11")["lsoa21"]
    children = {cells[0]: cells[bridge].split() for cells in places.rows("lsoa11")}
    where, areas = places.area_rows("loc2026"), places.areas()
    out = defaultdict(float)
    for lsoa in lsoas11:
        parts = children[lsoa]
        total = sum(pop21[p] for p in parts)
        for part in parts:
            icb = areas[areas[where[part]][5]]  # the sub-ICB location's parent: its ICB
            out[icb[2]] += pop11[lsoa] * pop21[part] / total
    return out


def map_extract_2019(folder, *options):
    """(CCGs of the April 2019 LSOA lookup, {code: value}, the result of `ics map` of one row each with
    a value, `--apportion value` and `options`)."""
    from click.testing import CliRunner

    from icscli.cli.app import ics

    ccgs = sorted(codes_of("ccg2019", "ccg").items())
    values = {code: 1000 + 37 * n for n, (code, _) in enumerate(ccgs)}
    src = write(folder / "ccg2019.csv", [["code", "value"]] + [[code, values[code]] for code, _ in ccgs])
    result = CliRunner().invoke(ics, ["map", str(src), "-c", "code", *options, "--apportion", "value"])
    return ccgs, values, result


@pytest.fixture(scope="module")
def extract_2019(tmp_path_factory):
    """Every CCG of the April 2019 LSOA lookup, one row each with a value, and the mapped table."""
    return map_extract_2019(tmp_path_factory.mktemp("extract"), "--to", DAY)


def totals_by_2026_icb(extract, read_as_today):
    """The mapped rows of an extract (map_extract_2019), once its totals by 2026 ICB are checked: each
    former CCG divided by the residents of its April 2019 LSOAs, except (read_as_today) a code that is
    still a sub-ICB location's code on the date, counted wholly in that location's ICB."""
    ccgs, values, result = extract
    rows = table(result)
    assert {r["code"] for r in rows} == set(values)  # no row dropped
    got = defaultdict(float)
    for r in rows:
        got[r["icb_ons_code"]] += float(r["value"])
    assert abs(sum(got.values()) - sum(values.values())) < 1e-3
    members, today = lsoas_of("ccg2019"), codes_of("loc2026", "loc")
    expected = defaultdict(float)
    for code, at in ccgs:
        if read_as_today and code in today:  # read as today's area (its note says what the CCG lost)
            expected[places.areas()[places.areas()[today[code]][5]][2]] += values[code]
            continue
        weights = icb_weights_2026(members[at])
        total = sum(weights.values())
        for icb, weight in weights.items():
            expected[icb] += values[code] * weight / total
    assert set(got) == {icb for icb, v in expected.items() if v > 1e-9}
    for icb, value in expected.items():
        assert abs(got.get(icb, 0) - value) < 1e-3, (icb, got.get(icb), value)
    return rows


def test_a_2019_ccg_extract_keeps_its_totals_by_2026_icb(extract_2019):
    """Totals by 2026 ICB: each former CCG divided by the residents of its April 2019 LSOAs; a code that
    is still a sub-ICB location's code on the date is that location (as a bare map of today's codes)."""
    rows, result = totals_by_2026_icb(extract_2019, read_as_today=True), extract_2019[2]
    split = [r for r in rows if r["change"] == "split"]
    assert split and all("resident population" in r["note"] for r in split)
    assert "apportioned" in result.stderr and "resident population" in result.stderr


def test_every_apportioned_value_is_a_plain_number(extract_2019):
    _, values, result = extract_2019
    for r in table(result):
        assert re.fullmatch(r"-?\d+(\.\d{1,6})?", r["value"]), r["value"]
        if r["share"] == "1":
            assert r["value"] == str(values[r["code"]])  # a whole share leaves the cell as it was


def test_bracknell_and_ascot_goes_wholly_to_one_icb_in_2026(run, tmp_path):
    """10G (a CCG of 2013-2018) lies wholly in the Thames Valley ICB of 2026, by the LSOA tables."""
    lookups = {row[0] for row in places.areas() if row[0].startswith("ccg") and row[1] == "ccg"}
    last = max(v for v in lookups if "10G" in codes_of(v, "ccg"))  # the lookup of its last year
    weights = icb_weights_2026(lsoas_of(last)[codes_of(last, "ccg")["10G"]])
    assert len(weights) == 1
    src = write(tmp_path / "in.csv", [["code", "value"], ["10G", "50"]])
    rows = table(run("map", src, "-c", "code", "--to", DAY, "--apportion", "value"))
    assert len(rows) == 1, rows  # one row: no part of the later split without any of its people
    assert rows[0]["share"] == "1" and rows[0]["value"] == "50" and rows[0]["change"] == "merged"
    assert rows[0]["icb_ons_code"] == next(iter(weights)) and "Thames Valley" in rows[0]["icb_name"]
    assert "all of it lies in this part: the LSOAs it held" in rows[0]["note"]


@pytest.mark.parametrize("code", ["99M", "15D"])
def test_a_merged_then_split_ccg_gets_shares_that_add_up(run, tmp_path, code):
    src = write(tmp_path / "in.csv", [["code", "value"], [code, "1000"]])
    rows = table(run("map", src, "-c", "code", "--to", DAY, "--apportion", "value"))
    assert len(rows) > 1 and all(r["share"] for r in rows)
    assert abs(sum(float(r["share"]) for r in rows) - 1) < 5e-4
    assert abs(sum(float(r["value"]) for r in rows) - 1000) < 1e-3
    members = lsoas_of("ccg2019")[codes_of("ccg2019", "ccg")[code]]
    weights = icb_weights_2026(members)
    for r in rows:
        assert abs(float(r["value"]) - 1000 * weights.get(r["icb_ons_code"], 0) / sum(weights.values())) < 1e-3
    assert all("shares by resident population" in r["note"] for r in rows)


def test_lsoa_weights_give_the_lsoa_counts_of_the_split(run, tmp_path, kb):
    """D4U1Y's April 2026 split, by LSOA count, is the count of LSOAs each part took (vintages.yaml)."""
    split = [s for s in kb.place_vintages["loc2026"]["split"] if s["from"] == "D4U1Y"]
    total = sum(s["lsoa_count"] for s in split)
    src = write(tmp_path / "in.csv", [["code", "n"], ["D4U1Y", str(total)]])
    rows = table(run("map", src, "-c", "code", "--to", DAY, "--weights", "lsoas", "--apportion", "n"))
    assert {r["sub_icb_location_ods_code"]: r["n"] for r in rows} == {s["to"]: str(s["lsoa_count"]) for s in split}
    assert all("number of LSOAs" in r["note"] for r in rows)
    population = table(run("map", src, "-c", "code", "--to", DAY))
    assert [r["share"] for r in population] != [r["share"] for r in rows]


def test_patients_are_used_only_where_the_data_gives_them(run, tmp_path):
    src = write(tmp_path / "in.csv", [["code"], ["D4U1Y"]])
    rows = table(run("map", src, "-c", "code", "--to", DAY, "--weights", "patients"))
    assert abs(sum(float(r["share"]) for r in rows) - 1) < 5e-4
    for r in rows:  # no part of Frimley's area is a whole sub-ICB location of 2026
        assert "no registered patients for" in r["note"] and "resident population" in r["note"]


def test_split_largest_keeps_every_row(run, tmp_path):
    src = write(tmp_path / "in.csv", [["id", "code", "value"], ["1", "99M", "10"], ["2", "00D", "20"],
                                      ["3", "not a code", "30"], ["4", "15D", "40"], ["5", "", "50"]])
    every = table(run("map", src, "-c", "code", "--to", DAY))
    largest = table(run("map", src, "-c", "code", "--to", DAY, "--split", "largest", "--apportion", "value"))
    assert [r["id"] for r in largest] == ["1", "2", "3", "4", "5"]
    assert [r["value"] for r in largest] == ["10", "20", "30", "40", "50"]  # the whole value on the part kept
    for r in largest:
        parts = [e for e in every if e["id"] == r["id"]]
        best = max(parts, key=lambda e: float(e["share"] or 0))
        assert r["sub_icb_location_ods_code"] == best["sub_icb_location_ods_code"]
        if len(parts) > 1:
            assert "largest part only" in r["note"]


def test_apportion_keeps_what_is_not_a_number_and_counts_it(run, tmp_path):
    src = write(tmp_path / "in.csv", [["code", "a", "b"], ["99M", "0.1", "n/a"], ["99M", "", "7"],
                                      ["XYZ", "5", "5"], ["00D", "0012", "3.5"]])
    result = run("map", src, "-c", "code", "--to", DAY, "--apportion", "a, b")
    rows = table(result)
    shares = {r["sub_icb_location_ods_code"]: float(r["share"]) for r in rows if r["code"] == "99M"}
    first = [r for r in rows if r["code"] == "99M" and r["b"] == "n/a"]
    assert len(first) == len(shares) and abs(sum(float(r["a"]) for r in first) - 0.1) < 1e-5
    assert all(re.fullmatch(r"\d+(\.\d{1,6})?", r["a"]) for r in first)
    assert [r["a"] for r in rows if r["code"] == "99M" and r["a"] == ""] == [""] * len(shares)
    assert [(r["a"], r["b"]) for r in rows if r["code"] in ("XYZ", "00D")] == [("5", "5"), ("0012", "3.5")]
    assert "2 blank or non-numeric cells" in result.stderr and "1 row could not be apportioned" in result.stderr


def test_a_bad_apportion_column_is_one_line(run, tmp_path):
    src = write(tmp_path / "in.csv", [["code", "value"], ["99M", "1"]])
    out = tmp_path / "out.csv"
    line = one_error_line(run("map", src, "-c", "code", "--apportion", "value,nope", "-o", out), 2)
    assert "--apportion" in line and "'nope'" in line and "the columns are: code, value" in line
    assert not out.exists()
    assert "--apportion" in one_error_line(run("map", src, "-c", "code", "--apportion", "value,,"), 2)


def test_before_the_first_lsoa_file_the_earliest_is_used_and_said(run, tmp_path, kb):
    first = min((v for v in kb.place_vintages.values() if v["id"].startswith("ccg")), key=lambda v: v["date"])
    src = write(tmp_path / "in.csv", [["code"], ["15D"]])
    rows = table(run("map", src, "-c", "code", "--to", "2014-06-01"))
    assert len(rows) > 1 and abs(sum(float(r["share"]) for r in rows) - 1) < 5e-4
    from icscli import dates

    assert all(f"the first LSOA file is of {dates.human(first['date'])}" in r["note"] for r in rows)


def test_workbook_values_are_apportioned(run, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["code", "value"])
    for code, value in (("99M", 100), ("00D", 7), ("15D", 2.5)):
        book.active.append([code, value])
    src, out = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    book.save(src)
    assert run("map", src, "-c", "code", "--to", DAY, "--apportion", "value", "-o", out).exit_code == 0
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert abs(sum(r[1] for r in rows[1:]) - 109.5) < 1e-6 and all(isinstance(r[1], (int, float)) for r in rows[1:])
    assert [r[1] for r in rows[1:] if r[0] == "00D"] == [7]
