"""The places tables (`data/places/`): GP practices, PCNs, LSOAs and NHS trusts, read on first use.

tools/build_places.py writes them (data/places/README.md describes each column); the YAML layer holds
only their sources and dated vintages. Nothing here runs at start-up or when the YAML layer loads: only
the commands about practices, PCNs, LSOAs and trusts call these functions, and each file is read once
per process. `row` finds one row of a table without parsing the rest (every table is sorted by its
first column and a code is found by its line start), so `ics lsoa CODE` reads bytes and splits one line;
`rows` parses a whole table, for the practice and PCN searches, the tests and the re-coding of files.

The code table (`areas`, `chain`, `by_ods`) and `assignments(column)` (every LSOA of one lookup file with
its CCG or sub-ICB location, STP or ICB and region) are here, below the systems layer, so that re-coding a
file (systems/) can use them as the places queries (places/) do.
"""
import json
import os

from ..errors import DataError, Problem
from .files import bundled_data_dir

TABLES = ("lsoa11", "lsoa21", "practices", "trusts", "successions", "catchment")
_CACHE = {}


def places_dir():
    """data/places of the bundled data (worked out once for each value of ICS_BUNDLED_DATA)."""
    key = ("places_dir", os.environ.get("ICS_BUNDLED_DATA"))
    if key not in _DIRS:
        _DIRS[key] = os.path.join(bundled_data_dir(), "places")
    return _DIRS[key]


_DIRS = {}


def memo(name):
    """A dict kept with the tables (emptied with them when the data directory changes), for what the
    queries work out from them once per process."""
    _bytes("areas.json")
    return _CACHE.setdefault(("memo", name), {})


def _problem(name, message):
    return DataError([Problem(os.path.join(places_dir(), name), 0, "", message)])


def _bytes(name):
    """A file's bytes, once per process (and again if the data directory changes)."""
    where = places_dir()
    if _CACHE.get("dir") != where:
        _CACHE.clear()
        _CACHE["dir"] = where
    key = ("bytes", name)
    if key not in _CACHE:
        try:
            with open(os.path.join(places_dir(), name), "rb") as handle:
                _CACHE[key] = handle.read()
        except OSError as exc:
            raise _problem(name, f"cannot read the places data ({exc.strerror or exc}); "
                                 "run tools/build_places.py") from None
    return _CACHE[key]


def _json(name):
    key = ("json", name)
    if key not in _CACHE:
        try:
            _CACHE[key] = json.loads(_bytes(name))
        except ValueError as exc:
            raise _problem(name, f"not valid JSON: {exc}") from None
    return _CACHE[key]


def areas():
    """The code table: row n is [vintage, level, ONS code, ODS code, name, parent row, registered patients]."""
    return _json("areas.json")["areas"]


def pcns():
    """(PCN rows [vintage, code, name, patients], parts [PCN row, area row, patients or None])."""
    data = _json("pcns.json")
    return data["pcns"], data["pcn_parts"]


# --------------------------------------------------------------------------- the code table


def area(index):
    """One row of the code table as a record: its level, codes, name and (August 2026) registered patients."""
    vintage, level, ons, ods, name, _parent, patients = areas()[index]
    return {"level": level, "ods_code": ods or None, "ons_code": ons or None, "name": name,
            "patients": patients, "vintage": vintage}


def chain(index):
    """An area and the areas above it (its STP or ICB, then region), keyed by level (shared: do not change)."""
    known = memo("chain")
    if index not in known:
        out, at = {}, index
        while at is not None:
            row = areas()[at]
            out[row[1]] = area(at)
            at = row[5]
        known[index] = out
    return known[index]


def by_ods(vintage, level):
    """{ODS code: area row} of one level of one vintage (worked out once per process)."""
    known = memo("by_ods")
    if (vintage, level) not in known:
        known[(vintage, level)] = {r[3]: i for i, r in enumerate(areas())
                                   if r[0] == vintage and r[1] == level and r[3]}
    return known[(vintage, level)]


def by_ons_lad():
    """{ONS code: name} of the local authority districts (2022)."""
    known = memo("lads")
    if not known:
        known.update({r[2]: r[4] for r in areas() if r[1] == "lad"})
    return known


def area_rows(column):
    """{LSOA code: its area row in the code table} for one lookup vintage's column (`ccg2015` ...
    `loc2026`): the one bulk reader of where each LSOA was in a lookup file (once per process). Every
    reader of a whole vintage (re-coding a file, apportioning a split area, the tests) goes through here.
    Where an imported ONS lookup stands in for a derived vintage (`official_rows`), its rows are read."""
    official = official_rows(column)
    return official if official is not None else bundled_rows(column)


def bundled_rows(column):
    """{LSOA code: area row} as the bundled table gives a vintage (derived or not), once per process: the
    lines are split only as far as the vintage's column, the table's rows are not kept, and every vintage
    shares the one list of codes (`codes`), or the rows' codes where the rows are read already."""
    known = memo("area_rows")
    if column not in known:
        table = table_of(column)
        position = header(table)[column]
        parsed = _CACHE.get(("rows", table))
        if parsed is not None:  # already read whole (apportion.py): its codes shared
            known[column] = {cells[0]: int(cells[position]) for cells in parsed}
        else:
            lines = _bytes(table + ".tsv").decode("utf-8").split("\n")[1:]
            found = [int(line.split("\t", position + 1)[position]) for line in lines if line]
            known[column] = dict(zip(codes(table), found, strict=True))
    return known[column]


def table_of(column):
    """The LSOA table (`lsoa11` or `lsoa21`) that has a vintage's column."""
    return next(t for t in ("lsoa11", "lsoa21") if column in header(t))


