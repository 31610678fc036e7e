"""Progress on standard error for long work (`ics map`): rows done, rows a second and, for a file, the
time left, as a rich progress bar that appears once a run has taken about a second.

`bar(stream, size)` gives the hook the work calls every so many rows (`hook(rows)`), or None when
standard error is not a terminal: then nothing is drawn and rich is not imported. The hook is a context
manager, so the bar goes away (and the terminal is left tidy) however the work ends.
"""
import sys
import time

DELAY = 1.0  # seconds of work before the bar appears: a quick run shows nothing


def bar(stream=None, size=None, stderr=None):
    """The progress hook for work reading `stream` (whose position, out of `size` bytes, says how far it
    has got), or None when standard error is not a terminal."""
    stderr = sys.stderr if stderr is None else stderr
    try:
        if not stderr.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return Progress(stream, size, stderr)


class Progress:
    def __init__(self, stream, size, stderr):
        self.stream, self.size, self.stderr = stream, size, stderr
        self.start, self.live, self.task = time.monotonic(), None, None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.live is not None:
            self.live.stop()
        return False

    def done(self):
        """How many bytes of the input have been read, if that can be known."""
        try:
            return self.stream.tell() if self.size else None
        except (OSError, ValueError, AttributeError):
            return None

    def __call__(self, rows):
        elapsed = time.monotonic() - self.start
        if elapsed < DELAY:
            return
        if self.live is None:
            self._begin()
        rate = f"{rows / elapsed:,.0f} rows/s" if elapsed else ""
        done = self.done()
        self.live.update(self.task, completed=done if done is not None else rows, rows=f"{rows:,}", rate=rate)

    def _begin(self):
        from rich.console import (
            Console,  # rich: only once a run on a terminal has taken a second
        )
        from rich.progress import (
            BarColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        columns = [TextColumn("ics map"), BarColumn(), TextColumn("{task.fields[rows]} rows"),
                   TextColumn("{task.fields[rate]}")]
        columns += [TimeRemainingColumn(), TextColumn("left")] if self.size else [TimeElapsedColumn()]
        self.live = Progress(*columns, console=Console(file=self.stderr), transient=True, refresh_per_second=5)
        self.task = self.live.add_task("map", total=self.size or None, rows="0", rate="")
        self.live.start()
