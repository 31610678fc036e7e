"""Where the output goes, in one object: every terminal fact the commands act on.

`Terminal()` reads them when a command prints (not at import: a test runner swaps the streams): whether
standard output is a terminal, its size, whether to colour and whether to page, as httpie's Environment
does. cli/run.py asks it for the default format, the width of plain text, colour and paging; nothing
else in cli/ asks os, sys or shutil about the terminal. No rich here: the rich renderer is imported only
by the rich format (render/terminal.py).
"""
import os
import sys

import click

from ..errors import BadValue


class Terminal:
    """The facts about standard output and the user's terminal settings, read once per command."""

    def __init__(self, stdout=None, environ=None):
        self.stdout = sys.stdout if stdout is None else stdout
        self.environ = os.environ if environ is None else environ
        self.is_tty = self.stdout.isatty()

    @property
    def default_format(self):
        """rich on a terminal, plain when piped or redirected."""
        return "rich" if self.is_tty else "plain"

    @property
    def color(self):
        """Colour on a terminal or with FORCE_COLOR; never with NO_COLOR or TERM=dumb."""
        env = self.environ
        return bool((self.is_tty or env.get("FORCE_COLOR")) and not env.get("NO_COLOR") and env.get("TERM") != "dumb")

    def size(self):
        """(columns, lines): COLUMNS and LINES, else the terminal's, else 80 x 24."""
        import shutil  # start-up speed: only a run that prints to a terminal asks its size

        return shutil.get_terminal_size((80, 24))

    @property
    def width(self):
        """The width plain text wraps to: the terminal's when it is shown on one, else None (no wrapping)."""
        return self.size().columns if self.is_tty else None

    def too_long(self, text):
        """More rows than the terminal has: rows, not newlines, since a line wider than the terminal takes
        more than one row (the layouts wrap to the width, but a table of another format may not)."""
        columns, lines = self.size()
        rows = 0
        for line in text.split("\n"):
            rows += 1 + max(0, len(_visible(line)) - 1) // max(1, columns)
        return rows > lines - 1

    def pages(self, text, no_pager=False):
        """Whether to show the text through a pager: on a terminal, too long for it, not turned off."""
        return self.is_tty and not no_pager and not self.environ.get("ICS_NO_PAGER") and self.too_long(text)

    def show(self, text, no_pager=False):
        """Print the text, through the pager when `pages` says so."""
        if self.pages(text, no_pager):
            self._check_pager()
            self.environ.setdefault("LESS", "-FRX")  # short output is not paged; the text stays after q
            click.echo_via_pager(text)
        else:
            self.stdout.write(text)
            self.stdout.flush()


    def _check_pager(self):
        """PAGER as click reads it (shell words); one it cannot split is a usage error, not a traceback.
        A PAGER naming no program is left to click, which then shows the text unpaged."""
        import shlex

        try:
            shlex.split(self.environ.get("PAGER", ""))
        except ValueError as exc:
            reason = str(exc)[:1].lower() + str(exc)[1:]
            raise BadValue(f"PAGER cannot be run: {reason} in {self.environ['PAGER']!r} (fix it, unset it or "
                           "give --no-pager)") from None


def _visible(line):
    """The line without its colour escape codes (they take no room on the screen)."""
    if "\x1b" not in line:
        return line
    import re  # start-up speed: only coloured text needs it

    return re.sub(r"\x1b\[[0-9;]*m", "", line)
