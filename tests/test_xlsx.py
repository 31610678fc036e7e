"""Excel output: workbooks read back with openpyxl match the CSV of the same command; CSV for Excel."""
import csv
import io
import os
import subprocess
import sys

import pytest

openpyxl = pytest.importorskip("openpyxl", reason="the excel extra (openpyxl) is not installed")

TABLE_COMMANDS = [
    ["explain", "icb"],
    ["timeline", "--from", "2021", "--to", "2022-07"],
    ["compare", "ccg", "icb"],
    ["tree", "--as-of", "2019-06-01"],
    ["glossary"],
    ["search", "bassetlaw"],
    ["sources"],
    ["systems", "--as-of", "2022-07-01"],
    ["system", "frimley"],
    ["ccg", "--all", "--as-of", "2026-06-01"],
    ["ccg", "02Q"],
    ["ccg", "02Q", "00C", "E54000034", "--as-of", "2026-06-01"],
    ["changes", "--from", "2019-04-01", "--to", "2021-04-01"],
]


def sheet_rows(sheet):
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("args", TABLE_COMMANDS, ids=[" ".join(c) for c in TABLE_COMMANDS])
def test_workbook_matches_the_csv(run, tmp_path, args):
    target = tmp_path / "out.xlsx"
    result = run(*args, "--format", "xlsx", "-o", target)
    assert result.exit_code == 0, result
    assert result.output == ""
    book = openpyxl.load_workbook(target)
    expected = list(csv.reader(io.StringIO(run(*args, "--format", "csv").output)))
    first = book.worksheets[0]
    assert first.title == args[0]
    got = sheet_rows(first)
    width = len(expected[0])
    assert [row[:width] for row in got] == expected
    assert book.sheetnames[-1] == "About"
    about = dict((r[0], r[1]) for r in sheet_rows(book["About"])[1:] if r[0] != "Source")
    assert about["Command"] == "ics " + " ".join(args)
    assert about["Date described"]
    payload = run(*args, "--format", "json").json()
    cited = [r[1] for r in sheet_rows(book["About"]) if r[0] == "Source"]
    assert len(cited) == len(payload.get("bibliography") or {})
    for ident in payload.get("bibliography") or {}:
        assert any(f"[{ident}]" in line for line in cited)
    assert about["Data as of"] == payload["data_as_of"] and payload["data_as_of"]
    widths = [first.column_dimensions[c].width for c in "AB"]
    assert all(w and w > 2 for w in widths), "column widths are set"


def test_codes_stay_text_and_dates_as_described(run, tmp_path):
    target = tmp_path / "ccgs.xlsx"
    assert run("ccg", "--all", "--as-of", "2026-06-01", "-f", "xlsx", "-o", target).exit_code == 0
    sheet = openpyxl.load_workbook(target).worksheets[0]
    header = [c.value for c in sheet[1]]
    ods = header.index("ccg_ods_code")
    codes = {row[ods].value: row[ods] for row in sheet.iter_rows(min_row=2)}
    assert codes["02Q"].data_type == "s"  # not the number 2 or a date
    about = {r[0]: r[1] for r in openpyxl.load_workbook(target)["About"].iter_rows(values_only=True)}
    assert about["Date described"] == "2026-06-01"
    ons = header.index("icb_now_ons_code")
    assert any(row[ons].value == "E54000071" and row[ons].data_type == "s" for row in sheet.iter_rows(min_row=2))


def test_system_card_has_one_sheet_per_table(run, tmp_path):
    target = tmp_path / "frimley.xlsx"
    assert run("system", "QNQ", "--as-of", "2023-06-01", "-o", target).exit_code == 0  # .xlsx implies the format
    book = openpyxl.load_workbook(target)
    assert len(book.sheetnames) == 3
    locations = sheet_rows(book.worksheets[1])
    assert locations[0][:2] == ["ODS", "ONS"]
    assert any(row[0] and row[1].startswith("E38") for row in locations[1:])


def test_xlsx_needs_an_output_file(run):
    result = run("systems", "--format", "xlsx")
    assert result.exit_code == 2
    assert result.stderr.startswith("ics: error: ") and "-o FILE" in result.stderr
    assert result.stderr.count("\n") == 1


def test_output_file_is_written_atomically_and_plainly(run, tmp_path):
    target = tmp_path / "glossary.txt"
    target.write_text("old")
    result = run("glossary", "-o", target)
    assert result.exit_code == 0 and result.output == ""
    assert target.read_text(encoding="utf-8") == run("glossary", "--format", "plain").output
    assert [p.name for p in tmp_path.iterdir()] == ["glossary.txt"], "no temporary file is left behind"
    assert run("glossary", "-o", tmp_path).exit_code == 2


