"""The parameter types of the commands: formats, partial dates, timeline tags and NHS England regions.

Each checks its value where click reads the command line, with the words the answers would use, and
offers shell completion where there is something to offer. A type the click-free fast path must read as
click does says how in `fast_kind` (cli/spec.py writes it into the interface; cli/fast.py reads it);
choices are click.Choice, which the spec describes by itself. Imports click and nothing heavy.
"""
import click

from .. import dates
from ..base.schema import TAGS
from .complete import complete_regions
from .errors import IcsUsageError

FORMAT_ALIASES = {"md": "markdown", "txt": "plain", "text": "plain"}
DATE_HELP = dates.USER_FORMS  # YYYY, YYYY-MM, YYYY-MM-DD, '1 July 2022', '1/7/2022' (day first) or 'today'


class FormatChoice(click.Choice):
    """A format name in any case, or an alias (md = markdown), returned as its canonical name."""

    def __init__(self, choices):
        super().__init__(choices, case_sensitive=False)

    def convert(self, value, param, ctx):
        if isinstance(value, str):
            value = FORMAT_ALIASES.get(value.strip().lower(), value.strip())
        return super().convert(value, param, ctx)

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import (
            CompletionItem,  # start-up speed: only a TAB needs it
        )

        return [CompletionItem(c) for c in self.choices if c.startswith(incomplete.lower())]


class PartialDate(click.ParamType):
    """A date as a user types it (DATE_HELP). Checked here, with the error an answer would give
    (`--as-of: '2019-13' has no month 13`); passed on as typed, for the answers read dates themselves
    (the MCP server hands them dates too) and `-f xlsx` records the command as it was typed. An empty
    value is no date, as before."""

    name = "date"
    fast_kind = ("date",)

    def convert(self, value, param, ctx):
        if value:
            try:
                dates.parse_user(value)
            except ValueError as exc:
                raise IcsUsageError(f"{param.opts[0] if param else 'date'}: {exc}") from None
        return value


class TagChoice(click.Choice):
    """A timeline tag in any case, returned in lower case; a wrong one lists them all."""

    def __init__(self):
        super().__init__(TAGS, case_sensitive=False)

    def convert(self, value, param, ctx):
        tag = value.strip().lower()
        if tag not in self.choices:
            raise click.BadParameter(f"'{tag}' is not one of: {', '.join(self.choices)}", ctx, param,
                                     param_hint=param.opts[0] if param else None)
        return tag

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import (
            CompletionItem,  # start-up speed: only a TAB needs it
        )

        return [CompletionItem(t) for t in self.choices if t.startswith(incomplete.lower())]


class Region(click.ParamType):
    """An NHS England region, e.g. London. Which names exist depends on the data and the date, so the
    answer checks it (`ics systems` words its error as click's); completion offers the data's regions."""

    name = "region"
    fast_kind = ("string",)

    def convert(self, value, param, ctx):
        return value

    def shell_complete(self, ctx, param, incomplete):
        return complete_regions(ctx, param, incomplete)


DATE = PartialDate()
REGION = Region()
