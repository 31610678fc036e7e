"""The knowledge base: plain records plus the indexes the queries need.

Records are plain dicts (as validated by `loader.py`), so the whole state can be cached with `marshal`
and dumped as JSON without conversion.
"""
from .. import dates

try:  # _collections_abc is loaded at start-up already; collections.abc costs an import
    from _collections_abc import Mapping
except ImportError:  # pragma: no cover
    from collections.abc import Mapping


DERIVED = ("search_index", "completion")  # made from the records, an overlay's when first read (derived.py)
LAZY_TABLES = ("sources", "entities", "events", "responsibilities", "icbs", "sub_icb_locations", "ccgs")
CORE_TABLES = ("sources", "entities", "events", "responsibilities", "meta")  # the rest are the systems tables
BUCKET_SIZE = 128  # a dictionary part with more than 16 buckets' worth of entries is split


class LazyTable(dict):
    """A table whose records stay marshalled bytes until first read.

    A run that shows one card out of hundreds decodes one record, not all of them.
    """

    __slots__ = ()

    def __getitem__(self, key):
        value = dict.__getitem__(self, key)
        if isinstance(value, bytes):
            import marshal

            value = marshal.loads(value)
            dict.__setitem__(self, key, value)
        return value

    def get(self, key, default=None):
        return self[key] if key in self else default

    def values(self):
        return [self[k] for k in self]

    def items(self):
        return [(k, self[k]) for k in self]


def bucket_of(key, buckets):
    import zlib

    return zlib.crc32(str(key).encode("utf-8", "surrogateescape")) % buckets