def test_csv_for_excel_has_a_byte_order_mark(run, tmp_path):
    plain = run("ccg", "02Q", "--format", "csv")
    assert not plain.output.startswith("\ufeff")
    for result in (run("ccg", "02Q", "--excel"), run("ccg", "02Q", "-f", "csv", env={"ICS_EXCEL": "1"})):
        assert result.exit_code == 0, result
        assert result.output == "\ufeff" + plain.output
    target = tmp_path / "ccg.csv"
    assert run("ccg", "02Q", "--excel", "-o", target).exit_code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    bad = run("ccg", "02Q", "--excel", "--format", "json")
    assert bad.exit_code == 2 and "--excel" in bad.stderr


def test_missing_openpyxl_is_one_line(tmp_path):
    """Without the excel extra, --format xlsx says how to install it (openpyxl hidden from the import)."""
    blocker = tmp_path / "openpyxl"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('hidden for this test')\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    proc = subprocess.run([sys.executable, "-m", "icscli", "glossary", "-f", "xlsx", "-o", str(tmp_path / "g.xlsx")],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr == "ics: error: --format xlsx needs openpyxl: pip install 'icscli[excel]'\n"
    assert not (tmp_path / "g.xlsx").exists()


def test_map_writes_a_workbook_of_the_mapped_rows(run, tmp_path):
    source = tmp_path / "extract.csv"
    source.write_text("practice,ccg_code,amount\nA1,02Q,100\nA2,00C,=1+1\nA3,nothing,0012\n", encoding="utf-8")
    target = tmp_path / "mapped.xlsx"
    result = run("map", source, "--column", "ccg_code", "--to", "2024-06-01", "-o", target)
    assert result.exit_code == 0, result
    expected = list(csv.reader(io.StringIO(run("map", source, "-c", "ccg_code", "--to", "2024-06-01").output)))
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["map", "About"]
    assert sheet_rows(book["map"]) == expected
    amounts = {row[0].value: row[2] for row in book["map"].iter_rows(min_row=2)}
    assert amounts["A2"].data_type == "s" and amounts["A3"].value == "0012"  # never a formula, never a number
    about = {r[0]: r[1] for r in sheet_rows(book["About"])[1:] if r[0] != "Source"}
    assert about["Date described"] == "2024-06-01"
    assert any(r[0] == "Source" and "[later-g24]" in r[1] for r in sheet_rows(book["About"]))


def test_map_workbook_to_workbook_keeps_text_as_text_and_values_as_values(run, tmp_path):
    """`ics map in.xlsx -o out.xlsx`: a text cell "=1+1" stays text (never a live formula), numbers stay
    numbers, dates stay dates, blanks stay blank, and every row is written."""
    import datetime

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "CCG code", "note", "amount", "when", "empty"])
    rows = [[1, "00D", "=1+1", 2.5, datetime.datetime(2021, 4, 1), None],
            [2, "02Q", "plain", 7, None, None],
            [3, None, "=SUM(A1:A3)", None, datetime.datetime(2022, 7, 1), None],
            [4, "nothing", "@cmd", -1, None, None]]
    for row in rows:
        sheet.append(row)
    for r in range(2, 2 + len(rows)):  # the formula-like values are text cells in the input
        cell = sheet.cell(row=r, column=3)
        cell.data_type = "s"
    src = tmp_path / "in.xlsx"
    book.save(src)
    check = openpyxl.load_workbook(src).active
    assert check["C2"].data_type == "s" and check["C2"].value == "=1+1"  # the input is as meant

    target = tmp_path / "out.xlsx"
    result = run("map", src, "-c", "ccg code", "--to", "2024-06-01", "-o", target)
    assert result.exit_code == 0, result
    out = openpyxl.load_workbook(target).worksheets[0]
    got = list(out.iter_rows(min_row=2))
    assert len(got) == len(rows), "no row is dropped (none of these codes is split)"
    notes = [row[2] for row in got]
    assert [(c.value, c.data_type) for c in notes] == [("=1+1", "s"), ("plain", "s"), ("=SUM(A1:A3)", "s"),
                                                       ("@cmd", "s")]
    assert [row[0].value for row in got] == [1, 2, 3, 4] and got[0][0].data_type == "n"
    assert [row[3].value for row in got] == [2.5, 7, None, -1]
    assert got[0][4].value == datetime.datetime(2021, 4, 1) and got[0][4].is_date
    assert [row[5].value for row in got] == [None] * 4
    assert [row[1].value for row in got] == ["00D", "02Q", None, "nothing"]
    header = [c.value for c in out[1]]
    change = header.index("change")
    assert [row[change].value for row in got] == ["merged", "unchanged", "unknown", "unknown"]
