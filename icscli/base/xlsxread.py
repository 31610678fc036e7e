"""The one workbook reader of `ics`: the rows of a workbook's (.xlsx) first sheet, streamed and bounded.

Read straight from the zip archive by expat, a part at a time (the calls for a sheet's cells are in
xlsxcells.py, with the limits of a cell, a row and a sheet), so nothing in the file is trusted:
- the sheet's stated size (`<dimension>`) is ignored: every row and cell in the file comes back, a row
  missing from the file as an empty row, a missing cell as None;
- every part read has a bounded uncompressed size (MAX_PART) and, past RATIO_FLOOR, a bounded expansion
  from its compressed size (MAX_RATIO: a zip bomb is refused before it is read); no cell holds more
  than Excel's 32,767 characters (counted as the text arrives); no tag is longer than MAX_TOKEN bytes;
  no cell nests elements more than MAX_DEPTH deep; the shared-string table (held in memory) has at
  most MAX_STRINGS strings of MAX_STRING_CHARS characters in all; a sheet has at most Excel's 1,048,576
  rows and 16,384 columns;
- rows or cells out of order, or twice, are errors (a reader would otherwise keep one and drop the other);
- DOCTYPEs, comments and processing instructions, which spreadsheet programs do not write and which a
  parser holds whole in memory, are refused, as is a part that is not UTF-8.

Values: text as str, numbers as int or float, dates and times (by their cell style) as datetime values,
booleans as bool, error cells (#N/A) as their text. A formula gives the value saved with it; `formulas`
and `formulas_without_value` count them (one saved without a value reads as None). Every problem is a
WorkbookError with a one-line message. openpyxl (the `excel` extra) is used only for its number-format
and date helpers, imported when a workbook is read.
"""
import posixpath
import zipfile
import zlib
from pyexpat import ExpatError, ParserCreate

from .xlsxcells import Item, Sheet, WorkbookError, integer, local_name

MAX_PART = 1 << 30  # bytes: the uncompressed size of any part read (sheet, strings, styles, workbook)
# A part over RATIO_FLOOR bytes that its zip entry expands more than MAX_RATIO-fold is a zip bomb: a
# spreadsheet's XML expands some 5 to 20-fold; a flood of empty elements a thousand-fold, and costs
# minutes to parse (every element is a call).
RATIO_FLOOR, MAX_RATIO = 16 << 20, 200
MAX_TOKEN = 1 << 20  # bytes in one tag with its attributes
MAX_STRINGS = 2 << 20  # strings in the shared-string table (kept in memory while the sheet is read)
MAX_STRING_CHARS = 1 << 28  # characters in the shared-string table, all its strings together
CHUNK = 1 << 16
_REFUSED = (b"<!DOCTYPE", b"<!--", b"<?")


def _attr(attrs, name):
    return next((value for key, value in attrs.items() if local_name(key) == name), None)


