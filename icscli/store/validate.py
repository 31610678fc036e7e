"""`ics validate`: every problem in the bundled data and an overlay, as `Problem`s with file:line."""
from ..base import freshness
from ..errors import DataError, Problem
from . import load
from .build import base_tables
from .files import bundled_data_dir
from .loader import compile_sources


def validate(overlay=None, include_bundled=True):
    """Every problem in the bundled data and/or an overlay directory.

    The bundled layer's compiled state exists only if its data compiled without a problem, so parsing
    its YAML again would find nothing new (and costs a sixth of a second): the bundled data is checked
    as that state, and an overlay on top of it. Otherwise every layer is parsed and checked.
    """
    base = _valid_bundled_tables() if include_bundled else None
    if base is None:
        layers = ([(bundled_data_dir(), "")] if include_bundled else []) + ([(overlay, overlay)] if overlay else [])
        tables, problems = compile_sources(layers)
    elif overlay:
        tables, problems = compile_sources([(overlay, overlay)], base=base)
    else:
        tables, problems = base, []
    as_of = (tables["meta"].get("meta") or {}).get("data_as_of")
    for record, field, message in freshness.outcomes_missing(tables, as_of):
        file, line = record["_loc"].rsplit(":", 1)
        problems.append(Problem(file, int(line), field, f"{record['id']}: {message}"))
    return problems


def _valid_bundled_tables():
    """The bundled layer's tables from its compiled state (with file:line locations), or None when it
    has a problem or cannot be loaded: then the caller parses it and lists what is wrong."""
    try:
        return base_tables(load().state)
    except (DataError, OSError):
        return None
