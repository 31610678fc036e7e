"""`ics map` on a whole file: read a CSV/TSV stream, add the mapped columns, write it back, row by row.

Rows are never dropped or reordered; every input column and cell, the delimiter, the line ending (CRLF,
LF or CR, as the header line has it), the encoding and a byte-order mark (UTF-8, UTF-16 or UTF-32,
recognised without --encoding) are kept. A quote that is never closed, a row with more cells than the
header, or a column name that matches two columns is an error, not a file quietly read some other way.
Memory stays flat: one row at a time, plus a bounded cache of the distinct values seen. Plain functions
on binary streams (no click), so library callers can use them.
"""
import codecs
import csv
import io
import itertools
import os
import stat
import sys

from ..base.safe import visible
from ..errors import BadValue
from ..store.systems_index import index
from .mapahead import ahead
from .mapping import CHANGES, Mapper
from .maprows import MapError, copy_rows, copy_text, lines
from .mapsinks import TextSink, WorkbookSink

SPLIT_MODES = ("all", "largest", "error")
# Byte-order marks and the codec that reads what follows them (UTF-32 first: its mark starts like UTF-16's)
BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def refuse_overwriting_input(file, output):
    """BadValue when the output path names the input file (by any path, symbolic or hard link, or as the
    file standard input reads): the input is never replaced by its own mapping."""
    if not output:
        return
    try:
        target = os.stat(output)
        source = os.fstat(sys.stdin.fileno()) if file == "-" else os.stat(file)
    except (OSError, AttributeError, ValueError):  # either is missing or unreadable, or stdin is closed
        return
    if stat.S_ISREG(target.st_mode) and (source.st_dev, source.st_ino) == (target.st_dev, target.st_ino):
        raise BadValue(f"-o: '{output}' is the input file; write the mapped file to another name")


def text_codec(encoding):
    """The codec name for --encoding, or BadValue: unknown, or not a text encoding (rot13, base64)."""
    try:
        codecs.lookup(encoding)
        "".encode(encoding)
        b"".decode(encoding)
    except (LookupError, ValueError, UnicodeError) as exc:
        known = not isinstance(exc, LookupError) or "text encoding" in str(exc)
        why = "is not a text encoding" if known else "is an unknown encoding"
        raise BadValue(f"--encoding: '{encoding[:40]}' {why}") from None
    return codecs.lookup(encoding).name


