"""Renderers: one module per output format. Each exposes `render(doc, cite) -> str`.

Heavy libraries (rich, tabulate) are imported only by the module of the format that needs them.
"""
TABULATE_FORMATS = ("github", "grid", "simple", "rst", "pipe", "orgtbl", "mediawiki", "latex", "html",
                    "psql", "fancy_grid", "jira", "textile", "asciidoc")
FORMATS = ("rich", "plain", "markdown", "json", "csv", "tsv") + TABULATE_FORMATS
FILE_FORMATS = ("xlsx",)  # binary: written to a file with -o (cli_output.py, render/xlsx.py)


def render(document, fmt, cite=False, width=None):
    """The text of a document in one format (rich returns text with escape codes when asked)."""
    if cite:
        document.number_citations()
    if fmt == "plain":
        from . import plain as module
        return module.render(document, cite, width=width)
    elif fmt == "markdown":
        from . import markdown as module
    elif fmt == "json":
        from . import jsonout as module
    elif fmt in ("csv", "tsv"):
        from . import delimited as module
        return module.render(document, cite, delimiter="," if fmt == "csv" else "\t")
    elif fmt in TABULATE_FORMATS:
        from . import tabulated as module
        return module.render(document, cite, tablefmt=fmt)
    elif fmt == "rich":
        from . import terminal as module
        return module.render(document, cite, width=width)
    else:
        raise ValueError(f"unknown format {fmt}")
    return module.render(document, cite)
