"""The imported postcode directory's sector index: where each postcode is, one pair of arrays per
postcode sector, so that neither `ics map` nor `ics postcode` asks the database postcode by postcode.

A postcode's 7-character key (`postcode_text.normalise`) is its sector, the outward code and the inward
code's digit (`SW1A1`), and its unit, the inward code's two letters (`AA`). `ics import` writes, for each
sector, two arrays of 676 numbers, one per unit from AA to ZZ, 0 where the directory has no such
postcode: the number of its record (sub-ICB location and termination month, NUL between) in the
`records` table, which is all `ics map` needs; and its row's rowid in the `postcodes` table, which
`ics postcode` reads whole. `ics map` reads the record arrays of the sectors a block of values names,
once each (the UK has about 12,000 sectors, so what is kept is bounded however long the file is), and
finds each value's record with a few loops that run in C.

Only keys shaped as `postcode_text.is_shaped` says are indexed (seven characters, a sector of its
shape, a unit of two letters), so `ics map` and `ics postcode` answer the same postcodes, and a key
the directory lists twice stops the import (`Duplicate`).
"""
import collections
import itertools
import operator
import sys
from array import array
from itertools import repeat

from . import postcode_text

UNITS = 676  # AA to ZZ; an array read back has one more, a 0 for a value whose last two characters are not letters
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
UNIT = {a + b: i for i, (a, b) in enumerate((a, b) for a in _LETTERS for b in _LETTERS)}
BATCH = 500  # SQLite's limit on parameters is 999 in older builds
MAX_TYPED = 12  # characters in a sector as typed (`SW1A 1`, with a few spaces): a longer key is no sector
_SECTOR, _UNIT = operator.itemgetter(slice(None, -2)), operator.itemgetter(slice(-2, None))
# a row's 7-character key, and a key's sector (the outward code padded to four, and the digit) and unit
_KEY, _FIVE, _REST = operator.itemgetter(0), operator.itemgetter(slice(0, 5)), operator.itemgetter(slice(5, None))
_ALL_UNITS = range(UNITS + 1)  # the last: where a key whose unit is no AA-ZZ goes


class Duplicate(Exception):
    """A postcode listed twice in the rows of a directory (`key`: its 7-character key)."""

    def __init__(self, key):
        super().__init__(key)
        self.key = key


class Builder:
    """The sector index of a directory, built from its rows as `ics import` inserts them, a block at a
    time (no second pass over the table): `add` each block, then `write`. A row's place in the table
    (its rowid) is its number in the order added: the table is new and only ever appended to."""

    def __init__(self):
        self.arrays, self.numbers, self.pick, self.count = {}, {}, None, 0

    def add(self, rows, fields):
        """Index a block of the rows inserted: tuples of the 7-character key, then `fields` (names). A
        key is indexed under its first five characters (the outward code padded to four, and the digit)
        and its unit: a key of another length has no unit of two letters, and is not indexed.
        Duplicate when a key was added before."""
        if self.pick is None:
            at = [1 + fields.index(f) if f in fields else None for f in ("sub_icb", "terminated")]
            self.pick = operator.itemgetter(*at) if all(at) else lambda row: tuple(row[i] if i else "" for i in at)
        keys = list(map(_KEY, rows))
        if len(set(keys)) != len(keys):
            raise Duplicate(collections.Counter(keys).most_common(1)[0][0])
        records = list(map(self.pick, rows))
        numbers, arrays = self.numbers, self.arrays
        for record in set(records).difference(numbers):
            numbers[record] = len(numbers) + 1
        units = list(map(UNIT.get, map(_REST, keys), repeat(UNITS)))
        numbers = list(map(numbers.__getitem__, records))
        rowids = range(self.count + 1, self.count + 1 + len(rows))
        self.count += len(rows)
        at = 0
        for sector, run in itertools.groupby(map(_FIVE, keys)):  # a directory lists a sector's postcodes together
            end = at + len(list(run))
            found = arrays.get(sector)
            if found is None:  # a new sector: its arrays made at once (its keys are new: checked above)
                number_of, rowid_of = dict(zip(units[at:end], numbers[at:end])), dict(zip(units[at:end], rowids[at:end]))
                arrays[sector] = (array("I", map(number_of.get, _ALL_UNITS, repeat(0))),
                                  array("I", map(rowid_of.get, _ALL_UNITS, repeat(0))))
            else:
                held, places = found
                for i in range(at, end):
                    unit = units[i]
                    if places[unit] and unit < UNITS:
                        raise Duplicate(keys[i])
                    held[unit], places[unit] = numbers[i], rowids[i]
            at = end

    def write(self, connection):
        """Write the `sectors` and `records` tables, keeping the sectors of postcode shape (their outward
        code unpadded: `SW1A1`, `B11`); returns the record numbers' type code ('H' when fewer than
        65,536 records, else 'I'), which the import's meta keeps."""
        code = "H" if len(self.numbers) < 65536 else "I"
        connection.execute("CREATE TABLE records (id INTEGER PRIMARY KEY, record TEXT NOT NULL)")
        connection.executemany("INSERT INTO records VALUES (?, ?)", ((n, "\0".join(r)) for r, n in self.numbers.items()))
        connection.execute("CREATE TABLE sectors (sector TEXT PRIMARY KEY, units BLOB NOT NULL, rows BLOB NOT NULL) "
                           "WITHOUT ROWID")
        sectors = ((_sector_of(padded), found) for padded, found in self.arrays.items())
        connection.executemany("INSERT INTO sectors VALUES (?, ?, ?)", (
            (s, _bytes(array(code, held[:UNITS])), _bytes(places[:UNITS]))
            for s, (held, places) in sectors if postcode_text.is_shaped(s + "AA")))
        return code


