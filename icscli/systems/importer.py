"""`ics import`: read a user's download of the ONSPD, the NSPL or an ONS LSOA lookup into a local
SQLite database, streaming, and say whether it is the official file.

A file is read once, as it comes: a CSV through a counting, hashing reader and `csv.reader`, a zip
member as a stream (never unpacked to disk), and the rows go to SQLite in one `executemany` over an
iterator, so memory does not grow with the file; a directory's rows go to its sector index too
(`sectors.py`), a small block at a time, as SQLite takes them. What the file is comes from its header, first row
and name (`onsfiles.py`); where the database goes and how it replaces the old one is the store's
(`store/imported.py`): a failed, interrupted or killed import leaves the previous database as it was.
A damaged file is an `ImportFailed` (exit 1) naming what was expected. Plain functions; no click.
"""
import codecs
import csv
import hashlib
import io
import itertools
import operator
import os
import sqlite3
import zipfile

from ..errors import IcsError
from ..store import imported
from . import onsfiles, postcode_text, sectors

MAX_LINE = 1 << 20  # bytes in one line: a longer one is not a CSV (a binary file, /dev/zero)
CHUNK = 1 << 20
BLOCK_ROWS = 500  # rows handed to the sector index at a time: a block small enough to stay in the CPU's cache

DIRECTORY_TABLE = ("postcodes", ("introduced", "terminated", "lsoa", "ward", "local_authority", "sub_icb", "icb",
                                 "region"))
LOOKUP_TABLE = ("lsoas", ("lsoa_name", "sub_icb", "sub_icb_ods", "sub_icb_name", "icb", "icb_ods", "icb_name",
                          "region", "region_ods", "region_name", "local_authority", "local_authority_name"))


class ImportFailed(IcsError):
    """The file cannot be imported: not one of the files `ics import` reads, truncated or damaged (exit 1)."""

    exit_code = 1


class _Counted(io.RawIOBase):
    """A binary stream that counts and hashes what passes through it, remembers its last byte, refuses a
    line longer than MAX_LINE, and reports progress now and then: all per chunk, never per row."""

    def __init__(self, raw, name, total, progress, hasher):
        super().__init__()
        self.raw, self.name, self.total, self.progress, self.hasher = raw, name, total, progress, hasher
        self.done, self.last, self.since_newline = 0, b"", 0

    def readable(self):
        return True

    def close(self):
        if not self.closed:
            self.raw.close()
        super().close()

    def readinto(self, buffer):
        count = self.raw.readinto1(buffer)  # what there is, up to a chunk: a pipe is read as it comes
        if count:
            chunk = bytes(buffer[:count])
            if self.hasher is not None:
                self.hasher.update(chunk)
            self.done += count
            self.last = chunk[-1:]
            at = chunk.rfind(b"\n")
            self.since_newline = self.since_newline + count if at < 0 else count - at - 1
            if self.since_newline > MAX_LINE:
                raise ImportFailed(f"{self.name}: a line longer than {MAX_LINE:,} bytes: not a CSV file")
            if self.progress is not None:
                self.progress(self.name, self.done, self.total)
        return count


class Source:
    """One CSV to read: a plain file, or a member of a zip (`hashed` False: the zip is hashed whole).
    `names`: the names that may carry the edition."""

    def __init__(self, label, opener, size, names, hashed=True):
        self.label, self.opener, self.size, self.names, self.hashed = label, opener, size, names, hashed
        self.hasher = None

    def rows(self, progress):
        """(header, first row or None, csv reader positioned after it, the counting stream)."""
        raw = self.opener()
        self.hasher = hashlib.sha256() if self.hashed else None
        counted = _Counted(raw, self.label, self.size, progress, self.hasher)
        try:
            return self._start(counted)
        except BaseException:
            counted.close()
            raise

    def _start(self, counted):
        buffered = io.BufferedReader(counted, CHUNK)
        if _guard(self.label, lambda: buffered.peek(3)[:3]) == codecs.BOM_UTF8:
            buffered.read(3)
        text = io.TextIOWrapper(buffered, encoding="utf-8", errors="strict", newline="")
        text._CHUNK_SIZE = CHUNK  # decode a megabyte at a time, not 8 KB: a tenth of the calls per row read
        reader = csv.reader(text)
        header = _guard(self.label, lambda: next(reader, None))
        if not header:
            raise ImportFailed(f"{self.label}: the file is empty: expected a CSV with a header row")
        first = _guard(self.label, lambda: next(reader, None))
        return header, first, reader, counted


