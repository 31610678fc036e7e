"""Rows read ahead for a mapper that looks its values up in batches (postcodes in an imported directory,
places/mappostcodes.py) where maprows.copy_text (a text file to text, read a block at a time) does not
run: workbooks, --apportion. The row loop (maprows.copy_rows) is unchanged; it is handed the rows a
batch at a time, each batch's values given to the mapper's `prefetch` first, and where each row came
from is replayed as it is handed on, so errors and the text writer name the right line.
"""
AHEAD = 10000  # rows read ahead for batched look-ups: more sorted keys a batch read the directory closer together


class _Replay:
    """Stands in for the Reader when rows are read ahead: where each row handed on started and ended
    (TextSink reads `start` and `lines.line_num`; errors name `start`), or the `place` a workbook's row
    had."""

    def __init__(self, offset):
        self.start, self.line_num, self.offset, self.place = 1, 0, offset, None
        self.lines = self

    def where(self):
        return self.place if self.place is not None else f"line {self.start + self.offset}"


def ahead(rows, idx, prefetch, reader=None, where=None):
    """(rows, where, replay): the rows read AHEAD at a time, the values of column `idx` of each batch
    given to prefetch() first; where() and replay name the row handed on, not the one read last (from
    the text `reader`, or the workbook's `where()`)."""
    replay = _Replay(len(reader.skipped) if reader is not None else 0)

    def batches():
        batch = []
        for row in rows:
            if reader is not None:
                batch.append((row, reader.start, reader.lines.line_num))
            else:
                batch.append((row, 0, where()))
            if len(batch) >= AHEAD:
                yield from flush(batch)
                batch = []
        yield from flush(batch)

    def flush(batch):
        prefetch([row[idx] for row, _, _ in batch if len(row) > idx])
        for row, start, line in batch:
            if reader is not None:
                replay.start, replay.line_num = start, line
            else:
                replay.place = line
            yield row

    return batches(), replay.where, replay
