"""Excel workbooks (.xlsx): one sheet per table of the document plus an "About" sheet.

Written with openpyxl (the optional `excel` extra), imported only here. Every cell is written as a
string unless it is a plain whole number ("5", not "02" or "02Q"), so codes such as 02Q and E54000071
survive, and text that starts with "=" stays text, never a formula. The first sheet holds exactly the
rows of the command's CSV.
"""
import re

from ..base.safe import strip_controls

MAX_WIDTH = 60
_WHOLE_NUMBER = re.compile(r"^(0|-?[1-9][0-9]{0,14})$")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def load_openpyxl():
    """openpyxl, or ImportError with the one-line advice the CLI shows."""
    try:
        import openpyxl
    except ImportError:
        raise ImportError("--format xlsx needs openpyxl: pip install 'icscli[excel]'") from None
    return openpyxl


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
    """Write [(sheet name, columns, rows)] as a workbook at `path`."""
    openpyxl = load_openpyxl()
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, columns, rows in sheets:
        _fill(book.create_sheet(name), columns, rows, Font(bold=True))
    book.save(path)


def table_sheets(name, columns, rows, about):
    """The sheets for one plain table (`ics map`): the table and About."""
    taken = set()
    return [(_sheet_name(name, taken), columns, rows),
            (_sheet_name("About", taken), ["field", "value"], [list(pair) for pair in about])]


def _fill(sheet, columns, rows, bold):
    from openpyxl.utils import get_column_letter

    widths = [len(str(c)) for c in columns]
    for c, title in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=c)
        _put(cell, str(title))
        cell.font = bold
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            text = "" if value is None else str(value)
            if text:
                _put(sheet.cell(row=r, column=c), text)
            longest = max((len(part) for part in text.split("\n")), default=0)
            if c <= len(widths):
                widths[c - 1] = max(widths[c - 1], longest)
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = min(width + 2, MAX_WIDTH)
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions


def _put(cell, text):
    """A whole number as a number; anything else as text (set after assignment: openpyxl would take a
    leading '=' as a formula)."""
    text = strip_controls(text)
    if _WHOLE_NUMBER.match(text):
        cell.value = int(text)
        return
    cell.value = text
    cell.data_type = "s"
    cell.number_format = "@"


def _sheet_name(name, taken):
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique regardless of case."""
    base = _BAD_SHEET_CHARS.sub(" ", name).strip().strip("'")[:31] or "table"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate
