"""`ics map` on a whole file: read a CSV/TSV stream, add the mapped columns, write it back, row by row.

Rows are never dropped or reordered; every input column, the delimiter, the line ending, the encoding
and a UTF-8 byte-order mark are kept. Memory stays flat: one row at a time, plus a bounded cache of
the distinct values seen. Plain functions on binary streams (no click), so library callers can use them.
"""
import codecs
import csv
import io
import itertools

from ..errors import BadValue, IcsError
from .mapping import CHANGES, Mapper

SPLIT_MODES = ("all", "largest", "error")
CACHE_LIMIT = 200000


class MapError(IcsError):
    """The file cannot be mapped as asked (encoding, a split area with --split error, --strict): exit 1."""

    exit_code = 1


class Reader:
    """A delimited text stream: header, delimiter, line ending and BOM detected from its first line."""

    def __init__(self, raw, name, encoding=None):
        self.name, self.line = name, 0
        enc = encoding or "utf-8"
        try:
            codecs.lookup(enc)
        except LookupError:
            raise BadValue(f"--encoding: unknown encoding '{enc}'") from None
        head = raw.peek(4)[:3] if hasattr(raw, "peek") else b""
        self.bom = head == codecs.BOM_UTF8 and codecs.lookup(enc).name == "utf-8"
        self.encoding = "utf-8-sig" if self.bom else enc
        self.text = io.TextIOWrapper(raw, encoding=self.encoding, errors="strict", newline="")
        first = self._guard(self.text.readline)
        if not first:
            raise MapError(f"{name}: the file is empty (no header row)")
        self.newline = "\r\n" if first.endswith("\r\n") else "\n"
        counts = {d: first.count(d) for d in ("\t", ",", ";")}
        self.delimiter = max(counts, key=lambda d: (counts[d], d == ","))
        self._rows = csv.reader(itertools.chain([first], self.text), delimiter=self.delimiter)
        self.header = self._guard(lambda: next(self._rows))
        self.line = 1

    def _guard(self, call):
        try:
            return call()
        except UnicodeDecodeError as exc:
            raise MapError(f"{self.name}: not {self.encoding.replace('-sig', '')} text (near line {self.line + 1}: "
                           f"{exc.reason}); give the file's encoding with --encoding, e.g. --encoding cp1252") from None
        except csv.Error as exc:
            raise MapError(f"{self.name}: line {self.line}: {exc}") from None

    def __iter__(self):
        while True:
            row = self._guard(lambda: next(self._rows, None))
            if row is None:
                return
            self.line += 1
            yield row


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
        self._cache = {}
        self._blank = [""] * self.mapper.width

    def cells(self, value, line):
        """(change, [added cells per output row]) for one input value."""
        found = self._cache.get(value)
        if found is None:
            found = self._cells(value, line)
            if len(self._cache) < CACHE_LIMIT:
                self._cache[value] = found
        return found

    def _cells(self, value, line):
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


def map_stream(kb, raw, out, column, day, name="-", split="all", strict=False, encoding=None):
    """Map `column` of a binary input stream to `day`, writing binary output; returns the summary.

    Raises BadValue for a missing column (listing the columns), MapError for unreadable input, a split
    area with split='error', or (after writing everything) an unknown value with strict=True.
    """
    reader = Reader(raw, name, encoding)
    wanted = column.strip().lower()
    names = [h.strip().lstrip("\ufeff").lower() for h in reader.header]
    if wanted not in names:
        raise BadValue(f"--column: no column '{column}' in {name}; the columns are: "
                       + ", ".join(h.strip() for h in reader.header))
    idx = names.index(wanted)
    mapper = FileMapper(kb, day, split)
    text = io.TextIOWrapper(out, encoding=reader.encoding, newline="", write_through=False)
    writer = csv.writer(text, delimiter=reader.delimiter, lineterminator=reader.newline)
    width = len(reader.header)
    writer.writerow(reader.header + mapper.columns)
    counts = mapper.counts
    rows_in = rows_out = 0
    for row in reader:
        rows_in += 1
        if not row:  # a blank line stays a blank line
            writer.writerow(row)
            rows_out += 1
            continue
        if len(row) < width:
            row = row + [""] * (width - len(row))
        change, added = mapper.cells(row[idx] if idx < len(row) else "", reader.line)
        counts[change] += 1
        for cells in added:
            writer.writerow(row + cells)
        rows_out += len(added)
    text.flush()
    text.detach()
    summary = {"file": name, "column": reader.header[idx].strip(), "to": mapper.mapper.day, "rows": rows_in,
               "rows_written": rows_out, "changes": counts, "delimiter": reader.delimiter,
               "encoding": reader.encoding, "split": split, "data_as_of": data_as_of(kb)}
    if strict and counts["unknown"]:
        raise StrictFailure(summary)
    return summary


class StrictFailure(MapError):
    def __init__(self, summary):
        self.summary = summary
        super().__init__(f"--strict: {summary['changes']['unknown']} value(s) in column '{summary['column']}' "
                         "are not codes the data knows")


def data_as_of(kb):
    """The dates the data covers, for the summary."""
    from .index import index

    versions = index(kb).versions
    if not versions:
        return ""
    last = kb.system_versions[versions[-1][0]]
    return f"CCG codes April 2013 to June 2022; ICBs to {last['label']}"


def summary_line(summary):
    """The one-paragraph summary `ics map` prints on stderr."""
    counts = ", ".join(f"{n} {c}" for c, n in summary["changes"].items() if n)
    rows = f"{summary['rows']} row{'s' if summary['rows'] != 1 else ''}"
    return (f"ics map: {rows} mapped to {summary['to']} ({counts or 'no rows'}); "
            f"{summary['rows_written']} rows written; data: {summary['data_as_of']}")
