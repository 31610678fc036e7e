"""Excel workbooks (.xlsx): the one workbook writer of `ics`, with typed cells.

Every workbook `ics` writes goes through `Workbook` here: the document workbooks (`--format xlsx`: one
sheet per table of the document plus an "About" sheet; the first sheet holds exactly the rows of the
command's CSV) and `ics map`'s workbooks (mapped rows from a CSV file or, streamed, from a workbook).
Every cell goes through `_put`: a number, date or time stays one; any other value is written as text,
so text that starts with "=" stays text, never a formula. A document's cells are all text, so there a
plain whole number ("5", not "02" or "02Q") becomes a number, and codes such as 02Q and E54000071
survive as text.

openpyxl (the optional `excel` extra) is imported only here and by systems/mapxlsx.py (which reads
workbooks), and only when a workbook is read or written.
"""
import datetime
import decimal
import re

from ..base.safe import strip_controls

MAX_WIDTH = 60
_WHOLE_NUMBER = re.compile(r"^(0|-?[1-9][0-9]{0,14})$")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
# Values that are written as themselves (bool before int: it is one); everything else is text.
_NATIVE = (bool, int, float, decimal.Decimal, datetime.date, datetime.time, datetime.timedelta)


def load_openpyxl():
    """openpyxl, or ImportError with the one-line advice the CLI shows."""
    try:
        import openpyxl  # lazy: an optional dependency, and slow to import
    except ImportError:
        raise ImportError("--format xlsx needs openpyxl: pip install 'icscli[excel]'") from None
    return openpyxl


class Workbook:
    """A workbook written sheet by sheet and row by row (openpyxl's write-only mode, so the rows of a
    mapped file never all sit in memory). `sheet()` starts a sheet, `add()` appends a row to it,
    `save()` writes the file."""

    def __init__(self):
        openpyxl = load_openpyxl()
        from openpyxl.cell import WriteOnlyCell  # lazy with openpyxl itself
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        self._cell, self._bold, self._letter = WriteOnlyCell, Font(bold=True), get_column_letter
        self._book = openpyxl.Workbook(write_only=True)
        self._sheet, self._rows = None, 0
        self._extent = None  # (first row, first column, last row, last column) of the cells written

    def sheet(self, title=None, columns=None, widths=()):
        """Start a sheet (openpyxl names it when `title` is None). With `columns`, its first row is a
        bold header, frozen when the sheet scrolls; `widths` are the columns' widths in characters."""
        self._end_sheet()
        self._sheet, self._rows = self._book.create_sheet(title), 0
        for c, width in enumerate(widths, start=1):  # before any row: write-only sheets write these first
            self._sheet.column_dimensions[self._letter(c)].width = width
        if columns is not None:
            self._sheet.freeze_panes = "A2"
            self.add(columns, bold=True)

    def add(self, row, bold=False):
        """Append one row of values; None and "" leave the cell empty (but not in a bold header row)."""
        self._rows += 1
        cells, number = [], self._rows
        for c, value in enumerate(row, start=1):
            if (value is None or value == "") and not bold:
                cells.append(None)
                continue
            cell = self._cell(self._sheet)
            _put(cell, "" if value is None else value)
            if bold:
                cell.font = self._bold
            cells.append(cell)
            first_row, first_col, last_row, last_col = self._extent or (number, c, number, c)
            self._extent = (min(first_row, number), min(first_col, c), max(last_row, number), max(last_col, c))
        self._sheet.append(cells)

    def filter(self):
        """An auto-filter over the cells written so far in this sheet."""
        if self._extent:
            first_row, first_col, last_row, last_col = self._extent
            self._sheet.auto_filter.ref = (f"{self._letter(first_col)}{first_row}:"
                                           f"{self._letter(last_col)}{last_row}")

    def save(self, path):
        self._end_sheet()
        self._book.save(path)

    def _end_sheet(self):
        self._sheet, self._rows, self._extent = None, 0, None


def _put(cell, value):
    """A number, date or time as itself; anything else as text (the type set after assignment:
    openpyxl would take a leading '=' as a formula, or "#N/A" as an error)."""
    if isinstance(value, _NATIVE):
        cell.value = value
        return
    cell.value = strip_controls(str(value))
    cell.data_type = "s"
    cell.number_format = "@"


def _document_value(value):
    """A document's cell: a plain whole number as a number, else its text (None when empty)."""
    text = "" if value is None else str(value)
    if _WHOLE_NUMBER.match(text):
        return int(text)
    return text or None


def workbook_sheets(document, about, name):
    """[(sheet name, columns, rows)]: the command's table (sheet `name`), each titled table block, About.

    about: [(label, value)] naming the command, the date it describes, the data's date and the sources.
    """
    sheets = [(name, *document.table)]
    sheets += [(b.title, b.columns, [_cells(r) for r in b.rows]) for b in document.blocks
               if b.kind == "table" and b.title]
    sheets.append(("About", ["field", "value"], [list(pair) for pair in about]))
    taken = set()
    return [(_sheet_name(title, taken), columns, rows) for title, columns, rows in sheets]


def _cells(row):
    """A table block's row: a doc.Row (its cells) or a plain list."""
    return getattr(row, "cells", row)


def write(document, path, about, name):
    """Write the document's workbook to `path` (the caller makes the write atomic); `name` names the
    first sheet."""
    write_sheets(path, workbook_sheets(document, about, name))


def write_sheets(path, sheets):
    """Write [(sheet name, columns, rows)] of text cells as a workbook at `path`: each sheet with a bold
    header, columns as wide as their longest line (up to MAX_WIDTH) and an auto-filter."""
    book = Workbook()
    for name, columns, rows in sheets:
        book.sheet(name, [_document_value(str(c)) for c in columns], _widths(columns, rows))
        for row in rows:
            book.add([_document_value(v) for v in row])
        if rows:
            book.filter()
    book.save(path)


def _widths(columns, rows):
    widths = [len(str(c)) for c in columns]
    for row in rows:
        for c, value in enumerate(row[:len(widths)]):
            text = "" if value is None else str(value)
            widths[c] = max(widths[c], max(len(part) for part in text.split("\n")))
    return [min(width + 2, MAX_WIDTH) for width in widths]


def table_sheets(name, columns, rows, about):
    """The sheets for one plain table (`ics map`): the table and About."""
    taken = set()
    return [(_sheet_name(name, taken), columns, rows),
            (_sheet_name("About", taken), ["field", "value"], [list(pair) for pair in about])]


def _sheet_name(name, taken):
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique regardless of case."""
    base = _BAD_SHEET_CHARS.sub(" ", name).strip().strip("'")[:31] or "table"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate
