"""icscli: a reference for England's NHS integrated care systems, usable as a library.

    >>> import icscli
    >>> kb = icscli.load()
    >>> kb.entity("ICB")["name"]
    'Integrated care board'

The core (this package minus `cli`, `server` and `render.terminal`/`render.tabulated`) imports neither click nor
rich, so it can be used from scripts and notebooks.
"""
from .base.version import __version__


def load(overlay=None, use_cache=True):
    """Load the bundled data (plus an optional overlay directory) as a KnowledgeBase, with `entity(term)`:
    the record a term (id, acronym, name, alias or former name) means."""
    from .queries.resolve import Reference
    from .store import load as _load

    return _load(overlay=overlay, use_cache=use_cache, kind=Reference)


def validate(overlay=None):
    """Every problem in the bundled data and an optional overlay, as `Problem`s."""
    from .store.validate import validate as _validate

    return _validate(overlay)


__all__ = ["__version__", "load", "validate"]