class Workbook:
    """An open .xlsx file: `sheet_names`, `sheet` (the first worksheet's name), `rows()` (its rows as
    lists of values), and after reading `formulas` and `formulas_without_value`."""

    def __init__(self, path):
        try:
            self._zip = zipfile.ZipFile(path)
        except OSError as exc:
            raise WorkbookError(f"cannot read: {exc.strerror or exc}") from None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
            raise WorkbookError(_not_a_workbook(path)) from None
        self.formulas = self.formulas_without_value = 0
        try:
            self._open()
        except BaseException:
            self._zip.close()
            raise

    def close(self):
        self._zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _open(self):
        package = self._relations("_rels/.rels", "")
        book = next((target for kind, target in package.values() if kind.endswith("/officeDocument")),
                    "xl/workbook.xml")
        found = _Collect(("sheet", "workbookPr"))
        for _ in self._parse(book, found):
            pass
        relations = self._relations(posixpath.join(posixpath.dirname(book), "_rels",
                                                    posixpath.basename(book) + ".rels"), posixpath.dirname(book))
        sheets = [(attrs.get("name", ""), _attr(attrs, "id")) for name, attrs in found.items if name == "sheet"]
        worksheets = [(name, relations[rid][1]) for name, rid in sheets
                      if rid in relations and relations[rid][0].endswith("/worksheet")]
        if not worksheets:
            raise WorkbookError("the workbook has no worksheet")
        self.sheet_names = [name for name, _ in sheets]
        self._worksheets = worksheets
        self.sheet, self._sheet_part = worksheets[0]
        self.epoch_1904 = any(attrs.get("date1904", "").lower() in ("1", "true")
                              for name, attrs in found.items if name == "workbookPr")
        by_kind = {kind.rpartition("/")[2]: target for kind, target in relations.values()}
        self._strings_part, self._styles_part = by_kind.get("sharedStrings"), by_kind.get("styles")

    def select(self, name):
        """Read the worksheet called `name` (exactly, else the one name that matches it ignoring case and
        spaces at the ends) instead of the first; False when no worksheet is called that."""
        hits = [w for w in self._worksheets if w[0] == name] or \
            [w for w in self._worksheets if w[0].strip().lower() == name.strip().lower()]
        if len(hits) != 1:
            return False
        self.sheet, self._sheet_part = hits[0]
        return True

    def _relations(self, part, base):
        """{id: (type, target part)} of a relationships part (none when it is missing)."""
        if part not in self._zip.NameToInfo:
            return {}
        found = _Collect(("Relationship",))
        for _ in self._parse(part, found):
            pass
        relations = {}
        for _, attrs in found.items:
            target = attrs.get("Target", "")
            target = target[1:] if target.startswith("/") else posixpath.join(base, target)
            relations[attrs.get("Id")] = (attrs.get("Type", ""), posixpath.normpath(target))
        return relations

    def _parse(self, part, handler):
        """Feed one part to expat a chunk at a time, within the bounds; yields what the handler has
        made ready (`handler.ready`, emptied after each chunk)."""
        try:
            info = self._zip.getinfo(part)
        except KeyError:
            raise WorkbookError(f"the part {part} is missing") from None
        if info.file_size > MAX_PART:
            raise WorkbookError(f"{part} is {info.file_size:,} bytes uncompressed, over the limit of {MAX_PART:,}")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise WorkbookError(f"{part} expands {info.file_size // max(info.compress_size, 1):,}-fold (to "
                                f"{info.file_size:,} bytes): a zip bomb, not a spreadsheet's XML")
        parser = ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler, parser.EndElementHandler = handler.start, handler.end
        parser.CharacterDataHandler = handler.text
        run, tail, first = 0, b"", True
        try:
            with self._zip.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    if first:  # the XML declaration (<?xml ... ?>) is the one processing instruction
                        chunk, first = chunk.removeprefix(b"\xef\xbb\xbf"), False
                        if not chunk.lstrip().startswith(b"<"):
                            raise WorkbookError(f"{part} is not XML in UTF-8")
                        declaration = chunk.find(b"?>") + 2 if chunk.startswith(b"<?xml") else 0
                        if declaration == 1:
                            raise WorkbookError(f"{part} has an XML declaration longer than {CHUNK:,} bytes")
                        parser.Parse(chunk[:declaration], False)
                        chunk = chunk[declaration:]
                    last = chunk.rfind(b"<")
                    run = run + len(chunk) if last < 0 else len(chunk) - last - 1
                    if run > MAX_TOKEN:
                        raise WorkbookError(f"{part} has a tag longer than {MAX_TOKEN:,} bytes")
                    window = tail[-16:] + chunk
                    if any(refused in window for refused in _REFUSED):
                        raise WorkbookError(f"{part} has a DOCTYPE, a comment or a processing instruction, "
                                            "which workbooks do not have")
                    tail = chunk
                    parser.Parse(chunk, False)
                    yield from handler.ready
                    handler.ready.clear()
                parser.Parse(b"", True)
                yield from handler.ready
                handler.ready.clear()
        except ExpatError as exc:
            raise WorkbookError(f"{part} is not well-formed XML ({exc})") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
            raise WorkbookError(f"{part} is damaged or encrypted ({exc})") from None

    def _strings(self):
        """The shared-string table (a list), within MAX_STRINGS strings of Excel's 32,767 characters."""
        if not self._strings_part or self._strings_part not in self._zip.NameToInfo:
            return []
        strings = _Strings()
        for _ in self._parse(self._strings_part, strings):
            pass
        return strings.strings

    def _styles(self):
        """(date styles, duration styles): the cell-style numbers whose number format shows a date or
        time, and those that show a duration."""
        from openpyxl.styles.numbers import (
            BUILTIN_FORMATS,
            is_date_format,
            is_timedelta_format,
        )

        if not self._styles_part or self._styles_part not in self._zip.NameToInfo:
            return set(), set()
        found = _Collect(("numFmt", "xf", "cellXfs"), ends=("cellXfs",))
        for _ in self._parse(self._styles_part, found):
            pass
        custom, formats, in_xfs = {}, [], False
        for name, attrs in found.items:
            if name == "cellXfs":
                in_xfs = attrs is not None  # its start (attributes) or its end (None)
            elif name == "numFmt":
                custom[integer(attrs.get("numFmtId"))] = attrs.get("formatCode")
            elif name == "xf" and in_xfs:
                formats.append(integer(attrs.get("numFmtId")))
        codes = [custom.get(n, BUILTIN_FORMATS.get(n)) for n in formats]
        return ({i for i, code in enumerate(codes) if is_date_format(code)},
                {i for i, code in enumerate(codes) if is_timedelta_format(code)})

    def rows(self):
        """The first worksheet's rows, from row 1, as lists of values (see the module docstring)."""
        sheet = Sheet(self._strings(), *self._styles(), self.epoch_1904)
        try:
            for row in self._parse(self._sheet_part, sheet):
                if isinstance(row, int):  # rows the file leaves out: empty rows
                    for _ in range(row):
                        yield []
                else:
                    yield row
        finally:
            self.formulas, self.formulas_without_value = sheet.formulas, sheet.formulas_without_value


