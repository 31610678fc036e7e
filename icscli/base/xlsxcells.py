"""The cells of a workbook's XML, for base/xlsxread.py: expat's calls for a worksheet (`Sheet`: rows
of values) and for one string or cell (`Item`: its text as it arrives), with the bounds that need no
more than one cell to check: Excel's 32,767 characters in a cell, its 1,048,576 rows and 16,384 columns,
elements nested at most MAX_DEPTH deep, rows and cells in order, each once.
"""
import re

MAX_CELL = 32767  # characters in one cell: Excel's own limit
MAX_DEPTH = 64  # elements nested in one cell or shared string (a rich-text run's format is 4 deep)
MAX_ROWS, MAX_COLUMNS = 1048576, 16384  # Excel's sheet size
_REF = re.compile(r"([A-Z]{1,3})[0-9]+\Z")
_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")


class WorkbookError(ValueError):
    """The workbook cannot be read; the message is one line (without the file's name)."""


def local_name(name):
    """A tag or attribute name without its prefix (x:c is c)."""
    return name[name.find(":") + 1:]


class Item:
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


class Sheet:
    """Handler for a worksheet: finished rows go to `ready` (an int: that many empty rows first)."""

    def __init__(self, strings, dates, durations, epoch_1904):
        from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

        self.strings, self.dates, self.durations = strings, dates, durations
        self.epoch = MAC_EPOCH if epoch_1904 else WINDOWS_EPOCH
        self.ready, self.row, self.number, self.column = [], None, 0, 0
        self.cell, self.inside = Item(), False
        self.formulas = self.formulas_without_value = 0

    def start(self, name, attrs):
        name = local_name(name)
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
        elif self.row is not None and local_name(name) == "row":
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
            index = integer(raw)
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
        index = integer(style) if style else 0
        if index in self.dates:
            try:
                return from_excel(number, self.epoch, timedelta=index in self.durations)
            except (OverflowError, ValueError):
                return number  # a serial outside the dates a datetime holds: the number itself
        return number


def integer(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _row_number(text, previous):
    number = previous + 1 if text is None else integer(text)
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
