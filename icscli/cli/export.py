"""`ics export` and `ics diagram`: the whole reference as one document, and the structure as a diagram.

Both have their own `--format` (their formats are not a command document's: render/__init__.py names
each group), so they take --data alone (`data_option`) rather than `output_options`.
"""
import os
import sys

import click

from ..errors import BadValue
from ..render import DIAGRAM_FORMATS, EXPORT_FORMATS
from . import run
from .options import as_of_option, data_option
from .types import FormatChoice


@click.command("export")
@click.option("--format", "-f", "fmt", type=FormatChoice(EXPORT_FORMATS),
              default="markdown", show_default=True,
              help="markdown (renders on GitHub), html (one self-contained page), json, sqlite (needs -o), or "
                   "datasette-metadata (Datasette's metadata JSON for the sqlite export).")
@click.option("--output", "-o", metavar="FILE",
              help="Write to FILE (replaced only when the export is complete) instead of standard output.")
@click.option("--metadata", "metadata_file", metavar="FILE",
              help="With -f sqlite: also write Datasette metadata for the database to FILE.")
@data_option
def export_all(fmt, output, metadata_file, data_dir):
    """The whole reference in one document: glossary with every card, structure, timeline, every
    before/after comparison, the systems tables and a numbered bibliography.

    \b
    Examples:
      ics export > ics.md
      ics export -f html -o ics.html
      ics export -f sqlite -o ics.db --metadata meta.json   (then: datasette ics.db --metadata meta.json)
    """
    from .. import export  # start-up speed: the export modules load only for an export
    from ..base.atomic import OutputError  # and tempfile only when writing a file

    fmt = fmt.lower()
    if fmt == "sqlite" and not output:
        raise BadValue("--format sqlite writes a database file; give -o FILE, e.g. -o ics.sqlite")
    if metadata_file and fmt != "sqlite":
        raise BadValue("--metadata describes the sqlite export; use it with -f sqlite -o FILE")
    kb = run.knowledge(data_dir)
    if not output:
        sys.stdout.write(export.render(kb, fmt))
        sys.stdout.flush()
        return
    # Datasette names a database after its file; alone, the metadata is for the default name, ics.
    database = os.path.splitext(os.path.basename(output))[0] if fmt == "sqlite" else "ics"
    for what, path, option in ((fmt, output, "--output"), ("datasette-metadata", metadata_file, "--metadata")):
        if not path:
            continue
        try:
            export.write(kb, what, path, database=database)
        except OutputError as exc:
            raise BadValue(f"{option}: {exc.strerror}") from None
        except OSError as exc:
            raise BadValue(f"cannot write '{path}': {exc.strerror or exc}") from None
        click.echo(f"ics: wrote {what} export to {path}", err=True)


@click.command("diagram")
@click.option("--format", "-f", "fmt", type=FormatChoice(DIAGRAM_FORMATS),
              default="mermaid", show_default=True,
              help="mermaid (renders on GitHub in a ```mermaid block) or dot (Graphviz: dot -Tsvg).")
@as_of_option("The structure as it stood on a date (default: today).")
@data_option
def diagram(fmt, as_of, data_dir):
    """The structure as a diagram: national, regional, system, place and neighbourhood bodies, what
    each is part of, who is accountable to whom and who produces which plan.

    \b
    Examples:
      ics diagram > structure.mmd
      ics diagram -f dot --as-of 2019-06-01 | dot -Tsvg > 2019.svg
    """
    from ..export import (
        diagram as draw,  # start-up speed: the export modules load only for a diagram
    )

    kb = run.knowledge(data_dir)
    data = draw.structure(kb, run.parse_date(as_of, "--as-of"))
    text = draw.mermaid(data) if fmt.lower() == "mermaid" else draw.dot(data)
    sys.stdout.write(text)
    sys.stdout.flush()
