"""`ics export`: the whole reference in one document (markdown, html, json or sqlite).

`datasette-metadata` is the Datasette metadata JSON that describes the SQLite export (datasette.py).
`collect(kb)` gathers every part once, as plain data plus the views' `Doc`s: the glossary and every
entity card, the structure, the timeline, every before/after comparison, the systems tables and a
numbered bibliography. Each format module (`markdown`, `html`, `jsonout`, `sqlite`) turns that into a
file. `write(kb, fmt, path)` writes through the one atomic writer, `icscli/base/atomic.py`.

Nothing here imports click or rich.
"""
from ..render import EXPORT_FORMATS as FORMATS  # noqa: F401  (declared with the other format names)
from .document import TITLE, Reference, collect, comparison_pairs  # noqa: F401  (the export's face)


def render(kb, fmt, today=None, database="ics"):
    """The export as text (markdown, html, json, datasette-metadata). SQLite is a file: use `write`."""
    if fmt == "datasette-metadata":  # describes the SQLite export's schema: nothing to collect
        import json

        from . import datasette

        return json.dumps(datasette.metadata(database, TITLE), indent=2, ensure_ascii=False) + "\n"
    ref = collect(kb, today)
    if fmt == "markdown":
        from . import markdown as module
    elif fmt == "html":
        from . import html as module
    elif fmt == "json":
        from . import jsonout as module
    else:
        raise ValueError(f"{fmt} cannot be rendered as text; use write()")
    return module.render(ref)


def write(kb, fmt, path, today=None, database="ics"):
    """Write the export to a path through the one atomic writer (`atomic.py`): the old file is replaced
    only when the new one is complete. Raises OSError (atomic.OutputError says why in one line) or
    ExportError for what the SQLite engine refuses."""
    from ..base.atomic import atomic_write, resolve_target, write_text

    resolve_target(path)  # a bad target fails before the work of collecting the export
    if fmt == "sqlite":
        from . import sqlite

        ref = collect(kb, today)
        atomic_write(path, lambda tmp: sqlite.write(ref, tmp))
        return
    write_text(path, render(kb, fmt, today, database))