def area_of(column, cells):
    """The area row of one LSOA's row of its table (`cells`) in a vintage: the imported lookup's where it
    stands in for the vintage, else the table's."""
    official = official_rows(column)
    return official[cells[0]] if official is not None else int(cells[header(table_of(column))[column]])


# --------------------------------------------------------------------------- an imported ONS lookup


def official_rows(column):
    """{LSOA code: area row} from the imported ONS LSOA lookup when it stands in for this (derived)
    vintage and still fits the bundled tables, else None. With nothing imported: one stat a process."""
    from . import lsoa_official

    meta, key = lsoa_official.lookup()
    if not lsoa_official.chosen_for(meta, column):
        return None
    found = _checked(column, meta, key)[0]
    if found is not None:
        memo("official_read")[column] = key
    return found


def official_read():
    """{vintage: its standing (`official_standing`)} for each vintage whose rows this process read from
    an imported ONS lookup: for a summary line to say so (`ics map`)."""
    from . import lsoa_official

    _meta, key = lsoa_official.lookup()
    return {column: official_standing(column) for column, at in memo("official_read").items() if at == key}


def _checked(column, meta, key):
    """(rows or None, why not) of the imported lookup for a vintage, once per import and process."""
    known = memo("official")
    if (key, column) not in known:
        known[(key, column)] = check_official(column, meta["stands_in"]["date"])
    return known[(key, column)]


def check_official(column, date, connection=None):
    """(the imported lookup's rows as {LSOA: area row of the vintage}, None) when they fit the bundled
    tables, else (None, why not): for the importer (on its new database) and for the readers."""
    import sqlite3

    from . import imported, lsoa_official

    try:
        found = lsoa_official.rows(connection)
    except (imported.ImportUnreadable, sqlite3.Error) as exc:
        return None, f"it cannot be read ({exc})"
    table = table_of(column)
    return lsoa_official.translate(found, column, date, areas(), set(codes(table)), bundled_rows(column))


def official_standing(column):
    """What the output says about where a derived vintage's rows come from when an LSOA lookup is
    imported for its date: None when none is (or it is for another edition); else the import's edition,
    date, fingerprint and whether it is read in place of the bundled rows (`used`) or why not (`reason`)."""
    from . import lsoa_official

    meta, key = lsoa_official.lookup()
    if not meta or ((meta.get("stands_in") or {}).get("vintage") != column):
        return None
    now = _checked(column, meta, key) if lsoa_official.chosen_for(meta, column) else None
    return lsoa_official.standing(meta, now)


def assignments(column):
    """{LSOA code: its areas keyed by level} for every row of the LSOA table that has this vintage's column
    (`ccg2015` ... `loc2026`): a whole lookup file at once, for the tests and for re-coding a column."""
    return {code: chain(at) for code, at in area_rows(column).items()}


# --------------------------------------------------------------------------- the tables


def header(table):
    """{column name: position} of a table."""
    key = ("header", table)
    if key not in _CACHE:
        data = _bytes(table + ".tsv")
        first = data[:data.find(b"\n")].decode("utf-8")
        _CACHE[key] = {name: i for i, name in enumerate(first.split("\t"))}
    return _CACHE[key]


FIND_BEFORE_INDEX = 16  # single look-ups scan the bytes; a caller that asks for more gets an index


def row(table, code):
    """The row (a list of text cells) whose first cell is `code`, or None; the rest is not parsed.

    The first few look-ups of a table search its bytes (a command asks for one to a few rows); after
    that the table's line positions are indexed once, so a caller asking for thousands stays fast."""
    if "\t" in code or "\n" in code:
        return None
    data = _bytes(table + ".tsv")
    key = ("index", table)
    index = _CACHE.get(key)
    if index is None:
        asked = _CACHE[("asked", table)] = _CACHE.get(("asked", table), 0) + 1
        if asked > FIND_BEFORE_INDEX:
            index = _CACHE[key] = _line_index(data)
    if index is not None:
        at = index.get(code)
        if at is None:
            return None
    else:
        at = data.find(b"\n" + code.encode("utf-8", "replace") + b"\t")
        if at < 0:
            return None
        at += 1
    end = data.find(b"\n", at)
    return data[at:end if end >= 0 else len(data)].decode("utf-8").split("\t")


def _line_index(data):
    """{first cell: offset of its line} for every row."""
    out, at = {}, data.find(b"\n") + 1
    while 0 < at < len(data):
        tab = data.find(b"\t", at)
        end = data.find(b"\n", at)
        if tab < 0 or end < 0:
            break
        out[data[at:tab].decode("utf-8")] = at
        at = end + 1
    return out


def rows(table):
    """Every row of a table (lists of text cells), in code order, without the header; once per process."""
    key = ("rows", table)
    if key not in _CACHE:
        lines = _bytes(table + ".tsv").decode("utf-8").split("\n")
        _CACHE[key] = [line.split("\t") for line in lines[1:] if line]
    return _CACHE[key]


def rows_where(table, column, value):
    """The rows whose `column` equals `value` (the file is scanned as text; rows are parsed only on a hit)."""
    position = header(table)[column]
    text = value.encode("utf-8")
    out = []
    for line in _bytes(table + ".tsv").split(b"\n")[1:]:
        if text in line:
            cells = line.decode("utf-8").split("\t")
            if cells[position] == value:
                out.append(cells)
    return out


def codes(table):
    """The first cell of every row (for suggestions), without parsing the rows."""
    key = ("codes", table)
    if key not in _CACHE:
        lines = _bytes(table + ".tsv").split(b"\n")[1:]
        _CACHE[key] = [line[:line.find(b"\t")].decode("utf-8") for line in lines if line]
    return _CACHE[key]
