"""The hot loops of `ics map` on a file (mapfile.py): a text stream's lines, and the rows copied to the sink
with their added cells.

Lines are decoded and split a block at a time (`lines`), so the csv reader pulls each one without a
Python call. Rows go to the sink once per output row (a row of one line as that line's own text, a
block of them joined with their added cells at once); the added cells are worked out and serialised
once per distinct answer (`Answers`: many values share one, the LSOAs or postcodes of one area), and a
bounded cache by value saves asking the mapper again. Memory stays flat: every cache is bounded.
"""
import codecs
import collections
import io
import itertools
import operator

from ..errors import IcsError

CACHE_LIMIT = 200000  # distinct values kept with their answer
ANSWER_LIMIT = 20000  # distinct answers kept with their prepared cells (as many as mapsinks keeps serialised)
PROGRESS_EVERY = 5000  # rows between two calls of the progress hook (a bar on a terminal, cli/progress.py)
BLOCK = 1 << 16  # bytes decoded at a time
MAX_LINE = 1 << 20  # characters in one physical line: a longer one is not a table (/dev/zero, a binary)


class MapError(IcsError):
    """The file cannot be mapped as asked (encoding, a split area with --split error, --strict): exit 1.
    (mapfile.MapError: defined here, where the row loops raise it.)"""

    exit_code = 1


def lines(reader, raw):
    """Blocks of the physical lines of `raw` (as a text stream with newline='' reads them: each ends with
    LF, CRLF or CR as the file has it, untranslated), none longer than MAX_LINE: an endless line is an
    error, not a read that fills memory. Sets reader.exhausted when asked for a line past the last; when
    reader.end_line is set (copy_text), an empty line follows the last, and reader.eof_lines says how many
    lines came before it."""
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
                    number += 1
                    yield ["".join(carry)]
                if getattr(reader, "end_line", False):  # the csv reader makes it a row of its own, or part of
                    reader.eof_lines = number            # a quoted cell that the end of the file left open
                    yield [""]
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
        self.entries = {}  # the entries of `kept` alone, by the same identity

    def get(self, value, where, answer=None):
        """The entry for `value`, whose answer is `answer` when the caller has it."""
        mapper = self.mapper
        if answer is None:
            answer = mapper.mapper.map(value)
        entry = self.kept.get(id(answer))
        if entry is None:
            change, added, shares = mapper.cells(value, where(), answer)
            if len(self.kept) >= ANSWER_LIMIT:
                self.flush()
            entry = [change, self.prepare(added), 0, shares]
            self.kept[id(answer)] = (answer, entry)
            self.entries[id(answer)] = entry
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
            self.entries.clear()

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
    """copy_rows for the common case, a text file to text without --apportion: the rows read a block at
    a time (ROWS), and when the mapper looks values up in bulk (`prefetch`: postcodes), the block's new
    values answered at once. A row read from one line as wide as the header is written as that line's
    own text (kept by the reader in `recorded` until written), once for each output row, then its added
    cells, serialised once: the user's cells exactly as they were, with no work per cell. A row made to
    fit the header goes through the sink's csv writer; a row spanning lines (line breaks in a quoted
    cell) is quoted so that it stays one row. Errors name the row's first line."""
    from .mapsinks import spanning

    answers = Answers(mapper, sink.prepare)
    cache, write, writerow = {}, sink.write, sink.writer.writerow
    get, source, skipped, recorded = cache.get, reader.lines, len(reader.skipped), reader.recorded
    prefetch = getattr(mapper.mapper, "prefetch", None)
    answer_block = getattr(mapper.mapper, "answer_block", None)
    reader.end_line, reader.eof_lines = True, None  # an empty line after the last: see lines()
    rows_in = blanks = shown = 0
    size = ROWS * 10 if prefetch or answer_block else ROWS  # asked at once: the more a block holds, the less each costs
    pick, counts = operator.itemgetter(idx), collections.Counter()

    def one_by_one(block, starts, where, known, kept, bulk, before):
        """The block's rows one at a time (blank lines, rows narrower or wider than the header, rows
        spanning lines); returns the blank lines. A row of one line as wide as the header is written as
        its line's own text, as in a block read whole; a row made to fit the header is written anew."""
        blanks = 0
        for i, row in enumerate(block):
            fitted = len(row) != width
            if fitted:
                if not row:  # a blank line stays a blank line
                    write(sink.newline)
                    blanks += 1
                    continue
                row = fit(row, width, lambda i=i: where(i))
            value = row[idx]
            found = known(value)
            if found is None:
                found = answers.get(value, lambda i=i: where(i), bulk.get(value) if bulk else None)
                if kept is not cache or len(cache) < CACHE_LIMIT:
                    kept[value] = found
            found[2] += 1
            if starts is None or starts[i + 1] == starts[i] + 1:
                own = None if fitted else recorded[skipped + (starts[i] if starts else before + 1 + i) - 1
                                                   - reader.recorded_from].rstrip("\r\n")
                for suffix in found[1]:
                    if own is None:
                        writerow(row)
                    else:
                        write(own)
                    write(suffix)
            else:
                text = spanning(row, sink.delimiter)
                for suffix in found[1]:
                    write(text)
                    write(suffix)
        return blanks

    while True:
        before = source.line_num  # the line the previous block ended on
        block = kept = bulk = None  # the last block let go before the next is read
        block = list(itertools.islice(source, size))
        if not block:
            break
        ended = reader.eof_lines is not None and source.line_num > reader.eof_lines - skipped
        unclosed = ended and bool(block[-1])  # the end of the file, not a line end, ended the last row
        if ended:
            block.pop()  # the empty line after the last, or that unclosed row
        starts = None  # each row's first line, worked out when a row spans lines
        if unclosed or source.line_num - before - ended != len(block):
            starts = list(itertools.accumulate(map(_height, block), initial=before + 1))

        def where(i, starts=starts, before=before):
            return f"line {(starts[i] if starts else before + 1 + i) + skipped}"

        known, kept, bulk, founds = get, cache, None, None
        whole = starts is None and set(map(len, block)) == {width}  # each row one line, as wide as the header
        if answer_block and whole:  # every value answered at once, in row order (postcodes)
            values = list(map(pick, block))
            got = answer_block(values)
            founds = list(map(answers.entries.get, map(id, got)))
            try:
                at = _next_none(founds, 0)
                while at >= 0:  # answers new to `answers`, prepared in row order
                    founds[at] = answers.entries.get(id(got[at])) or answers.get(values[at], lambda at=at: where(at),
                                                                                 got[at])
                    at = _next_none(founds, at + 1)
            except BaseException:  # an error (a split area with --split error): row by row, up to its row
                kept = _entries(dict(zip(values, got)), answers)
                blanks += one_by_one(block, None, where, kept.get, kept, None, before)
                raise
        elif answer_block or prefetch:  # the block's values asked at once; their entries kept for this block
            values = [row[idx] for row in block if len(row) > idx]
            if answer_block:
                bulk = dict(zip(values, answer_block(values)))
            else:
                bulk = prefetch(list(set(values)))
            if bulk is not None:
                kept = _entries(bulk, answers)
                known = kept.get
        if whole and founds is None:
            founds = list(map(known, map(pick, block)))
            try:
                at = _next_none(founds, 0)
                while at >= 0:  # values new to the caches, asked in row order
                    value = block[at][idx]
                    found = known(value) or answers.get(value, lambda at=at: where(at),
                                                        bulk.get(value) if bulk else None)
                    if kept is not cache or len(cache) < CACHE_LIMIT:
                        kept[value] = found
                    founds[at] = found
                    at = _next_none(founds, at + 1)
            except BaseException:  # an error (a split area with --split error): row by row, up to its row
                blanks += one_by_one(block, None, where, known, kept, bulk, before)
                raise
        if whole:
            counts.update(map(_FIRST, founds))
            prepared = list(map(_SECOND, founds))
            answers.rows_out += sum(map(len, prepared))
            at = skipped + before - reader.recorded_from  # each row: its line's own text, then its cells
            own = map(str.rstrip, recorded[at:at + len(block)], itertools.repeat("\r\n"))
            if set(map(len, prepared)) == {1}:  # one output row each: in loops that run in C
                texts = [None] * (2 * len(block))
                texts[::2] = own
                texts[1::2] = map(_FIRST, prepared)
            else:  # a split area's rows: the line once for each part
                texts = []
                for line, suffixes in zip(own, prepared):
                    for suffix in suffixes:
                        texts += line, suffix
            write("".join(texts))
        else:
            blanks += one_by_one(block, starts, where, known, kept, bulk, before)
        done = skipped + source.line_num  # the lines read so far: let go
        del recorded[:done - reader.recorded_from]
        reader.recorded_from = done
        rows_in += len(block)
        if kept is not cache:  # the block's counts added up before its entries are let go
            entries = list(filter(None, kept.values()))
            answers.flush(dict(zip(map(id, entries), entries)).values())
        if unclosed:
            raise MapError(f"{reader.name}: {where(len(block))}: unclosed quote; the quoted cell runs to the end of "
                           "the file")
        if progress and rows_in // PROGRESS_EVERY > shown:
            shown = rows_in // PROGRESS_EVERY
            progress(rows_in)
    for change, n in counts.items():  # the rows of blocks read whole
        mapper.counts[change] += n
    return rows_in, blanks + answers.finish(cache)


def _next_none(founds, start):
    """The position of the next None in `founds` from `start`, or -1."""
    try:
        return founds.index(None, start)
    except ValueError:
        return -1


def _entries(bulk, answers):
    """{value: entry} for a block's answers {value: answer}: None where the answer is new to `answers`
    (the row loop prepares it, naming that row if it is an error)."""
    return dict(zip(bulk, map(answers.entries.get, map(id, bulk.values()))))


_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)
ROWS = 1000  # rows read at a time (ten times as many when their values are looked up at once)


def _height(row):
    """The lines a row read takes: one, and one more for each line end inside its cells."""
    return 1 + sum(c.count("\n") + c.count("\r") - c.count("\r\n") for c in row)


def fit(row, width, where):
    """A row as wide as the header: a short one padded with empty cells, empty cells past the header
    dropped; a cell with something in it past the header is an error (the added columns would stand
    under the wrong names)."""
    if len(row) < width:
        return list(row) + [""] * (width - len(row))
    if any(cell not in ("", None) for cell in row[width:]):
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
