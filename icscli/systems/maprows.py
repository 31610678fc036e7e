"""The hot loops of `ics map` on a file (mapfile.py): a text stream's lines, and the rows copied to the sink
with their added cells.

Lines are decoded and split a block at a time (`lines`), so the csv reader pulls each one without a
Python call. Rows go to the sink once per output row; the added cells are worked out and serialised
once per distinct answer (`Answers`: many values share one, the LSOAs or postcodes of one area), and a
bounded cache by value saves asking the mapper again. Memory stays flat: every cache is bounded.
"""
import codecs
import io

CACHE_LIMIT = 200000  # distinct values kept with their answer
ANSWER_LIMIT = 50000  # distinct answers kept with their prepared cells
PROGRESS_EVERY = 5000  # rows between two calls of the progress hook (a bar on a terminal, cli/progress.py)
BLOCK = 1 << 16  # bytes decoded at a time
MAX_LINE = 1 << 20  # characters in one physical line: a longer one is not a table (/dev/zero, a binary)
_ENDS = ("\n", "\r")


def lines(reader, raw):
    """Blocks of the physical lines of `raw` (as a text stream with newline='' reads them: each ends with
    LF, CRLF or CR as the file has it, untranslated), none longer than MAX_LINE: an endless line is an
    error, not a read that fills memory. Sets reader.exhausted when asked for a line past the last."""
    from .mapfile import MapError

    decode = codecs.getincrementaldecoder(reader.encoding)(errors="strict").decode
    read = getattr(raw, "read1", raw.read)
    carry, size, number = [], 0, 0  # the unfinished line's pieces

    def too_long(at):
        return MapError(f"{reader.name}: line {at} is longer than {MAX_LINE:,} characters; is this a CSV or TSV file?")

    while True:
        try:
            data = read(BLOCK)
        except OSError as exc:
            raise MapError(f"{reader.name}: cannot read: {exc.strerror or exc}") from None
        text = decode(data, final=not data)
        if not text:
            if not data:
                if carry:
                    yield ["".join(carry)]
                reader.exhausted = True
                return
            continue
        if "\n" not in text and "\r" not in text:  # no line ends here
            if carry and carry[-1].endswith("\r"):  # a CR line end, not the start of a CRLF
                number += 1
                yield ["".join(carry)]
                carry, size = [], 0
            carry.append(text)
            size += len(text)
            if size > MAX_LINE:
                raise too_long(number + 1)
            continue
        if carry:
            text = "".join(carry) + text
        found = io.StringIO(text, newline="").readlines()
        last = found[-1]
        if last.endswith("\n"):
            carry, size = [], 0
        else:  # unfinished, or a CR that a LF in the next block may follow
            carry, size = [found.pop()], len(last)
        if found:
            if len(found[0]) > MAX_LINE:
                raise too_long(number + 1)
            number += len(found)
            yield found
        if size > MAX_LINE:
            raise too_long(number + 1)


class Answers:
    """The prepared output of each distinct answer of the mapper: [change, prepared cells per output row,
    rows counted, shares], kept by the answer's identity (the answer itself is kept with it, so the
    identity is not reused while the entry lives). Bounded: when full, the counts are added to the
    mapper's and the entries let go. `rows_out` counts the output rows of the rows counted."""

    def __init__(self, mapper, prepare):
        self.mapper, self.prepare, self.kept, self.rows_out = mapper, prepare, {}, 0

    def get(self, value, where):
        mapper = self.mapper
        answer = mapper.mapper.map(value)
        entry = self.kept.get(id(answer))
        if entry is None:
            change, added, shares = mapper.cells(value, where(), answer)
            if len(self.kept) >= ANSWER_LIMIT:
                self.flush()
            entry = [change, self.prepare(added), 0, shares]
            self.kept[id(answer)] = (answer, entry)
        else:
            entry = entry[1]
        return entry

    def flush(self, entries=None):
        """Add the rows counted on each entry (all kept, or `entries`) to the totals and start them afresh
        (a value in the row loop's cache may still hold one and count on)."""
        counts = self.mapper.counts
        for entry in entries if entries is not None else [e for _, e in self.kept.values()]:
            counts[entry[0]] += entry[2]
            self.rows_out += entry[2] * len(entry[1])
            entry[2] = 0
        if entries is None:
            self.kept.clear()

    def finish(self, cache):
        """The output rows counted, every count added to the mapper's."""
        self.flush()
        self.flush({id(e): e for e in cache.values()}.values())
        return self.rows_out


