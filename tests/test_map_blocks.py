"""`ics map` reads a text file a block at a time (systems/maprows.py): bytes decoded 64 KB at a time and
split into lines, rows handled 10,000 at a time, postcodes answered a block at a time. Files larger than
both blocks, with the awkward cases placed across their edges, come back row for row."""
import csv
import io
import random

import pytest
from test_map_places import directory  # noqa: F401  (the fixture: a small imported ONSPD)

from icscli.places import mappostcodes
from icscli.systems import maprows, postcode_text


def _table(rows, newline, rng):
    """A file of `rows` rows whose cells hold codes, plain text, quoted delimiters, line breaks of every
    kind (a row spanning lines) and empty cells, with blank lines among them; the rows as a reader of
    the whole text reads them back."""
    cells = ["00D", "02Q", "15D", "QYG", "E01000001", "not a code", "", "a,b", 'say "x"', "two\nlines",
             "cr\rline", "crlf\r\nline", " 00D "]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # quotes a cell holding CR or LF

    def line(cells):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        return buffer.getvalue()[:-2] + newline

    parts = [line(["id", "code", "note"])]
    for i in range(rows):
        blank = rng.random() < 0.002
        parts.append(newline if blank else line([str(i), rng.choice(cells[:7]), rng.choice(cells)]))
    text = "".join(parts)
    return text, list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_row_of_a_file_larger_than_a_block_comes_back_in_order(run, tmp_path, newline):
    rows = maprows.ROWS * 20 + 777  # past blocks of rows looked up one by one or at once
    text, expected = _table(rows, newline, random.Random(len(newline)))
    assert len(text) > 4 * maprows.BLOCK  # several byte blocks too
    source = tmp_path / "in.csv"
    source.write_bytes(text.encode("utf-8"))
    result = run("map", source, "-c", "code", "--to", "2026-07-01", "--split", "largest", "-o", tmp_path / "out.csv")
    assert result.exit_code == 0, result.output
    out_text = (tmp_path / "out.csv").read_bytes().decode("utf-8")
    got = list(csv.reader(io.StringIO(out_text, newline="")))
    assert [row[:3] if row else row for row in got] == expected  # every row, blank lines too, cells unchanged
    assert all(len(row) == len(got[0]) for row in got if row)
    other = {"\n": ("\r",), "\r\n": (), "\r": ("\n",)}[newline]
    bare = out_text.replace("two\nlines", "").replace("crlf\r\nline", "").replace("cr\rline", "")
    assert not any(end in bare for end in other)  # outside the cells, the file's own line ending throughout


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_rows_are_written_as_they_were_read(run, tmp_path, newline):
    """A row read from one line is written as that line's own text (quotes the csv module would not write,
    spaces, a quote inside a bare cell, a formula: the user's own cells, as they were), then its cells;
    past title lines kept by --skip-rows, across blocks, and in the block with a blank line, whose rows
    are read one by one."""
    rng = random.Random(len(newline))
    own = ['"{n}","02Q"', '{n}, 02Q ', '{n},"a ""quoted"" 00D"', '{n},=1+1', '{n},x"y', '"{n}",""', '{n},15D',
           "{n},'00D'", '{n},"E01000001"']
    rows = [rng.choice(own).format(n=n) for n in range(maprows.ROWS * 3 + 17)]
    rows.insert(1500, "")  # a blank line: that block's rows go one by one
    text = newline.join(["Title", "", '"n","code"', *rows]) + newline
    path = tmp_path / "in.csv"
    path.write_bytes(text.encode("utf-8"))
    result = run("map", path, "-c", "code", "--skip-rows", "2", "--to", "2026-07-01", "--split", "largest", "-o",
                 tmp_path / "out.csv")
    assert result.exit_code == 0, result
    out = (tmp_path / "out.csv").read_bytes().decode("utf-8")
    lines = out.split(newline)
    assert lines[:2] == ["Title", ""] and lines[2].startswith("n,code,")
    kept = [(row, line) for row, line in zip(rows, lines[3:]) if row]
    assert len(kept) == len(rows) - 1
    assert all(line.startswith(row + ",") for row, line in kept)  # the block with the blank line's rows too
    read_in = list(csv.reader(io.StringIO(newline.join(rows), newline="")))
    read_out = list(csv.reader(io.StringIO(newline.join(lines[3:]), newline="")))
    assert [r[:2] for r in read_out if r] == [r for r in read_in if r]  # every cell reads back the same


