"""The `ics` command line: parse, call the core, render. Kept thin on purpose.

Only click is imported at start-up; rich, tabulate and yaml are imported by the format or the cache
rebuild that needs them.
"""
import os
import sys

import click

from .. import __version__
from ..errors import IcsError, UnknownTerm
from .complete import complete_compare, complete_entities, complete_tags, complete_terms
from .types import DATE_HELP, FormatChoice
from . import output as cli_output
from ..render import FILE_FORMATS, FORMATS

EXIT_CODES_HELP = "Exit codes: 0 success, 1 data problem (broken YAML), 2 usage problem or unknown term."


class IcsUsageError(click.ClickException):
    """A domain error shown as one line, `ics: error: ...`, with the right exit code."""

    def __init__(self, message, exit_code=2):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None):
        click.echo(error_line(self), err=True, file=file)


def error_line(exc):
    """Any error as the one shape users see: `ics: error: ...` on one line. Click's own usage errors
    (unknown option, bad choice, missing argument, no such command) end with where to find help."""
    from ..base.safe import visible  # the message may quote a hostile argument or data value: \x1b, not ESC

    message = visible(" ".join(exc.format_message().split()))
    message = message[:1].lower() + message[1:] if message[1:2].islower() else message
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and not isinstance(exc, IcsUsageError) and ctx is not None:
        message = message.rstrip(".") + f" (see '{ctx.command_path} --help')"
    return f"ics: error: {message}"


class IcsGroup(click.Group):
    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Click's standalone handling, except that every error is shown by error_line."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # bare `ics`: the help, as click shows it
            exc.show()
            sys.exit(exc.exit_code)
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
        # The cyclic garbage collector is off while a command runs, as on the fast path: what it could
        # find is the loaded data and the document, in use until the command ends. In a fresh process
        # that changes little; in one that holds much else (a program or test suite calling commands
        # in its own process) each pass walks all of it: the test suite spent a tenth of its CPU there.
        # It is left as it was found; `ics mcp` turns it back on, as a server runs on.
        import gc

        collecting = gc.isenabled()
        gc.disable()
        try:
            return super().invoke(ctx)
        except IcsError as exc:
            raise IcsUsageError(str(exc), exc.exit_code) from None
        finally:
            if collecting:
                gc.enable()

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is None and name:
            from ..base.suggest import suggest

            near = suggest(name, self.list_commands(ctx))
            if near:
                ctx.fail(f"no command '{name}'; did you mean '{near[0]}'?")
        return command


def default_format():
    return "rich" if sys.stdout.isatty() else "plain"


def output_options(func):
    """The options every command shares: format, overlay data, citations, pager, output file."""
    func = cli_output.take_options(func)
    options = [
        click.option("--format", "-f", "fmt", type=FormatChoice(FORMATS + FILE_FORMATS), default=None, metavar="FORMAT",
                     envvar="ICS_FORMAT", show_envvar=True,
                     help="Output format, any case (default: rich on a terminal, plain when piped; "
                          "the list is under ics --help)."),
        click.option("--data", "data_dir", metavar="DIR", envvar="ICS_DATA",
                     help="Directory of extra YAML files that add to or override the bundled data."),
        click.option("--cite", is_flag=True, help="Number the sources of every line and list them at the end."),
        click.option("--no-pager", is_flag=True, help="Never page long output on a terminal."),
        *cli_output.options(),
    ]
    for option in reversed(options):
        func = option(func)
    return func


FORMATS_HELP = ("Formats (-f, any case; ICS_FORMAT sets a default): rich, plain, markdown (md), json, csv, tsv, "
                "the table formats " + ", ".join(FORMATS[6:]) + "; and xlsx, a workbook (with -o FILE).")


def knowledge(data_dir):
    from ..store import load

    return load(overlay=data_dir)


