"""What the commands share once they have their parameters: load the data, answer, print.

`answer(command, output, **params)` is a whole command that prints a document: it loads the data (with the
--data overlay), makes the document through the one table of answers (answers/commands.py), says any
note on stderr and prints the document as the output options ask (`emit`). The commands import this
module; nothing here is passed around.
"""
import click

from ..answers.commands import answer as make_document
from ..answers.questions import date_the_data
from ..render import BOX_FORMATS, FILE_FORMATS, render
from . import output as file_output
from .terminal import Terminal


def knowledge(data_dir=None):
    """The loaded data: the bundled layer, plus the overlay directory if one is given."""
    from ..store import (
        load,  # start-up speed: help, completion and usage errors never load the data
    )

    return load(overlay=data_dir)


def parse_date(value, option):
    """A date option's value (already checked by its type, cli/types.py) as a canonical partial date."""
    from ..queries.reference import (
        parse_user_date,  # start-up speed: the queries load with the data
    )

    return parse_user_date(value, option) if value else None


def note(text):
    """One line on stderr when a typo was read as a name, so stdout stays the answer alone."""
    click.echo(f"ics: note: {text}", err=True)


def answer(command, output, /, **params):
    """Answer `command` (the name of its entry in answers/commands.py) with these parameters (by their
    click names) and print the document. `output`: the output options as the command received them
    (fmt, data_dir, cite, no_pager)."""
    notes = []
    document = make_document(command, knowledge(output.get("data_dir")), params, notes)
    for text in notes:
        note(text)
    emit(document, output)


def emit(document, output):
    """Print a document as the output options ask: to standard output (paged on a terminal when long),
    or to a file with -o; rich on a terminal (or with FORCE_COLOR) and plain when piped unless --format
    says otherwise."""
    fmt, path, bom = file_output.settings(output.get("fmt"))
    cite = output.get("cite")
    terminal = Terminal()
    fmt = fmt or terminal.default_format
    date_the_data(document, fmt)
    if path or bom or fmt in FILE_FORMATS:
        file_output.deliver(document, fmt, cite, path, bom)
        return
    if fmt == "rich":
        from ..render import (
            terminal as rich_layout,  # rich: only the terminal format imports it
        )

        if cite:
            document.number_citations()
        text = rich_layout.render(document, cite, console=terminal.console())
    else:  # a box-drawn table format wraps its cells to the terminal it is shown on
        text = render(document, fmt, cite, width=terminal.width if fmt in BOX_FORMATS else None)
    terminal.show(text, output.get("no_pager"))