def test_a_split_area_repeats_its_row_as_it_was_read(run, tmp_path):
    """With --split all, a row whose area was split is written once for each part, each time as its
    line's own text; the rows around it too."""
    rows = ['"1","15D"', '2, 02Q ', '"3",15D', '4,"00D"', '5,x"y']
    path = tmp_path / "in.csv"
    path.write_bytes(("n,code\r\n" + "\r\n".join(rows) + "\r\n").encode("utf-8"))
    result = run("map", path, "-c", "code", "--to", "2026-07-01", "-o", tmp_path / "out.csv")
    assert result.exit_code == 0, result
    lines = (tmp_path / "out.csv").read_bytes().decode("utf-8").split("\r\n")[1:-1]
    parts = len(run("map", path, "-c", "code", "--to", "2026-07-01", "-q").output.splitlines()) - 1 - (len(rows) - 2)
    assert parts >= 4  # 15D, twice, is split in two or more parts each
    expected = [row for row in rows for _ in range(parts // 2 if "15D" in row else 1)]
    assert len(lines) == len(expected)
    assert all(line.startswith(row + ",") for row, line in zip(expected, lines)), lines


def test_an_unclosed_quote_after_many_blocks_names_its_line(run, tmp_path):
    text, _ = _table(maprows.ROWS + 500, "\n", random.Random(7))
    source = tmp_path / "in.csv"
    source.write_bytes((text + '99,00D,"never closed\nmore\n').encode("utf-8"))
    line = text.count("\n") + text.count("\r") - text.count("\r\n") + 1  # after every line of the table
    result = run("map", source, "-c", "code", "-o", tmp_path / "out.csv")
    assert result.exit_code == 1
    assert f"line {line}: unclosed quote" in result.stderr


def test_a_line_longer_than_the_limit_across_byte_blocks_is_an_error(run, tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(b"id,code\n1,00D\n2," + b"x" * (maprows.MAX_LINE + 10) + b"\n")
    result = run("map", source, "-c", "code", "-o", tmp_path / "out.csv")
    assert result.exit_code == 1
    assert f"line 3 is longer than {maprows.MAX_LINE:,} characters" in result.stderr


def test_postcode_texts_made_at_once_read_as_normalise_reads_them():
    rng = random.Random(24)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz0123456789 \t\u00a0\u00dfQ-"
    values = ["SW1A 1AA", "sw1a1aa", " B1  1AA ", "EC1A 1BB", "W1A 0AX", "M1 1AE", "B33 8TH", "CR2 6XH",
              "DN55 1PT", "GIR 0AA", "", "1AA", "SW1A\t1AA", "SW1A\u00a01AA", "\u00df1 1AA", "AA9A 9AA",
              "A9A 9AA", "A99 9AA", "AA99 9AA", "A9 9AA", "AAA 9AA", "A9 AAA", "AA9A9AA"]
    values += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10))) for _ in range(20000)]
    texts = mappostcodes.compact(values)
    made = {v: t[:-3].ljust(4) + t[-3:] if mappostcodes.SHAPE(t) else None for v, t in zip(values, texts)}
    assert made == {v: postcode_text.normalise(v) for v in values}
    assert sum(k is not None for k in made.values()) > 12  # shaped ones among them


@pytest.mark.usefixtures("directory")
def test_postcodes_answered_a_block_at_a_time_whatever_the_caches_hold(run, tmp_path, monkeypatch):
    """Small blocks, and the sectors read let go on nearly every block, give the same file as the
    defaults: a sector read before it was let go is read again, not taken as absent."""
    values = ["NE1 1AA", "ne11ab", "B1 1AA", "ZZ9 9ZZ", "not one", "", " B1  1AA "] * 30
    values = [v for i, v in enumerate(values) for v in (v, f"Z{i % 90 + 10} 1AA")]  # a new sector every row
    path = tmp_path / "pc.csv"
    path.write_text("n,pc\n" + "".join(f"{i},{v}\n" for i, v in enumerate(values)), encoding="utf-8")
    expected = run("map", path, "-c", "pc", "--kind", "postcode", "-q").output
    monkeypatch.setattr(maprows, "ROWS", 1)  # postcodes asked 10 rows at a time
    monkeypatch.setattr(mappostcodes.Sectors, "LIMIT", 3)  # the sectors read let go on every block
    got = run("map", path, "-c", "pc", "--kind", "postcode", "-q")
    assert got.exit_code == 0 and got.output == expected
    rows = list(csv.DictReader(io.StringIO(expected)))
    assert len(rows) == len(values)
    assert {r["pc"]: r["change"] for r in rows}["ne11ab"] != "unknown"
    assert {r["pc"]: r["change"] for r in rows}["ZZ9 9ZZ"] == "unknown"