def _guard(label, read):
    """Run one read, turning what a broken file raises into one line (ImportFailed)."""
    try:
        return read()
    except UnicodeDecodeError:
        raise ImportFailed(f"{label}: not UTF-8 text: expected the CSV as the ONS publishes it") from None
    except csv.Error as exc:
        raise ImportFailed(f"{label}: not a readable CSV ({exc})") from None
    except zipfile.BadZipFile as exc:
        raise ImportFailed(f"{label}: the zip is damaged ({exc}): download it again") from None
    except (EOFError, zlibError) as exc:
        raise ImportFailed(f"{label}: the zip is truncated or damaged ({exc or 'it ends early'}): download it again") from None
    except NotImplementedError:  # Deflate64, which Python's zipfile cannot read
        raise ImportFailed(f"{label}: the zip uses a compression method Python cannot read: unzip it and "
                           "import the CSV inside") from None


try:
    from zlib import error as zlibError
except ImportError:  # pragma: no cover - Python without zlib cannot read a zip at all
    zlibError = OSError


def sources(paths):
    """([Source], [(zip path, its SHA-256)]) for the paths given: CSV files (a pipe too: each is read
    once, from its start), zips (their whole-UK CSV, else their per-area CSVs, else their one CSV) and
    directories (their CSV files). ImportFailed naming what was expected otherwise."""
    found, zips = [], []
    for path in paths:
        if os.path.isdir(path):
            files = sorted(os.path.join(path, n) for n in os.listdir(path) if n.lower().endswith(".csv"))
            if not files:
                raise ImportFailed(f"{path}: a directory with no CSV files: expected the ONSPD or NSPL "
                                   "per-area CSVs (Data/multi_csv)")
            found += [Source(f, lambda f=f: _open(f), _size(f), [f]) for f in files]
            continue
        handle = _open(path)
        if _guard(path, lambda handle=handle: handle.peek(4)[:4]) == b"PK\x03\x04":
            handle.close()
            members, digest = _members(path)
            found += members
            zips.append((path, digest))
        else:
            size = os.fstat(handle.fileno()).st_size
            found.append(Source(path, lambda handle=handle: handle, size, [path]))
    return found, zips


def _size(path):
    try:
        return os.path.getsize(path)
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read: {exc.strerror or exc}") from None


def _open(path):
    try:
        return open(path, "rb")  # closed with the stream that reads it (_Counted.close)
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read: {exc.strerror or exc}") from None