class Reader:
    """A delimited text stream: header, delimiter, line ending and byte-order mark detected from its
    start. `encoding` and `bom` say how to write text that reads back the same way."""

    def __init__(self, raw, name, encoding=None, skip_rows=0):
        self.name = name
        if not hasattr(raw, "peek"):
            raw = io.BufferedReader(raw)
        family = text_codec(encoding) if encoding else None
        self.encoding, self.bom = _byte_order(raw, family, encoding)
        self.exhausted, self.start, self.skipped = False, 1, []
        self.recorded, self.recorded_from = [], 0  # the lines read and not yet written (copy_text), and the first's number
        self._lines = itertools.chain.from_iterable(self._record(lines(self, raw)))  # a block at a time (maprows.py)
        for _ in range(skip_rows):  # title lines before the header: kept, to be written back unchanged
            line = self._guard(lambda: next(self._lines, ""))
            if not line:
                raise BadValue(f"--skip-rows: {name} has only {len(self.skipped)} line(s); it would skip them all")
            self.skipped.append(line)
        first = self._guard(lambda: next(self._lines, ""))
        if not first:
            raise MapError(f"{name}: the file is empty (no header row)")
        self.newline = "\r\n" if first.endswith("\r\n") else "\r" if first.endswith("\r") else "\n"
        counts = {d: first.count(d) for d in ("\t", ",", ";")}
        self.delimiter = max(counts, key=lambda d: (counts[d], d == ","))
        self.lines = csv.reader(itertools.chain([first], self._lines), delimiter=self.delimiter)
        self.header = self._guard(lambda: next(self.lines))
        if self.exhausted:  # the header's line did not end it: only an open quote does that
            raise MapError(f"{name}: line {skip_rows + 1}: unclosed quote; the quoted cell runs to the end of the file")
        if not any(cell.strip() for cell in self.header):
            raise BadValue(f"--column: line {skip_rows + 1} of {name}, the header, is empty")

    def _record(self, blocks):
        """The blocks of lines, each kept in `recorded` too while that is a list (copy_text writes a row
        read from one line as that line's own text, and lets the lines go once written)."""
        for block in blocks:
            if self.recorded is not None:
                self.recorded.extend(block)
            yield block

    def rows(self):
        """The rows after the header. `start` is the line the current row starts on; a row that only
        the end of the file ended is an unclosed quote, an error."""
        lines = self.lines
        self.start = lines.line_num + 1
        for row in lines:
            if self.exhausted:
                raise MapError(f"{self.name}: line {self.start + len(self.skipped)}: unclosed quote; the quoted cell runs to the "
                               "end of the file")
            yield row
            self.start = lines.line_num + 1

    def where(self):
        return f"line {self.start + len(self.skipped)}"

    def _guard(self, call):
        """call() under the file's error handling (decoding, CSV syntax): one line naming the file."""
        try:
            return call()
        except UnicodeDecodeError as exc:
            raise MapError(f"{self.name}: not {self.encoding} text ({exc.reason}); give the file's encoding "
                           "with --encoding, e.g. --encoding cp1252") from None
        except csv.Error as exc:
            raise MapError(f"{self.name}: line {self.lines.line_num + len(self.skipped)}: {exc}") from None

    def loop(self, body):
        """body(rows): the caller's loop over the rows, under the same error handling."""
        return self._guard(lambda: body(self.rows()))


def _byte_order(raw, family, encoding):
    """(codec, byte-order mark bytes) of a stream: a mark is read off the stream and kept for the
    output; without --encoding any mark is recognised (else UTF-8), with it only a mark of its own
    family (UTF-16 without a mark reads in this machine's byte order and is written without one)."""
    head = raw.peek(4)[:4]
    family = {"utf-8-sig": "utf-8"}.get(family, family)
    for bom, codec in BOMS:
        if head.startswith(bom) and (family is None or codec.startswith(family)):
            raw.read(len(bom))
            return codec, bom
    if family in ("utf-16", "utf-32"):
        return f"{family}-{'le' if sys.byteorder == 'little' else 'be'}", b""
    return ("utf-8" if family in (None, "utf-8") else encoding), b""


def find_column(header, column, name, option="--column"):
    """The index of the column named `column` (spaces and case aside; an exact match wins when two
    columns match), or BadValue (naming `option`) listing the columns."""
    wanted = column.strip().lower()
    names = [str(h).strip().lstrip("\ufeff").lower() for h in header]
    matches = [i for i, n in enumerate(names) if n == wanted]
    if not matches:
        raise BadValue(f"{option}: no column '{column}' in {name}; the columns are: "
                       + ", ".join(str(h).strip() for h in header if str(h).strip()))
    if len(matches) > 1:
        exact = [i for i in matches if str(header[i]).lstrip("\ufeff") == column]
        if len(exact) != 1:
            raise BadValue(f"{option}: '{column}' names {len(matches)} columns of {name} (columns "
                           + ", ".join(str(i + 1) for i in matches) + "); give the name exactly as the "
                           "header writes it, or rename one")
        matches = exact
    return matches[0]


def _share(value):
    if value is None:
        return ""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "1" if text in ("1", "1.0") else text


