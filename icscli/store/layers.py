"""An overlay compiled on the compiled layer below, paying for what it adds, not for what it keeps.

The tables of the layer below stay marshalled record by record (`LocatedTable`): a record is decoded,
with its `file:line`, only when a check or an index reads it. Each table knows the ids the overlay set
(`fresh`), so the whole-data checks look only where an overlay can have made a problem
(`checks.records`), and a table, or a systems index, the overlay leaves alone is stored as the very
bytes the layer below stored (`kept_part`).
"""
from .model import LAZY_TABLES, KnowledgeBase, LazyTable

UNKNOWN_PLACE = "bundled data:0"


class LocatedTable(LazyTable):
    """A table of the layer below plus the overlay's records. A marshalled record gets its `_loc`
    (from the layer's record locations) when decoded, until `build_state` has taken the locations;
    `fresh` holds the ids the overlay set, `replaced` whether any of them was the layer below's."""

    __slots__ = ("locations", "fresh", "located", "replaced")

    def __init__(self, records, locations):
        dict.__init__(self, records)  # a dict subclass that keeps dict's iteration: its raw values are copied
        self.locations, self.fresh, self.located, self.replaced = locations, set(), True, False

    def __getitem__(self, key):
        value = dict.__getitem__(self, key)
        if type(value) is bytes:
            import marshal

            value = marshal.loads(value)
            if self.located:
                value["_loc"] = self.locations.get(key, UNKNOWN_PLACE)
            dict.__setitem__(self, key, value)
        return value

    def __setitem__(self, key, record):  # a record of the overlay
        if key not in self.fresh and dict.__contains__(self, key):
            self.replaced = True
        self.fresh.add(key)
        dict.__setitem__(self, key, record)

    def copy(self):
        return LocatedTable(self, self.locations)

    def take_locations(self):
        """{id: file:line} of every record, taking `_loc` out of the records read so far; records read
        from now on are the compiled state's and get none."""
        found = dict(self.locations)
        for key, record in dict.items(self):
            if type(record) is dict and "_loc" in record:
                found[key] = record.pop("_loc")
        self.located = False
        return found


def base_tables(state):
    """The validated tables of a compiled state, for an overlay to compile on (see `LocatedTable`).
    Tables stored record by record stay so; others (small ones, or a state compiled in this run) are
    copied with their locations."""
    from ..base.schema import RECORD_TYPES

    kb = KnowledgeBase(state)
    locations = kb.record_locations
    tables = {}
    for name in list(RECORD_TYPES) + ["meta"]:
        if name not in state:
            continue
        mine = locations.get(name, {})
        stored = state[name]
        if name in LAZY_TABLES and type(stored) is dict and all(type(r) is bytes for r in stored.values()):
            tables[name] = LocatedTable(stored, mine)
        else:
            tables[name] = LocatedTable({k: dict(r, _loc=mine.get(k, UNKNOWN_PLACE))
                                         for k, r in getattr(kb, name).items()}, mine)
    return tables


def fresh_ids(table):
    """The ids an overlay set in a table compiled on a validated layer, or None when every record
    must be checked (a table compiled from YAML alone)."""
    return table.fresh if isinstance(table, LocatedTable) else None


def added_ids(table):
    """The ids an overlay added to a table compiled on a validated layer, in table order (after every
    id below), when it replaced none of the layer below's records; else None."""
    if not isinstance(table, LocatedTable) or table.replaced:
        return None
    fresh = table.fresh
    return [ident for ident in table if ident in fresh] if fresh else []


def kept_part(below, name, table):
    """The bytes the layer below stored for a table the overlay left alone, else None."""
    if not isinstance(table, LocatedTable) or table.fresh:
        return None
    return stored_bytes(below, name)


def stored_bytes(below, name):
    """A part's bytes as stored in the layer below's compiled file, or None (not a compiled file, a
    part split into buckets or chunks, or a file found corrupt)."""
    raw = getattr(below, "raw", None)
    return raw(name) if raw is not None else None


def stored_table(name, table):
    """What `build_state` keeps of a table: record by record for the lazy ones, else a plain dict."""
    if isinstance(table, LocatedTable) and name not in LAZY_TABLES:
        return dict(table.items())
    return table
