"""`ics map`: re-code a data column of CCG, sub-ICB location, ICB or STP codes or names to a date.

The work is in icscli/systems/mapfile.py, mapxlsx.py and mapping.py; this module only parses options,
picks the reader and writer (CSV/TSV or a workbook, standard output or a file written atomically) and
prints the summary line on stderr.
"""
import sys

import click

from .. import dates
from ..dates import today
from ..errors import BadValue
from . import progress, run
from .options import data_option
from .output import map_about
from .types import DATE

KINDS = ("auto", "area", "practice", "pcn", "lsoa", "trust", "postcode")  # places/mapcodes.py's (not imported here:
# the places package loads only for a mapping)
HELP = ("What the column holds: auto (each value by itself: a code or name the systems data knows is an "
        "area; otherwise a 2011 or 2021 LSOA (E01 and six digits), a PCN (U and five digits, in the practice "
        "files), a GP practice (a letter and five digits), an NHS trust (R and two characters, or a code of "
        "the ODS trusts file) or, when a postcode directory is imported, a postcode), or one kind for every "
        "value: area (CCG, sub-ICB location, ICB or STP codes and names), practice, pcn, lsoa, trust, postcode.")


@click.command("map")
@click.argument("file", required=False, default="-", metavar="[FILE|-]")
@click.option("--column", "-c", required=True, metavar="NAME", help="The column holding the codes or names.")
# what the column holds and where the table starts (places/mapcodes.py)
@click.option("--kind", type=click.Choice(KINDS, case_sensitive=False), default="auto", show_default=True, metavar="KIND",
              help=HELP)
@click.option("--sheet", metavar="NAME", help="A workbook's sheet to read, by name (default: the first).")
@click.option("--skip-rows", "skip_rows", type=click.IntRange(0, 1000), default=0, metavar="N",
              help="Title lines before the header row: copied to a CSV/TSV output unchanged (a workbook's are "
                   "named in the summary).")
@click.option("--to", "to", type=DATE, metavar="DATE", help="Map to the structure in force on this date (default: today).")
@click.option("--from", "source", type=DATE, metavar="DATE",
              help="The date the column's codes are of (default: each code read as the area it names on the "
                   "--to date, or its latest before). It decides only which area a CCG, sub-ICB location or "
                   "ICB code names; a place code is read by the file in force on the --to date.")
@click.option("-o", "--output", "output", metavar="OUT", help="Write here (only if the whole run succeeds); "
                                                              "default: standard output.")
@click.option("--split", type=click.Choice(("all", "largest", "error"), case_sensitive=False), default="all",
              show_default=True,
              help="A split area: one row per part with its share, the largest part only, or an error.")
@click.option("--weights", type=click.Choice(("population", "patients", "lsoas"), case_sensitive=False),
              default="population", show_default=True,
              help="How a split area is shared between its parts: the residents of the LSOAs it held, "
                   "registered patients (where the data has them for a part), or the number of LSOAs.")
@click.option("--apportion", metavar="COL[,COL]",
              help="Multiply these numeric columns by each row's share, so that sums by the new areas "
                   "keep the input's totals.")
@click.option("--strict", is_flag=True, help="Exit 1 when any value is not a known code or name.")
@click.option("--encoding", metavar="ENC", help="The input's text encoding (default: UTF-8, or UTF-16 or UTF-32 "
                                                 "when the file starts with their byte-order mark).")
