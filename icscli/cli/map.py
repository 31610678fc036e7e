"""`ics map`: re-code a data column of CCG, sub-ICB location, ICB or STP codes or names to a date.

The work is in icscli/systems/mapfile.py, mapxlsx.py and mapping.py; this module only parses options,
picks the reader and writer (CSV/TSV or a workbook, standard output or a file written atomically) and
prints the summary line on stderr.
"""
import sys

import click

from .. import dates
from ..dates import today
from . import progress, run
from .options import data_option
from .output import map_workbook_filler
from .types import DATE


@click.command("map")
@click.argument("file", required=False, default="-", metavar="[FILE|-]")
@click.option("--column", "-c", required=True, metavar="NAME", help="The column holding the codes or names.")
@click.option("--to", "to", type=DATE, metavar="DATE", help="Map to the structure in force on this date (default: today).")
@click.option("-o", "--output", "output", metavar="OUT", help="Write here (only if the whole run succeeds); "
                                                              "default: standard output.")
@click.option("--split", type=click.Choice(("all", "largest", "error"), case_sensitive=False), default="all",
              show_default=True,
              help="A split area: one row per part with its share, the largest part only, or an error.")
@click.option("--strict", is_flag=True, help="Exit 1 when any value is not a known code or name.")
@click.option("--encoding", metavar="ENC", help="The input's text encoding (default: UTF-8, with or without BOM).")
@click.option("--excel", is_flag=True, help="Write a UTF-8 byte-order mark so that Excel reads the CSV as UTF-8.")
@click.option("--quiet", "-q", is_flag=True, help="No summary line (nor progress bar) on standard error.")
@data_option
def map_file(file, column, to, output, split, strict, encoding, excel, quiet, data_dir):
    """Re-code a CSV/TSV column of CCG, sub-ICB location, ICB or STP codes (any vintage 2013-2026) or
    names to the structure on a date; adds sub-ICB location, ICB, region (or, before 1 July 2022,
    the CCG and its April 2021 STP/ICS), `change`, `share` and `note` columns. On a terminal, a run
    that takes more than a second shows its progress on standard error.

    An .xlsx workbook (first sheet) is read with the optional 'excel' extra (pip install
    'icscli[excel]'); with -o OUT.xlsx the result is a workbook, otherwise CSV.

    \b
    Examples:
      ics map extract.csv --column ccg_code -o mapped.csv
      ics map waits.tsv -c sicbl --to "1 June 2024" --split largest
    """
    from ..systems import (
        mapfile,  # start-up speed: the systems package loads only for a mapping
    )

    day = dates.start(run.parse_date(to, "--to")) if to else today()
    mapfile.refuse_overwriting_input(file, output)
    kb = run.knowledge(data_dir)
    if file != "-" and file.lower().endswith(".xlsx"):
        summary = _map_workbook(kb, file, output, column, day, split, strict)
    else:
        summary = _map_text(kb, file, output, column, day, split, strict, encoding, excel, quiet)
    if not quiet:
        click.echo(mapfile.summary_line(summary), err=True)


def _write(output, fill):
    """Run fill(temporary path) and put the result at `output` only if it all succeeds."""
    from ..base.atomic import (
        atomic_write,  # start-up speed: tempfile only when writing a file
    )
    from ..systems import mapfile  # start-up speed, as in map_file

    try:
        atomic_write(output, fill)
    except mapfile.StrictFailure as exc:
        click.echo(mapfile.summary_line(exc.summary), err=True)
        raise
    except OSError as exc:
        raise mapfile.MapError(f"{output}: cannot write: {exc.strerror or exc}") from None


def _map_text(kb, file, output, column, day, split, strict, encoding, excel, quiet=False):
    from ..systems import mapfile  # start-up speed, as in map_file

    try:
        raw = sys.stdin.buffer if file == "-" else open(file, "rb")  # noqa: SIM115  (closed by the caller)
    except OSError as exc:
        raise mapfile.MapError(f"{file}: cannot read: {exc.strerror or exc}") from None
    name = "standard input" if file == "-" else file
    found = {}
    on_screen = not output and sys.stdout.isatty()  # rows scrolling by on the terminal are progress enough
    hook = None if quiet or on_screen else progress.bar(raw, _size(raw))
    if hook is not None:  # the bar goes away however the run ends
        with hook:
            return _map_rows(kb, raw, file, output, column, day, split, strict, encoding, excel, name, found, hook)
    return _map_rows(kb, raw, file, output, column, day, split, strict, encoding, excel, name, found, None)


def _size(raw):
    """The input's size in bytes when it is a regular file (the progress bar's time left), else None."""
    import os
    import stat

    try:
        info = os.fstat(raw.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) and info.st_size else None


def _map_rows(kb, raw, file, output, column, day, split, strict, encoding, excel, name, found, hook):
    from ..systems import mapfile  # start-up speed, as in map_file

    try:
        if output:
            def fill(tmp):
                with open(tmp, "wb") as out:
                    found["summary"] = mapfile.map_stream(kb, raw, out, column, day, name, split, strict,
                                                          encoding, excel, hook)

            if output.lower().endswith(".xlsx"):  # CSV in, a workbook out: the rows plus an About sheet
                fill = map_workbook_filler(kb, found, lambda out: mapfile.map_stream(
                    kb, raw, out, column, day, name, split, strict, encoding, progress=hook), day)
            _write(output, fill)
            return found["summary"]
        try:
            return mapfile.map_stream(kb, raw, sys.stdout.buffer, column, day, name, split, strict, encoding,
                                      excel, hook)
        except mapfile.StrictFailure as exc:
            sys.stdout.flush()
            click.echo(mapfile.summary_line(exc.summary), err=True)
            raise
    finally:
        if raw is not sys.stdin.buffer:
            raw.close()


def _map_workbook(kb, file, output, column, day, split, strict):
    from ..systems import mapfile, mapxlsx  # start-up speed, as in map_file

    if output:
        found = {}

        def fill(tmp):
            if output.lower().endswith(".xlsx"):
                found["summary"] = mapxlsx.map_workbook(kb, file, tmp, column, day, split, strict, True)
            else:
                with open(tmp, "wb") as out:
                    found["summary"] = mapxlsx.map_workbook(kb, file, out, column, day, split, strict)

        _write(output, fill)
        return found["summary"]
    try:
        return mapxlsx.map_workbook(kb, file, sys.stdout.buffer, column, day, split, strict)
    except mapfile.StrictFailure as exc:
        click.echo(mapfile.summary_line(exc.summary), err=True)
        raise
