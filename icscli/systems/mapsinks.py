"""Where `ics map` writes its rows: delimited text on a binary stream, or a workbook, a row at a time.

Both take the same calls from the mapping loops (maprows.py): `header(columns of the input, added
columns)`, `prepare(added cells)` once per distinct answer (what `add` will need, serialised once),
`add(row, prepared)`, `blank()` (an empty input line) and `close()`. Neither holds more than a bounded
number of rows, so memory does not grow with the file.

The cells `ics map` adds come from the data (names, regions) and, with `--data`, from an overlay: in
text they go through `safe.neutralise_cell`, as every cell the render path writes does, so a name
cannot run as a formula when the file is opened in a spreadsheet. The input's own cells are written as
they were read. In a workbook every cell is typed by base/workbook.py (text stays text).
"""
import csv
import io

from ..base import workbook as xlsx
from ..base.safe import neutralise_cell, strip_controls

PREPARED_LIMIT = 20000  # distinct answers kept serialised (a bound on memory)
WIDTH_SAMPLE = 200  # rows read before a workbook's column widths are set (write-only sheets need them first)


class TextSink:
    """Rows as delimited text: each input row as its own line's text (maprows.copy_text, for a row read
    from one line as wide as the header) or else through csv.writer, then its added cells, serialised
    once per distinct value. `bom` (bytes) starts the output; `reader` is the
    mapfile.Reader of a text input (a row that ends on a later line than it starts holds line breaks),
    None when the rows come from a workbook (each row is then quoted as needed)."""

    def __init__(self, out, delimiter, newline, encoding, bom=b"", reader=None):
        if bom:
            out.write(bom)
        self.text = io.TextIOWrapper(out, encoding=encoding, newline="", write_through=False)
        if hasattr(self.text, "_CHUNK_SIZE"):  # text gathered 64 KB at a time before it is encoded (8 KB by
            self.text._CHUNK_SIZE = 1 << 16    # default): a tenth of the output's cost on a big file
        self.write = self.text.write
        self.writer = csv.writer(self.text, delimiter=delimiter, lineterminator="")
        self.suffix = io.StringIO()
        self.suffix_writer = csv.writer(self.suffix, delimiter=delimiter, lineterminator=newline)
        self.delimiter, self.newline, self.reader = delimiter, newline, reader
        self.prepared = {}

    def header(self, header, columns):
        self.write(spanning(header, self.delimiter))
        self.write(self._suffix(columns))

    def prepare(self, added):
        key = tuple(tuple(cells) for cells in added)  # many values share one answer (the LSOAs of an area)
        found = self.prepared.get(key)
        if found is None:
            found = [self._suffix([neutralise_cell(c) for c in cells]) for cells in added]
            if len(self.prepared) >= PREPARED_LIMIT:
                self.prepared.clear()
            self.prepared[key] = found
        return found

    def _suffix(self, cells):
        """`delimiter + cells + newline`, quoted as the csv module quotes."""
        self.suffix.seek(0)
        self.suffix.truncate()
        self.suffix_writer.writerow(cells)
        return self.delimiter + self.suffix.getvalue()

    def add(self, row, prepared):
        reader = self.reader
        spans = reader is None or reader.lines.line_num > reader.start
        for suffix in prepared:
            if spans:
                self.write(spanning(row, self.delimiter))
            else:
                self.writer.writerow(row)
            self.write(suffix)

    def blank(self):
        self.write(self.newline)

    notes = ()

    def close(self, about=None):
        """Flush what is written (also after an error: the rows before it are complete)."""
        if self.text is not None:
            self.text.flush()
            self.text.detach()
            self.text = None


def spanning(row, delimiter):
    """A row's cells as CSV text without its line ending, line breaks in cells quoted. (csv.writer
    quotes a cell for the characters of its own line ending only: the hot loop's writer, which has
    none, would leave such a cell bare and the row would fall apart into two.)"""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow(row)
    return buffer.getvalue()[:-2]


class WorkbookSink:
    """Rows into a workbook at `path`, streamed (openpyxl's write-only mode): a sheet "map" with a bold,
    frozen header and an auto-filter, its column widths taken from the first WIDTH_SAMPLE rows, then
    an About sheet. `value` turns an input cell into what the workbook holds (CSV text: a plain whole
    number as a number; a workbook's cells: themselves)."""

    def __init__(self, path, value=xlsx.document_value):
        self.path, self.value = path, value
        self.book = xlsx.Workbook()
        self.columns, self.sample, self.rows, self.dropped = None, [], 0, 0

    @property
    def notes(self):
        """What the summary must say: cells that lost control characters (a workbook's XML cannot hold
        most of them; base/workbook.py drops them all)."""
        if not self.dropped:
            return []
        cells = f"{self.dropped:,} cell{'s' if self.dropped != 1 else ''}"
        return [f"{cells} of the input held control characters, which the workbook leaves out"]

    def header(self, header, columns):
        self.columns = list(header) + list(columns)

    def prepare(self, added):
        return [[self.value(c) for c in cells] for cells in added]

    def add(self, row, prepared):
        values = [self.value(v) for v in row]
        for v in values:
            if v.__class__ is str and not v.isprintable() and strip_controls(v) != v:
                self.dropped += 1
        for cells in prepared:
            self._put(values + cells)

    def blank(self):
        self._put([])

    def _put(self, row):
        self.rows += 1
        if self.sample is None:
            self.book.add(row)
            return
        self.sample.append(row)
        if len(self.sample) >= WIDTH_SAMPLE:
            self._start()

    def _start(self):
        columns = [xlsx.document_value(str(c)) for c in self.columns]
        self.book.sheet("map", columns, xlsx.widths(self.columns, self.sample))
        for row in self.sample:
            self.book.add(row)
        self.sample = None

    def close(self, about=None):
        """Save the workbook, with About rows [(field, value)] as a second sheet (nothing is saved
        when `about` is None: the run failed)."""
        if about is None:
            self.book.discard()
            return
        if self.sample is not None:
            self._start()
        if self.rows:
            self.book.filter()
        about = [[field, value] for field, value in about]
        self.book.sheet("About", ["field", "value"], xlsx.widths(["field", "value"], about))
        for row in about:
            self.book.add([xlsx.document_value(v) for v in row])
        self.book.filter()
        self.book.save(self.path)