def copy_rows(rows, width, idx, mapper, sink, where, progress=None):
    """Each row to the sink once per output row, with its added cells. `where()` names the current row
    for errors. Returns (rows in, rows out)."""
    answers = Answers(mapper, sink.prepare)
    cache, add, scale = {}, sink.add, mapper.scale
    rows_in = blanks = 0
    for row in rows:
        rows_in += 1
        if progress and not rows_in % PROGRESS_EVERY:
            progress(rows_in)
        if len(row) != width:
            if not row:  # a blank line stays a blank line
                sink.blank()
                blanks += 1
                continue
            row = fit(row, width, where)
        value = row[idx]
        if value.__class__ is not str:
            value = cell_text(value)
        found = cache.get(value)
        if found is None:
            found = answers.get(value, where)
            if len(cache) < CACHE_LIMIT:
                cache[value] = found
        found[2] += 1
        if scale is None:
            add(row, found[1])
        else:  # --apportion: the row's numbers times each part's share
            for cells, prepared in zip(scale(row, found[3]), found[1]):
                add(cells, [prepared])
    return rows_in, blanks + answers.finish(cache)


def copy_text(reader, width, idx, mapper, sink, progress=None):
    """copy_rows for the common case, a text file to text without --apportion, with the row's checks
    inline: a row read from one line is written by the sink's csv writer, then its added cells,
    serialised once; a row spanning lines (line breaks in a quoted cell) is quoted so that it stays
    one row."""
    from .mapfile import MapError
    from .mapsinks import spanning

    answers = Answers(mapper, sink.prepare)
    cache, write, writerow = {}, sink.write, sink.writer.writerow
    get, source = cache.get, reader.lines
    last = source.line_num  # the line the previous row ended on
    rows_in = blanks = 0
    every = PROGRESS_EVERY if progress else 0

    def where():
        return f"line {last + 1 + len(reader.skipped)}"

    for rows_in, row in enumerate(source, 1):
        if reader.exhausted:  # only the end of the file ended this row
            raise MapError(f"{reader.name}: {where()}: unclosed quote; the quoted cell runs to the end of the file")
        if every and not rows_in % every:
            progress(rows_in)
        if len(row) != width:
            if not row:
                write(sink.newline)
                blanks += 1
                last = source.line_num
                continue
            row = fit(row, width, where)
        found = get(row[idx])
        if found is None:
            found = answers.get(row[idx], where)
            if len(cache) < CACHE_LIMIT:
                cache[row[idx]] = found
        found[2] += 1
        if source.line_num == last + 1:
            for suffix in found[1]:
                writerow(row)
                write(suffix)
        else:
            text = spanning(row, sink.delimiter)
            for suffix in found[1]:
                write(text)
                write(suffix)
        last = source.line_num
    return rows_in, blanks + answers.finish(cache)


def fit(row, width, where):
    """A row as wide as the header: a short one padded with empty cells, empty cells past the header
    dropped; a cell with something in it past the header is an error (the added columns would stand
    under the wrong names)."""
    if len(row) < width:
        return list(row) + [""] * (width - len(row))
    if any(cell not in ("", None) for cell in row[width:]):
        from .mapfile import MapError

        raise MapError(f"{where()}: {len(row)} cells, but the header names {width} columns; give every column "
                       "a name in the header")
    return row[:width]


def cell_text(value):
    """A workbook cell's value as text: empty for None, a whole float without its '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
