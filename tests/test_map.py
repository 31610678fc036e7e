"""`ics map`, `ics changes` and the CCG codes of 2013-2021, checked against the reference tables."""
import csv
import json
import os

import pytest
from click.testing import CliRunner

from icscli.cli.app import ics

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HIST = os.path.join(ROOT, "..", "shared", "reference", "history")
needs_reference = pytest.mark.skipif(not os.path.isdir(HIST), reason="../shared/reference/history is not available")
CCG_DAYS = ("2013-04-01", "2015-04-01", "2016-06-30", "2018-04-01", "2019-10-01", "2020-04-01", "2021-04-01",
            "2022-06-30")


def cli(*args, input=None):
    result = CliRunner().invoke(ics, [str(a) for a in args], input=input, catch_exceptions=True)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def history(name):
    with open(os.path.join(HIST, name), newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def kb():
    import icscli

    return icscli.load()


def _in_force(row, day):
    return row["valid_from"] <= day and (not row["valid_to"] or day < row["valid_to"])


def _expected_before_2022(row, day):
    """The codes holding a code's area on a CCG-era date, read from the reference chain."""
    if day < row["valid_to"] or not row["valid_to"]:
        return None
    code = row["old_ccg_ods_code"]
    for step in row["succession_chain"].split(" > ")[1:]:
        target, when = step.split(" (")
        if when.rstrip(")") <= day:
            code = target
    return code


# --------------------------------------------------------------------------- every historic code


@needs_reference
def test_all_248_codes_known_with_their_dates(kb):
    rows = history("ccg_history.csv")
    assert len(rows) == 248 == len(kb.ccgs)
    for row in rows:
        ccg = kb.ccgs["ccg-" + row["old_ccg_ods_code"].lower()]
        assert (ccg["valid_from"], ccg.get("valid_to") or "") == (row["valid_from"], row["valid_to"])
        assert ccg["successor"] == row["successor_ccg_ods_code"]


@needs_reference
@pytest.mark.parametrize("day", CCG_DAYS)
def test_every_code_maps_to_the_reference_chain_before_2022(kb, day):
    from icscli.systems import map_code

    for row in history("ccg_history.csv"):
        code = row["old_ccg_ods_code"]
        if day < row["valid_from"]:
            continue  # a code formed later maps back to its predecessors (checked below for 15D)
        found = map_code(kb, code, day)
        got = [r["ccg_ods_code"] for r in found["results"]]
        if _in_force(row, day):
            assert got == [code] and found["change"] == "unchanged", (code, day, found)
            continue
        expected = _expected_before_2022(row, day)
        if "rest:" in row["ons_lsoa_check"]:  # a CCG whose area went to two successors (09G)
            assert expected in got and len(got) == 2 and found["change"] == "split"
            assert abs(sum(r["share"] for r in found["results"]) - 1) < 1e-9
        else:
            assert got == [expected] and found["change"] == "merged", (code, day, found)


@needs_reference
@pytest.mark.parametrize("day", ("2022-07-01", "2023-06-01", "2025-12-31", "2026-12-01"))
def test_every_code_maps_to_its_sub_icb_location_and_icb(kb, day):
    from icscli.systems import map_code

    later = {r["loc_ods_code"]: r for r in history("sub_icb_locations_2026_codes.csv")}
    with open(os.path.join(HIST, "..", "sub_icb_locations.csv"), newline="", encoding="utf-8") as handle:
        moved = {}  # April 2021 CCG -> the 2022 location that took part of it (the reference's own note)
        for r in csv.DictReader(handle):
            note = r["boundary_change_2021_to_jul2022"]
            if "lost" in note and " to sub-ICB " in note:
                moved[r["loc_ods_code"]] = note.rsplit(" to sub-ICB ", 1)[1].strip()
    for row in history("ccg_history.csv"):
        code = row["old_ccg_ods_code"]
        found = map_code(kb, code, day)
        got = {r["sub_icb_location_ods_code"] for r in found["results"]}
        successor = row["successor_ccg_ods_code"]
        frimley = day >= "2026-04-01" and successor == "D4U1Y"  # its area went to three locations in 2026
        if successor in moved and code == successor and not frimley:
            assert got == {code}  # a code of April 2021 is read as the sub-ICB location of that code
        elif frimley or successor in moved:
            # the parts of the split that hold some of this code's own LSOAs (by the lookup in force on
            # the date), each with its share of the people: a part holding none of them is no part of it
            expected = {"U2G6B", "D9Y0V", "92A"} if frimley else {successor, moved[successor]}
            shares = [r["share"] for r in found["results"]]
            assert got and got <= expected, (code, day, found)
            assert all(s is not None and s > 0 for s in shares) and abs(sum(shares) - 1) < 1e-9, (code, day, found)
            assert found["change"] == ("split" if len(got) > 1 else "merged"), (code, day, found)
        elif "rest:" in row["ons_lsoa_check"]:  # 09G: 4 of its LSOAs in 92A by the 2011-LSOA lookups, none by 2024's
            rest = row["ons_lsoa_check"].split("rest:")[1].split()[0]
            assert successor in got and got <= {successor, rest}, (code, day, found)
            assert (len(got) == 2) == (day < "2024-04-01"), (code, day, found)
            assert abs(sum(r["share"] for r in found["results"]) - 1) < 1e-9
        else:
            assert got == {successor}, (row["old_ccg_ods_code"], day, found)
        if day >= "2026-04-01":
            for r in found["results"]:
                assert r["icb_ods_code"] == later[r["sub_icb_location_ods_code"]]["icb_ods_code"]
                assert r["nhs_region"] == later[r["sub_icb_location_ods_code"]]["nhs_region"]


def test_a_merged_ccg_maps_back_to_its_predecessors(kb):
    from icscli.systems import map_code

    found = map_code(kb, "15D", "2016-06-01")
    assert found["change"] == "split"
    assert {r["ccg_ods_code"] for r in found["results"]} == {"10G", "10T", "11C"}
    assert abs(sum(r["share"] for r in found["results"]) - 1) < 1e-9


@needs_reference
def test_counts_on_each_first_of_april(run):
    """CCGs open on each 1 April, from the data, equal the reference rows and the published figures."""
    rows = history("ccg_history.csv")
    for year, published in ((2013, 211), (2019, 191), (2020, 135), (2021, 106)):
        day = f"{year}-04-01"
        data = json.loads(cli("changes", "--from", day, "--to", day, "-f", "json").stdout)
        assert data["counts"][-1]["ccgs"] == published == sum(_in_force(r, day) for r in rows)


# --------------------------------------------------------------------------- ics changes


@needs_reference
def test_changes_2019_to_2021_tell_every_ccg_merger():
    data = json.loads(cli("changes", "--from", "2019-04-01", "--to", "2021-04-01", "-f", "json").stdout)
    mergers = [c for c in data["changes"] if c["kind"] == "ccg merger"]
    closed = {r["old_ccg_ods_code"] for r in history("ccg_history.csv") if "2019-04-01" <= r["valid_to"] <= "2021-04-01"}
    told = {code for c in mergers for code in c["codes"][:-1]}
    assert told == closed
    assert [c["ccgs"] for c in (data["counts"][0], data["counts"][-1])] == [195, 106]
    assert all(c["sources"] and c["date"] for c in data["changes"])


def test_changes_default_tells_the_post_2022_story():
    data = json.loads(cli("changes", "-f", "json").stdout)
    assert data["from"] == "2022-07-01"
    text = " ".join(c["text"] for c in data["changes"])
    assert "42 integrated care boards were established" in text
    assert "Frimley (QNQ, E54000034) was split between" in text
    assert "S1Y5D" in text and "E54000063" in text  # a 2026 merger code and the 2023 Surrey re-coding
    assert data["counts"][-1]["icbs"] == 36
    assert cli("changes", "--from", "2024", "--to", "2023").exit_code == 2
    assert cli("changes", "-f", "csv").stdout.startswith("date,kind,change,label,text,codes,sources")


# --------------------------------------------------------------------------- ics map on files


def write(path, data):
    with open(path, "wb") as handle:
        handle.write(data)
    return str(path)


def test_map_keeps_rows_columns_bom_and_line_endings(tmp_path):
    src = write(tmp_path / "in.csv", b"\xef\xbb\xbfid,code,n\r\n1,00D,5\r\n2,TOTAL,6\r\n3, 02q ,7\r\n4,,8\r\n")
    out = tmp_path / "out.csv"
    result = cli("map", src, "--column", "code", "-o", out)
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == 5
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["id", "code", "n"] and "icb_ods_code" in rows[0] and rows[0][-3:] == ["change", "share", "note"]
    assert [r[:3] for r in rows[1:]] == [["1", "00D", "5"], ["2", "TOTAL", "6"], ["3", " 02q ", "7"], ["4", "", "8"]]
    change = rows[0].index("change")
    assert [r[change] for r in rows[1:]] == ["merged", "unknown", "unchanged", "unknown"]
    assert "2 unknown" in result.stderr and "2026-12-01" in result.stderr


def test_map_tsv_from_stdin_to_a_ccg_era_date():
    result = cli("map", "-", "-c", "b", "--to", "2021-06-01", input="a\tb\nx\t00D\ny\tQYG\n")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    header = lines[0].split("\t")
    assert header[:2] == ["a", "b"] and "ccg_ods_code" in header and "stp_name" in header
    first = dict(zip(header, lines[1].split("\t")))
    assert first["ccg_ods_code"] == "84H" and first["change"] == "merged"
    assert first["stp_ons_code"]  # April 2021 onwards: the CCG's ICS/STP footprint
    second = dict(zip(header, lines[2].split("\t")))
    assert second["stp_name"] == "Cheshire and Merseyside"


def test_split_modes(tmp_path):
    src = write(tmp_path / "in.csv", b"code\nD4U1Y\n00D\n")
    every = cli("map", src, "-c", "code")
    assert every.exit_code == 0 and len(every.stdout.splitlines()) == 1 + 3 + 1
    shares = [row["share"] for row in csv.DictReader(every.stdout.splitlines()) if row["code"] == "D4U1Y"]
    assert abs(sum(float(s) for s in shares) - 1) < 0.001
    largest = list(csv.DictReader(cli("map", src, "-c", "code", "--split", "largest").stdout.splitlines()))
    assert [r["code"] for r in largest] == ["D4U1Y", "00D"] and largest[0]["sub_icb_location_ods_code"] == "U2G6B"
    out = tmp_path / "out.csv"
    failed = cli("map", src, "-c", "code", "--split", "error", "-o", out)
    assert failed.exit_code == 1 and "split" in failed.stderr and not out.exists()


def test_strict_and_errors_write_nothing(tmp_path):
    src = write(tmp_path / "in.csv", b"code\n00D\nnot-a-code\n")
    out = tmp_path / "out.csv"
    out.write_text("keep me")
    strict = cli("map", src, "-c", "code", "--strict", "-o", out)
    assert strict.exit_code == 1 and "--strict" in strict.stderr and out.read_text() == "keep me"
    assert cli("map", src, "-c", "code", "-o", out).exit_code == 0 and out.read_text() != "keep me"
    missing = cli("map", src, "-c", "ccg")
    assert missing.exit_code == 2 and "the columns are: code" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    latin = write(tmp_path / "latin.csv", "code,name\n00D,Caf\u00e9\n".encode("cp1252"))
    bad = cli("map", latin, "-c", "code")
    assert bad.exit_code == 1 and "latin.csv" in bad.stderr and "--encoding" in bad.stderr
    good = cli("map", latin, "-c", "code", "--encoding", "cp1252", "-o", out)
    assert good.exit_code == 0 and "Caf\u00e9" in out.read_bytes().decode("cp1252")
    assert cli("map", src, "-c", "code", "--to", "2021-13-01").exit_code == 2
    assert cli("map", src, "-c", "code", "--to", "2012-01-01").exit_code == 2
    assert cli("map", str(tmp_path / "none.csv"), "-c", "code").exit_code == 1


def test_ccg_takes_several_codes_and_stdin():
    many = cli("ccg", "00D", "02Q", "-f", "csv")
    rows = list(csv.DictReader(many.stdout.splitlines()))
    assert [r["input"] for r in rows] == ["00D", "02Q"] and rows[0]["sub_icb_location_ods_code"] == "84H"
    piped = list(csv.DictReader(cli("ccg", "-", "-f", "csv", input="00F\n\nE38000041\n").stdout.splitlines()))
    assert [r["input"] for r in piped] == ["00F", "E38000041"]
    assert piped[0]["sub_icb_location_ods_code"] == "13T" and piped[1]["change"] == "renamed"


def test_ccg_knows_a_2013_code():
    result = cli("ccg", "00D")
    assert result.exit_code == 0
    assert "84H" in result.stdout and "QHM" in result.stdout and "1 April 2020" in result.stdout


def test_excel_bom_flag(tmp_path):
    src = write(tmp_path / "in.csv", b"code\n00D\n")
    assert cli("map", src, "-c", "code", "--excel").stdout_bytes.startswith(b"\xef\xbb\xbfcode,")
    assert not cli("map", src, "-c", "code").stdout_bytes.startswith(b"\xef\xbb\xbf")


def test_xlsx_in_and_out(tmp_path, monkeypatch):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["id", "CCG code"])
    for n, code in enumerate(["00D", None, "D4U1Y"]):
        book.active.append([n, code])
    src = tmp_path / "in.xlsx"
    book.save(src)
    out = tmp_path / "out.xlsx"
    assert cli("map", src, "-c", "ccg code", "-o", out).exit_code == 0
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    change = rows[0].index("change")
    assert [r[:2] for r in rows[1:3]] == [(0, "00D"), (1, None)] and len(rows) == 1 + 1 + 1 + 3
    assert [r[change] for r in rows[1:]] == ["merged", "unknown", "split", "split", "split"]
    monkeypatch.setitem(__import__("sys").modules, "openpyxl", None)  # the extra not installed
    missing = cli("map", src, "-c", "ccg code")
    assert missing.exit_code == 1 and "icscli[excel]" in missing.stderr