class FileMapper:
    """Maps the values of one column, caching the added cells per distinct value. A split area's
    shares come from the LSOAs it held, weighted by `weights` (apportion.py); `scale`, when set
    (--apportion), multiplies numeric cells by each output row's share."""

    def __init__(self, kb, day, split="all", weights="population", mapper=None, source_day=None):
        if split not in SPLIT_MODES:
            raise BadValue(f"--split: '{split}' is not one of: {', '.join(SPLIT_MODES)}")
        # mapper: places/mapcodes.py's, for places (cli/map.py); else the systems Mapper. source_day: --from
        self.mapper = (mapper or Mapper)(kb, day, weights, source_day=source_day)
        self.split, self.scale = split, None
        self.columns = list(self.mapper.columns)
        self.counts = dict.fromkeys(CHANGES, 0)
        self._blank = [""] * self.mapper.width

    def cells(self, value, where, result=None):
        """(change, [added cells per output row], [share per output row, for --apportion]) for one input
        value (the caller caches), from its answer `result` if the caller has it; `where` names the row
        for errors ("line 7")."""
        if result is None:
            result = self.mapper.map(value)
        change, note, rows = result["change"], result["note"], result["rows"]
        if not rows:
            return change, [self._blank + [change, "", note]], [None]
        if len(rows) > 1 and self.split == "error":
            raise MapError(f"{where}: '{value}' is split between {len(rows)} areas on {self.mapper.day} "
                           f"({', '.join(r['fields'][0] or r['fields'][3] for r in rows)}); "
                           "use --split all or --split largest")
        shares = [r["share"] for r in rows]
        if len(rows) > 1 and self.split == "largest":
            known = rows[0]["share"] is not None
            rows, shares = rows[:1], [1.0]  # the whole value stays with the part shown
            note = (note + "; " if note else "") + (
                "largest part only; the whole value is kept on it" if known else
                f"the data cannot say which of the {len(result['rows'])} parts is largest; the first is shown "
                "and the whole value kept on it")
        return change, [r["fields"] + [change, _share(r["share"]), note] for r in rows], shares


def map_stream(kb, raw, out, column, day, name="-", split="all", strict=False, encoding=None, excel=False,
               about=None, progress=None, weights="population", apportion=(), mapper=None, skip_rows=0,
               source_day=None):
    """Map `column` of a binary input stream to `day`, writing binary output; returns the summary.

    excel=True writes a UTF-8 byte-order mark (Excel reads the file as UTF-8 then). With `about` (a
    function of the summary giving the About sheet's rows), `out` is a path and the result is a workbook
    there. Raises BadValue for a missing column (listing the columns), MapError for unreadable input, a
    split area with split='error', or (after writing everything) an unknown value with strict=True.
    progress(rows), if given, is called every PROGRESS_EVERY rows (cli/ draws a bar with it).
    `weights` is how a split area's shares are worked out, `apportion` the columns multiplied by them.
    `mapper` makes the value mapper (default systems Mapper); skip_rows lines before the header are
    copied as they are (a workbook output says so in its summary instead). `source_day` (--from) is the
    date the column's codes are of (default: each read as the area it names on `day`, or its latest before).
    """
    reader = Reader(raw, name, encoding, skip_rows)
    idx = find_column(reader.header, column, name)

    def sink():
        if about is not None:
            return WorkbookSink(out)
        utf8 = codecs.lookup(reader.encoding).name == "utf-8"
        bom = reader.bom or (codecs.BOM_UTF8 if excel and utf8 else b"")
        text = TextSink(out, reader.delimiter, reader.newline, reader.encoding, bom, reader)
        text.write("".join(reader.skipped))
        return text

    def loop(mapper, out):
        if out.__class__ is TextSink and mapper.scale is None:
            return reader.loop(lambda _: copy_text(reader, len(reader.header), idx, mapper, out, progress))
        reader.recorded = None  # rows written through the sink's csv writer: no line kept
        rows, where = reader.rows(), reader.where
        if getattr(mapper.mapper, "prefetch", None):
            rows, where, replay = ahead(rows, idx, mapper.mapper.prefetch, reader)
            if getattr(out, "reader", None) is not None:
                out.reader = replay
        return reader.loop(lambda _: copy_rows(rows, len(reader.header), idx, mapper, out, where, progress))

    summary = {"file": name, "column": reader.header[idx].strip().lstrip("\ufeff"), "delimiter": reader.delimiter,
               "encoding": reader.encoding + (" with a byte-order mark" if reader.bom else "")}
    skipped = (lambda: [skipped_note(reader.skipped, "line", "not in the workbook")]) \
        if reader.skipped and about is not None else list
    return run(kb, reader.header, idx, day, split, strict, sink, about, summary, loop, skipped, weights,
               apportion, mapper, source_day)


