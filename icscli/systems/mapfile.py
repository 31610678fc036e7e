"""`ics map` on a whole file: read a CSV/TSV stream, add the mapped columns, write it back, row by row.

Rows are never dropped or reordered; every input column, the delimiter, the line ending, the encoding
and a UTF-8 byte-order mark are kept. Memory stays flat: one row at a time, plus a bounded cache of
the distinct values seen. Plain functions on binary streams (no click), so library callers can use them.
"""
import codecs
import csv
import io
import itertools
import os

from ..errors import BadValue, IcsError
from ..store.systems_index import index
from .mapping import CHANGES, Mapper

SPLIT_MODES = ("all", "largest", "error")
CACHE_LIMIT = 200000
MAX_LINE = 1 << 20  # characters in one physical line: a longer one is not a table (/dev/zero, a binary)
PROGRESS_EVERY = 5000  # rows between two calls of the progress hook (a bar on a terminal, cli/progress.py)


class MapError(IcsError):
    """The file cannot be mapped as asked (encoding, a split area with --split error, --strict): exit 1."""

    exit_code = 1


def refuse_overwriting_input(file, output):
    """BadValue when the output path names the input file (by any path or link): the input is never
    replaced by its own mapping."""
    if not output or file == "-":
        return
    try:
        same = os.path.samefile(file, output)
    except OSError:  # either is missing (or unreadable): not one existing file
        return
    if same:
        raise BadValue(f"-o: '{output}' is the input file; write the mapped file to another name")


class Reader:
    """A delimited text stream: header, delimiter, line ending and BOM detected from its first line."""

    def __init__(self, raw, name, encoding=None):
        self.name = name
        enc = encoding or "utf-8"
        try:
            codecs.lookup(enc)
        except LookupError:
            raise BadValue(f"--encoding: unknown encoding '{enc}'") from None
        head = raw.peek(4)[:3] if hasattr(raw, "peek") else b""
        self.bom = head == codecs.BOM_UTF8 and codecs.lookup(enc).name == "utf-8"
        self.encoding = "utf-8-sig" if self.bom else enc
        self.text = io.TextIOWrapper(raw, encoding=self.encoding, errors="strict", newline="")
        self._lines = self._bounded_lines()
        first = self._guard(lambda: next(self._lines, ""))
        if not first:
            raise MapError(f"{name}: the file is empty (no header row)")
        self.newline = "\r\n" if first.endswith("\r\n") else "\n"
        counts = {d: first.count(d) for d in ("\t", ",", ";")}
        self.delimiter = max(counts, key=lambda d: (counts[d], d == ","))
        self._rows = csv.reader(itertools.chain([first], self._lines), delimiter=self.delimiter)
        self.header = self._guard(lambda: next(self._rows))

    def _bounded_lines(self):
        """The text's physical lines, none longer than MAX_LINE: an endless line is an error, not a
        read that fills memory."""
        number = 0
        while True:
            line = self.text.readline(MAX_LINE + 1)
            if not line:
                return
            number += 1
            if len(line) > MAX_LINE:
                raise MapError(f"{self.name}: line {number} is longer than {MAX_LINE:,} characters; "
                               f"is this a CSV or TSV file?")
            yield line

    def _guard(self, call):
        """call() under the file's error handling (decoding, CSV syntax): one line naming the file."""
        try:
            return call()
        except UnicodeDecodeError as exc:
            raise MapError(f"{self.name}: not {self.encoding.replace('-sig', '')} text ({exc.reason}); give the file's encoding with --encoding, e.g. --encoding cp1252") from None
        except csv.Error as exc:
            raise MapError(f"{self.name}: line {self._rows.line_num}: {exc}") from None

    def loop(self, body):
        """body(csv reader): the caller's loop over the rows, under the same error handling."""
        return self._guard(lambda: body(self._rows))


class Suffixes:
    """Added cells serialised once, as `delimiter + cells + newline`, with the csv module's quoting."""

    def __init__(self, delimiter, newline):
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, delimiter=delimiter, lineterminator=newline)
        self.delimiter = delimiter

    def of(self, cells):
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow(cells)
        return self.delimiter + self.buffer.getvalue()


def _share(value):
    if value is None:
        return ""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "1" if text in ("1", "1.0") else text


class FileMapper:
    """Maps the values of one column, caching the added cells per distinct value."""

    def __init__(self, kb, day, split="all"):
        if split not in SPLIT_MODES:
            raise BadValue(f"--split: '{split}' is not one of: {', '.join(SPLIT_MODES)}")
        self.mapper = Mapper(kb, day)
        self.split = split
        self.columns = list(self.mapper.columns)
        self.counts = dict.fromkeys(CHANGES, 0)
        self._blank = [""] * self.mapper.width

    def cells(self, value, line):
        """(change, [added cells per output row]) for one input value (the caller caches)."""
        result = self.mapper.map(value)
        change, note, rows = result["change"], result["note"], result["rows"]
        if not rows:
            return change, [self._blank + [change, "", note]]
        if len(rows) > 1 and self.split == "error":
            raise MapError(f"line {line}: '{value}' is split between {len(rows)} areas on {self.mapper.day} "
                           f"({', '.join(r['fields'][0] or r['fields'][3] for r in rows)}); "
                           "use --split all or --split largest")
        if len(rows) > 1 and self.split == "largest":
            if any(r["share"] is None for r in rows):
                raise MapError(f"line {line}: '{value}' is split and the data has no LSOA counts to find the "
                               "largest part; use --split all")
            rows = rows[:1]
            note = (note + "; " if note else "") + "largest part only"
        return change, [r["fields"] + [change, _share(r["share"]), note] for r in rows]