@click.option("--excel", is_flag=True, help="Write a UTF-8 byte-order mark so that Excel reads the CSV as UTF-8.")
@click.option("--quiet", "-q", is_flag=True, help="No summary line (nor progress bar) on standard error.")
@data_option
def map_file(file, column, kind, sheet, skip_rows, to, source, output, split, weights, apportion, strict, encoding,
             excel, quiet, data_dir):
    """Re-code a CSV/TSV column of CCG, sub-ICB location, ICB or STP codes (any vintage 2013-2026) or
    names, GP practice, PCN, LSOA (2011 or 2021) or NHS trust codes, or postcodes (with a postcode
    directory imported by `ics import`) to the structure on a date; adds sub-ICB location, ICB, region
    (or, before 1 July 2022, the CCG and its April 2021 STP/ICS), `change`, `share` and `note` columns.
    A place is put in its area by the file in force on the date (practice mapping files of January
    2022 and August 2026, LSOA lookups 2015-2026, the ODS trusts file's host ICB, the postcode
    directory), then followed to the date; the note says which file and what is assumed between files.
    On a terminal, a run that takes more than a second shows its progress on standard error.

    An area split between the two dates gives one row per part. Its `share` is worked out from the
    LSOAs (small census areas) it held on its own date, placed as on the target date and weighted by
    --weights; the note says the basis. --apportion multiplies numeric columns by the share, so
    that totals by the new areas add up to the input's; --split largest keeps the largest part only,
    with the whole value. --from gives the date the codes are of: a code naming different areas on
    different dates (a CCG code of 2019 that is now a sub-ICB location's, with less area) is read as
    the area it named then, and divided by the LSOAs that area held then.

    An .xlsx workbook (first sheet, or --sheet) is read with the optional 'excel' extra (pip install
    'icscli[excel]'); with -o OUT.xlsx the result is a workbook, otherwise CSV.

    \b
    Examples:
      ics map extract.csv --column ccg_code -o mapped.csv
      ics map spend_2019.csv -c ccg --from 2019-04-01 --apportion spend,patients -o by_icb.csv
      ics map list.xlsx -c practice_code --kind practice --sheet Data --skip-rows 3
    """
    from ..places import mapcodes
    from ..systems import (  # start-up speed: the systems package loads only for a mapping
        mapfile,
        mapxlsx,
    )

    day = dates.start(run.parse_date(to, "--to")) if to else today()
    source_day = dates.start(run.parse_date(source, "--from")) if source else None
    shares = {"weights": weights.lower(), "apportion": _columns(apportion), "source_day": source_day}
    mapfile.refuse_overwriting_input(file, output)
    workbook = file != "-" and mapxlsx.is_workbook(file)
    if sheet is not None and not workbook:
        raise BadValue(f"--sheet: {'standard input' if file == '-' else file} is not a workbook; --sheet reads "
                       "an .xlsx file's sheet by name")
    kb = run.knowledge(data_dir)
    about = map_about(kb, day) if output and output.lower().endswith(".xlsx") else None
    places = {"mapper": mapcodes.mapper(kind.lower()), "skip_rows": skip_rows}
    if workbook:
        summary = _emit(output, lambda out: mapxlsx.map_workbook(kb, file, out, column, day, split, strict,
                                                                 about is not None, about, excel, sheet=sheet,
                                                                 **places, **shares), about is not None)
    else:
        summary = _map_text(kb, file, output, column, day, split, strict, encoding, excel, about, quiet,
                            dict(places, **shares))
    if not quiet:
        click.echo(mapfile.summary_line(summary), err=True)


def _columns(text):
    """The column names of --apportion (comma-separated), or BadValue for an empty one."""
    if text is None:
        return ()
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise BadValue("--apportion: give column names separated by commas, e.g. --apportion spend,patients")
    return tuple(dict.fromkeys(names))


def _emit(output, produce, to_path):
    """Run produce(out) into `output` (only if it all succeeds: out is a temporary path when to_path,
    else a binary stream of it) or standard output; returns the summary. A --strict failure prints
    the summary before the error."""
    from ..base.atomic import (
        atomic_write,  # start-up speed: tempfile only when writing a file
    )
    from ..systems import mapfile  # start-up speed, as in map_file

    found = {}

    def fill(tmp):
        if to_path:
            found["summary"] = produce(tmp)
            return
        with open(tmp, "wb") as out:
            found["summary"] = produce(out)

    try:
        if not output:
            return produce(sys.stdout.buffer)
        atomic_write(output, fill)
        return found["summary"]
    except mapfile.StrictFailure as exc:
        sys.stdout.flush()
        click.echo(mapfile.summary_line(exc.summary), err=True)
        raise
    except OSError as exc:
        if not output:
            raise  # standard output's own errors: entry.py's (exit 2; a reader gone, `| head`, is no error)
        raise BadValue(f"{output}: cannot write: {exc.strerror or exc}") from None  # (reading errors are MapErrors)


def _map_text(kb, file, output, column, day, split, strict, encoding, excel, about, quiet=False, places=None):
    from ..systems import mapfile  # start-up speed, as in map_file

    if file == "-" and sys.stdin is None:
        raise mapfile.MapError("standard input: cannot read: it is closed; give a file, or pipe the data in")
    try:
        raw = sys.stdin.buffer if file == "-" else open(file, "rb")  # noqa: SIM115  (closed below)
    except OSError as exc:
        raise mapfile.MapError(f"{file}: cannot read: {exc.strerror or exc}") from None
    name = "standard input" if file == "-" else file
    on_screen = not output and sys.stdout.isatty()  # rows scrolling by on the terminal are progress enough
    hook = None if quiet or on_screen else progress.bar(raw, _size(raw))
    try:
        if hook is None:
            return _emit(output, lambda out: mapfile.map_stream(kb, raw, out, column, day, name, split, strict,
                                                                encoding, excel, about, **(places or {})),
                         about is not None)
        with hook:  # the bar goes away however the run ends
            return _emit(output, lambda out: mapfile.map_stream(kb, raw, out, column, day, name, split, strict,
                                                                encoding, excel, about, hook, **(places or {})),
                         about is not None)
    finally:
        if raw is not sys.stdin.buffer:
            raw.close()


def _size(raw):
    """The input's size in bytes when it is a regular file (the progress bar's time left), else None."""
    import os
    import stat

    try:
        info = os.fstat(raw.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) and info.st_size else None