def _members(path):
    """The Sources of a zip: the whole-UK CSV of an ONSPD or NSPL zip, else its per-area CSVs, else its
    one CSV; and the SHA-256 of the zip itself, which is the file as published."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(CHUNK), b""):
                digest.update(block)
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ImportFailed(f"{path}: not a complete zip file (it may be truncated): download it again") from None
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read: {exc.strerror or exc}") from None
    csvs = [i for i in archive.infolist() if i.filename.lower().endswith(".csv") and not i.is_dir()]
    whole = [i for i in csvs if "/" in i.filename and i.filename.rsplit("/", 2)[-2].lower() == "data"]
    areas = [i for i in csvs if "/multi_csv/" in i.filename.lower()]
    other = [i for i in csvs if not i.filename.lower().startswith(("documents/", "user guide/"))]
    chosen = whole if len(whole) == 1 else areas if areas else other if len(other) == 1 else None
    if not chosen:
        raise ImportFailed(f"{path}: a zip, but not one ics reads: expected the ONSPD or NSPL zip (holding "
                           "Data/<name>_UK.csv) or a zip holding one CSV file")
    label = os.path.basename(path)
    return [Source(f"{label}:{info.filename}", lambda info=info: archive.open(info), info.file_size,
                   [info.filename, path], hashed=False) for info in sorted(chosen, key=lambda i: i.filename)], digest


def import_files(kb, paths, progress=None):
    """Import the files at `paths` (one directory's files, or one lookup); returns what `ics import`
    reports: {'kind', 'label', 'edition', 'rows', 'files': [{'name', 'sha256'}], 'official', 'columns'}."""
    inputs, zips = sources(paths)
    first = inputs[0]
    opened = [(first, *first.rows(progress))]
    try:
        return _import(kb, inputs, zips, opened, progress)
    finally:
        for _, _, _, _, stream in opened:
            stream.close()  # a failed or interrupted import too: its files closed


def _import(kb, inputs, zips, opened, progress):
    first, header, row = opened[0][:3]
    try:
        layout = onsfiles.recognise(header, row, first.names + [n for s in inputs[1:] for n in s.names])
    except onsfiles.NotRecognised as exc:
        raise ImportFailed(f"{first.label}: {exc}") from None

    def fill(connection):
        rows, files = 0, []
        sector_index = sectors.Builder() if layout.kind != "lsoa-lookup" else None  # how map and postcode find them
        for index, source in enumerate(inputs):
            if index:
                opened.append((source, *source.rows(progress)))
            _, head, first_row, rest, stream = opened[-1]
            if [h.lower().lstrip("\ufeff") for h in head] != [h.lower() for h in layout.header]:
                raise ImportFailed(f"{source.label}: its columns differ from {first.label}'s: give files of one edition")
            rows += _load(connection, layout, source, first_row, rest, stream, not index, sector_index)
            stream.close()
            if source.hasher is not None:
                files.append({"name": source.label, "sha256": source.hasher.hexdigest()})
        index_code = None
        if sector_index is not None:
            _check_places(connection, sector_index)
            index_code = sector_index.write(connection)
        files += [{"name": path, "sha256": digest.hexdigest()} for path, digest in zips]
        edition = dict(layout.edition)
        if layout.kind != "lsoa-lookup" and not edition["date"]:
            newest = connection.execute("SELECT max(introduced) FROM postcodes").fetchone()[0] or ""
            edition["newest_postcode"] = f"{newest[:4]}-{newest[4:6]}" if len(newest) == 6 and newest.isdigit() else ""
        meta = {"kind": layout.kind, "label": edition["label"], "edition": edition, "rows": rows, "files": files,
                "columns": layout.names(), "official": official(kb, layout.kind, edition, files, rows)}
        if index_code:
            meta["sectors"] = index_code
        if layout.kind == "lsoa-lookup":  # does it stand in for a derived assignment (systems/lookupcheck.py)?
            from .lookupcheck import decide

            geography = "lsoa" + layout.columns["lsoa"][1].lower()[4:6]
            meta["stands_in"] = decide(kb, connection, geography, edition, meta["official"])
        return meta

    return imported.build(layout.kind, fill)


def _check_places(connection, sector_index):
    """The sector index finds each postcode's row by its place in the order the rows were added, which is
    SQLite's rowid in a new table only ever appended to: checked, so that no lookup can find a wrong row."""
    last, count = connection.execute("SELECT max(rowid), count(*) FROM postcodes").fetchone()
    if not last == count == sector_index.count:
        raise ImportFailed(f"the database's rows are not numbered in the order they were read ({last}, {count}, "
                           f"{sector_index.count}): import the file again")


def _duplicate(key):
    return ImportFailed(f"postcode {postcode_text.display(key)} is listed more than once: the files list each "
                        "postcode once (were the whole file and its per-area files both given?)")


def _load(connection, layout, source, first_row, rest, stream, create, sector_index=None):
    """Insert one source's rows, a block at a time, each block added to `sector_index` too (a directory's);
    returns how many. The first row was read to recognise the file."""
    table, fields = DIRECTORY_TABLE if layout.kind != "lsoa-lookup" else LOOKUP_TABLE
    key = "pcd" if table == "postcodes" else "lsoa"
    present = [f for f in fields if f in layout.columns]
    if create:  # a lookup's key is its primary key; the postcodes are found through the sector index
        unique = " PRIMARY KEY" if table == "lsoas" else " NOT NULL"
        connection.execute(f"CREATE TABLE {table} ({key} TEXT{unique}, {', '.join(f + ' TEXT' for f in fields)})")
    sql = f"INSERT INTO {table} ({key}, {', '.join(present)}) VALUES ({', '.join('?' * (len(present) + 1))})"
    rows = _rows(layout, present, first_row, rest, source.label)
    cursor = connection.cursor()

    def blocks():  # the rows a block at a time, each block given to the sector index before SQLite takes it
        for block in iter(lambda: list(itertools.islice(rows, BLOCK_ROWS)), []):
            sector_index.add(block, present)
            yield block

    try:
        _guard(source.label, lambda: cursor.executemany(
            sql, rows if sector_index is None else itertools.chain.from_iterable(blocks())))
    except IndexError:
        raise ImportFailed(f"{source.label}: line {rest.line_num} has fewer fields than the header: the file "
                           "is truncated or damaged") from None
    except sqlite3.IntegrityError:
        raise ImportFailed(f"{source.label}: line {rest.line_num} repeats an LSOA already read: a lookup "
                           "lists each LSOA once") from None
    except sectors.Duplicate as exc:
        raise _duplicate(exc.key) from None
    if stream.done and stream.last != b"\n" and table == "postcodes":
        raise ImportFailed(f"{source.label}: ends in the middle of a line: the file is truncated; download it again")
    return max(cursor.rowcount, 0)


def _rows(layout, present, first_row, rest, label):
    """An iterator of the tuples to insert: the key, then the present fields. A directory's 7-character
    postcode column is the key as it stands (checked on the first row); otherwise each key is made."""
    indexes = [layout.index(f) for f in present]
    if layout.kind == "lsoa-lookup":
        return _lookup_rows(layout, indexes, first_row, rest, label)
    seven = layout.index("postcode7")
    if seven is not None and (first_row is None or postcode_text.normalise(first_row[seven]) == first_row[seven]):
        pick = operator.itemgetter(seven, *indexes)
        return map(pick, _chain(first_row, rest))
    source = layout.index("postcode") if layout.index("postcode") is not None else seven
    pick = operator.itemgetter(*indexes) if len(indexes) > 1 else (lambda row: (row[indexes[0]],))

    def made():
        for row in _chain(first_row, rest):
            key = postcode_text.normalise(row[source])
            if key is None:
                raise ImportFailed(f"{label}: line {rest.line_num}: {row[source][:20]!r} is not a postcode")
            yield (key, *pick(row))

    return made()


def _lookup_rows(layout, indexes, first_row, rest, label):
    """A lookup's rows, each checked whole (33,000 rows: the checks cost nothing): the full width, and
    ONS codes where codes go, so a file cut short in its last line is refused."""
    width, lsoa, sub = len(layout.header), layout.index("lsoa"), layout.index("sub_icb")
    for row in _chain(first_row, rest):
        if len(row) != width or not _is_code(row[lsoa]) or not _is_code(row[sub]):
            raise ImportFailed(f"{label}: line {rest.line_num} is not a complete row of the lookup: the file is "
                               "truncated or damaged")
        yield (row[lsoa], *(row[i] for i in indexes))


def _is_code(text):
    return len(text) == 9 and text[0].isalpha() and text[1:].isdigit()


def _chain(first_row, rest):
    return rest if first_row is None else itertools.chain((first_row,), rest)


def official(kb, kind, edition, files, rows=None):
    """Whether a file is an official one whose published SHA-256 the data records (`official_files`):
    {'status': 'official', 'id', 'title', 'sources'} when a file's SHA-256 is one of them;
    'not-official' (with the records, and the rows they state where the file has others) when the data
    records the SHA-256 of this kind and edition and no file matches it; 'unknown' when it records none
    for this kind and edition."""
    records = [r for r in (getattr(kb, "official_files", None) or {}).values() if r["kind"] == kind]
    hashes = {f["sha256"] for f in files}
    for record in records:
        if record["sha256"] in hashes:
            return {"status": "official", "id": record["id"], "title": record["title"],
                    "sources": record.get("sources") or []}
    same = [r for r in records if _same_edition(r["edition"], edition.get("date") or "")]
    if same:
        stated = sorted({r["rows"] for r in same if r.get("rows") is not None and r["rows"] != rows})
        return {"status": "not-official", "ids": [r["id"] for r in same], "titles": [r["title"] for r in same],
                "rows_stated": stated, "sources": [c for r in same for c in r.get("sources") or []]}
    return {"status": "unknown"}


def _same_edition(recorded, found):
    """2026-04 and 2026 are the same edition as far as the file can tell; nothing is the same as ''."""
    return bool(recorded and found) and (recorded.startswith(found) or found.startswith(recorded))
