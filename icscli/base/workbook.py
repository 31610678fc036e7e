"""The one workbook writer of `ics`, with typed cells: `Workbook` (render/xlsx.py writes the document
workbooks through it, systems/mapsinks.py `ics map`'s). Every cell goes through `_put`: a number, date or
time stays one; any other value is written as text, so text that starts with "=" stays text, never a
formula. openpyxl (the optional `excel` extra) is imported only when a workbook is written or read.
"""
import datetime
import decimal
import re

from .safe import strip_controls

MAX_WIDTH = 60
# Values that are written as themselves (bool before int: it is one); everything else is text.
_NATIVE = (bool, int, float, decimal.Decimal, datetime.date, datetime.time, datetime.timedelta)
_WHOLE_NUMBER = re.compile(r"^(0|-?[1-9][0-9]{0,14})$")


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

    def discard(self):
        """Drop a workbook that will not be saved: openpyxl keeps a write-only sheet's rows in a
        temporary file that it removes on saving, or at exit (which `ics` skips: entry.py ends with
        os._exit), so a run that fails removes them here."""
        for sheet in self._book.worksheets:
            writer = getattr(sheet, "_writer", None)
            if writer is not None and hasattr(writer, "cleanup"):
                try:
                    writer.cleanup()
                except (OSError, ValueError):
                    pass

    def _end_sheet(self):
        self._sheet, self._rows, self._extent = None, 0, None


def document_value(value):
    """A text cell of a table (a document's, or a CSV file's): a plain whole number ("5", not "02" or
    "02Q") as a number, else its text (None when empty)."""
    text = "" if value is None else str(value)
    if _WHOLE_NUMBER.match(text):
        return int(text)
    return text or None


def widths(columns, rows):
    """Column widths in characters: as wide as the longest line of each column, up to MAX_WIDTH."""
    found = [len(str(c)) for c in columns]
    for row in rows:
        for c, value in enumerate(row[:len(found)]):
            text = "" if value is None else str(value)
            found[c] = max(found[c], max(len(part) for part in text.split("\n")))
    return [min(width + 2, MAX_WIDTH) for width in found]


def _put(cell, value):
    """A number, date or time as itself; anything else as text (the type set after assignment:
    openpyxl would take a leading '=' as a formula, or "#N/A" as an error)."""
    if isinstance(value, _NATIVE):
        cell.value = value
        return
    cell.value = strip_controls(str(value))
    cell.data_type = "s"
    cell.number_format = "@"