def test_changes_in_every_format():
    from icscli.render import FORMATS

    for fmt in FORMATS:
        result = cli("changes", "--from", "2026-04-01", "--to", "2026-04-01", "-f", fmt)
        assert result.exit_code == 0, (fmt, result.stderr)
        assert "S1Y5D" in result.stdout or fmt == "rich" and "S1Y5D" in result.output


def test_system_and_explain_resolve_any_vintage_through_the_one_resolver():
    for code in ("00D", "e38000047", " E38000041 ", "NHS Cumbria CCG"):
        data = json.loads(cli("system", code, "-f", "json").stdout)
        assert data["ods_code"] == "QHM", code
    assert json.loads(cli("explain", "10G", "--as-of", "2023-01-01", "-f", "json").stdout)["ods_code"] == "QNQ"
    card = json.loads(cli("ccg", "09G", "--as-of", "2022-07-01", "-f", "json").stdout)
    assert [p["ods_code"] for p in card["split"]] == ["70F", "92A"]
    assert {r["sub_icb_location_ods_code"] for r in card["on_date"]["results"]} == {"70F", "92A"}
    # the April 2024 lookup (2021 LSOAs) places all of 09G's former area in 70F
    card = json.loads(cli("ccg", "09G", "--as-of", "2024-06-01", "-f", "json").stdout)
    assert [r["sub_icb_location_ods_code"] for r in card["on_date"]["results"]] == ["70F"]


def test_map_never_overwrites_its_input(tmp_path):
    """-o naming the input file (directly, by another path, or through a link) is refused; the input
    stays as it was. CSV and workbooks alike."""
    src = write(tmp_path / "in.csv", b"code\n00D\n")
    link = tmp_path / "link.csv"
    link.symlink_to(src)
    for out in (src, str(tmp_path / "." / "in.csv"), link):
        result = cli("map", src, "-c", "code", "-o", out)
        assert result.exit_code == 2, (out, result.output)
        assert result.stderr.startswith("ics: error: ") and "input" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert (tmp_path / "in.csv").read_bytes() == b"code\n00D\n"
    assert [p.name for p in sorted(tmp_path.iterdir())] == ["in.csv", "link.csv"], "no temporary file is left"
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["code"])
    book.active.append(["00D"])
    workbook = tmp_path / "in.xlsx"
    book.save(workbook)
    before = workbook.read_bytes()
    result = cli("map", workbook, "-c", "code", "-o", workbook)
    assert result.exit_code == 2 and "input" in result.stderr
    assert workbook.read_bytes() == before
