"""The `ics` command line: parse, call the core, render. Kept thin on purpose.

Only click is imported at start-up; rich, tabulate and yaml are imported by the format or the cache
rebuild that needs them.
"""
import os
import sys

import click

from . import __version__
from .errors import AmbiguousTerm, IcsError, UnknownTerm
from .render import FORMATS

EXIT_CODES_HELP = "Exit codes: 0 success, 1 data problem (broken YAML), 2 usage problem or unknown term."


class IcsUsageError(click.ClickException):
    """A domain error shown as one line, `ics: error: ...`, with the right exit code."""

    def __init__(self, message, exit_code=2):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None):
        click.echo(f"ics: error: {self.format_message()}", err=True, file=file)


class IcsGroup(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except IcsError as exc:
            raise IcsUsageError(str(exc), exc.exit_code) from None

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is None and name:
            from difflib import get_close_matches

            near = get_close_matches(name, self.list_commands(ctx), n=1)
            if near:
                ctx.fail(f"no command '{name}'; did you mean '{near[0]}'?")
        return command


def default_format():
    return "rich" if sys.stdout.isatty() else "plain"


def output_options(func):
    """The options every command shares: format, overlay data, citations, pager."""
    options = [
        click.option("--format", "-f", "fmt", type=click.Choice(FORMATS, case_sensitive=False), default=None,
                     help="Output format (default: rich on a terminal, plain when piped). "
                          "Table formats: " + ", ".join(FORMATS[6:]) + "."),
        click.option("--data", "data_dir", metavar="DIR", envvar="ICS_DATA",
                     help="Directory of extra YAML files that add to or override the bundled data."),
        click.option("--cite", is_flag=True, help="Number the sources of every line and list them at the end."),
        click.option("--no-pager", is_flag=True, help="Never page long output on a terminal."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def knowledge(data_dir):
    from .store import load

    return load(overlay=data_dir)


def emit(document, fmt, cite, no_pager=False):
    from .render import render

    fmt = (fmt or default_format()).lower()
    tty = sys.stdout.isatty()
    if fmt == "rich":
        from .render import terminal

        color = (tty or bool(os.environ.get("FORCE_COLOR"))) and not os.environ.get("NO_COLOR") \
            and os.environ.get("TERM") != "dumb"
        if cite:
            document.number_citations()
        text = terminal.render(document, cite, color=color)
    else:
        text = render(document, fmt, cite)
    if tty and not no_pager and not os.environ.get("ICS_NO_PAGER") and _too_long(text):
        click.echo_via_pager(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _too_long(text):
    import shutil

    return text.count("\n") > shutil.get_terminal_size((80, 24)).lines - 1


def complete_terms(ctx, param, incomplete):
    """Dynamic completion of terms: ids and acronyms, from the compiled cache (no rich, no tabulate)."""
    try:
        kb = knowledge(ctx.params.get("data_dir") or os.environ.get("ICS_DATA"))
    except Exception:  # completion must never print a traceback into the user's shell
        return []
    prefix = incomplete.lower()
    found = {}
    for ident, entity in kb.entities.items():
        for text in [ident] + [a.lower() for a in entity.get("acronyms") or []]:
            if text.startswith(prefix):
                found.setdefault(text, None)
    found = list(found)
    from . import systems

    found += [t for t in systems.completion_words(kb, prefix) if t not in found]
    return sorted(found, key=str.lower)


def _explain_system(kb, text, as_of, fmt, cite, no_pager):
    """`ics explain frimley`: a term that names no body but names an ICB (or a place or former CCG in
    one) gets that system's card, as `ics system` would show it. Returns False when it names none."""
    from . import systems, views_systems
    from .errors import IcsError

    try:
        found = systems.resolve_system(kb, text, as_of)
    except AmbiguousTerm as exc:
        emit(views_systems.candidates(kb, text, exc.candidates), fmt, cite, no_pager)
        return True
    except IcsError:
        return False
    card = systems.system_card(kb, found["id"], as_of, how=found["how"], status=found["status"])
    emit(views_systems.system_card(kb, card, text), fmt, cite, no_pager)
    return True


def parse_date(value, option):
    from .query import parse_user_date

    return parse_user_date(value, option) if value else None


@click.group(cls=IcsGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=EXIT_CODES_HELP)
@click.version_option(__version__, "--version", prog_name="ics", message="%(prog)s %(version)s")
def ics():
    """A reference for England's NHS integrated care systems: what each body is, how they came
    about, who took over what, with sources.

    Try: ics explain icb; ics timeline --from 2021; ics compare ccg icb; ics tree --as-of 2019-06-01
    """


@ics.command()
@click.argument("term", nargs=-1, required=True, shell_complete=complete_terms)
@click.option("--as-of", metavar="DATE", help="Show the card as it stood on a date (YYYY, YYYY-MM or YYYY-MM-DD).")
@output_options
def explain(term, as_of, fmt, data_dir, cite, no_pager):
    """What a body or term is: level, legal status over time, duties, board, accountability, sources.

    TERM may be an id, acronym, name, alias or former name, e.g. icb, "ICS NHS body", ccg.
    """
    from . import query, resolve, views

    text = " ".join(term)
    kb = knowledge(data_dir)
    as_of = parse_date(as_of, "--as-of")
    try:
        ident = resolve.resolve_entity(kb, text)
    except AmbiguousTerm as exc:
        emit(views.senses(kb, text, exc.candidates), fmt, cite, no_pager)
        return
    except UnknownTerm:
        if _explain_system(kb, text, as_of, fmt, cite, no_pager):
            return
        raise
    emit(views.explain(kb, query.card(kb, ident, as_of)), fmt, cite, no_pager)


@ics.command()
@click.option("--from", "date_from", metavar="DATE", help="Only events from this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--to", "date_to", metavar="DATE", help="Only events up to this date (inclusive).")
@click.option("--tag", "tags", multiple=True, metavar="TAG",
              help="Only events with this tag (repeatable): legislation, policy, structure, guidance, ...")
@click.option("--entity", metavar="TERM", shell_complete=complete_terms,
              help="Only events involving this body or term, e.g. ccg.")
@output_options
def timeline(date_from, date_to, tags, entity, fmt, data_dir, cite, no_pager):
    """How we got here: dated events from 2012 to today, with sources."""
    from . import query, views
    from .schema import TAGS

    for tag in tags:
        if tag not in TAGS:
            raise click.BadParameter(f"'{tag}' is not one of: {', '.join(TAGS)}", param_hint="--tag")
    kb = knowledge(data_dir)
    data = query.timeline(kb, date_from, date_to, tags, entity)
    emit(views.timeline(kb, data), fmt, cite, no_pager)


@ics.command()
@click.argument("a", shell_complete=complete_terms)
@click.argument("b", shell_complete=complete_terms)
@output_options
def compare(a, b, fmt, data_dir, cite, no_pager):
    """Responsibilities of A and B as a diff: carried over, changed, new, dropped.

    Examples: ics compare ccg icb; ics compare stp ics; ics compare icb icp; ics compare nhs-england icb
    """
    from . import query, views

    kb = knowledge(data_dir)
    emit(views.compare(kb, query.compare(kb, a, b)), fmt, cite, no_pager)


@ics.command()
@click.option("--as-of", metavar="DATE", help="The structure as it stood on a date (default: today).")
@output_options
def tree(as_of, fmt, data_dir, cite, no_pager):
    """The structure, national > regional > system > place > neighbourhood, on a date."""
    from . import query, views

    kb = knowledge(data_dir)
    emit(views.tree(kb, query.tree(kb, parse_date(as_of, "--as-of"))), fmt, cite, no_pager)


@ics.command()
@output_options
def glossary(fmt, data_dir, cite, no_pager):
    """Every term, A to Z, one line each."""
    from . import query, views

    kb = knowledge(data_dir)
    emit(views.glossary(kb, query.glossary(kb)), fmt, cite, no_pager)


@ics.command()
@click.argument("text", nargs=-1, required=True)
@click.option("--limit", default=25, show_default=True, type=click.IntRange(1, 10_000), help="Most results to show.")
@output_options
def search(text, limit, fmt, data_dir, cite, no_pager):
    """Ranked matches across names, aliases, summaries and the timeline."""
    from . import query, views

    kb = knowledge(data_dir)
    emit(views.search(kb, query.search(kb, " ".join(text), limit)), fmt, cite, no_pager)


@ics.command()
@output_options
def sources(fmt, data_dir, cite, no_pager):
    """The bibliography: every source, how often it is cited and what cites it."""
    from . import views
    from .query import strip_private

    kb = knowledge(data_dir)
    cited_by, counts = kb.cited_by(), kb.citing_record_counts()
    rows = [dict(strip_private(s), cited=counts.get(i, 0), cited_by=cited_by.get(i, []))
            for i, s in sorted(kb.sources.items())]
    emit(views.sources(kb, {"sources": rows}), fmt, cite, no_pager)


@ics.command()
@click.argument("directory", required=False)
@output_options
def validate(directory, fmt, data_dir, cite, no_pager):
    """Check the bundled data, or an overlay DIRECTORY with it, and list every problem (exit 1 if any)."""
    from . import views
    from .loader import validate as check

    overlay = directory or data_dir
    if overlay:
        from .store import check_overlay

        check_overlay(overlay)
    problems = check(overlay)
    emit(views.problems(problems, overlay or "bundled data"), fmt, cite, no_pager)
    if problems:
        sys.exit(1)


@ics.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell):
    """Print the shell completion script for bash, zsh or fish.

    Add to ~/.bashrc:  eval "$(ics completion bash)"   (zsh: ~/.zshrc with zsh;
    fish: ics completion fish > ~/.config/fish/completions/ics.fish). Terms, system names and CCG
    codes complete as you type.
    """
    from click.shell_completion import get_completion_class

    script = get_completion_class(shell)(ics, {}, "ics", "_ICS_COMPLETE").source()
    sys.stdout.write(script if script.endswith("\n") else script + "\n")


from . import cli_systems  # noqa: E402  (the systems commands live in their own module)

cli_systems.register(ics, output_options, knowledge, emit, parse_date)
from . import cli_map  # noqa: E402

cli_map.register(ics, output_options, knowledge, emit, parse_date)
from . import cli_export  # noqa: E402

cli_export.register(ics, output_options, knowledge, emit, parse_date)


from .entry import main  # noqa: E402,F401  (the console entry point: signals, streams, exit codes)
