"""An imported ONS LSOA lookup read in place of a derived vintage of the places tables.

`ics import` keeps a user's ONS LSOA to sub-ICB location to ICB lookup in a database of its own
(store/imported.py). When its edition is that of a derived vintage (the April 2026 assignment) and its
contents check out, the importer records so in the import's meta (`stands_in`). The places tables
(store/places.py) then read the file's rows in place of the derived column: `translate` turns them into
rows of the code table, checking them against the bundled tables again as it goes, so a lookup that no
longer fits the data (after an update of ics) is set aside, not misread. Nothing here runs unless a
command reads an LSOA's area in a vintage; with nothing imported that costs one stat a process.
"""
import collections

from .. import dates
from ..base.safe import visible
from . import imported

KIND = "lsoa-lookup"
COLUMNS = ("lsoa", "sub_icb", "sub_icb_ods", "icb", "icb_ods", "region")
_STATE = {}


def lookup():
    """(the meta of the imported LSOA lookup, or None; a key that changes when the import does): read
    once a process and imports directory, and again after this process imports or removes one."""
    key = (imported.path_of(KIND), imported.generation())
    if _STATE.get("key") != key:
        meta = None
        try:
            connection = imported.connect(KIND)
        except imported.ImportUnreadable:
            connection = None  # `ics import --list` says what is wrong with it; the bundled data is read
        if connection is not None:
            try:
                meta = imported.meta_of(connection)
            finally:
                connection.close()
        _STATE.clear()
        _STATE.update(key=key, meta=meta)
    return _STATE["meta"], key


def chosen_for(meta, column):
    """Whether the import (its meta) was found fit, when it was imported, to stand in for vintage `column`."""
    use = (meta or {}).get("stands_in") or {}
    return use.get("vintage") == column and use.get("used") is True


def rows(connection=None):
    """The lookup's rows: (lsoa, sub_icb, sub_icb_ods, icb, icb_ods, region), None where the file has no
    such column. ImportUnreadable (or sqlite3.Error) when the database cannot be read."""
    own = connection is None
    if own:
        connection = imported.connect(KIND)
        if connection is None:
            raise imported.ImportUnreadable("the LSOA lookup is no longer imported")
    try:
        return connection.execute(f"SELECT {', '.join(COLUMNS)} FROM lsoas").fetchall()
    finally:
        if own:
            connection.close()


def _shown(text):
    text = "" if text is None else str(text)
    return f"'{visible(text[:20])}'" + ("..." if len(text) > 20 else "")


def _name(row):
    return f"{row[4]} ({row[3] or row[2]})"


def translate(found, column, date, areas, known, bundled):
    """({LSOA: area row of vintage `column`}, None) when the lookup's rows `found` fit the bundled tables;
    else (None, why not, in one plain sentence). Fit: every LSOA of the bundled table once and no other,
    each sub-ICB location one of the vintage's (ONS code) with its ODS code, ICB and region as the code
    table gives them (where the file has those columns), and as many LSOAs in each sub-ICB location as
    the bundled assignment `bundled` has (whose counts the build checked against the April 2026 counts
    of the reference, built from the ONS lookups)."""
    when = dates.human(date)
    locs = {r[2]: i for i, r in enumerate(areas) if r[0] == column and r[1] == "loc"}
    out, strangers = {}, []
    for lsoa, sub, sub_ods, icb, icb_ods, region in found:
        if lsoa not in known:
            strangers.append(lsoa)
            continue
        at = locs.get(sub)
        if at is None:
            return None, (f"LSOA {lsoa}: its sub-ICB location code {_shown(sub)} is not one of the {len(locs)} "
                          f"sub-ICB locations of {when}")
        wrong = _disagrees(areas, at, sub_ods, icb, icb_ods, region)
        if wrong:
            return None, f"LSOA {lsoa}: {wrong}"
        out[lsoa] = at
    if strangers:
        return None, (f"{len(strangers):,} of its LSOA codes are not 2021 LSOAs in England (the first: "
                      f"{_shown(strangers[0])})")
    if len(out) != len(known):
        first = min(set(known) - set(out))
        return None, (f"it lacks {len(known) - len(out):,} of the {len(known):,} LSOAs of England (the first "
                      f"missing: {first})")
    got, expected = collections.Counter(out.values()), collections.Counter(bundled.values())
    for at in sorted(set(got) | set(expected), key=lambda i: areas[i][3] or areas[i][2]):
        if got[at] != expected[at]:
            return None, (f"it places {got[at]:,} LSOAs in {_name(areas[at])} where the data's count for {when} "
                          f"is {expected[at]:,}")
    return out, None


def _disagrees(areas, at, sub_ods, icb, icb_ods, region):
    """Why a row's codes are not those the code table gives its sub-ICB location, or ''."""
    loc = areas[at]
    parent = areas[loc[5]] if loc[5] is not None else None
    top = areas[parent[5]] if parent and parent[5] is not None else None
    for given, have, what in ((sub_ods, loc[3], "ODS code"), (icb, parent and parent[2], "ICB"),
                              (icb_ods, parent and parent[3], "ICB's ODS code"),
                              (region, top and top[2], "NHS region")):
        if given and have and given.strip().upper() != have:
            return f"it gives sub-ICB location {loc[2]} the {what} {_shown(given)} where the data has {have}"
    return ""


def standing(meta, used):
    """What the output says about an imported lookup and a derived vintage: {'vintage', 'date', 'used',
    'reason', 'edition', 'imported', 'rows', 'sha256', 'fingerprint'}; `used`: (rows, reason) as read now."""
    use = dict((meta or {}).get("stands_in") or {})
    rows_now, reason_now = used if used else (None, None)
    if use.get("used") and rows_now is None:
        use.update(used=False, reason=reason_now or use.get("reason") or "")
    official = (meta.get("official") or {}).get("status")
    return dict(use, edition=meta["label"], imported=meta["imported"], rows=meta["rows"],
                sha256=[f["sha256"] for f in meta["files"]],
                fingerprint={"official": "verified", "not-official": "differs"}.get(official, "none published"))
