"""`ics map` against hostile and broken inputs: workbooks that lie about their size, bombs, CSV that
never closes a quote, encodings, links to the input, the cells it adds. Nothing lost, nothing hidden:
every row comes back or the run fails with one `ics: error: ...` line and the documented exit code
(1: the input cannot be mapped; 2: a usage problem or an output that cannot be written).

The workbooks are built here, part by part, as a hostile generator would write them.
"""
import csv
import io
import os
import re
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner
from hostile import ics, one_error_line

from icscli.cli.app import ics as ics_app

openpyxl = pytest.importorskip("openpyxl", reason="the excel extra (openpyxl) is not installed")

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def cli(*args, input=None):
    result = CliRunner().invoke(ics_app, [str(a) for a in args], input=input, catch_exceptions=True)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def error_of(result, code):
    """The run failed with `code` and one error line (after any summary line); returns the line."""
    assert result.exit_code == code, (result.exit_code, result.stderr[-500:])
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("ics: error: ") and "Traceback" not in result.stderr, result.stderr[-500:]
    assert all(line.startswith("ics map: ") for line in lines[:-1]), result.stderr
    return without_paths(lines[-1])


def without_paths(line):
    """The error line with the test's file names taken out (they hold the test's name)."""
    return re.sub(r"\S*pytest-of-\S*", "FILE", line)


def cell(ref, value):
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def sheet_xml(rows, dimension=None, numbers=None):
    """A worksheet of inline strings; `numbers`: the row numbers to write (default 1, 2, ...); the stated
    size is right unless `dimension` is given."""
    numbers = numbers or range(1, len(rows) + 1)
    dimension = dimension or f"A1:{chr(64 + max(len(row) for row in rows))}{max(numbers)}"
    body = "".join(f'<row r="{n}">' + "".join(cell(f"{chr(65 + j)}{n}", v) for j, v in enumerate(row)) + "</row>"
                   for n, row in zip(numbers, rows))
    return f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'