def emit(document, fmt, cite, no_pager=False):
    from ..answers.questions import date_the_data
    from ..render import render

    fmt, output, bom = cli_output.settings(fmt)
    fmt = fmt or default_format()
    date_the_data(document, fmt)
    if output or bom or fmt in FILE_FORMATS:
        cli_output.deliver(document, fmt, cite, output, bom)
        return
    tty = sys.stdout.isatty()
    if fmt == "rich":
        from ..render import terminal

        color = (tty or bool(os.environ.get("FORCE_COLOR"))) and not os.environ.get("NO_COLOR") \
            and os.environ.get("TERM") != "dumb"
        if cite:
            document.number_citations()
        text = terminal.render(document, cite, color=color)
    else:  # plain wraps to the terminal only when it is shown on one
        text = render(document, fmt, cite, width=_columns() if tty and fmt == "plain" else None)
    if tty and not no_pager and not os.environ.get("ICS_NO_PAGER") and _too_long(text):
        os.environ.setdefault("LESS", "-FRX")  # short output is not paged; the text stays after q
        click.echo_via_pager(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _columns():
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def _too_long(text):
    """More rows than the terminal has: rows, not newlines, since a line wider than the terminal takes
    more than one row (the layouts wrap to the width, but a table of another format may not)."""
    import shutil

    columns, lines = shutil.get_terminal_size((80, 24))
    rows = 0
    for line in text.split("\n"):
        rows += 1 + max(0, len(_visible(line)) - 1) // max(1, columns)
    return rows > lines - 1


def _visible(line):
    if "\x1b" not in line:
        return line
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", line)


def _show_version(ctx):
    """`ics X.Y (data as of D)`: the data's date comes from the data itself (data/meta.yaml)."""
    from ..base import freshness
    from ..dates import human

    try:
        as_of = freshness.data_as_of(knowledge(os.environ.get("ICS_DATA")))
    except IcsError:
        as_of = None
    click.echo(f"ics {__version__}" + (f" (data as of {human(as_of)})" if as_of else ""))
    ctx.exit()


def parse_date(value, option):
    from ..queries.reference import parse_user_date

    return parse_user_date(value, option) if value else None


@click.group(cls=IcsGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=FORMATS_HELP + "\n\n" + EXIT_CODES_HELP)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=lambda ctx, _p, value:
              _show_version(ctx) if value else None, help="Show the version and the date of the data, and exit.")
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


EXPLAIN_SECTIONS = ("short", "about", "summary", "status", "duties", "board", "accountability", "facts",
                    "disagreements", "changes", "timeline", "meanings", "sources")  # views.EXPLAIN_SECTIONS


@ics.command()
@click.argument("term", nargs=-1, required=True, shell_complete=complete_terms)
@click.option("--as-of", metavar="DATE", help="Show the card as it stood on a date: " + DATE_HELP + ".")
@click.option("--short", is_flag=True, help="Only the answer in a few lines: what it is, level, since when, "
                                            "board, who it answers to.")
@click.option("--section", "sections", multiple=True, metavar="NAME",
              help="Only this section (repeatable): " + ", ".join(EXPLAIN_SECTIONS) + ".")
@output_options
def explain(term, as_of, short, sections, fmt, data_dir, cite, no_pager):
    """What a body or term is: level, legal status over time, duties, board, accountability, sources.

    TERM may be an id, acronym, name, alias or former name, as printed or with one typo; an ICB, place or
    former CCG gets that system's card.

    \b
    Examples:
      ics explain icb --short
      ics explain "ICS NHS body" --as-of 2021
      ics explain icb --section board
    """
    from ..answers import questions as answers

    wanted = [s.lower() for s in sections] + (["short"] if short else [])
    for name in wanted:
        if name not in EXPLAIN_SECTIONS:
            raise IcsUsageError(f"--section: no section '{name}'; choose from {', '.join(EXPLAIN_SECTIONS)}")
    notes = []
    document = answers.explain(knowledge(data_dir), " ".join(term), as_of, wanted, notes)
    for note in notes:
        note_assumption({"assumed": note})
    emit(document, fmt, cite, no_pager)


def note_assumption(data):
    """One line on stderr when a typo was read as a name, so stdout stays the answer alone."""
    if data.get("assumed"):
        click.echo(f"ics: note: {data['assumed']}", err=True)


@ics.command()
@click.option("--from", "date_from", metavar="DATE", help="Only events from this date: " + DATE_HELP + ".")
@click.option("--to", "date_to", metavar="DATE", help="Only events up to this date (inclusive).")
@click.option("--tag", "tags", multiple=True, metavar="TAG", shell_complete=complete_tags,
              help="Only events with this tag (repeatable): legislation, policy, structure, guidance, ...")
@click.option("--entity", metavar="TERM", shell_complete=complete_entities,
              help="Only events involving this body or term, e.g. ccg.")
