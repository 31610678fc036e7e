"""The `ics` command line: the group, and the one table of its commands. Kept thin on purpose.

Each command is a module-level click command in its own module of cli/ (reference.py, systems.py, places.py,
map.py, export.py, mcp.py, tools.py); COMMANDS below adds them to the group, in the order of `ics
--help`. The options they share are in options.py, the parameter types in types.py, loading the data
and printing in run.py, the terminal's facts in terminal.py and the error line in errors.py. A command
that prints a document answers through answers/commands.py, the table the fast path (fast.py) and the
MCP server read too. A new command: its module here, its line in COMMANDS (and, if it prints a document,
its entry in answers/commands.py and its view).

Only click is imported at start-up; rich, tabulate and yaml are imported by the format or the cache
rebuild that needs them.
"""
import errno
import gc
import os
import sys

import click

from ..base.version import __version__
from ..dates import human
from ..errors import IcsError
from ..render import TABULATE_FORMATS
from . import export, imports, map, mcp, places, reference, run, systems, tools
from .errors import IcsUsageError, error_line

EXIT_CODES_HELP = ("Exit codes: 0 success, 1 data problem (broken YAML, a file that cannot be imported), 2 usage "
                   "problem or unknown term.")
FORMATS_HELP = ("Formats (-f, any case; ICS_FORMAT sets a default): rich, plain, markdown (md), json, csv, tsv, "
                "the table formats " + ", ".join(TABULATE_FORMATS) + "; and xlsx, a workbook (with -o FILE).")


class ScreenFormatter(click.HelpFormatter):
    """Help wrapped at the terminal's real width: click's own never goes below 50 columns, so a narrower
    terminal broke its words."""

    def __init__(self, indent_increment=2, width=None, max_width=None):
        if width is None:
            import shutil  # start-up speed: only help asks the terminal's width

            width = max(min(shutil.get_terminal_size().columns, max_width or 80) - 2, 20)
        super().__init__(indent_increment, width, max_width)

    def write_text(self, text):
        """As click's, but an example line too wide for the terminal ('ics explain icb   what an ICB
        is', kept as typed by \\b) gives its description a line of its own, under the command."""
        import textwrap  # start-up speed: only help needs it

        lines = []
        for line in text.split("\n"):
            command, gap, what = line.strip().partition("   ")
            if len(line) + self.current_indent > self.width and not gap and command.startswith("ics "):
                lines += self._continued(line)  # an example too wide: continued on the next line, as a shell reads it
                continue
            if len(line) + self.current_indent <= self.width or not gap:
                lines.append(line)
                continue
            margin = line[: len(line) - len(line.lstrip())]
            lines.append(margin + command)
            lines += textwrap.wrap(what.strip(), max(10, self.width - self.current_indent - len(margin) - 4),
                                   initial_indent=margin + "    ", subsequent_indent=margin + "    ")
        super().write_text("\n".join(lines))


    def _continued(self, line):
        """A command line cut between its words (a quoted argument kept whole) into lines that end in
        ' \\', the next ones indented, so that it still runs when pasted into a shell."""
        import re  # start-up speed: only help needs it

        margin = line[: len(line) - len(line.lstrip())]
        room = max(20, self.width - self.current_indent - 2)
        out, current = [], margin
        for word in re.findall(r"(?:\"[^\"]*\"|'[^']*'|\S)+", line):
            if current.strip() and len(current) + 1 + len(word) > room:
                out.append(current + " \\")
                current = margin + "    " + word
            else:
                current = (current + " " + word) if current.strip() else margin + word
        return out + [current]

    def write_dl(self, rows, col_max=30, col_spacing=2):
        """As click's, but where the descriptions would get fewer than DL_LEAST columns beside the terms (a
        narrow terminal), each term has a line of its own and its description is wrapped under it."""
        rows = list(rows)
        first = min(max((len(term) for term, _ in rows), default=0), col_max) + col_spacing
        if self.width - self.current_indent - first >= DL_LEAST:
            return super().write_dl(rows, col_max, col_spacing)
        import textwrap  # start-up speed: only help needs it

        indent = self.current_indent + 4
        for term, text in rows:
            self.write(" " * self.current_indent + term + "\n")
            for line in textwrap.wrap(text or "", max(10, self.width - indent), break_long_words=False):
                self.write(" " * indent + line + "\n")
        return None


