"""`ics map` on an Excel workbook (.xlsx): the first sheet, streamed, with the optional `excel` extra.

openpyxl is imported here (to read) only when an .xlsx file is given; without it the user gets one line
saying how to install it. Output is an .xlsx workbook (when `-o` names one), written by the one workbook
writer (base/workbook.py, which keeps text as text and numbers and dates as themselves), or CSV text.
"""
import csv
import io

from ..base import workbook as xlsx
from ..errors import BadValue
from .mapfile import FileMapper, MapError, StrictFailure, coverage


def _openpyxl():
    try:
        import openpyxl  # lazy: an optional dependency, and slow to import
    except ImportError:
        raise MapError("reading .xlsx needs the optional 'excel' extra: pip install 'icscli[excel]' "
                       "(or save the sheet as CSV)") from None
    return openpyxl


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def map_workbook(kb, path, out, column, day, split="all", strict=False, to_xlsx=False):
    """Map `column` of the first sheet of workbook `path`; write an .xlsx to path `out` when to_xlsx,
    else CSV text to the binary stream `out`. Returns the summary (see mapfile.map_stream)."""
    openpyxl = _openpyxl()
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 (openpyxl raises many kinds for a damaged or non-Excel file)
        raise MapError(f"{path}: cannot read as an Excel workbook ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [_text(v) for v in next(rows, None) or []]
        names = [h.strip().lower() for h in header]
        if column.strip().lower() not in names:
            raise BadValue(f"--column: no column '{column}' in {path}; the columns are: "
                           + ", ".join(h for h in header if h))
        idx = names.index(column.strip().lower())
        mapper = FileMapper(kb, day, split)
        sink = _Sink(out, to_xlsx)
        sink.add(header + mapper.columns)
        rows_in = rows_out = 0
        for values in rows:
            rows_in += 1
            values = list(values) + [None] * (len(header) - len(values))
            change, added = mapper.cells(_text(values[idx]), rows_in + 1)
            mapper.counts[change] += 1
            for cells in added:
                sink.add(values + cells)
            rows_out += len(added)
        sink.close()
    finally:
        book.close()
    summary = {"file": path, "column": header[idx], "to": mapper.mapper.day, "rows": rows_in,
               "rows_written": rows_out, "changes": mapper.counts, "split": split, "data_as_of": coverage(kb)}
    if strict and mapper.counts["unknown"]:
        raise StrictFailure(summary)
    return summary


class _Sink:
    """Rows out: to a workbook streamed to the path `out` (saved at close) or as CSV text."""

    def __init__(self, out, to_xlsx):
        self.out, self.to_xlsx = out, to_xlsx
        if to_xlsx:
            self.book = xlsx.Workbook()
            self.book.sheet()
        else:
            self.text = io.TextIOWrapper(out, encoding="utf-8", newline="")
            self.writer = csv.writer(self.text)

    def add(self, row):
        if self.to_xlsx:
            self.book.add(row)
        else:
            self.writer.writerow(["" if v is None else v for v in row])

    def close(self):
        if self.to_xlsx:
            self.book.save(self.out)
        else:
            self.text.flush()
            self.text.detach()
