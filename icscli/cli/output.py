"""Output to files: `-o FILE` for every command (written atomically), `--format xlsx`, and CSV for Excel.

`take_options` keeps the values of -o/--output and --excel (declared in cli/options.py) in the click
context's `meta`, so the commands' own signatures do not change. `run.emit` asks `settings(fmt)` what the
user wants and hands anything but plain printing to `deliver`. openpyxl is imported only when a workbook
is written.
"""
import functools
import os
import sys

import click

from ..errors import BadValue
from ..render import render


def take_options(func):
    """The command without the output and excel parameters: they go to the context's `meta`."""

    @functools.wraps(func)
    def command(*args, output=None, excel=False, **kwargs):
        meta = click.get_current_context().meta
        meta["ics_output"], meta["ics_excel"] = output, excel
        return func(*args, **kwargs)

    return command


def settings(fmt):
    """(format, output file or None, byte-order mark?) for this command's output."""
    meta = click.get_current_context().meta
    output, excel = meta.get("ics_output"), meta.get("ics_excel")
    fmt = fmt.lower() if fmt else None
    if excel and fmt not in (None, "csv", "tsv"):
        raise click.UsageError(f"--excel writes CSV or TSV for Excel, not {fmt}")
    if fmt is None and output:
        fmt = "xlsx" if output.lower().endswith(".xlsx") else ("csv" if excel else "plain")
    elif fmt is None and excel:
        fmt = "csv"
    bom = fmt in ("csv", "tsv") and (excel or os.environ.get("ICS_EXCEL", "") not in ("", "0"))
    return fmt, output, bom


def deliver(document, fmt, cite, output, bom):
    """Write the document to `output` (atomically) or to standard output (CSV for Excel)."""
    if fmt == "xlsx" and not output:
        raise BadValue("--format xlsx writes a workbook; give -o FILE, e.g. -o ics.xlsx")
    if fmt == "xlsx":
        fill = _workbook_filler(document)
    else:
        data = _text(document, fmt, cite).encode("utf-8-sig" if bom else "utf-8")
        if not output:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return

        def fill(tmp):
            with open(tmp, "wb") as handle:
                handle.write(data)
    from ..base.atomic import (  # start-up speed: tempfile only when writing a file
        OutputError,
        atomic_write,
    )

    try:
        atomic_write(output, fill)
    except OutputError as exc:
        raise BadValue(f"--output: {exc.strerror}") from None
    except OSError as exc:
        raise BadValue(f"cannot write '{output}': {exc.strerror or exc}") from None
    click.echo(f"ics: wrote {fmt} to {output}", err=True)


def _text(document, fmt, cite):
    if fmt == "rich":  # to a file: the terminal's layout, at its width, without escape codes
        from ..render import terminal  # rich: only the terminal format imports it
        from .terminal import Terminal

        if cite:
            document.number_citations()
        return terminal.render(document, cite, console=Terminal().console(color=False))
    return render(document, fmt, cite)


def _workbook_filler(document):
    from ..render import (
        xlsx,  # start-up speed: only a workbook needs these (openpyxl is loaded below)
    )
    from ..views.about import about_rows

    _need_openpyxl(xlsx)
    ctx = click.get_current_context()
    about = about_rows(document, command_line(ctx))
    return lambda tmp: xlsx.write(document, tmp, about, ctx.info_name or "table")


def _need_openpyxl(xlsx):
    """openpyxl before any work: without it, one line saying how to install it (a usage problem)."""
    try:
        xlsx.load_openpyxl()
    except ImportError as exc:
        raise BadValue(str(exc)) from None


def command_line(ctx):
    """The command as typed, rebuilt from its parameters (format and output options left out)."""
    import shlex  # start-up speed: only a workbook's About sheet needs the command line

    words = ctx.command_path.split()
    for param in ctx.command.params:
        value = ctx.params.get(param.name)
        if param.name in ("fmt", "data_dir", "no_pager", "output", "excel") or value in (None, False, (), param.default):
            continue
        values = list(value) if isinstance(value, (tuple, list)) else [value]
        if isinstance(param, click.Argument):
            words += [str(v) for v in values]
        elif value is True:
            words.append(param.opts[0])
        else:
            for v in values:
                words += [param.opts[0], str(v)]
    return shlex.join(words)


def map_about(kb, day):
    """about(summary) -> the About sheet's rows of `ics map -o FILE.xlsx` (the command, the date mapped to,
    the counts, what the input's workbook left out, the sources); openpyxl is checked first (without it:
    one line, exit 2)."""
    from ..render import (
        xlsx,  # lazy, as the rest: only `ics map -o FILE.xlsx` needs these
    )
    from ..views.about import map_about_rows

    _need_openpyxl(xlsx)
    command = command_line(click.get_current_context())
    return lambda summary: map_about_rows(kb, command, summary, day)
