"""`ics import` (a user's ONSPD, NSPL or ONS LSOA lookup into a local database) and `ics postcode`.

The reading is in icscli/systems/importer.py and onsfiles.py, the databases in store/imported.py, the
postcode answers in systems/postcodes.py (through answers/commands.py, shared with the fast path). This
module parses options, shows progress on a terminal and prints what was imported.
"""
import os
import sys
import time

import click

from ..base.schema import IMPORT_KINDS
from . import run
from .options import output_options
from .types import DATE


def _progress():
    """A progress line on standard error when it is a terminal (redrawn at most five times a second);
    None otherwise, so nothing is written to a pipe or a log."""
    if not sys.stderr.isatty():
        return None, lambda: None
    state = {"at": 0.0, "shown": False}

    def show(name, done, total):
        now = time.monotonic()
        if now - state["at"] < 0.2:
            return
        state["at"], state["shown"] = now, True
        amount = f"{100 * done / total:3.0f}% of {total / 1e6:,.0f} MB" if total else f"{done / 1e6:,.0f} MB"
        sys.stderr.write(f"\rics: importing {os.path.basename(name)}: {amount}\x1b[K")
        sys.stderr.flush()

    def clear():
        if state["shown"]:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()

    return show, clear


@click.command("import")
@click.argument("files", nargs=-1, metavar="[FILE...]")
@click.option("--list", "show_list", is_flag=True, help="Show what is imported: kind, edition, rows, SHA-256, date.")
@click.option("--remove", type=click.Choice((*IMPORT_KINDS, "all"), case_sensitive=False), metavar="KIND|all",
              help="Remove an import (onspd, nspl, lsoa-lookup) or all of them.")
@output_options
def import_files(files, show_list, remove, **output):
    """Import your download of the ONS Postcode Directory (ONSPD), the National Statistics Postcode
    Lookup (NSPL) or an ONS LSOA to sub-ICB location to ICB lookup into a local database, so that `ics
    postcode` answers offline. FILE: the zip as published, the CSV inside it, its per-area CSVs (or
    their directory), or the lookup's CSV. The kind and edition are read from the file; an import
    replaces the previous one of its kind only once it is complete.

    \b
    Examples:
      ics import ONSPD_AUG_2026.zip
      ics import --list
      ics import --remove nspl
    """
    from ..store import imported

    if sum((bool(files), show_list, bool(remove))) != 1:
        raise click.UsageError("give FILE (one or more), --list or --remove KIND")
    if show_list:
        from ..views import postcodes as views

        run.emit(views.import_list(_now(imported.listing()), imported.imports_dir()), output)
        return
    if remove:
        kinds = IMPORT_KINDS if remove.lower() == "all" else (remove.lower(),)
        removed = [kind for kind in kinds if imported.remove(kind)]
        click.echo(f"Removed: {', '.join(removed)}." if removed else f"Nothing to remove: no {remove} import.")
        return
    from ..systems import importer
    from ..views import postcodes as views

    kb = run.knowledge(output.get("data_dir"))
    show, clear = _progress()
    try:
        meta = importer.import_files(kb, list(files), show)
    except OSError as exc:
        raise importer.ImportFailed(f"{imported.imports_dir()}: cannot write the database: {exc.strerror or exc}") from None
    finally:
        clear()
    run.emit(views.import_result(meta, kb), output)


def _now(found):
    """The listing, with whether an LSOA lookup is read in place of a derived assignment as it is now (an
    update of ics may have set aside one that no longer fits its data)."""
    from ..store import places

    for _kind, meta, _problem in found:
        use = (meta or {}).get("stands_in") or {}
        if use.get("used"):
            now = places.official_standing(use["vintage"]) or {}
            use.update(used=bool(now.get("used")), reason=now.get("reason", ""))
    return found


@click.command("postcode")
@click.argument("codes", nargs=-1, required=True, metavar="POSTCODE...")
@click.option("--as-of", type=DATE, metavar="DATE",
              help="The sub-ICB location and ICB (or, before July 2022, the CCG) on this date (default: today).")
@output_options
def postcode(codes, as_of, **output):
    """A postcode's LSOA, ward, local authority, sub-ICB location, ICB and NHS region from the imported
    postcode directory (see `ics import`), with its edition, and its sub-ICB location and ICB (or CCG)
    on another date from the bundled history. Any case and spacing; several at once, or - to read one
    a line from standard input. A terminated postcode is shown with its dates.

    \b
    Examples:
      ics postcode "SW1A 1AA"
      ics postcode sw1a1aa --as-of 2020-01-01
      ics postcode - -f csv < postcodes.txt > areas.csv
    """
    codes = list(codes)
    if codes == ["-"]:
        codes = [line.strip() for line in sys.stdin if line.strip()]
        if not codes:
            raise click.UsageError("no postcodes on standard input")
    run.answer("postcode", output, codes=codes, as_of=as_of)
