"""The options several commands share, declared once.

`as_of_option(help)` gives a command --as-of DATE. `output_options` gives a command --format/-f, --data, --cite, --no-pager, -o/--output and --excel. The
command receives the first four as keyword arguments (fmt, data_dir, cite, no_pager: collect them as
`**output` and hand them to `run.answer` or `run.emit`); --output and --excel go to the click context
(`output.take_options`), where `run.emit` finds them. `data_option` is --data alone, for the commands with
their own output (export, diagram, map, mcp). These are plain options (no callbacks), so the click-free
fast path (cli/fast.py) reads them from the spec and leaves anything unusual to click.
"""
import click

from ..render import FILE_FORMATS, FORMATS
from .output import take_options
from .types import DATE, FormatChoice

EXCEL_HELP = "CSV for Excel: starts with a byte-order mark so £ and \u2013 survive (also -f csv with ICS_EXCEL=1)."

data_option = click.option("--data", "data_dir", metavar="DIR", envvar="ICS_DATA",
                           help="Directory of extra YAML files that add to or override the bundled data.")

_OUTPUT_OPTIONS = (
    click.option("--format", "-f", "fmt", type=FormatChoice(FORMATS + FILE_FORMATS), default=None, metavar="FORMAT",
                 envvar="ICS_FORMAT", show_envvar=True,
                 help="Output format, any case (default: rich on a terminal, plain when piped; "
                      "the list is under ics --help)."),
    data_option,
    click.option("--cite", is_flag=True, help="Number the sources of every line and list them at the end."),
    click.option("--no-pager", is_flag=True, help="Never page long output on a terminal."),
    click.option("--output", "-o", metavar="FILE",
                 help="Write to FILE (replaced only when complete) instead of standard output; "
                      "needed by --format xlsx."),
    click.option("--excel", is_flag=True, help=EXCEL_HELP),
)


def as_of_option(help_text):
    """--as-of DATE (any form of cli/types.DATE), one spelling for every command that answers for a date."""
    return click.option("--as-of", type=DATE, metavar="DATE", help=help_text)


def output_options(func):
    """The options every command that prints a document shares (see the module's docstring)."""
    func = take_options(func)
    for option in reversed(_OUTPUT_OPTIONS):
        func = option(func)
    return func
