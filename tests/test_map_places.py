"""`ics map` of places: GP practices, PCNs, LSOAs (2011 and 2021), NHS trusts and postcodes, each put in its
area by the file in force on the date and followed to the date; --kind, --sheet and --skip-rows.

Every expected answer is worked out here from data/places/ (the TSV tables and areas.json) or the bundled
systems data, never typed; each whole table goes through ONE `ics map` run in this process."""
import csv
import io
import json
import os

import pytest
from ons_files import ONSPD_2026, directory_csv, onspd_zip, postcode_row

PLACES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "places")


def _table(name):
    with open(os.path.join(PLACES, name + ".tsv"), encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _areas():
    with open(os.path.join(PLACES, "areas.json"), encoding="utf-8") as handle:
        return json.load(handle)["areas"]


def _map(run, tmp_path, values, *args, column="code", name="in.csv"):
    """(rows of the output as dicts, the result) of mapping a one-column CSV of `values`."""
    path = tmp_path / name
    path.write_text(column + "\n" + "".join(v + "\n" for v in values), encoding="utf-8")
    result = run("map", path, "-c", column, "-q", *args)
    return list(csv.DictReader(io.StringIO(result.output))), result


def _by_input(rows, column="code"):
    out = {}
    for row in rows:
        out.setdefault(row[column], []).append(row)
    return out


def test_every_practice_of_the_august_2026_file_gives_its_sub_icb_location(run, tmp_path):
    areas = _areas()
    expected = {r["practice"]: areas[int(r["loc2026"])] for r in _table("practices") if r["loc2026"]}
    rows, result = _map(run, tmp_path, sorted(expected), "--to", "2026-12-06")
    assert result.exit_code == 0, result
    assert len(rows) == len(expected)  # one row each: a practice is in one place
    for row in rows:
        area = expected[row["code"]]
        assert (row["sub_icb_location_ods_code"], row["sub_icb_location_ons_code"]) == (area[3], area[2]), row
        assert (row["change"], row["share"]) == ("unchanged", "1"), row
        assert "practice file of 1 August 2026" in row["note"]


def test_the_january_2022_file_places_a_practice_in_its_ccg(run, tmp_path, kb):
    """On the January 2022 file's own date every practice in it is in that file's CCG."""
    areas = _areas()
    expected = {r["practice"]: areas[int(r["ccg2022"])] for r in _table("practices") if r["ccg2022"]}
    rows, result = _map(run, tmp_path, sorted(expected), "--to", "2022-01-01", "--kind", "practice")
    assert result.exit_code == 0, result
    assert len(rows) == len(expected)
    assert all(row["ccg_ods_code"] == expected[row["code"]][3] for row in rows)


def test_a_practice_not_in_the_file_in_force_says_so(run, tmp_path):
    closed = next(r["practice"] for r in _table("practices") if r["ccg2022"] and not r["loc2026"])
    opened = next(r["practice"] for r in _table("practices") if r["loc2026"] and not r["ccg2022"])
    rows, _ = _map(run, tmp_path, [closed, opened], "--to", "2024-06-01")
    found = _by_input(rows)
    assert "placed by the practice file of 1 January 2022" in found[closed][0]["note"]
    assert "not in the practice file of 1 January 2022" in found[opened][0]["note"]
    rows, _ = _map(run, tmp_path, [closed], "--to", "2026-12-06")
    assert (rows[0]["change"], rows[0]["sub_icb_location_ods_code"]) == ("unknown", "")
    assert "not in the practice file of 1 August 2026" in rows[0]["note"]


def test_every_2021_lsoa_in_2024_gives_the_april_2024_lookup(run, tmp_path):
    areas = _areas()
    expected = {r["lsoa21"]: areas[int(r["loc2024"])] for r in _table("lsoa21")}
    rows, result = _map(run, tmp_path, sorted(expected), "--to", "2024-06-01")
    assert result.exit_code == 0, result
    assert len(rows) == len(expected)
    bad = [r for r in rows if r["sub_icb_location_ods_code"] != expected[r["code"]][3] or r["share"] != "1"]
    assert not bad, bad[:3]


def test_2011_lsoas_in_2019_give_the_april_2019_lookup(run, tmp_path):
    areas = _areas()
    table = _table("lsoa11")
    expected = {r["lsoa11"]: areas[int(r["ccg2019"])] for r in table[::7]}  # a seventh of them
    rows, result = _map(run, tmp_path, sorted(expected), "--to", "2019-06-01", "--kind", "lsoa")
    assert result.exit_code == 0, result
    assert len(rows) == len(expected)
    assert all(r["ccg_ods_code"] == expected[r["code"]][3] for r in rows)
    assert {r["change"] for r in rows} == {"unchanged"}


def test_a_split_2011_lsoa_on_a_2021_lookup_is_shared_by_population(run, tmp_path):
    """A 2011 LSOA that is not a 2021 one is read through its 2021 parts, weighted by their population."""
    lsoa21 = {r["lsoa21"]: r for r in _table("lsoa21")}
    areas = _areas()
    for row in _table("lsoa11"):
        parts = row["lsoa21"].split()
        if row["lsoa11"] not in lsoa21 and len({lsoa21[p]["loc2024"] for p in parts}) > 1:
            break
    else:
        pytest.fail("the data has no 2011 LSOA split across 2024 sub-ICB locations")
    weights = {}
    for p in parts:
        code = areas[int(lsoa21[p]["loc2024"])][3]
        weights[code] = weights.get(code, 0) + int(lsoa21[p]["pop2021"])
    rows, _ = _map(run, tmp_path, [row["lsoa11"]], "--to", "2024-06-01")
    got = {r["sub_icb_location_ods_code"]: float(r["share"]) for r in rows}
    assert got.keys() == weights.keys()
    for code, weight in weights.items():
        assert got[code] == pytest.approx(weight / sum(weights.values()), abs=1e-4)
    assert {r["change"] for r in rows} == {"split"}


def test_pcn_shares_sum_to_one_where_the_data_gives_them(run, tmp_path):
    with open(os.path.join(PLACES, "pcns.json"), encoding="utf-8") as handle:
        pcns = json.load(handle)
    known = {}
    for pcn_row, _area, patients in pcns["pcn_parts"]:
        known.setdefault(pcns["pcns"][pcn_row][1], []).append(patients)
    shared = {code for code, parts in known.items() if None not in parts}
    assert shared  # the data gives some
    codes = sorted({r[1] for r in pcns["pcns"] if r[0] == "prac2026" and r[1] != "U"})
    rows, result = _map(run, tmp_path, codes, "--to", "2026-12-06")
    assert result.exit_code == 0, result
    found = _by_input(rows)
    assert found.keys() == set(codes)
    for code, got in found.items():
        if code in shared:
            assert len(got) > 1 and sum(float(r["share"]) for r in got) == pytest.approx(1, abs=1e-3), got
        elif code in known:
            assert {r["share"] for r in got} == {""} and "no shares" in got[0]["note"]
        else:
            assert [r["share"] for r in got] == ["1"]


def test_trusts_give_their_host_icb(run, tmp_path, kb):
    from icscli.places.trusts import host_on

    trusts = {r["trust"]: r["icb"] for r in _table("trusts") if r["icb"]}
    rows, result = _map(run, tmp_path, sorted(trusts), "--to", "2026-12-06")
    assert result.exit_code == 0, result
    found = _by_input(rows)
    for code, icb in trusts.items():
        host = host_on(kb, icb, "2026-12-06")
        assert sorted(r["icb_ods_code"] for r in found[code]) == sorted(b["ods_code"] for b in host["icbs"]), code
    before, _ = _map(run, tmp_path, [next(iter(trusts))], "--to", "2020-06-01")
    assert "ICBs began on 1 July 2022" in before[0]["note"] and before[0]["ccg_ods_code"]


def test_kind_forces_one_reading(run, tmp_path):
    practice = _table("practices")[0]["practice"]
    lsoa = _table("lsoa21")[0]["lsoa21"]
    rows, _ = _map(run, tmp_path, [practice, lsoa, "10G"], "--kind", "lsoa")
    changes = {r["code"]: r["change"] for r in rows}
    assert changes[practice] == "unknown" and changes["10G"] == "unknown" and changes[lsoa] == "unchanged"
    rows, _ = _map(run, tmp_path, [practice, lsoa, "10G"], "--kind", "area")
    changes = {r["code"]: r["change"] for r in rows}
    assert changes[practice] == "unknown" and changes[lsoa] == "unknown" and changes["10G"] != "unknown"
    auto, _ = _map(run, tmp_path, ["10G"])
    area, _ = _map(run, tmp_path, ["10G"], "--kind", "area")
    assert auto == area  # detection never changes an area code's answer


def test_skip_rows_keeps_the_title_lines_of_a_csv(run, tmp_path):
    lsoa = _table("lsoa21")[0]["lsoa21"]
    path = tmp_path / "titled.csv"
    path.write_text(f"Report of things\r\nMade today,,\r\nlsoa,n\r\n{lsoa},3\r\n", encoding="utf-8")
    result = run("map", path, "-c", "lsoa", "--skip-rows", "2", "-q", "-o", tmp_path / "out.csv")
    assert result.exit_code == 0, result
    lines = (tmp_path / "out.csv").read_bytes().decode("utf-8").split("\r\n")
    assert lines[:2] == ["Report of things", "Made today,,"]
    assert lines[2].startswith("lsoa,n,") and lines[3].startswith(f"{lsoa},3,")
    book = run("map", path, "-c", "lsoa", "--skip-rows", "2", "-o", tmp_path / "out.xlsx")
    assert book.exit_code == 0 and \
        "skipped 2 lines before the header, not in the workbook ('Report of things'; 'Made today,,')" in book.stderr
    too_many = run("map", path, "-c", "lsoa", "--skip-rows", "9")
    assert too_many.exit_code == 2 and too_many.stderr.startswith("ics: error: --skip-rows")


def test_sheet_and_skip_rows_of_a_workbook(run, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    lsoa = _table("lsoa21")[0]["lsoa21"]
    book = openpyxl.Workbook()
    book.active.title = "Cover"
    book.active.append(["nothing here"])
    data = book.create_sheet("Data")
    data.append(["Waiting times by LSOA"])
    data.append(["lsoa", "n"])
    data.append([lsoa, 4])
    path = tmp_path / "book.xlsx"
    book.save(path)
    result = run("map", path, "-c", "lsoa", "--sheet", "Data", "--skip-rows", "1")
    assert result.exit_code == 0, result
    rows = list(csv.DictReader(io.StringIO(result.output.lstrip("\ufeff"))))
    assert [(r["lsoa"], r["n"], r["change"]) for r in rows] == [(lsoa, "4", "unchanged")]
    assert "skipped 1 row before the header" in result.stderr and "Waiting times by LSOA" in result.stderr
    unknown = run("map", path, "-c", "lsoa", "--sheet", "Nope")
    assert unknown.exit_code == 2 and "'Cover', 'Data'" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1
    text = tmp_path / "plain.csv"
    text.write_text("lsoa\n" + lsoa + "\n", encoding="utf-8")
    assert run("map", text, "-c", "lsoa", "--sheet", "Data").exit_code == 2


def test_kind_postcode_without_a_directory_is_one_line(run, tmp_path):
    path = tmp_path / "pc.csv"
    path.write_text("pc\nNE1 1AA\n", encoding="utf-8")
    result = run("map", path, "-c", "pc", "--kind", "postcode")
    assert result.exit_code == 2 and result.output == ""
    assert result.stderr.startswith("ics: error: no postcode directory is imported: download the ONS Postcode")
    assert len(result.stderr.strip().splitlines()) == 1
    auto, _ = _map(run, tmp_path, ["NE1 1AA"])
    assert auto[0]["change"] == "unknown" and "import a postcode directory" in auto[0]["note"]


@pytest.fixture
def directory(run, kb, tmp_path, monkeypatch):
    """A small imported ONSPD: postcodes in two 2026 sub-ICB locations, one terminated."""
    monkeypatch.setenv("ICS_IMPORTS_DIR", str(tmp_path / "imports"))
    locs = sorted((r for r in kb.sub_icb_locations.values() if r["version"] == "2026"), key=lambda r: r["ods_code"])
    first, second = locs[0], next(r for r in locs if r["icb"] != locs[0]["icb"])
    rows = [postcode_row(kb, pcds, loc, terminated)
            for pcds, loc, terminated in (("NE1 1AA", first, ""), ("NE1 1AB", first, "201506"), ("B1 1AA", second, ""))]
    path = onspd_zip(tmp_path / "ONSPD_AUG_2026.zip", "ONSPD_AUG_2026", directory_csv(ONSPD_2026, rows))
    assert run("import", path).exit_code == 0
    return {"NE1 1AA": first, "NE1 1AB": first, "B1 1AA": second}


@pytest.mark.parametrize("kind", ["auto", "postcode"])
def test_postcodes_through_the_imported_directory(run, kb, tmp_path, directory, kind):
    from icscli import systems

    typed = {"ne11aa": "NE1 1AA", " NE1 1AB ": "NE1 1AB", "B1 1AA": "B1 1AA"}
    values = [*typed, "ZZ9 9ZZ", "not one"] * 3
    for day in ("2026-12-06", "2020-06-01"):
        rows, result = _map(run, tmp_path, values, "--to", day, "--kind", kind, column="pc")
        assert result.exit_code == 0, result
        found = _by_input(rows, "pc")
        for text, postcode in typed.items():
            loc = directory[postcode]
            expected = systems.map_code(kb, loc["ons_code"], day)
            key = "sub_icb_location_ods_code" if day >= "2022-07-01" else "ccg_ods_code"
            got = found[text]
            assert [r[key] for r in got[:len(expected["results"])]] == [r[key] for r in expected["results"]]
            assert got[0]["change"] == expected["change"]
        assert found["ZZ9 9ZZ"][0]["change"] == "unknown"
        assert "not in the imported postcode directory" in found["ZZ9 9ZZ"][0]["note"]
        assert "terminated" in found[" NE1 1AB "][0]["note"]
        # the directory's edition is shown with each postcode's answer and in the summary
        assert all("ONSPD August 2026" in found[text][0]["note"] for text in typed), found
        summary = run("map", tmp_path / "in.csv", "-c", "pc", "--to", day, "--kind", kind).stderr
        assert "postcodes looked up in your imported ONSPD August 2026 (imported on " in summary, summary
        if kind == "auto":  # what is not shaped like a postcode is answered as without a directory
            area, _ = _map(run, tmp_path, ["not one"], "--to", day, "--kind", "area", column="pc")
            assert found["not one"][0] == area[0]
    assert len(rows) >= len(values)


def test_postcodes_read_ahead_keep_lines_and_rows(run, tmp_path, directory):
    """Postcodes are looked up a batch of rows at a time: the rows still come out whole and in order (a
    cell holding a line break included), and an error names the line it is on."""
    many = [f"{n},{'NE1 1AA' if n % 2 else 'B1 1AA'}" for n in range(4500)]
    text = "n,pc\r\n" + "\r\n".join(many[:3000]) + '\r\n"two\r\nlines",NE1 1AB\r\n' + "\r\n".join(many[3000:]) + "\r\n"
    path = tmp_path / "many.csv"
    path.write_bytes(text.encode("utf-8"))
    result = run("map", path, "-c", "pc", "-o", tmp_path / "out.csv")
    assert result.exit_code == 0, result
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [r[:2] for r in rows[1:]] == [line.split(",") for line in many[:3000]] + [["two\r\nlines", "NE1 1AB"]] \
        + [line.split(",") for line in many[3000:]]
    assert all(r[2] for r in rows[1:])  # every one mapped
    path.write_bytes(text.replace("4100,", "4100,x,y,", 1).encode("utf-8"))
    bad = run("map", path, "-c", "pc")
    line = 1 + 3000 + 2 + 1101  # the header, 3,000 rows, the row of two lines, then n = 3000 ... 4100
    assert bad.exit_code == 1 and bad.stderr.startswith(f"ics: error: line {line}: 4 cells"), bad.stderr
    assert run("map", path, "-c", "pc", "--kind", "area").stderr == bad.stderr  # as without reading ahead


def test_the_kinds_are_one_list():
    """--kind offers what the place mapper reads (cli/map.py keeps its own copy so that the places package
    loads only for a mapping)."""
    from icscli.cli.map import KINDS
    from icscli.places import mapcodes

    assert KINDS == mapcodes.KINDS


def test_strict_split_and_the_summary_count_places_as_other_kinds(run, tmp_path):
    """--strict fails on an unknown place after writing every row; --split error stops at a PCN split
    between areas; the summary counts places by their change."""
    with open(os.path.join(PLACES, "pcns.json"), encoding="utf-8") as handle:
        pcns = json.load(handle)
    split_pcn = pcns["pcns"][pcns["pcn_parts"][0][0]][1]
    practice = _table("practices")[0]["practice"]
    path = tmp_path / "mixed.csv"
    path.write_text(f"code\n{practice}\nZ99999\n{split_pcn}\n", encoding="utf-8")
    strict = run("map", path, "-c", "code", "--strict", "--to", "2026-12-06")
    assert strict.exit_code == 1 and "--strict: 1 value(s)" in strict.stderr
    assert strict.output.count("\n") >= 4  # the header and every row, written before the failure
    assert "(1 unchanged, 1 split, 1 unknown)" in strict.stderr
    stop = run("map", path, "-c", "code", "--split", "error", "--to", "2026-12-06")
    assert stop.exit_code == 1 and f"line 4: '{split_pcn}' is split between" in stop.stderr
