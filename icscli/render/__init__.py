"""Renderers: one module per output format. Each exposes `render(doc, cite) -> str`.

Heavy libraries (rich, tabulate) are imported only by the module of the format that needs them: rich by
the terminal format alone (terminal.py and screen.py).
"""
# The format names, in groups; every list of formats (the CLI's choices, its help, the fast path) is
# made of these. Help and `--format` list them in this order.
TEXT_FORMATS = ("plain", "markdown", "json", "csv", "tsv")  # text layouts without rich: the fast path's
TABULATE_FORMATS = ("github", "grid", "simple", "rst", "pipe", "orgtbl", "mediawiki", "latex", "html",
                    "psql", "fancy_grid", "jira", "textile", "asciidoc")  # tables drawn by tabulate
BOX_FORMATS = ("grid", "fancy_grid", "psql", "simple")  # tabulate's drawings for a screen: cells wrap on one
FORMATS = ("rich",) + TEXT_FORMATS + TABULATE_FORMATS  # every text format of a command's document
FILE_FORMATS = ("xlsx",)  # binary: written to a file with -o (cli/output.py, render/xlsx.py)
EXPORT_FORMATS = ("markdown", "html", "json", "sqlite", "datasette-metadata")  # `ics export` (export/)
DIAGRAM_FORMATS = ("mermaid", "dot")  # `ics diagram` (export/diagram.py)


def render(document, fmt, cite=False, width=None):
    """The text of a document in one format. width: the terminal's, for the formats that fit one (rich,
    which is drawn without colour here: cli/run.py gives it the terminal's Console; the box formats)."""
    if cite:
        document.number_citations()
    if fmt == "plain":
        from . import plain as module
    elif fmt == "markdown":
        from . import markdown as module
    elif fmt == "json":
        from . import jsonout as module
    elif fmt in ("csv", "tsv"):
        from . import delimited as module
        return module.render(document, cite, delimiter="," if fmt == "csv" else "\t")
    elif fmt in TABULATE_FORMATS:
        from . import tabulated as module
        return module.render(document, cite, tablefmt=fmt, width=width if fmt in BOX_FORMATS else None)
    elif fmt == "rich":
        from . import terminal as module
        return module.render(document, cite, width=width)
    else:
        raise ValueError(f"unknown format {fmt}")
    return module.render(document, cite)
