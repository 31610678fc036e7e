"""The one workbook reader of `ics`: the rows of a workbook's (.xlsx) first sheet, streamed and bounded.

Read straight from the zip archive by expat, a part at a time, so nothing in the file is trusted:
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
import re
import zipfile
import zlib
from pyexpat import ExpatError, ParserCreate

MAX_PART = 1 << 30  # bytes: the uncompressed size of any part read (sheet, strings, styles, workbook)
# A part over RATIO_FLOOR bytes that its zip entry expands more than MAX_RATIO-fold is a zip bomb: a
# spreadsheet's XML expands some 5 to 20-fold; a flood of empty elements a thousand-fold, and costs
# minutes to parse (every element is a call).
RATIO_FLOOR, MAX_RATIO = 16 << 20, 200
MAX_TOKEN = 1 << 20  # bytes in one tag with its attributes
MAX_CELL = 32767  # characters in one cell: Excel's own limit
MAX_DEPTH = 64  # elements nested in one cell or shared string (a rich-text run's format is 4 deep)
MAX_STRINGS = 2 << 20  # strings in the shared-string table (kept in memory while the sheet is read)
MAX_STRING_CHARS = 1 << 28  # characters in the shared-string table, all its strings together
MAX_ROWS, MAX_COLUMNS = 1048576, 16384  # Excel's sheet size
CHUNK = 1 << 16
_REF = re.compile(r"([A-Z]{1,3})[0-9]+\Z")
_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")
_REFUSED = (b"<!DOCTYPE", b"<!--", b"<?")


class WorkbookError(ValueError):
    """The workbook cannot be read; the message is one line (without the file's name)."""


def _local(name):
    """A tag or attribute name without its prefix (x:c is c)."""
    return name[name.find(":") + 1:]


def _attr(attrs, name):
    return next((value for key, value in attrs.items() if _local(key) == name), None)


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
        self.sheet, self._sheet_part = worksheets[0]
        self.epoch_1904 = any(attrs.get("date1904", "").lower() in ("1", "true")
                              for name, attrs in found.items if name == "workbookPr")
        by_kind = {kind.rpartition("/")[2]: target for kind, target in relations.values()}
        self._strings_part, self._styles_part = by_kind.get("sharedStrings"), by_kind.get("styles")

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
        """The shared-string table (a list), within MAX_STRINGS strings of MAX_CELL characters."""
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
                custom[_int(attrs.get("numFmtId"))] = attrs.get("formatCode")
            elif name == "xf" and in_xfs:
                formats.append(_int(attrs.get("numFmtId")))
        codes = [custom.get(n, BUILTIN_FORMATS.get(n)) for n in formats]
        return ({i for i, code in enumerate(codes) if is_date_format(code)},
                {i for i, code in enumerate(codes) if is_timedelta_format(code)})

    def rows(self):
        """The first worksheet's rows, from row 1, as lists of values (see the module docstring)."""
        sheet = _Sheet(self._strings(), *self._styles(), self.epoch_1904)
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
        name = _local(name)
        if name in self.names:
            self.items.append((name, attrs))
            if len(self.items) > MAX_STRINGS:
                raise WorkbookError(f"more than {MAX_STRINGS:,} {name} elements")

    def end(self, name):
        if _local(name) in self.ends:
            self.items.append((_local(name), None))

    def text(self, data):
        pass


class _Item:
    """The text inside one shared string or cell, as it arrives: of its <t> elements (a string, or each
    rich-text run; never the phonetic guides, <rPh>) and of its <v> (a cell's value), bounded to MAX_CELL
    characters, with its elements nested at most MAX_DEPTH deep. `start`, `end` and `text` take the
    parser's calls inside the item; `end` says False when the item itself ends."""

    def __init__(self):
        self.open, self.t, self.v, self.length, self.where = [], [], [], 0, None

    def reset(self, where):
        self.open.clear()
        self.t.clear()
        self.v.clear()
        self.length, self.where = 0, where

    def place(self):
        return self.where if isinstance(self.where, str) else "row {}, column {}".format(*self.where)

    def start(self, name):
        self.open.append(name)
        if len(self.open) > MAX_DEPTH:
            raise WorkbookError(f"{self.place()} nests elements more than {MAX_DEPTH} deep")

    def end(self):
        if not self.open:
            return False
        self.open.pop()
        return True

    def text(self, data):
        top = self.open[-1] if self.open else None
        if top == "v":
            self.v.append(data)
        elif top == "t" and "rPh" not in self.open:
            self.t.append(data)
        else:
            return
        self.length += len(data)
        if self.length > MAX_CELL:
            raise WorkbookError(f"{self.place()} has more than {MAX_CELL:,} characters, over Excel's limit")


class _Strings:
    """Handler for the shared-string table."""

    def __init__(self):
        self.strings, self.ready, self.item, self.inside, self.length = [], [], _Item(), False, 0

    def start(self, name, attrs):
        name = _local(name)
        if self.inside:
            self.item.start(name)
        elif name == "si":
            if len(self.strings) >= MAX_STRINGS:
                raise WorkbookError(f"the shared-string table holds more than {MAX_STRINGS:,} strings")
            self.item.reset(f"shared string {len(self.strings)}")
            self.inside = True
        elif name == "sst" and (_int(attrs.get("uniqueCount")) or 0) > MAX_STRINGS:
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


class _Sheet:
    """Handler for a worksheet: finished rows go to `ready` (an int: that many empty rows first)."""

    def __init__(self, strings, dates, durations, epoch_1904):
        from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

        self.strings, self.dates, self.durations = strings, dates, durations
        self.epoch = MAC_EPOCH if epoch_1904 else WINDOWS_EPOCH
        self.ready, self.row, self.number, self.column = [], None, 0, 0
        self.cell, self.inside = _Item(), False
        self.formulas = self.formulas_without_value = 0

    def start(self, name, attrs):
        name = _local(name)
        if self.inside:
            self.cell.start(name)
            self.formula = self.formula or name == "f"
        elif name == "row":
            at = _row_number(attrs.get("r"), self.number)
            if at > self.number + 1:
                self.ready.append(at - self.number - 1)
            self.row, self.number, self.column = [], at, 0
        elif name == "c" and self.row is not None:
            self.column = _column(attrs.get("r"), self.column, self.number)
            self.cell.reset((self.number, self.column))
            self.inside, self.kind, self.style, self.formula = True, attrs.get("t", "n"), attrs.get("s"), False

    def end(self, name):
        if self.inside:
            if self.cell.end():
                return
            self.inside = False
            self.row.extend([None] * (self.column - 1 - len(self.row)))
            self.row.append(self._value())
            self.formulas += self.formula
            self.formulas_without_value += self.formula and self.row[-1] is None
        elif self.row is not None and _local(name) == "row":
            self.ready.append(self.row)
            self.row = None

    def text(self, data):
        if self.inside:
            self.cell.text(data)

    def _value(self):
        kind = self.kind
        if kind == "inlineStr":
            return "".join(self.cell.t) or None
        raw = "".join(self.cell.v)
        if raw == "":
            return None
        if kind == "s":
            index = _int(raw)
            if index is None or not 0 <= index < len(self.strings):
                raise WorkbookError(f"{self.cell.place()}: shared string '{raw[:20]}' is not in the table of "
                                    f"{len(self.strings):,}")
            return self.strings[index]
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "n":
            return self._number(raw, self.style)
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601

            try:
                return from_ISO8601(raw)
            except ValueError:
                return raw
        return raw  # "str" (a formula's text), "e" (an error such as #N/A), or unknown: the text as written

    def _number(self, raw, style):
        from openpyxl.utils.datetime import from_excel

        if _INTEGER.match(raw) and len(raw) < 300:
            number = int(raw)
        elif _DECIMAL.match(raw) and abs(float(raw)) != float("inf"):
            number = float(raw)
        else:
            return raw  # not a number after all: kept as written
        index = _int(style) if style else 0
        if index in self.dates:
            try:
                return from_excel(number, self.epoch, timedelta=index in self.durations)
            except (OverflowError, ValueError):
                return number  # a serial outside the dates a datetime holds: the number itself
        return number


def _not_a_workbook(path):
    """Why a file is not an .xlsx workbook, in one line."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE2 compound file
        return ("cannot read as an .xlsx workbook: this is an old .xls workbook or one protected by a "
                "password; save it as .xlsx (without a password) or as CSV")
    return "cannot read as an Excel workbook (not a zip archive)"


def _int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _row_number(text, previous):
    number = previous + 1 if text is None else _int(text)
    if number is None or number < 1:
        raise WorkbookError(f"the row after row {previous} has the number '{str(text)[:20]}'")
    if number <= previous:
        raise WorkbookError(f"row {number} comes after row {previous} (rows must be in order, each once)")
    if number > MAX_ROWS:
        raise WorkbookError(f"row {number:,} is past Excel's last row ({MAX_ROWS:,})")
    return number


def _column(ref, previous, row):
    """The column number of a cell (from its reference, or the next one), checked."""
    if ref is None:
        column = previous + 1
    else:
        match = _REF.match(ref.upper())
        if not match:
            raise WorkbookError(f"row {row} has a cell with the reference '{ref[:20]}'")
        column = 0
        for letter in match.group(1):
            column = column * 26 + ord(letter) - 64
    if column <= previous:
        raise WorkbookError(f"row {row}: cell {ref} comes after column {previous} (cells must be in order, "
                            "each once)")
    if column > MAX_COLUMNS:
        raise WorkbookError(f"row {row}: cell {ref or column} is past Excel's last column ({MAX_COLUMNS:,})")
    return column