@output_options
def timeline(date_from, date_to, tags, entity, fmt, data_dir, cite, no_pager):
    """How we got here: dated events from 2012 to today, with sources.

    \b
    Examples:
      ics timeline --from 2021 --to "1 July 2022"
      ics timeline --entity ccg
      ics timeline --tag legislation --tag merger
    """
    from ..answers import questions as answers
    from ..base.schema import TAGS

    tags = tuple(tag.strip().lower() for tag in tags)  # names in any case, like formats
    for tag in tags:
        if tag not in TAGS:
            raise click.BadParameter(f"'{tag}' is not one of: {', '.join(TAGS)}", param_hint="--tag")
    notes = []
    document = answers.timeline(knowledge(data_dir), date_from, date_to, tags, entity, notes)
    for note in notes:
        note_assumption({"assumed": note})
    emit(document, fmt, cite, no_pager)


@ics.command()
@click.argument("a", shell_complete=complete_compare)
@click.argument("b", shell_complete=complete_compare)
@output_options
def compare(a, b, fmt, data_dir, cite, no_pager):
    """Responsibilities of A and B as a diff: carried over, changed, new, dropped.

    When B took over from A it is a succession; a pair given the other way round (icb ccg) is read as
    the succession it is. Otherwise each side's holdings are listed side by side.

    \b
    Examples:
      ics compare ccg icb
      ics compare stp ics
      ics compare icb icp
    """
    from ..answers import questions as answers

    notes = []
    document = answers.compare(knowledge(data_dir), a, b, notes)
    for note in notes:
        note_assumption({"assumed": note})
    emit(document, fmt, cite, no_pager)


@ics.command()
@click.option("--as-of", metavar="DATE", help="The structure as it stood on a date (default: today).")
@output_options
def tree(as_of, fmt, data_dir, cite, no_pager):
    """The structure, national > regional > system > place > neighbourhood, on a date.

    \b
    Examples:
      ics tree
      ics tree --as-of "1 June 2019"
    """
    from ..answers import questions as answers

    emit(answers.tree(knowledge(data_dir), as_of), fmt, cite, no_pager)


@ics.command()
@output_options
def glossary(fmt, data_dir, cite, no_pager):
    """Every term, A to Z, one line each.

    \b
    Examples:
      ics glossary
      ics glossary -f csv > glossary.csv
    """
    from ..answers import questions as answers

    emit(answers.glossary(knowledge(data_dir)), fmt, cite, no_pager)


@ics.command()
@click.argument("text", nargs=-1, required=True)
@click.option("--limit", default=25, show_default=True, type=click.IntRange(1, 10_000), help="Most results to show.")
@output_options
def search(text, limit, fmt, data_dir, cite, no_pager):
    """Ranked matches across names, aliases, summaries, facts, the timeline and the systems.

    Any word may match; names rank first, then records that hold every word. Words like "who" and "the"
    are ignored and simple word forms match (dentists finds dental).

    \b
    Examples:
      ics search who commissions dentists
      ics search bassetlaw
      ics search 3 million
    """
    from ..answers import questions as answers

    emit(answers.search(knowledge(data_dir), " ".join(text), limit), fmt, cite, no_pager)


@ics.command()
@click.argument("source_id", required=False, metavar="[ID]")
@output_options
def sources(source_id, fmt, data_dir, cite, no_pager):
    """The bibliography: every source, how often it is cited and what cites it; with ID, that one source.

    \b
    Examples:
      ics sources
      ics sources kf-act-diagram-2022
      ics sources -f csv > sources.csv
    """
    from ..answers import questions as answers

    emit(answers.sources(knowledge(data_dir), source_id), fmt, cite, no_pager)


from . import systems as cli_systems  # noqa: E402  (the systems commands live in their own module)

cli_systems.register(ics, output_options, knowledge, emit, parse_date)
from . import map as cli_map  # noqa: E402

cli_map.register(ics, output_options, knowledge, emit, parse_date)
from . import export as cli_export  # noqa: E402

cli_export.register(ics, output_options, knowledge, emit, parse_date)
from . import mcp as cli_mcp  # noqa: E402

cli_mcp.register(ics, knowledge)
from . import tools as cli_tools  # noqa: E402

cli_tools.register(ics, output_options, knowledge, emit)


