"""Where the output goes, in one object: every terminal fact the commands act on.

`Terminal()` reads them when a command prints (not at import: a test runner swaps the streams): whether
standard output is a terminal, which format that asks for, and, for the terminal format, the rich
Console that decides the width (COLUMNS, else the terminal that output, error or input is), colour
(NO_COLOR, FORCE_COLOR, TERM=dumb) and the escape codes, as httpie's Environment does. The same object
says whether to page. cli/run.py asks it; nothing else in cli/ asks os, sys or shutil about the terminal.
rich is imported here only when a Console is asked for, that is for the terminal format.
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
        self._console = None

    @property
    def forced(self):
        """FORCE_COLOR asks for the terminal's colours whatever the output is (a pipe into `less -R`)."""
        return bool(self.environ.get("FORCE_COLOR")) and not self.environ.get("NO_COLOR")

    @property
    def default_format(self):
        """rich on a terminal (or with FORCE_COLOR), plain when piped or redirected."""
        return "rich" if self.is_tty or self.forced else "plain"

    def console(self, color=True):
        """The rich Console that draws the terminal format on this output. color=False: no escape codes
        at all (the terminal format written to a file)."""
        if self._console is None:
            from rich.console import (
                Console,  # rich: only the terminal format asks for a console
            )

            self._console = Console(file=self.stdout, highlight=False, markup=False, emoji=False,
                                    color_system="auto" if color else None, _environ=self.environ)
        return self._console

    def size(self):
        """(columns, lines): the Console's when there is one, else COLUMNS and LINES, else the terminal's,
        else 80 x 24."""
        if self._console is not None:
            return tuple(self._console.size)
        import shutil  # start-up speed: only a run that prints to a terminal asks its size

        return tuple(shutil.get_terminal_size((80, 24)))

    @property
    def width(self):
        """The width a table format wraps to: the terminal's when it is shown on one, else None."""
        return self.size()[0] if self.is_tty else None

    def too_long(self, text):
        """More rows than the terminal has: rows, not newlines, since a line wider than the terminal takes
        more than one row (a web address is never cut, and a table of another format may be wide)."""
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
    """The line without its escape codes: colours (CSI) and links (OSC 8) take no room on the screen."""
    if "\x1b" not in line:
        return line
    import re  # start-up speed: only coloured text needs it

    return re.sub(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b\x07]*(?:\x1b\\|\x07)", "", line)
