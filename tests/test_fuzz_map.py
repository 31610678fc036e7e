"""Generated input through `ics map`: CSV and TSV files in any dialect and encoding, and workbooks.

The properties: every input row comes back, in order, with its cells unchanged, in the input's own
delimiter, line ending, encoding and byte-order mark; and ics's own workbook reader gives what openpyxl
gives for the same file. Cases are derandomized (see test_fuzz.py); FUZZ_SCALE runs more of them.
(A module of its own, so that parallel workers run it beside test_fuzz.py.)
"""
import csv
import datetime
import io

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_fuzz import CODES, FUZZ, NAME, SCALE, one_error_line, run

# --------------------------------------------------------------------------- ics map: any dialect, any encoding

# (how the file is encoded, the byte-order mark it starts with, --encoding given or None, the characters
# its cells may hold): every encoding `ics map` keeps, with and without a mark, named or recognised
UNICODE = st.characters(exclude_characters="\x00", exclude_categories=("Cs",))
ENCODINGS = [("utf-8", b"", None, UNICODE), ("utf-8", b"\xef\xbb\xbf", None, UNICODE),
             ("utf-16-le", b"\xff\xfe", None, UNICODE), ("utf-16-be", b"\xfe\xff", None, UNICODE),
             ("utf-16-le", b"\xff\xfe", "utf-16", UNICODE), ("utf-16-le", b"", "utf-16-le", UNICODE),
             ("utf-32-le", b"\xff\xfe\x00\x00", None, UNICODE), ("utf-8", b"\xef\xbb\xbf", "utf-8", UNICODE),
             ("cp1252", b"", "cp1252", st.characters(codec="cp1252", exclude_characters="\x00")),
             ("latin-1", b"", "latin-1", st.characters(codec="latin-1", exclude_characters="\x00"))]
QUOTING = [csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]


@st.composite
def dialect_files(draw):
    """(header, rows, column, delimiter, line ending, encoding entry, file bytes): tables of any size (up
    to a few hundred rows) whose cells hold any text the encoding can (quotes, delimiters, line breaks,
    spaces), written with any quoting and any of the three line endings."""
    encoding = draw(st.sampled_from(ENCODINGS))
    codec, bom, _, chars = encoding
    names = draw(st.lists(NAME, min_size=1, max_size=4, unique_by=lambda n: n.strip().lower()))
    names = [n for n in names if n.strip().lower() != "id"] or ["code"]
    column = draw(st.sampled_from(names))
    samples = [c for c in CODES + ['"', '""x"', "a,b", "a;b", "a\tb", "x\ny", "x\r\ny", " ", ""]
               if c.encode(codec, "replace").decode(codec) == c]  # what the encoding can hold
    cell = st.one_of(st.sampled_from(samples), st.text(chars, max_size=12))
    base = draw(st.lists(st.lists(cell, min_size=len(names), max_size=len(names)), max_size=15))
    rows = [[str(i)] + cells for i, cells in enumerate(base * draw(st.sampled_from([1, 1, 1, 40])))]
    delimiter, newline = draw(st.sampled_from([",", "\t", ";"])), draw(st.sampled_from(["\n", "\r\n", "\r"]))
    header = ["id"] + names
    breaks = any("\r" in c or "\n" in c for row in rows for c in row)
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if breaks else draw(st.sampled_from(QUOTING))
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=quoting).writerows([header] + rows)
    return header, rows, column, delimiter, newline, encoding, bom + buffer.getvalue().encode(codec)


@settings(max_examples=150 * SCALE, **FUZZ)
@given(table=dialect_files(), split=st.sampled_from(["all", "largest"]))
@example(table=(["id", "code"], [["0", "00D"], ["1", "x\ny"]], "code", ",", "\r",
                ENCODINGS[2], b"\xff\xfe" + 'id,code\r0,00D\r"1","x\ny"\r'.encode("utf-16-le")), split="all")
def test_map_keeps_every_row_and_cell_in_any_dialect_and_encoding(table, split):
    """Every input row comes back, in order, with its cells unchanged, in the input's own delimiter,
    line ending, encoding and byte-order mark."""
    header, rows, column, delimiter, newline, (codec, bom, named, _), data = table
    argv = ["map", "-c", column, "--split", split, "--to", "2024-06-01"] + (["--encoding", named] if named else [])
    result = run(argv, stdin=data)
    if result.exit_code:  # only --split largest can fail: a split area without LSOA counts
        assert split == "largest" and "largest part" in one_error_line(result, argv), (argv, result.stderr)
        return
    out = result.stdout_bytes
    assert out.startswith(bom) and not out[len(bom):].startswith(bom or b"-"), (argv, out[:8])
    text = out[len(bom):].decode(codec)
    got = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert got[0][:len(header)] == header, (argv, got[0])
    ids = [int(row[0]) for row in got[1:]]
    assert sorted(set(ids)) == list(range(len(rows))) and ids == sorted(ids), argv
    assert all(row[:len(header)] == rows[int(row[0])] for row in got[1:]), argv
    first_break = min(i for i in (text.find("\r"), text.find("\n")) if i >= 0)  # ends the header line
    assert text[first_break:].startswith(newline) and text.endswith(newline), argv
    assert f"ics map: {len(rows):,} row" in result.stderr, result.stderr


# --------------------------------------------------------------------------- workbooks: what openpyxl reads

XML_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\t\n _x005F_=\u00a0"), max_size=15)
CELLS = st.one_of(st.none(), XML_TEXT, st.integers(-10**20, 10**20), st.booleans(),
                  st.floats(-1e300, 1e300),  # (openpyxl reads a float past 1.79e308 as inf, ics as its text)
                  st.datetimes(datetime.datetime(1901, 1, 1), datetime.datetime(2099, 12, 31)).map(
                      lambda d: d.replace(microsecond=0)))


@settings(max_examples=60 * SCALE, **FUZZ)
@given(rows=st.lists(st.lists(CELLS, max_size=6), max_size=8), write_only=st.booleans(), gaps=st.booleans())
def test_the_workbook_reader_reads_what_openpyxl_reads(tmp_path_factory, rows, write_only, gaps):
    """ics's own reader (base/xlsxread.py) gives every row and value openpyxl gives for the same file,
    written by openpyxl with shared strings or (write-only) inline strings. A text starting with "="
    is written as a formula with no saved value: both read the value saved with it (None), which the
    summary of `ics map` counts (openpyxl's data_only)."""
    openpyxl = pytest.importorskip("openpyxl")
    from icscli.base.xlsxread import Workbook

    book = openpyxl.Workbook(write_only=write_only)
    sheet = book.create_sheet("Data") if write_only else book.active
    for row in rows:
        sheet.append(row + [None] * gaps + ["end"] * gaps)
    path = tmp_path_factory.mktemp("book") / "book.xlsx"
    book.save(path)
    theirs = openpyxl.load_workbook(path, read_only=True, data_only=True)
    expected = theirs.worksheets[0]
    expected.reset_dimensions()
    expected = [_trimmed(row) for row in expected.iter_rows(values_only=True)]
    theirs.close()
    with Workbook(path) as mine:
        got = [_trimmed(row) for row in mine.rows()]
    assert got == expected, (rows, got, expected)


def _trimmed(row):
    row = list(row)
    while row and row[-1] is None:
        row.pop()
    return row
