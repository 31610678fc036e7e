"""The systems commands: `ics systems`, `system`, `ccg`, `changes` and `check`: the ICBs and former CCGs,
from real codes, for any date, what changed between two dates, and whether a claim held on a date.

Each answers through `run.answer` and the entry of the same name in answers/commands.py (shared with the
fast path and the MCP server); `ics ccg -` reads codes from standard input.
"""
import sys

import click

from ..answers import questions
from ..base import changekinds
from ..base.schema import CHECK_PROPERTIES as PROPERTIES
from ..errors import BadValue
from . import run
from .complete import complete_systems
from .options import as_of_option, output_options
from .types import DATE, REGION

SORT_CHOICES = ("name", "ods", "ons", "region", "las", "locations", "ccgs")


@click.command("systems")
@click.option("--region", type=REGION, metavar="REGION", help="Only ICBs in this NHS England region, e.g. London, Midlands.")
@as_of_option("The ICBs as they stood on a date (default: today).")
@click.option("--sort", type=click.Choice(SORT_CHOICES, case_sensitive=False), default=None,
              help="Sort by a column (default: name).")
@output_options
def systems(region, as_of, sort, **output):
    """One row per integrated care board on a date: codes, region, places, sub-ICB locations, mergers.

    \b
    Examples:
      ics systems
      ics systems --as-of "1 July 2022" --region London
      ics systems -f csv > icbs.csv
    """
    try:
        run.answer("systems", output, region=region, as_of=as_of, sort=sort)
    except BadValue as exc:  # a region the data does not name: worded as click words a bad value
        if region and str(exc).startswith("--region"):
            raise click.BadParameter(str(exc).split(": ", 1)[1], param_hint="--region") from None
        raise


@click.command("system")
@click.argument("name", nargs=-1, required=True, shell_complete=complete_systems)
@as_of_option("The system as it stood on a date (default: today).")
@output_options
def system(name, as_of, **output):
    """A card for one ICB: names and codes over time, region, places, sub-ICB locations and former
    CCGs, footprint changes and mergers, with sources.

    NAME-OR-CODE may be an ODS code (QYG), an ONS code (E54000008), a name or a unique part of one
    (frimley, cornwall), an April 2021 ICS name, a former CCG or a local authority.

    \b
    Examples:
      ics system frimley
      ics system QYG --as-of 2023
      ics system "Bath and North East Somerset"
    """
    run.answer("system", output, name=name, as_of=as_of)


@click.command("ccg")
@click.argument("name", nargs=-1, shell_complete=complete_systems)
@click.option("--all", "show_all", is_flag=True, help="List every former CCG (the sub-ICB locations of 1 July 2022): an analysts' lookup table; "
              "with --as-of before July 2022, the CCGs in force that day.")
@as_of_option("Which ICB covers it on this date (default: today).")
@output_options
def ccg(name, show_all, as_of, **output):
    """What became of a former CCG: its sub-ICB location and ICB on 1 July 2022, and its ICB now.

    NAME-OR-CODE may be the CCG's ODS code (02Q), its ONS code (E38000008) or its name (Bassetlaw).

    \b
    Examples:
      ics ccg 02Q
      ics ccg bassetlaw --as-of 2023
      ics ccg --all -f csv > ccgs.csv
    """
    codes = list(name)
    if codes == ["-"]:
        codes = [line.strip() for line in sys.stdin if line.strip()]
        if not codes:
            raise click.UsageError("no codes on standard input")
    text = " ".join(name)
    if show_all and text:
        raise click.UsageError("give a CCG or --all, not both")
    if not show_all and not text:
        raise click.UsageError("give a CCG's name or code (several, or - for standard input), or --all")
    if list(name) == ["-"]:
        run.emit(questions.map_codes(run.knowledge(output["data_dir"]), codes, as_of), output)
        return
    run.answer("ccg", output, name=name, show_all=show_all, as_of=as_of)


@click.command("check")
@click.argument("statement", nargs=-1)
@click.option("--subject", help="What the claim is about (ICBs, ccg, 02Q...), with --property and --value.")
@click.option("--property", "prop", type=click.Choice(PROPERTIES), help="What is claimed of it.")
@click.option("--value", help="The value claimed (42, abolished, QT1...).")
@as_of_option("The date the claim is about (default: today).")
@output_options
def check(statement, subject, prop, value, as_of, **output):
    """Whether the data supports a claim on a date: true (and until when), false (and when it held),
    not yet true, or not recorded; with the fact as it stands and its sources.

    \b
    Examples:
      ics check "There are 42 ICBs"
      ics check "02Q is in QT1" --as-of 2022-06-30
      ics check --subject CCGs --property count --value 211 --as-of 2016-01-01
    """
    if bool(statement) == bool(subject or prop or value):
        raise click.UsageError("give a statement, or --subject, --property and --value")
    run.answer("check", output, statement=statement, subject=subject, prop=prop, value=value, as_of=as_of)


CHANGES_HELP = "\n".join([
    ("What changed between two dates: CCG mergers, bodies created, renamed and abolished, responsibilities "
     "moved, ICBs merged, split or re-coded, with codes, counts and sources."),
    "",
    ("Each change is one sentence, in date order; a date that gives only the month or the year comes after "
     "the exact dates in that month or year. Its kind is the change and label columns of -f csv (and the "
     "fields of -f json):"),
    "",
    "\b", *changekinds.help_lines(changekinds.DATED),
    "", "\b", "Examples:", "  ics changes", "  ics changes --from 2019-04-01 --to 2021-04-01 -f csv"])


@click.command("changes", help=CHANGES_HELP)
@click.option("--from", "start", type=DATE, metavar="DATE", help="From this date (default: 1 July 2022).")
@click.option("--to", "end", type=DATE, metavar="DATE", help="To this date (default: today).")
@output_options
def changes(start, end, **output):
    run.answer("changes", output, start=start, end=end)
