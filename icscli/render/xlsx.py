"""Excel workbooks (.xlsx): the one workbook writer of `ics`, with typed cells.

Every workbook `ics` writes goes through `base/workbook.Workbook`: the document workbooks (`--format xlsx`: one
sheet per table of the document plus an "About" sheet; the first sheet holds exactly the rows of the
command's CSV) and `ics map`'s workbooks (mapped rows, streamed, by systems/mapsinks.py).
Every cell goes through `_put`: a number, date or time stays one; any other value is written as text,
so text that starts with "=" stays text, never a formula. A document's cells are all text, so there a
plain whole number ("5", not "02" or "02Q") becomes a number, and codes such as 02Q and E54000071
survive as text.

openpyxl (the optional `excel` extra) is imported only by base/workbook.py (which writes workbooks) and
base/xlsxread.py (which reads them, with openpyxl's number-format and date helpers), and only when a
workbook is written or read.
"""
import re

from ..base.workbook import (  # noqa: F401  (the one writer; render.xlsx.Workbook)
    MAX_WIDTH,
    Workbook,
    document_value,
    load_openpyxl,
    widths,
)

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


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
        book.sheet(name, [document_value(str(c)) for c in columns], widths(columns, rows))
        for row in rows:
            book.add([document_value(v) for v in row])
        if rows:
            book.filter()
    book.save(path)


def _sheet_name(name, taken):
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique regardless of case."""
    base = _BAD_SHEET_CHARS.sub(" ", name).strip().strip("'")[:31] or "table"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate
