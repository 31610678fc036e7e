"""Where the data lives, and the fast path from data files to a KnowledgeBase.

A normal run stats the data files, finds the compiled cache and decodes it; only a missing or stale
cache imports the YAML loader (`loader.py`). Keeping this module small keeps start-up fast.
"""
import os

from .errors import BadValue, DataError, Problem


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


MAX_DIR_DEPTH = 64  # deeper overlays are reported, not walked: nobody nests data that deep


def data_files(directory):
    """Every *.yaml / *.yml file below a directory, in a stable order (see `scan`)."""
    return scan(directory)[0]


def scan(directory):
    """(files, problems): every *.yaml / *.yml file below a directory, in a stable order, and what
    could not be read.

    Names starting with "." (hidden: .git, editor files) are skipped; symlinks to directories are not
    followed (no loops, no walking into /dev or /proc). The walk is iterative and stops at
    MAX_DIR_DEPTH levels, so a deep tree gives a problem rather than a RecursionError.
    """
    found, problems = [], []
    pending = [(directory, 0)]
    while pending:
        root, depth = pending.pop()
        try:
            with os.scandir(root) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            problems.append(Problem(root, 0, "", f"cannot read this directory: {exc.strerror or exc}"))
            continue
        subdirs = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                subdirs.append(entry.path)
            elif entry.name.endswith((".yaml", ".yml")):
                found.append(entry.path)
        if subdirs and depth >= MAX_DIR_DEPTH:
            problems.append(Problem(root, 0, "", f"directories nested more than {MAX_DIR_DEPTH} levels deep are not read"))
            continue
        pending.extend((path, depth + 1) for path in reversed(subdirs))
    return found, problems  # depth first, files before subdirectories: the order os.walk gave


def check_overlay(overlay):
    """A usage error (exit 2) unless the overlay is a directory: it names nothing, or a file."""
    if not os.path.isdir(overlay):
        what = "is not a directory" if os.path.lexists(overlay) else "does not exist"
        raise BadValue(f"data directory '{overlay}' {what}")


def load(overlay=None, use_cache=True):
    """The KnowledgeBase for the bundled data plus an optional overlay directory."""
    from . import cache
    from .model import KnowledgeBase

    layers = [(bundled_data_dir(), "")]
    if overlay:
        check_overlay(overlay)
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
