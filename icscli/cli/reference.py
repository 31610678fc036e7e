"""The reference commands: `ics explain`, `timeline`, `compare`, `tree`, `glossary`, `search`, `sources`.

Each parses its options and answers through `run.answer`, which makes the document with the entry of
the same name in answers/commands.py (shared with the fast path and the MCP server) and prints it.
"""
import click

from ..base import changekinds
from . import run
from .complete import complete_compare, complete_entities, complete_terms
from .errors import IcsUsageError
from .options import as_of_option, output_options
from .types import DATE, DATE_HELP, TagChoice

# views/reference.py's EXPLAIN_SECTIONS, for the help (tests hold the two equal): importing the views
# to write a help line would cost every run of `ics` the views' start-up time
EXPLAIN_SECTIONS = ("short", "about", "summary", "status", "duties", "board", "accountability", "facts",
                    "disagreements", "changes", "timeline", "meanings", "sources")


@click.command()
@click.argument("term", nargs=-1, required=True, shell_complete=complete_terms)
@as_of_option("Show the card as it stood on a date: " + DATE_HELP + ".")
@click.option("--short", is_flag=True, help="Only the answer in a few lines: what it is, level, since when, "
                                            "board, who it answers to.")
@click.option("--section", "sections", multiple=True, metavar="NAME",
              help="Only this section (repeatable): " + ", ".join(EXPLAIN_SECTIONS) + ".")
@output_options
def explain(term, as_of, short, sections, **output):
    """What a body or term is: level, legal status over time, duties, board, accountability, sources.

    TERM may be an id, acronym, name, alias or former name, as printed or with one typo; an ICB, place or
    former CCG gets that system's card.

    \b
    Examples:
      ics explain icb --short
      ics explain "ICS NHS body" --as-of 2021
      ics explain icb --section board
    """
    wanted = [s.lower() for s in sections] + (["short"] if short else [])
    for name in wanted:
        if name not in EXPLAIN_SECTIONS:
            raise IcsUsageError(f"--section: no section '{name}'; choose from {', '.join(EXPLAIN_SECTIONS)}")
    run.answer("explain", output, term=term, as_of=as_of, sections=wanted)


@click.command()
@click.option("--from", "date_from", type=DATE, metavar="DATE", help="Only events from this date: " + DATE_HELP + ".")
@click.option("--to", "date_to", type=DATE, metavar="DATE", help="Only events up to this date (inclusive).")
@click.option("--tag", "tags", type=TagChoice(), multiple=True, metavar="TAG",
              help="Only events with this tag (repeatable): legislation, policy, structure, guidance, ...")
@click.option("--entity", metavar="TERM", shell_complete=complete_entities,
              help="Only events involving this body or term, e.g. ccg.")
@output_options
def timeline(date_from, date_to, tags, entity, **output):
    """How we got here: dated events from 2012 to today, with sources.

    \b
    Examples:
      ics timeline --from 2021 --to "1 July 2022"
      ics timeline --entity ccg
      ics timeline --tag legislation --tag merger
    """
    run.answer("timeline", output, date_from=date_from, date_to=date_to, tags=tags, entity=entity)


COMPARE_HELP = "\n".join([
    "Responsibilities of A and B as a diff, as of a date.",
    "",
    ("When B took over from A it is a succession: the diff is what changed on the day responsibilities first "
     "passed from A to B, and later changes, or those only planned or proposed, follow apart, each dated. A pair "
     "given the other way round (icb ccg) is read as the succession it is. Otherwise each side's holdings are "
     "listed side by side, as of today."),
    "",
    "\b", "Each row is marked with its kind of change:", *changekinds.help_lines(changekinds.SUCCESSION),
    "", "\b", "Side by side:", *changekinds.help_lines(changekinds.SIDE_BY_SIDE),
    "", "\b", "Examples:", "  ics compare ccg icb", "  ics compare ccg icb --as-of 2024-04-01",
    "  ics compare icb icp"])


@click.command(help=COMPARE_HELP)
@click.argument("a", shell_complete=complete_compare)
@click.argument("b", shell_complete=complete_compare)
@as_of_option("The diff as it stood on a date (default: the day of the transfer, or today): " + DATE_HELP + ".")
@output_options
def compare(a, b, as_of, **output):
    run.answer("compare", output, a=a, b=b, as_of=as_of)


@click.command()
@as_of_option("The structure as it stood on a date (default: today).")
@output_options
def tree(as_of, **output):
    """The structure, national > regional > system > place > neighbourhood, on a date.

    \b
    Examples:
      ics tree
      ics tree --as-of "1 June 2019"
    """
    run.answer("tree", output, as_of=as_of)


@click.command()
@output_options
def glossary(**output):
    """Every term, A to Z, one line each.

    \b
    Examples:
      ics glossary
      ics glossary -f csv > glossary.csv
    """
    run.answer("glossary", output)


@click.command()
@click.argument("text", nargs=-1, required=True)
@click.option("--limit", default=25, show_default=True, type=click.IntRange(1, 10_000), help="Most results to show.")
@output_options
def search(text, limit, **output):
    """Ranked matches across names, aliases, summaries, facts, the timeline and the systems.

    Any word may match; names rank first, then records that hold every word. Words like "who" and "the"
    are ignored and simple word forms match (dentists finds dental).

    \b
    Examples:
      ics search who commissions dentists
      ics search bassetlaw
      ics search 3 million
    """
    run.answer("search", output, text=text, limit=limit)


@click.command()
@click.argument("source_id", required=False, metavar="[ID]")
@output_options
def sources(source_id, **output):
    """The bibliography: every source, how often it is cited and what cites it; with ID, that one source.

    \b
    Examples:
      ics sources
      ics sources kf-act-diagram-2022
      ics sources -f csv > sources.csv
    """
    run.answer("sources", output, source_id=source_id)
