"""Where the data lives, and the fast path from data files to a KnowledgeBase.

A normal run stats the data files, finds the compiled cache and decodes it; only a missing or stale
cache imports the YAML loader (`loader.py`). Keeping this module small keeps start-up fast.
"""
import os

from .errors import DataError, Problem


def bundled_data_dir():
    """The bundled data: `icscli/data` when installed, `../data` in a source checkout.

    ICS_BUNDLED_DATA replaces it wholesale (for development and for testing a refreshed data tree).
    """
    explicit = os.environ.get("ICS_BUNDLED_DATA")
    if explicit:
        return explicit
    here = os.path.dirname(os.path.abspath(__file__))
    installed = os.path.join(here, "data")
    if os.path.isdir(installed):
        return installed
    return os.path.join(os.path.dirname(here), "data")


def data_files(directory):
    """Every *.yaml / *.yml file below a directory, in a stable order."""
    found = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for name in sorted(files):
            if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                found.append(os.path.join(root, name))
    return found


def load(overlay=None, use_cache=True):
    """The KnowledgeBase for the bundled data plus an optional overlay directory."""
    from . import cache
    from .model import KnowledgeBase

    layers = [(bundled_data_dir(), "")]
    if overlay:
        if not os.path.isdir(overlay):
            raise DataError([Problem(overlay, 0, "", "not a directory")])
        layers.append((overlay, overlay))
    key = cache.key_for(layers) if use_cache else None
    state = cache.read(key) if key else None
    if state is None:
        from .loader import compile_sources

        tables, problems = compile_sources(layers)
        if problems:
            raise DataError(problems)
        state = KnowledgeBase.build_state(tables)
        if key:
            cache.write(key, state)
    return KnowledgeBase(state)