def split_parts(state):
    """The state as stored (see cache.py): (part name, marshalled bytes), one at a time.

    A big dictionary becomes a descriptor, its keys in order (`NAME#keys`) and buckets (`NAME#N`), so
    a lookup decodes one bucket; a small record table keeps each record marshalled on its own.
    """
    import marshal

    from .chunks import Chunks

    for name, value in state.items():
        if type(value) is bytes:  # marshalled already (see build_state)
            yield name, value
            continue
        if isinstance(value, Chunks):
            yield name, marshal.dumps(("chunked", len(value.ranges), value.ranges))
            for i in range(len(value.ranges)):
                yield f"{name}#{i}", value.dumped(i)
        elif isinstance(value, dict) and len(value) > 16 * BUCKET_SIZE:
            buckets = -(-len(value) // BUCKET_SIZE)
            split = [[] for _ in range(buckets)]  # keys only: one bucket's bytes are made at a time
            lazy = name in LAZY_TABLES  # records stay marshalled inside their bucket until read
            for key in value:
                split[bucket_of(key, buckets)].append(key)
            yield name, marshal.dumps(("bucketed", buckets, lazy))
            yield name + "#keys", marshal.dumps(list(value))
            for i, keys in enumerate(split):
                bucket = {k: _dumped(dict.__getitem__(value, k)) for k in keys} if lazy else {k: value[k] for k in keys}
                yield f"{name}#{i}", marshal.dumps(bucket)
        elif name in LAZY_TABLES:
            yield name, marshal.dumps({k: _dumped(v) for k, v in dict.items(value)})
        else:
            yield name, marshal.dumps(value)


def _dumped(record):
    """A record marshalled: one still marshalled (in a LazyTable: read raw) as it is."""
    import marshal

    return record if type(record) is bytes else marshal.dumps(record)


class BucketDict(Mapping):
    """A read-only dictionary stored in buckets: a lookup decodes one bucket, iteration all of them."""

    def __init__(self, state, name, buckets, lazy=False):
        self._state, self._name, self._buckets, self._loaded, self._keys = state, name, buckets, set(), None
        self._lazy = lazy
        self._seen = {}  # every entry of the buckets decoded so far: later lookups are one dict hit

    def _bucket(self, key):
        i = bucket_of(key, self._buckets)
        if i not in self._loaded:
            self._seen.update(self._state.part(self._name, i, self._buckets))
            self._loaded.add(i)

    def __getitem__(self, key):
        try:
            value = self._seen[key]
        except KeyError:
            self._bucket(key)
            value = self._seen[key]
        if self._lazy and type(value) is bytes:
            import marshal

            value = self._seen[key] = marshal.loads(value)
        return value

    def __contains__(self, key):
        if key not in self._seen:
            self._bucket(key)
        return key in self._seen

    def get(self, key, default=None):
        return self[key] if key in self else default

    def _ordered(self):
        if self._keys is None:
            self._keys = self._state.part(self._name, "keys", self._buckets)
        return self._keys

    def __iter__(self):
        return iter(self._ordered())

    def __len__(self):
        return len(self._ordered())


class CompiledState:
    """The state of a compiled file, part by part. If a part turns out corrupt, the layer is compiled
    again (`rebuild()`, which also rewrites the file) and every later read comes from that."""

    def __init__(self, compiled, rebuild):
        self._compiled, self._rebuild, self._full = compiled, rebuild, None

    def __contains__(self, name):
        return name in (self._full if self._full is not None else self._compiled.parts)

    def __iter__(self):
        if self._full is not None:
            return iter(self._full)
        return iter([name for name in self._compiled.parts if "#" not in name])

    def __getitem__(self, name):
        from .cache import CacheMiss

        if self._full is None:
            try:
                value = self._compiled.load(name)
                if type(value) is tuple:
                    if len(value) != 3 or value[0] not in ("bucketed", "chunked") or type(value[1]) is not int \
                            or value[1] < (1 if value[0] == "bucketed" else 0):
                        raise CacheMiss(name)
                    if value[0] == "chunked":
                        from .chunks import Chunks

                        ranges = value[2]
                        if type(ranges) is not list or len(ranges) != value[1] or not all(
                                type(r) is list and len(r) == 2 and type(r[0]) is str and type(r[1]) is str
                                for r in ranges):
                            raise CacheMiss(name)
                        return Chunks(value[2], lambda i: self.part(name, i, None))
                    return BucketDict(self, name, value[1], bool(value[2]))
                if name in PART_TYPES and type(value) is not PART_TYPES[name]:
                    raise CacheMiss(name)  # a file of another shape
                return value
            except CacheMiss:
                self._full = self._rebuild()
        if name not in self._full and name in DERIVED:  # a rebuilt overlay's: made when first read
            from .derived import derive

            self._full[name] = derive(KnowledgeBase(self._full), name)
        return self._full[name]

    def part(self, name, which, buckets):
        from .cache import CacheMiss

        if self._full is None:
            try:
                value = self._compiled.load(f"{name}#{which}")
                if type(value) is (list if which == "keys" or buckets is None else dict):
                    return value
            except CacheMiss:
                pass
            self._full = self._rebuild()
        whole = self._full[name]
        from .chunks import Chunks

        if isinstance(whole, Chunks):
            return whole.load(which)
        if which == "keys":
            return list(whole)
        return {k: v for k, v in whole.items() if bucket_of(k, buckets) == which}

    def get(self, name, default=None):
        return self[name] if name in self else default

    def raw(self, name):
        """A part's stored bytes, for a layer above that keeps it as it is (see layers.py); None when
        it is split into buckets or chunks, of another shape, or the file turned out corrupt."""
        from .cache import CacheMiss

        parts = self._compiled.parts
        if self._full is not None or f"{name}#keys" in parts or f"{name}#0" in parts:
            return None
        try:
            blob = self._compiled.raw(name)
        except CacheMiss:
            self._full = self._rebuild()
            return None
        if name in PART_TYPES and blob[:1] not in _TYPE_CODES[PART_TYPES[name]]:
            return None  # a file of another shape: the caller decodes the part, which rebuilds
        return blob


_TYPE_CODES = {dict: (b"{", b"\xfb"), list: (b"[", b"\xdb"), tuple: (b"(", b"\xa8", b")", b"\xa9")}  # marshal's, with FLAG_REF


PART_TYPES = dict({name: dict for name in LAZY_TABLES + ("index", "entity_events", "replaced_by",
                                                     "record_locations", "completion", "entity_names")},
                  event_order=list, search_index=list, timeline=tuple)


class KnowledgeBase:
    """Attribute access to the state's parts (kb.entities, kb.index, ...), decoded on first use. A
    DERIVED part the state lacks (an overlay's, until a run reads it) is made from the records and
    handed to `keep(name, value)`, which adds it to the layer's compiled file (see store.load)."""

    def __init__(self, state, keep=None):
        self.state, self.keep = state, keep

    def __getattr__(self, name):
        state = self.__dict__.get("state")
        if state is None or name.startswith("_"):
            raise AttributeError(name)
        if name not in state:
            if name not in DERIVED:
                raise AttributeError(name)
            from .derived import derive

            value = derive(self, name)
            if self.keep is not None:
                self.keep(name, value)
            setattr(self, name, value)
            return value
        value = state[name]
        if isinstance(value, bytes):
            import marshal

            value = marshal.loads(value)
        if name in LAZY_TABLES and type(value) is dict:
            value = LazyTable(value)
        setattr(self, name, value)
        return value

    @staticmethod
    def build_state(tables, base=None):
        """Derive the indexes once, at compile time, so they are cached with the data.

        `base` is (state, tables) of the layer below when compiling an overlay: what the overlay
        leaves untouched (the event and systems indexes) is taken from it, and the DERIVED parts are
        left to the first run that reads them.
        """
        import marshal

        from .chunks import event_indexes
        from .derived import entity_parts, search_rows
        from .layers import LocatedTable, fresh_ids, kept_part, stored_bytes, stored_table

        events = tables["events"]
        if base and fresh_ids(events) == set():  # the event indexes below hold
            below = KnowledgeBase(base[0])
            order, entity_events, timeline = below.event_order, below.entity_events, below.timeline
        else:
            order, entity_events, timeline = event_indexes(events)

        state = {"record_locations": {}}
        for name, table in tables.items():  # file:line locations matter only while validating an overlay
            if isinstance(table, LocatedTable):  # compiled on the layer below: its records stay marshalled
                state["record_locations"][name] = table.take_locations()
            else:
                locations = state["record_locations"][name] = {}
                for k, r in table.items():  # in place: a copy of a 100,000-record table costs memory
                    if "_loc" in r:
                        locations[k] = r.pop("_loc")
            state[name] = (base and kept_part(base[0], name, table)) or stored_table(name, table)
        state["record_locations"] = marshal.dumps(state["record_locations"])  # read only by an overlay's compile
        state["event_order"] = order
        state["entity_events"] = entity_events
        state["timeline"] = timeline
        state["index"], state["replaced_by"], state["entity_names"] = entity_parts(tables, base)
        systems_tables = [name for name in tables if name not in CORE_TABLES]  # all systems.build_indexes reads
        systems_kept = base and all(fresh_ids(tables[name]) == set() for name in systems_tables)
        if systems_kept:
            state.update({name: stored_bytes(base[0], name) or base[0][name] for name in base[0]
                          if name not in state and name not in DERIVED})
        else:
            from .systems_index import build_indexes

            state.update(build_indexes(tables))
        if not base:  # an overlay's are made when first read (see derived.py)
            from . import completion

            state["search_index"] = search_rows(KnowledgeBase(state))
            state["completion"] = completion.build(KnowledgeBase(state))  # what TAB offers, in one small part
        return state

    def cited_by(self):
        """{source id: [what cites it]}: entity ids, `event:ID`, `responsibility:ID`, and for the systems
        tables a count (`icbs: N records`), since hundreds of rows cite the same lookup file."""
        return self._citation_index()[0]

    def citing_record_counts(self):
        """{source id: number of records that cite it}, systems rows included."""
        return self._citation_index()[1]

    def _citation_index(self):
        if "_citations" not in self.__dict__:
            found, records = {}, {}
            for prefix, table in (("", self.entities), ("event:", self.events),
                                  ("responsibility:", self.responsibilities)):
                for ident, record in table.items():
                    for source in dict.fromkeys(iter_citations(record)):
                        found.setdefault(source, []).append(prefix + ident)
                        records[source] = records.get(source, 0) + 1
            for name in ("system_versions", "icbs", "sub_icb_locations", "ccgs"):
                counts = {}
                for record in getattr(self, name).values():
                    for source in dict.fromkeys(iter_citations(record)):
                        counts[source] = counts.get(source, 0) + 1
                for source, n in counts.items():
                    found.setdefault(source, []).append(f"{name}: {n} record{'s' if n != 1 else ''}")
                    records[source] = records.get(source, 0) + n
            self._citations = (found, records)
        return self._citations


def iter_citations(value):
    """Every source id cited anywhere inside a record."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "sources" and isinstance(inner, list):
                for cite in inner:
                    if isinstance(cite, dict) and "source" in cite:
                        yield cite["source"]
            else:
                yield from iter_citations(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from iter_citations(inner)


def __getattr__(name):
    """state_on and existed_on: the one model of time lives in lifecycle.py (imported when first asked
    for: `ics systems` never needs it); these names stay for the callers that use them."""
    if name in ("state_on", "existed_on"):
        from ..base import lifecycle

        value = globals()[name] = lifecycle.period_on if name == "state_on" else lifecycle.existed_on
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def item_in_force(item, day):
    return dates.in_period(day, item.get("from"), item.get("to"))