class _Collect:
    """Handler that keeps (name, attributes) of the named elements (and (name, None) at the end of
    those in `ends`), for the small parts: relationships, the workbook, the styles."""

    def __init__(self, names, ends=()):
        self.names, self.ends, self.items, self.ready = names, ends, [], []

    def start(self, name, attrs):
        name = local_name(name)
        if name in self.names:
            self.items.append((name, attrs))
            if len(self.items) > MAX_STRINGS:
                raise WorkbookError(f"more than {MAX_STRINGS:,} {name} elements")

    def end(self, name):
        if local_name(name) in self.ends:
            self.items.append((local_name(name), None))

    def text(self, data):
        pass


class _Strings:
    """Handler for the shared-string table."""

    def __init__(self):
        self.strings, self.ready, self.item, self.inside, self.length = [], [], Item(), False, 0

    def start(self, name, attrs):
        name = local_name(name)
        if self.inside:
            self.item.start(name)
        elif name == "si":
            if len(self.strings) >= MAX_STRINGS:
                raise WorkbookError(f"the shared-string table holds more than {MAX_STRINGS:,} strings")
            self.item.reset(f"shared string {len(self.strings)}")
            self.inside = True
        elif name == "sst" and (integer(attrs.get("uniqueCount")) or 0) > MAX_STRINGS:
            raise WorkbookError(f"the shared-string table says it holds {int(attrs['uniqueCount']):,} strings, "
                                f"more than {MAX_STRINGS:,}")

    def end(self, name):
        if self.inside and not self.item.end():
            self.strings.append("".join(self.item.t).replace("x005F_", ""))  # as openpyxl reads it
            self.length += self.item.length
            if self.length > MAX_STRING_CHARS:
                raise WorkbookError(f"the shared-string table holds more than {MAX_STRING_CHARS:,} characters")
            self.inside = False

    def text(self, data):
        if self.inside:
            self.item.text(data)


def _not_a_workbook(path):
    """Why a file is not an .xlsx workbook, in one line."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE2 compound file
        return ("cannot read as an .xlsx workbook: this is an old .xls workbook or one protected by a "
                "password; save it as .xlsx (without a password) or as CSV")
    return "cannot read as an Excel workbook (not a zip archive)"