def workbook(path, sheets, shared=None, parts=None):
    """An .xlsx file from raw parts: `sheets` is [(name, worksheet XML)], `shared` the sharedStrings XML."""
    rels = "".join(f'<Relationship Id="rId{i}" Type="{DOC}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(sheets) + 1))
    if shared is not None:
        rels += f'<Relationship Id="rIdS" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    listed = "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, (name, _) in enumerate(sheets, 1))
    files = {
        "[Content_Types].xml": _content_types(len(sheets), shared is not None),
        "_rels/.rels": f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" '
                       'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>{listed}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{RELS}">{rels}</Relationships>',
    }
    for i, (_, xml) in enumerate(sheets, 1):
        files[f"xl/worksheets/sheet{i}.xml"] = xml
    if shared is not None:
        files["xl/sharedStrings.xml"] = shared
    files.update(parts or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _content_types(sheets, shared):
    """[Content_Types].xml: openpyxl, which read workbooks before, needs it (ics does not)."""
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = [("/xl/workbook.xml", "sheet.main+xml")]
    overrides += [(f"/xl/worksheets/sheet{i}.xml", "worksheet+xml") for i in range(1, sheets + 1)]
    overrides += [("/xl/sharedStrings.xml", "sharedStrings+xml")] if shared else []
    return ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{name}" ContentType="{kind}.{end}"/>' for name, end in overrides)
            + "</Types>")


def mapped(result):
    return list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8"), newline="")))


# --------------------------------------------------------------------------- workbooks: sizes and order


def test_a_stale_dimension_loses_no_row_or_column(tmp_path):
    """Several generators write <dimension ref="A1"/> whatever the sheet holds: it is never trusted."""
    rows = [["id", "code", "note"], [1, "00D", "a"], [2, "02Q", "b"], [3, "QYG", "c"]]
    book = workbook(tmp_path / "stale.xlsx", [("Data", sheet_xml(rows, "A1"))])
    result = cli("map", book, "-c", "code", "--split", "largest")
    assert result.exit_code == 0, result.stderr
    out = mapped(result)
    assert [r[:3] for r in out] == [[str(v) for v in row] for row in rows]
    assert "3 rows mapped" in result.stderr


def test_rows_missing_from_a_workbook_come_back_as_empty_rows(tmp_path):
    rows = [["code", "n"], ["00D", 1], ["02Q", 2]]
    book = workbook(tmp_path / "gap.xlsx", [("Data", sheet_xml(rows, "A1:B3", numbers=[1, 2, 5]))])
    out = mapped(cli("map", book, "-c", "code"))
    assert [r[:2] for r in out] == [["code", "n"], ["00D", "1"], [], [], ["02Q", "2"]]


@pytest.mark.parametrize("numbers", [[1, 3, 2], [1, 2, 2]])
def test_workbook_rows_out_of_order_or_twice_are_an_error(tmp_path, numbers):
    rows = [["code"], ["00D"], ["02Q"]]
    book = workbook(tmp_path / "order.xlsx", [("Data", sheet_xml(rows, numbers=numbers))])
    assert "must be in order" in error_of(cli("map", book, "-c", "code"), 1)


def test_a_row_past_excels_last_row_is_an_error_not_a_billion_rows(tmp_path):
    rows = [["code"], ["00D"]]
    book = workbook(tmp_path / "far.xlsx", [("Data", sheet_xml(rows, numbers=[1, 999999999]))])
    result = ics("map", book, "-c", "code", "-o", tmp_path / "out.csv", timeout=30)
    assert result.returncode == 1
    assert "999,999,999" in without_paths(one_error_line(result.stderr))
    assert not (tmp_path / "out.csv").exists()


def test_a_workbook_output_says_what_it_does_not_carry_over(tmp_path):
    """Only the first sheet is read; formulas give their saved values (none saved: empty); formatting
    is not kept. The summary says so."""
    data = (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{cell("A1", "code")}{cell("B1", "total")}</row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>00D</t></is></c><c r="B2"><f>1+1</f><v>2</v></c></row>'
            '<row r="3"><c r="A3" t="inlineStr"><is><t>02Q</t></is></c><c r="B3"><f>SUM(B1:B2)</f></c></row>'
            "</sheetData></worksheet>")
    book = workbook(tmp_path / "in.xlsx", [("Data", data), ("Notes", sheet_xml([["x"]])), ("Old", sheet_xml([["y"]]))])
    result = cli("map", book, "-c", "code", "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 0, result.stderr
    summary = result.stderr
    assert "'Data'" in summary and "'Notes', 'Old'" in summary and "not read" in summary
    assert "2 formulas" in summary and "1 with no saved value" in summary and "formatting" in summary
    rows = list(openpyxl.load_workbook(tmp_path / "out.xlsx").worksheets[0].iter_rows(values_only=True))
    assert [r[:2] for r in rows[1:]] == [("00D", 2), ("02Q", None)]


def test_sheet_names_in_the_summary_cannot_act_on_the_terminal(tmp_path):
    """The summary quotes the sheets' names, which are the file's text: a line break, a C1 control or a
    bidirectional override in one is shown as an escape, and the summary stays one line."""
    book = workbook(tmp_path / "in.xlsx", [("Data", sheet_xml([["code"], ["00D"]])),
                                           ("two&#10;lines\u009b31m\u202eevil", sheet_xml([["x"]]))])
    result = cli("map", book, "-c", "code")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("\n") == 1 and "two\\nlines\\x9b31m\\u202eevil" in result.stderr


# --------------------------------------------------------------------------- workbooks: bombs and bounds


def test_a_zip_bomb_is_refused_before_it_is_read(tmp_path):
    """A few hundred KB of zip that opens to a 40 MB cell, or to a flood of empty elements that would
    take minutes to parse: refused from the sizes the zip states, in one line."""
    rows = [["code", "note"], ["00D", "a" * 40_000_000]]
    flood = f'<worksheet xmlns="{MAIN}"><sheetData/><extLst>{"<x/>" * 5_000_000}</extLst></worksheet>'
    for sheet in (sheet_xml(rows), flood):
        book = workbook(tmp_path / "bomb.xlsx", [("Data", sheet)])
        assert book.stat().st_size < 1_000_000
        assert "zip bomb" in error_of(cli("map", book, "-c", "code"), 1)


def test_a_cell_past_excels_limit_is_an_error(tmp_path):
    rows = [["code", "note"], ["00D", "a" * 100_000]]
    line = error_of(cli("map", workbook(tmp_path / "long.xlsx", [("Data", sheet_xml(rows))]), "-c", "code"), 1)
    assert "32,767" in line and "row 2, column 2" in line


def test_a_cell_of_many_rich_text_runs_is_bounded(tmp_path):
    runs = "<r><t>abcdefghij</t></r>" * 4000  # 40,000 characters in small runs
    data = (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{cell("A1", "code")}</row>'
            f'<row r="2"><c r="A2" t="inlineStr"><is>{runs}</is></c></row></sheetData></worksheet>')
    line = error_of(cli("map", workbook(tmp_path / "runs.xlsx", [("Data", data)]), "-c", "code"), 1)
    assert "32,767" in line


def test_a_cell_nested_deeper_than_any_workbook_is_an_error(tmp_path):
    deep = "<r>" * 100 + "<t>x</t>" + "</r>" * 100
    data = (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{cell("A1", "code")}</row>'
            f'<row r="2"><c r="A2" t="inlineStr"><is>{deep}</is></c></row></sheetData></worksheet>')
    line = error_of(cli("map", workbook(tmp_path / "deep.xlsx", [("Data", data)]), "-c", "code"), 1)
    assert "row 2, column 1" in line and "deep" in line


def test_a_part_that_states_a_huge_size_is_refused_before_it_is_read(tmp_path):
    book = workbook(tmp_path / "huge.xlsx", [("Data", sheet_xml([["code"], ["00D"]]))])
    data = bytearray(book.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    at = data.find(b"PK\x01\x02")  # the central directory's entries
    while at >= 0 and data[at + 46:at + 46 + len(name)] != name:
        at = data.find(b"PK\x01\x02", at + 4)
    data[at + 24:at + 28] = (0xFFFFFFF0).to_bytes(4, "little")  # its stated uncompressed size: 4 GB
    book.write_bytes(bytes(data))
    line = error_of(cli("map", book, "-c", "code"), 1)
    assert "xl/worksheets/sheet1.xml" in line and "uncompressed" in line


def test_too_many_shared_strings_is_an_error(tmp_path, monkeypatch):
    from icscli.base import xlsxread

    monkeypatch.setattr(xlsxread, "MAX_STRINGS", 1000)
    strings = "".join(f"<si><t>s{i}</t></si>" for i in range(1001))
    shared = f'<sst xmlns="{MAIN}">{strings}</sst>'
    data = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    line = error_of(cli("map", workbook(tmp_path / "sst.xlsx", [("Data", data)], shared), "-c", "s0"), 1)
    assert "1,000 strings" in line
    monkeypatch.setattr(xlsxread, "MAX_STRINGS", 2000)
    monkeypatch.setattr(xlsxread, "MAX_STRING_CHARS", 3000)  # 1,001 strings of 2 to 5 characters
    line = error_of(cli("map", workbook(tmp_path / "sst.xlsx", [("Data", data)], shared), "-c", "s0"), 1)
    assert "3,000 characters" in line
    declared = f'<sst xmlns="{MAIN}" uniqueCount="99999999">{strings}</sst>'  # refused at its start
    line = error_of(cli("map", workbook(tmp_path / "sst.xlsx", [("Data", data)], declared), "-c", "s0"), 1)
    assert "99,999,999" in line


@pytest.mark.parametrize("xml", [
    '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]><worksheet xmlns="{main}"><sheetData/></worksheet>',
    '<worksheet xmlns="{main}"><!-- a comment --><sheetData/></worksheet>',
    '<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1" t="s"><v>7</v></c></row></sheetData></worksheet>',
    '<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row>'
    '<row r="2"><c r="A2"><v>1</v></row></sheetData></worksheet>',
    '<worksheet xmlns="{main}"><sheetData><row r="1"><c r="AAAA1"><v>1</v></c></row></sheetData></worksheet>',
])
def test_a_damaged_sheet_is_one_line(tmp_path, xml):
    """Errors raised while the rows stream (a DOCTYPE, a comment, a shared string that is not there,
    broken XML, a cell past the last column) are one line, exit 1."""
    book = workbook(tmp_path / "bad.xlsx", [("Data", xml.format(main=MAIN))])
    error_of(cli("map", book, "-c", "code"), 1)


def test_a_damaged_zip_member_is_one_line(tmp_path):
    rows = [["code"]] + [[f"{i:03d}"] for i in range(2000)]
    book = workbook(tmp_path / "crc.xlsx", [("Data", sheet_xml(rows))])
    data = bytearray(book.read_bytes())
    start = data.find(b"xl/worksheets/sheet1.xml") + 200
    data[start:start + 50] = b"\x00" * 50
    book.write_bytes(bytes(data))
    error_of(cli("map", book, "-c", "code"), 1)


# --------------------------------------------------------------------------- outputs that name the input


def test_output_that_is_the_input_by_a_hard_link_or_standard_input_is_refused(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(b"code\n00D\n")
    os.link(source, tmp_path / "hard.csv")
    error_of(cli("map", source, "-c", "code", "-o", tmp_path / "hard.csv"), 2)
    with open(source, "rb") as stdin:
        result = ics("map", "-", "-c", "code", "-o", source, stdin=stdin)
    assert result.returncode == 2 and "input" in without_paths(one_error_line(result.stderr))
    assert source.read_bytes() == b"code\n00D\n"


def test_output_to_a_missing_directory_is_exit_2_like_every_command(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(b"code\n00D\n")
    assert "does not exist" in error_of(cli("map", source, "-c", "code", "-o", tmp_path / "no" / "out.csv"), 2)


def _read_one_line_then_close(args, env=None):
    """Run `ics ARGS | head -1` with no terminal anywhere: (exit code, the line read, standard error)."""
    process = subprocess.Popen([sys.executable, "-m", "icscli", *map(str, args)], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, **(env or {})))
    first = process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read()
    process.stderr.close()
    return process.wait(timeout=60), first, err


def test_a_reader_that_stops_early_is_no_error(tmp_path):
    """`ics map big.csv | head -1`: the reader has gone; ics stops quietly with exit 0, as entry.py has
    it for every command (a closed pipe is not an error), and `-o FILE` is not affected."""
    source = tmp_path / "in.csv"
    source.write_text("id,code\n" + "".join(f"{n},00D\n" for n in range(50000)), encoding="utf-8")
    code, first, err = _read_one_line_then_close(["map", source, "-c", "code"])
    assert code == 0 and first.startswith(b"id,code,") and err == b"", err
    code, first, err = _read_one_line_then_close(["map", source, "-c", "code", "--to", "2019-06-01", "-q"])
    assert code == 0 and first.startswith(b"id,code,") and err == b"", err
    target = tmp_path / "out.csv"
    result = ics("map", source, "-c", "code", "-o", target)
    assert result.returncode == 0 and "50,000 rows mapped" in result.stderr.decode(), result.stderr
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert len(rows) == 50001 and [r[0] for r in rows[1:]] == [str(n) for n in range(50000)]


def test_any_command_click_answers_ends_quietly_when_its_reader_goes(tmp_path):
    """The same for a long answer that click writes (a setting the fast path does not know leaves it to click)."""
    code, first, err = _read_one_line_then_close(["timeline", "--cite", "-f", "plain"], {"ICS_NOT_A_SETTING": "1"})
    assert code == 0 and first and err == b"", err


# --------------------------------------------------------------------------- CSV text


def test_an_unclosed_quote_is_an_error_with_its_line(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(b'id,code\n1,00D\n2,"02Q\n3,15D\n4,QYG\n')
    result = cli("map", source, "-c", "code", "-o", tmp_path / "out.csv")
    assert "line 3: unclosed quote" in error_of(result, 1)
    assert not (tmp_path / "out.csv").exists()
    source.write_bytes(b'"id,code\n1,00D\n')  # in the header
    assert "line 1: unclosed quote" in error_of(cli("map", source, "-c", "code"), 1)


def test_a_quoted_cell_over_several_lines_is_still_one_cell(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(b'id,code,note\n1,00D,"two\nlines"\n2,02Q,"x"\n')
    out = mapped(cli("map", source, "-c", "code"))
    assert [r[:3] for r in out[1:]] == [["1", "00D", "two\nlines"], ["2", "02Q", "x"]]


def test_cr_only_line_endings_are_kept(tmp_path):
    source = tmp_path / "mac.csv"
    source.write_bytes(b"id,code\r1,00D\r2,02Q\r")
    data = cli("map", source, "-c", "code").stdout_bytes
    assert b"\n" not in data and data.count(b"\r") == 3


@pytest.mark.parametrize("bom,codec", [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
                                       (b"\xff\xfe\x00\x00", "utf-32-le")])
def test_a_byte_order_mark_is_recognised_and_kept(tmp_path, bom, codec):
    source = tmp_path / "wide.csv"
    source.write_bytes(bom + "id,code,name\r\n1,00D,Caf\u00e9\r\n".encode(codec))
    result = cli("map", source, "-c", "code")
    assert result.exit_code == 0, result.stderr
    data = result.stdout_bytes
    assert data.startswith(bom) and not data[len(bom):].startswith(bom)
    rows = list(csv.reader(io.StringIO(data[len(bom):].decode(codec), newline="")))
    assert rows[1][:3] == ["1", "00D", "Caf\u00e9"] and data.count("\r\n".encode(codec)) == 2


def test_utf16_written_to_a_pipe_reads_back(tmp_path):
    """ics reads its own output: UTF-16 to a pipe keeps the byte-order mark."""
    source = tmp_path / "in.csv"
    source.write_bytes("code\n00D\n".encode("utf-16"))
    first = ics("map", source, "-c", "code", "--encoding", "utf-16")
    assert first.returncode == 0 and first.stdout[:2] in (b"\xff\xfe", b"\xfe\xff")
    again = ics("map", "-", "-c", "code", "--to", "2023-01-01", input=first.stdout)
    assert again.returncode == 0, again.stderr
    header, row = list(csv.reader(io.StringIO(again.stdout.decode("utf-16"), newline="")))
    assert row[0] == "00D" and dict(zip(header, row))["change"] == "merged"


def test_utf8_sig_named_keeps_a_file_without_a_mark_without_one(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(b"code\n00D\n")
    assert cli("map", source, "-c", "code", "--encoding", "utf-8-sig").stdout_bytes.startswith(b"code,")


@pytest.mark.parametrize("codec", ["rot13", "zlib_codec", "base64", "hex", "bz2", "uu", "undefined"])
def test_a_codec_that_is_not_a_text_encoding_is_a_usage_error(tmp_path, codec):
    source = tmp_path / "in.csv"
    source.write_bytes(b"code\n00D\n")
    assert "text encoding" in error_of(cli("map", source, "-c", "code", "--encoding", codec), 2)


def test_a_closed_standard_input_is_one_line():
    result = subprocess.run([sys.executable, "-m", "icscli", "map", "-", "-c", "code"], capture_output=True,
                            timeout=60, preexec_fn=lambda: os.close(0))
    assert result.returncode == 1
    assert "standard input" in without_paths(one_error_line(result.stderr))


# --------------------------------------------------------------------------- the cells ics adds


def _hostile_overlay(tmp_path):
    """An overlay that renames the ICB of sub-ICB location 84H (2026) with text a spreadsheet would run."""
    import yaml

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "data", "systems", "icbs-2026.yaml"), encoding="utf-8") as handle:
        icbs = yaml.safe_load(handle)["icbs"]
    icb = dict(next(i for i in icbs if i["ods_code"] == "QHM"), name='=HYPERLINK("http://x","y")', region="@SUM(1)")
    (tmp_path / "overlay").mkdir()
    (tmp_path / "overlay" / "icb.yaml").write_text(yaml.safe_dump({"icbs": [icb]}), encoding="utf-8")
    return tmp_path / "overlay"


def test_the_cells_ics_adds_cannot_run_as_formulas(tmp_path):
    overlay = _hostile_overlay(tmp_path)
    source = tmp_path / "in.csv"
    source.write_bytes(b"code,memo\n00D,=1+1\n")
    result = cli("map", source, "-c", "code", "--data", overlay)
    assert result.exit_code == 0, result.stderr
    header, row = mapped(result)
    named = dict(zip(header, row))
    assert named["icb_name"] == "'=HYPERLINK(\"http://x\",\"y\")" and named["nhs_region"] == "'@SUM(1)"
    assert named["memo"] == "=1+1"  # the input's own cells are never changed
    target = tmp_path / "out.xlsx"
    assert cli("map", source, "-c", "code", "--data", overlay, "-o", target).exit_code == 0
    sheet = openpyxl.load_workbook(target).worksheets[0]
    cells = {c.value: c.data_type for row in sheet.iter_rows(min_row=2) for c in row if c.value}
    assert cells['=HYPERLINK("http://x","y")'] == "s" and cells["=1+1"] == "s"  # text in a workbook, never formulas


def test_inline_string_text_that_looks_like_a_formula_stays_text(tmp_path):
    rows = [["code", "note"], ["00D", "=1+1"], ["02Q", "@SUM(A1)"]]
    book = workbook(tmp_path / "in.xlsx", [("Data", sheet_xml(rows))])
    target = tmp_path / "out.xlsx"
    assert cli("map", book, "-c", "code", "-o", target).exit_code == 0
    notes = [row[1] for row in openpyxl.load_workbook(target).worksheets[0].iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in notes] == [("=1+1", "s"), ("@SUM(A1)", "s")]


def test_control_characters_a_workbook_cannot_hold_are_counted_in_the_summary(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes("code,memo\n00D,a\x00b\n02Q,x\u202ey\n15D,fine\ttab\n".encode("utf-8"))
    result = cli("map", source, "-c", "code", "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 0, result.stderr
    assert "2 cells of the input held control characters" in result.stderr
    assert "control" not in cli("map", source, "-c", "code").stderr  # CSV keeps them


# --------------------------------------------------------------------------- columns and odd files


def test_a_column_named_twice_is_chosen_by_its_exact_name_or_refused(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(b"Code,code,n\n00D,02Q,1\n")
    header, row = mapped(cli("map", source, "-c", "code"))
    alone = mapped(cli("map", "-", "-c", "code", input="code\n02Q\n"))[1]
    assert row[3:] == alone[1:] and alone[-3] != "unknown"  # 02Q's mapping, not 00D's
    assert "2 columns" in error_of(cli("map", source, "-c", "CODE"), 2)


def test_a_row_wider_than_the_header_is_an_error_not_a_shifted_row(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(b"id,code\n1,00D,\n2,02Q,extra\n")
    line = error_of(cli("map", source, "-c", "code", "-o", tmp_path / "out.csv"), 1)
    assert "line 3" in line and "3 cells" in line
    source.write_bytes(b"id,code\n1,00D,\n2,02Q\n")  # an empty cell past the header holds nothing: fine
    assert [r[:2] for r in mapped(cli("map", source, "-c", "code"))[1:]] == [["1", "00D"], ["2", "02Q"]]


def test_a_file_of_only_a_header_maps_to_only_a_header(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(b"id,code\r\n")
    result = cli("map", source, "-c", "code")
    assert result.exit_code == 0 and "0 rows mapped" in result.stderr
    assert result.stdout_bytes.count(b"\r\n") == 1 and result.stdout_bytes.startswith(b"id,code,")
    book = workbook(tmp_path / "in.xlsx", [("Data", sheet_xml([["id", "code"]]))])
    result = cli("map", book, "-c", "code", "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 0 and "0 rows mapped" in result.stderr
    rows = list(openpyxl.load_workbook(tmp_path / "out.xlsx").worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 and rows[0][:3] == ("id", "code", "sub_icb_location_ods_code")


def test_a_blank_header_line_says_so(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(b"\ncode\n00D\n")
    line = error_of(cli("map", source, "-c", "code"), 2)
    assert "line 1" in line and "empty" in line


def test_a_workbook_is_recognised_by_its_content_whatever_its_name(tmp_path):
    book = workbook(tmp_path / "export.csv", [("Data", sheet_xml([["code"], ["00D"]]))])
    result = cli("map", book, "-c", "code")
    assert result.exit_code == 0, result.stderr
    assert mapped(result)[1][0] == "00D" and mapped(result)[1][-3] == "merged"
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    assert ".xls" in error_of(cli("map", old, "-c", "code"), 1)


def test_a_directory_or_fifo_named_like_a_workbook_is_one_line(tmp_path):
    (tmp_path / "dir.xlsx").mkdir()
    assert "directory" in error_of(cli("map", tmp_path / "dir.xlsx", "-c", "code"), 1)
    os.mkfifo(tmp_path / "pipe.xlsx")
    result = ics("map", tmp_path / "pipe.xlsx", "-c", "code", timeout=30)
    assert result.returncode == 1 and "regular file" in without_paths(one_error_line(result.stderr))


# --------------------------------------------------------------------------- big files


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_workbook_output_that_fails_leaves_no_temporary_file(tmp_path, kind):
    """A run that fails after hundreds of rows (here --split error) leaves neither the output nor
    openpyxl's temporary file of the rows written so far."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    source = tmp_path / f"in.{kind}"
    if kind == "csv":
        source.write_text("code\n" + "00D\n" * 500 + "D4U1Y\n", encoding="utf-8")
    else:
        workbook(source, [("Data", sheet_xml([["code"]] + [["00D"]] * 500 + [["D4U1Y"]]))])
    result = ics("map", source, "-c", "code", "--split", "error", "-o", tmp_path / "out.xlsx",
                 env={"TMPDIR": str(temporary)})
    assert result.returncode == 1 and "split" in without_paths(one_error_line(result.stderr))
    assert list(temporary.iterdir()) == [] and not (tmp_path / "out.xlsx").exists()


def _peak_of_mapping_to_a_workbook(tmp_path, rows):
    """The peak of memory Python allocates while `ics map` writes `rows` CSV rows as a workbook."""
    import tracemalloc

    source = tmp_path / f"in{rows}.csv"
    source.write_text("id,code,amount\n" + "".join(f"{i},{'00D' if i % 3 else '02Q'},{i * 7}\n"
                                                    for i in range(rows)), encoding="utf-8")
    cli("map", "-", "-c", "code", "-o", tmp_path / "warm.xlsx", input="code\n00D\n")  # imports, caches
    tracemalloc.start()
    try:
        result = cli("map", source, "-c", "code", "-o", tmp_path / f"out{rows}.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.exit_code == 0, result.stderr
    return peak


def test_csv_to_a_workbook_streams_in_flat_memory(tmp_path):
    """Five times the rows, the same memory: the rows are never all held (holding them took about 2 KB
    a row, 2.8 MB more here)."""
    # each the least of two runs: a part of the data loaded once, on first use, in either run is no growth
    small, large = (min(_peak_of_mapping_to_a_workbook(tmp_path, n) for _ in range(2)) for n in (300, 1500))
    assert large - small < 1_000_000, (small, large)
    rows = list(openpyxl.load_workbook(tmp_path / "out1500.xlsx", read_only=True).worksheets[0].values)
    assert len(rows) == 1 + 1500 and rows[-1][:3] == (1499, "00D" if 1499 % 3 else "02Q", 1499 * 7)
