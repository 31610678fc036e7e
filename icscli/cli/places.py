"""The places commands: `ics practice`, `pcn`, `lsoa` and `trust`: GP practices, primary care networks,
small areas (LSOAs) and NHS trusts, on a date, from the official lookup files (data/places/).

Each answers through `run.answer` and the entry of the same name in answers/commands.py (shared with the
fast path and the MCP server). A code or name that names nothing exits 2 with the nearest codes.
"""
import click

from . import run
from .options import output_options
from .types import DATE

AS_OF_HELP = "On this date (default: today)."


@click.command("practice")
@click.argument("name", nargs=-1, required=True)
@click.option("--as-of", type=DATE, metavar="DATE", help=AS_OF_HELP)
@output_options
def practice(name, as_of, **output):
    """A GP practice on a date: its PCN, sub-ICB location (or CCG), ICB (or STP) and NHS region, the
    registered patients of each, and what changed for it between the January 2022 and August 2026 files
    (re-coded by a merger, moved, closed).

    CODE-OR-NAME is the practice's ODS code (A81001) or its name, or a unique part of it. Between the two
    files the answer says what is known and what is not. An unknown code exits 2 with the nearest codes.

    \b
    Examples:
      ics practice A81001
      ics practice "giffard drive surgery" --as-of 2024-01-01
      ics practice J82015 -f json
    """
    run.answer("practice", output, name=name, as_of=as_of)


@click.command("pcn")
@click.argument("name", nargs=-1, required=True)
@output_options
def pcn(name, **output):
    """A primary care network: its practices, and the sub-ICB locations and ICBs it spans with their
    shares of its registered patients (1 August 2026).

    CODE-OR-NAME is the PCN's code (U41591) or name, or a unique part of it; a PCN only in the January
    2022 file is shown from that file. An unknown code exits 2 with the nearest codes.

    \b
    Examples:
      ics pcn U41591
      ics pcn "stockton pcn" -f csv
    """
    run.answer("pcn", output, name=name)


@click.command("lsoa")
@click.argument("code")
@click.option("--as-of", type=DATE, metavar="DATE", help=AS_OF_HELP)
@output_options
def lsoa(code, as_of, **output):
    """A 2011 or 2021 LSOA (a census small area in England): its CCG, sub-ICB location and ICB on a date
    and in every lookup file from July 2015 to April 2026, its population, and its 2011/2021 counterparts.

    The April 2026 assignment is derived (ics holds no official lookup for it unless you import one)
    and marked so. An unknown code exits 2 with the nearest codes.

    \b
    Examples:
      ics lsoa E01016180
      ics lsoa E01016180 --as-of 2019-06-01
      ics lsoa E01028341 -f csv
    """
    run.answer("lsoa", output, code=code, as_of=as_of)


@click.command("trust")
@click.argument("name", nargs=-1, required=True)
@click.option("--as-of", type=DATE, metavar="DATE", help=AS_OF_HELP)
@output_options
def trust(name, as_of, **output):
    """An NHS trust: its host ICB on a date, its successions (to April 2022) and, for acute trusts, the
    share of its catchment in each July 2022 ICB (a third-party table, marked so).

    CODE-OR-NAME is the trust's ODS code (RDU), an older code in its successions, or its name. An unknown
    code exits 2 with the nearest codes.

    \b
    Examples:
      ics trust RDU
      ics trust RDU --as-of 2026-06-01
      ics trust "frimley health"
    """
    run.answer("trust", output, name=name, as_of=as_of)
