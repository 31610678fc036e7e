"""`ics map` on an Excel workbook (.xlsx): the first sheet, streamed, with the optional `excel` extra.

The rows come from base/xlsxread.py (every row and cell in the file, whatever size the sheet states,
within bounds that stop a zip bomb or a hostile file with one line). Output is an .xlsx workbook (when
`-o` names one: numbers, dates and text stay what they were, and an About sheet follows) or CSV text.
The summary says what a workbook's mapping does not carry over: the other sheets, formulas (their saved
values are read), formatting. Without openpyxl the user gets one line saying how to install it.
"""
import codecs
import itertools
import os
import stat

from ..base import xlsxread
from ..base.workbook import load_openpyxl
from ..errors import BadValue
from .mapahead import ahead
from .mapfile import MapError, find_column, run, skipped_note
from .maprows import cell_text, copy_rows
from .mapsinks import TextSink, WorkbookSink

ZIP, OLE2 = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
EXTENSIONS = (".xlsx", ".xlsm")
SHOWN_SHEETS = 5  # other sheets the summary names


def is_workbook(path):
    """Whether to read `path` as a workbook: by its content when it is a regular file (an .xlsx saved
    as export.csv is still one), else by its name; MapError for a directory, or a pipe named .xlsx."""
    try:
        info = os.stat(path)
    except OSError:
        return path.lower().endswith(EXTENSIONS)  # opening it says what is wrong
    if stat.S_ISDIR(info.st_mode):
        raise MapError(f"{path}: cannot read: it is a directory")
    if not stat.S_ISREG(info.st_mode):
        if path.lower().endswith(EXTENSIONS):
            raise MapError(f"{path}: not a regular file; a workbook is read from a file (save it first)")
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
    except OSError:
        return path.lower().endswith(EXTENSIONS)
    return head in (ZIP, OLE2) or path.lower().endswith(EXTENSIONS)


def _need_openpyxl():
    try:
        load_openpyxl()  # its number formats and dates read the cells
    except ImportError:
        raise MapError("reading .xlsx needs the optional 'excel' extra: pip install 'icscli[excel]' "
                       "(or save the sheet as CSV)") from None


def map_workbook(kb, path, out, column, day, split="all", strict=False, to_xlsx=False, about=None, excel=False,
                 weights="population", apportion=(), mapper=None, sheet=None, skip_rows=0, source_day=None):
    """Map `column` of the first sheet (or the sheet named `sheet`) of workbook `path`, its header on row
    skip_rows + 1; write an .xlsx to path `out` when to_xlsx (with an About sheet of `about(summary)`),
    else CSV text to the binary stream `out` (a UTF-8 byte-order mark first with excel=True). The rows
    skipped are named in the summary, not copied. `weights`, `apportion`, `mapper` and `source_day` as in
    mapfile.map_stream. Returns the summary (see mapfile.map_stream)."""
    _need_openpyxl()
    try:
        book = xlsxread.Workbook(path)
    except xlsxread.WorkbookError as exc:
        raise MapError(f"{path}: {exc}") from None
    with book:
        if sheet is not None and not book.select(sheet):
            raise BadValue(f"--sheet: no worksheet '{sheet}' in {path}; the sheets are: "
                           + ", ".join(f"'{name}'" for name in book.sheet_names))
        rows = _guarded(book.rows(), path)
        skipped = [[cell_text(v) for v in row] for row in itertools.islice(rows, skip_rows)]
        if len(skipped) < skip_rows:
            raise BadValue(f"--skip-rows: sheet '{book.sheet}' of {path} has only {len(skipped)} row(s)")
        header = [cell_text(v) for v in next(rows, None) or []]
        if not any(h.strip() for h in header):
            raise MapError(f"{path}: row {skip_rows + 1} of sheet '{book.sheet}', the header, is empty")
        idx = find_column(header, column, path)
        if not to_xlsx:
            rows = ([cell_text(v) for v in row] for row in rows)
        place = {"row": 1 + skip_rows}

        def sink():
            if to_xlsx:
                return WorkbookSink(out, value=lambda v: v)
            return TextSink(out, ",", "\r\n", "utf-8", codecs.BOM_UTF8 if excel else b"")

        def loop(mapper, sink):
            def counted():
                for row in rows:
                    place["row"] += 1
                    yield row

            rows_in, where = counted(), lambda: f"row {place['row']}"
            if getattr(mapper.mapper, "prefetch", None):
                rows_in, where, _ = ahead(rows_in, idx, mapper.mapper.prefetch, where=where)
            return copy_rows(rows_in, len(header), idx, mapper, sink, where)

        summary = {"file": path, "column": header[idx].strip(), "sheet": book.sheet}
        return run(kb, header, idx, day, split, strict, sink, about, summary, loop,
                   lambda: _skipped(skipped) + _notes(book, to_xlsx), weights, apportion, mapper, source_day)


def _guarded(rows, path):
    """The workbook's rows, its errors (found while they stream) as MapError naming the file."""
    try:
        yield from rows
    except xlsxread.WorkbookError as exc:
        raise MapError(f"{path}: {exc}") from None


def _skipped(rows):
    """The summary's words for the rows skipped before the header (not copied to the output)."""
    if not rows:
        return []
    return [skipped_note([" ".join(c.strip() for c in row if c.strip()) for row in rows], "row", "not copied")]


def _notes(book, to_xlsx):
    """What the mapping of a workbook does not carry over, for the summary."""
    others = [name for name in book.sheet_names if name != book.sheet]
    notes = [f"read sheet '{book.sheet}'"]
    if others:
        shown = ", ".join(f"'{name}'" for name in others[:SHOWN_SHEETS])
        more = f" and {len(others) - SHOWN_SHEETS} more" if len(others) > SHOWN_SHEETS else ""
        notes[0] += f"; not read: {len(others)} other sheet{'s' if len(others) > 1 else ''} ({shown}{more})"
    if book.formulas:
        notes.append(f"{book.formulas:,} formula{'s' if book.formulas != 1 else ''} read as the values saved with "
                     f"{'them' if book.formulas != 1 else 'it'}"
                     + (f", {book.formulas_without_value:,} with no saved value left empty"
                        if book.formulas_without_value else ""))
    if to_xlsx:
        notes.append("formatting is not carried over")
    return notes