def map_stream(kb, raw, out, column, day, name="-", split="all", strict=False, encoding=None, excel=False,
               progress=None):
    """Map `column` of a binary input stream to `day`, writing binary output; returns the summary.

    excel=True writes a UTF-8 byte-order mark (Excel reads the file as UTF-8 then). Raises BadValue for a
    missing column (listing the columns), MapError for unreadable input, a split
    area with split='error', or (after writing everything) an unknown value with strict=True.
    progress(rows), if given, is called every PROGRESS_EVERY rows (cli/ draws a bar with it).
    """
    reader = Reader(raw, name, encoding)
    wanted = column.strip().lower()
    names = [h.strip().lstrip("\ufeff").lower() for h in reader.header]
    if wanted not in names:
        raise BadValue(f"--column: no column '{column}' in {name}; the columns are: "
                       + ", ".join(h.strip() for h in reader.header))
    idx = names.index(wanted)
    mapper = FileMapper(kb, day, split)
    out_encoding = "utf-8-sig" if excel and codecs.lookup(reader.encoding).name == "utf-8" else reader.encoding
    text = io.TextIOWrapper(out, encoding=out_encoding, newline="", write_through=False)
    # The input part of each row goes through csv.writer as in a plain copy; the added cells are serialised
    # once per distinct value and appended as text, so a big file costs little more than copying it.
    writer = csv.writer(text, delimiter=reader.delimiter, lineterminator="")
    suffixes = Suffixes(reader.delimiter, reader.newline)
    write = text.write
    width = len(reader.header)
    write(_spanning(reader.header, reader.delimiter))
    write(suffixes.of(mapper.columns))
    rows_in, rows_out = reader.loop(lambda rows: _copy_rows(rows, width, idx, mapper, suffixes, writer, write,
                                                            reader, progress))
    counts = mapper.counts
    text.flush()
    text.detach()
    summary = {"file": name, "column": reader.header[idx].strip(), "to": mapper.mapper.day, "rows": rows_in,
               "rows_written": rows_out, "changes": counts, "delimiter": reader.delimiter,
               "encoding": reader.encoding, "split": split, "data_as_of": coverage(kb)}
    if strict and counts["unknown"]:
        raise StrictFailure(summary)
    return summary


class StrictFailure(MapError):
    def __init__(self, summary):
        self.summary = summary
        super().__init__(f"--strict: {summary['changes']['unknown']} value(s) in column '{summary['column']}' "
                         "are not codes the data knows")


def _copy_rows(rows, width, idx, mapper, suffixes, writer, write, reader, progress=None):
    """The hot loop: each row once through csv.writer, then its pre-serialised added cells."""
    cache, newline, delimiter = {}, reader.newline, reader.delimiter
    rows_in = rows_out = 0
    last = rows.line_num
    for row in rows:
        rows_in += 1
        if progress and not rows_in % PROGRESS_EVERY:
            progress(rows_in)
        spans, last = rows.line_num - last > 1, rows.line_num  # a quoted cell holds a line break
        if len(row) != width:
            if not row:  # a blank line stays a blank line
                write(newline)
                rows_out += 1
                continue
            if len(row) < width:
                row = row + [""] * (width - len(row))
        value = row[idx]
        found = cache.get(value)
        if found is None:
            change, added = mapper.cells(value, rows.line_num)
            found = [change, [suffixes.of(cells) for cells in added], 0]
            if len(cache) < CACHE_LIMIT:
                cache[value] = found
            else:  # past the cache's bound: counted here, as it is not kept
                mapper.counts[change] += 1
        found[2] += 1
        for suffix in found[1]:
            if spans:
                write(_spanning(row, delimiter))
            else:
                writer.writerow(row)
            write(suffix)
        rows_out += len(found[1])
    for change, _, n in cache.values():
        mapper.counts[change] += n
    return rows_in, rows_out


def _spanning(row, delimiter):
    """A row's cells as CSV text without its line ending, line breaks in cells quoted. (csv.writer
    quotes a cell for the characters of its own line ending only: the hot loop's writer, which has
    none, would leave such a cell bare and the row would fall apart into two.)"""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow(row)
    return buffer.getvalue()[:-2]


def coverage(kb):
    """The dates the systems data covers, for the summary (not when its sources were checked: that is
    base/freshness.py's data_as_of)."""
    versions = index(kb).versions
    if not versions:
        return ""
    last = kb.system_versions[versions[-1][0]]
    return f"CCG codes April 2013 to June 2022; ICBs to {last['label']}"


def summary_line(summary):
    """The one-paragraph summary `ics map` prints on stderr."""
    counts = ", ".join(f"{n} {c}" for c, n in summary["changes"].items() if n)
    return (f"ics map: {_rows(summary['rows'])} mapped to {summary['to']} ({counts or 'no rows'}); "
            f"{_rows(summary['rows_written'])} written; data: {summary['data_as_of']}")


def _rows(count):
    return f"{count:,} row{'s' if count != 1 else ''}"