def rowids(connection, keys):
    """{key: its row's rowid in the `postcodes` table} of the 7-character keys the directory holds
    (`ics postcode`: a query per 500 sectors, none per postcode)."""
    by_sector = {}
    for key in keys:
        if key and len(key) == 7 and key[5:] in UNIT:
            by_sector.setdefault(_sector_of(key), []).append(key)
    found = {}
    for part in _parts(sorted(by_sector)):
        for sector, blob in connection.execute(
                f"SELECT sector, rows FROM sectors WHERE sector IN ({', '.join('?' * len(part))})", part):
            places = array("I", blob)
            if sys.byteorder == "big":
                places.byteswap()
            for key in by_sector[sector]:
                if places[UNIT[key[5:]]]:
                    found[key] = places[UNIT[key[5:]]]
    return found


def _sector_of(key):
    """A 7-character key's sector as the index keys it (the outward code unpadded, then the digit:
    `SW1A1`, `B11`), from the key or its first five characters."""
    return key[:4].rstrip(" ") + key[4]


def _bytes(units):
    """An array as stored: little-endian on every machine."""
    if sys.byteorder == "big":
        units.byteswap()
    return units.tobytes()


class Sectors:
    """The sector index of an open directory, read as values ask for it: each sector read is kept as
    its array of record numbers, and `answer(record)` makes what a record stands for, once per record."""

    LIMIT = 50000  # sectors kept (real ones and absent ones asked for): emptied when more

    def __init__(self, connection, code, answer):
        self.connection, self.code, self.answer = connection, code, answer
        self.empty = array(code, bytes(array(code).itemsize * (UNITS + 1)))
        count = connection.execute("SELECT max(id) FROM records").fetchone()[0] or 0
        self.units, self.answers = {}, [None] * (count + 1)  # answers by record number; 0: none

    def answers_of(self, texts):
        """The answer of each value of `texts`, None where the directory has no such postcode. A value is
        found as typed when it is upper case and its only white space is spaces (`SW1A 1AA`, `SW1A1AA`);
        the caller asks again, in `postcode_text` form, for those not found."""
        kept = self.units
        sectors = list(map(_SECTOR, texts))
        found = list(map(kept.get, sectors))
        if None in found:  # sectors not read yet
            self._load(set(sectors))
            found = list(map(kept.get, sectors, repeat(self.empty)))
        units = map(UNIT.get, map(_UNIT, texts), repeat(UNITS))
        return list(map(self.answers.__getitem__, map(operator.getitem, found, units)))

    def load(self, texts):
        """Read the sectors `texts` name, for `answers_of` to come."""
        self._load(set(map(_SECTOR, texts)))

    def _load(self, asked):
        """Keep every sector of `asked` (as typed: a space in a key is ignored), reading those not kept
        yet, absent ones as `empty`; when that would keep more than LIMIT, what was kept is let go first.
        A key too long to be a sector is not kept (answers_of finds it absent)."""
        kept = self.units
        wanted = [w for w in asked.difference(kept) if len(w) <= MAX_TYPED]
        if len(kept) + len(wanted) > self.LIMIT:
            kept.clear()
            wanted = [w for w in asked if len(w) <= MAX_TYPED]
        found = {}
        keys = sorted({w.replace(" ", "") for w in wanted})
        for part in _parts(keys):
            found.update(self.connection.execute(
                f"SELECT sector, units FROM sectors WHERE sector IN ({', '.join('?' * len(part))})", part))
        arrays = {}
        for sector, blob in found.items():
            arrays[sector] = numbers = array(self.code, blob)
            if sys.byteorder == "big":
                numbers.byteswap()
        self._answer_records(set().union(*arrays.values()) if arrays else set())
        for numbers in arrays.values():
            numbers.append(0)
        for key in wanted:
            kept[key] = arrays.get(key.replace(" ", ""), self.empty)

    def _answer_records(self, numbers):
        """Make the answers of the records `numbers` not made yet."""
        answers = self.answers
        wanted = sorted(n for n in set(numbers) if n and answers[n] is None)
        for part in _parts(wanted):
            for number, record in self.connection.execute(
                    f"SELECT id, record FROM records WHERE id IN ({', '.join('?' * len(part))})", part):
                answers[number] = self.answer(record)


def _parts(items):
    return (items[start:start + BATCH] for start in range(0, len(items), BATCH))
