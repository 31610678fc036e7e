"""The timeline as stored: events in date order, in chunks that a date window can skip.

A compiled layer keeps [id, first day, last day, tags] of every event, by date, in chunks of
CHUNK_SIZE rows, each chunk a part of its own with the lowest first day and highest last day of its
rows in the part's descriptor (see `model.split_parts`). `timeline --from 2026` over an overlay of
100,000 older events decodes one or two chunks, not the 100,000 rows.
"""
from .. import dates

CHUNK_SIZE = 256  # timeline rows per chunk


class Chunks:
    """Rows kept in order in consecutive chunks, each with the lowest start and highest end of its rows
    ([id, start, end, tags] for the timeline, by date), so a date window decodes only the chunks it
    overlaps: `timeline --from 2026` over 100,000 older events reads one or two chunks."""

    def __init__(self, ranges, load, blobs=None):
        self.ranges, self.load, self.blobs = ranges, load, blobs

    @classmethod
    def of(cls, rows, size=CHUNK_SIZE):
        """Chunks of rows (an iterable), each kept marshalled: a big overlay's compile holds bytes."""
        import itertools
        import marshal

        ranges, blobs, rows = [], [], iter(rows)
        while True:
            chunk = list(itertools.islice(rows, size))
            if not chunk:
                break
            ranges.append([min(r[1] for r in chunk), max(r[2] for r in chunk)])
            blobs.append(marshal.dumps(chunk))
        return cls(ranges, lambda i: marshal.loads(blobs[i]), blobs)

    def dumped(self, i):
        """Chunk `i` marshalled, as stored."""
        import marshal

        return self.blobs[i] if self.blobs is not None else marshal.dumps(self.load(i))

    def __eq__(self, other):
        return isinstance(other, Chunks) and self.ranges == other.ranges and list(self.rows()) == list(other.rows())

    __hash__ = None

    def rows(self, first=None, last=None):
        """Every row in order, skipping only chunks wholly before `first` or after `last`."""
        for i, (low, high) in enumerate(self.ranges):
            if (first and high < first) or (last and low > last):
                continue
            yield from self.load(i)


def timeline_row(ident, event):
    """[id, first day, last day, tags] of an event: what a timeline filters on."""
    return [ident, dates.start(event["date"]), dates.end(event.get("end") or event["date"]), event.get("tags") or []]


def event_indexes(events):
    """(event ids by date, {entity id: its event ids by date}, the timeline's Chunks) of an events table."""
    order = sorted(events, key=lambda i: (dates.sort_key(events[i]["date"]), i))
    entity_events = {}
    for ident in order:
        for entity in events[ident].get("entities") or []:
            entity_events.setdefault(entity, []).append(ident)
    return order, entity_events, Chunks.of(timeline_row(i, events[i]) for i in order)