DL_LEAST = 24  # columns a description needs beside its option to read as text


class IcsContext(click.Context):
    formatter_class = ScreenFormatter


class IcsGroup(click.Group):
    context_class = IcsContext

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Click's standalone handling, except that every error is shown by error_line."""
        if "_ICS_COMPLETE" in os.environ:  # the shell asks for completions: ics's own quoting
            from .complete import register

            register()
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # bare `ics`: the help, on stdout, and success
            click.echo(exc.ctx.get_help())
            sys.exit(0)
        except click.ClickException as exc:
            click.echo(error_line(exc), err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("ics: error: aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def format_commands(self, ctx, formatter):
        """Each command's whole first sentence, wrapped, rather than cut at a fixed width."""
        rows = [(name, command.get_short_help_str(limit=1000)) for name in self.list_commands(ctx)
                for command in [self.get_command(ctx, name)] if command is not None and not command.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx):
        """Run the command; a domain error becomes a click error here, at the edge.

        The cyclic garbage collector is off while a command runs, as on the fast path: what it could
        find is the loaded data and the document, in use until the command ends. In a fresh process
        that changes little; in one that holds much else (a program or test suite calling commands
        in its own process) each pass walks all of it: the test suite spent a tenth of its CPU there.
        It is left as it was found; `ics mcp` turns it back on, as a server runs on."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            return super().invoke(ctx)
        except IcsError as exc:
            raise IcsUsageError(str(exc), exc.exit_code) from None
        except OSError as exc:  # click would make a closed pipe exit 1
            if exc.errno != errno.EPIPE:
                raise
            raise SystemExit(0) from None  # the reader has gone (`| head`): no error, as entry.py has it
        finally:
            if collecting:
                gc.enable()

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is None and name:
            from ..base.suggest import (
                suggest,  # start-up speed: difflib only for a mistyped command
            )

            near = suggest(name, self.list_commands(ctx))
            if near:
                ctx.fail(f"no command '{name}'; did you mean '{near[0]}'?")
        return command


def _show_version(ctx, _param, value):
    """`ics X.Y (data as of D)`: the data's date comes from the data itself (data/meta.yaml)."""
    if not value:
        return
    from ..base import freshness  # start-up speed: only --version reads the data's date

    try:
        as_of = freshness.data_as_of(run.knowledge(os.environ.get("ICS_DATA")))
    except IcsError:
        as_of = None
    click.echo(f"ics {__version__}" + (f" (data as of {human(as_of)})" if as_of else ""))
    ctx.exit()


@click.group(cls=IcsGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=FORMATS_HELP + "\n\n" + EXIT_CODES_HELP)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the version and the date of the data, and exit.")
def ics():
    """A reference for England's NHS integrated care systems: what each body is, how they came
    about, who took over what, with sources.

    \b
    Examples:
      ics explain icb                   what an integrated care board is
      ics compare ccg icb               who took over what on 1 July 2022
      ics timeline --from 2021          what happened since 2021
      ics ccg bassetlaw                 where a former CCG went

    Dates may be written YYYY, YYYY-MM, YYYY-MM-DD, '1 July 2022', '1/7/2022' (day first) or 'today'.
    """


# Every command of `ics`, in the order `ics --help` lists them (alphabetical, as click lists a group).
COMMANDS = [
    systems.ccg,
    systems.changes,
    systems.check,
    reference.compare,
    tools.completion,
    export.diagram,
    reference.explain,
    export.export_all,
    reference.glossary,
    imports.import_files,
    places.lsoa,
    map.map_file,
    mcp.mcp_command,
    places.pcn,
    imports.postcode,
    places.practice,
    reference.search,
    reference.sources,
    systems.system,
    systems.systems,
    reference.timeline,
    reference.tree,
    places.trust,
    tools.validate,
]
for _command in COMMANDS:
    _command.context_class = IcsContext  # help at the terminal's width for every command
    ics.add_command(_command)