def skipped_note(texts, unit, fate):
    """The summary's words for the lines or rows skipped before the header (their text is the file's:
    summary_line makes it safe to show)."""
    shown = "; ".join(f"'{t.strip()[:60]}'" for t in texts if t.strip())[:200]
    return f"skipped {len(texts)} {unit}{'s' if len(texts) != 1 else ''} before the header, {fate}" \
        + (f" ({shown})" if shown else "")


def run(kb, header, idx, day, split, strict, sink, about, summary, loop, notes=list, weights="population",
        apportion=(), mapper=None, source_day=None):
    """The mapping of one file: the mapper for the dates (a bad date fails before any output), the
    --apportion columns (an unknown one fails before any output too), the sink
    (`sink()`) and its header, the rows (`loop(mapper, sink)` returns (rows in, rows out)), the summary
    (with `notes()` and the sink's notes: what the output leaves out), the sink closed (with the About
    rows, `about(summary)`, for a workbook); StrictFailure after everything is written when strict and
    a value is unknown."""
    mapper = FileMapper(kb, day, split, weights, mapper, source_day)
    if apportion:
        from .apportion import Scaler

        mapper.scale = Scaler([find_column(header, c, summary["file"], "--apportion") for c in apportion])
    out = sink()
    out.header(header, mapper.columns)
    try:
        rows_in, rows_out = loop(mapper, out)
    except BaseException:
        out.close()
        raise
    finally:
        getattr(mapper.mapper, "close", list)()
    summary.update({"to": mapper.mapper.day, "rows": rows_in, "rows_written": rows_out, "changes": mapper.counts,
                    "split": split, "data_as_of": coverage(kb), "notes": notes() + list(out.notes) + _shares_notes(mapper)
                    + _lookup_notes() + getattr(mapper.mapper, "notes", list)(),
                    "weights": weights})
    if mapper.mapper.source_day:
        summary["from"] = mapper.mapper.source_day
    out.close(about(summary) if about else None)
    if strict and mapper.counts["unknown"]:
        raise StrictFailure(summary)
    return summary


def _lookup_notes():
    """What the summary says when this run read an LSOA assignment from the user's imported ONS lookup in
    place of a derived one (nothing is asked unless the run read LSOA assignments at all)."""
    if "icscli.store.lsoa_official" not in sys.modules:
        return []
    from .. import dates
    from ..store import places

    return [f"LSOAs of {dates.human(standing['date'])} placed by your imported ONS lookup ({standing['edition']}), "
            "not the derived assignment" for standing in places.official_read().values()
            if standing and standing.get("used")]


def _shares_notes(mapper):
    """What the summary says of split areas' shares: their basis, and what --apportion could not do."""
    basis = " and ".join(sorted(mapper.mapper.apportioner.used))
    if mapper.scale is not None:
        return mapper.scale.notes(basis)
    return [f"split areas shared by {basis}"] if basis else []


class StrictFailure(MapError):
    def __init__(self, summary):
        self.summary = summary
        super().__init__(f"--strict: {summary['changes']['unknown']} value(s) in column '{summary['column']}' "
                         "are not codes the data knows")


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
    counts = ", ".join(f"{n:,} {c}" for c, n in summary["changes"].items() if n)
    notes = "".join(f"; {visible(note)}" for note in summary.get("notes", ()))  # sheet names: a file's text
    when = f"from {summary['from']} to {summary['to']}" if summary.get("from") else f"to {summary['to']}"
    return (f"ics map: {_rows(summary['rows'])} mapped {when} ({counts or 'no rows'}); "
            f"{_rows(summary['rows_written'])} written; data: {summary['data_as_of']}{notes}")


def _rows(count):
    return f"{count:,} row{'s' if count != 1 else ''}"
