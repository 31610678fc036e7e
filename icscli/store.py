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


SHIPPED = "bundled.ics"  # the bundled layer, compiled when the wheel is built (setup.py)
SHIPPED_KEY = "shipped|{format}|{version}|"  # + the data's content hash


def shipped_path():
    """The compiled bundled data inside an installed package, or None when running from a checkout
    or with ICS_BUNDLED_DATA (then the bundled layer is compiled on first use, like an overlay)."""
    if os.environ.get("ICS_BUNDLED_DATA"):
        return None
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, SHIPPED)
    return path if os.path.isfile(path) and os.path.isdir(os.path.join(here, "data")) else None


def load(overlay=None, use_cache=True):
    """The KnowledgeBase for the bundled data plus an optional overlay directory.

    Each layer is compiled on its own: the bundled one comes from the wheel (or the user cache in a
    source checkout), and an overlay compiles on top of it without parsing the bundled YAML again.
    """
    from .model import KnowledgeBase

    if overlay:
        check_overlay(overlay)
    use_cache = use_cache and not _cache_disabled()
    base, base_key = _bundled(use_cache)
    if not overlay:
        return KnowledgeBase(base)
    state, key = _layer(overlay, overlay, use_cache, parent=(base, base_key))
    if key is None:
        return KnowledgeBase(state)
    from . import cache

    path = cache.layer_path(cache.layer_id(overlay), key)
    return KnowledgeBase(state, keep=lambda name, value: cache.add_part(path, key, name, value))


def _cache_disabled():
    from .cache import disabled

    return disabled()


def _bundled(use_cache):
    from . import cache

    path = shipped_path() if use_cache else None
    if path:
        from . import __version__

        prefix = SHIPPED_KEY.format(format=cache.FORMAT, version=__version__)
        state = _open(path, None, lambda: _compile(bundled_data_dir(), "", None), key_prefix=prefix)
        if state is not None:
            return state, state.key
    return _layer(bundled_data_dir(), "", use_cache)


def _layer(directory, tag, use_cache, parent=None):
    """(state, key) of one layer: from its compiled file when the key matches, else compiled and
    written. The key is None when the layer cannot be cached."""
    from . import cache

    parent_state, parent_key = parent or (None, "")
    key = None
    if use_cache and parent_key is not None:
        files, problems = scan(directory)
        if not problems:  # an unreadable directory is reported by the compile, never cached
            key = cache.key_for(directory, files, parent_key)
    if key is None:
        return _compile(directory, tag, parent_state), None
    path = cache.layer_path(cache.layer_id(directory), key)

    def rebuild():
        state = _compile(directory, tag, parent_state)
        cache.write(path, state, key)
        return state

    state = _open(path, key, rebuild)
    return (state if state is not None else rebuild()), key


def _open(path, key, rebuild, key_prefix=None):
    from .cache import CacheMiss, CompiledFile
    from .model import DERIVED, PART_TYPES, CompiledState

    try:
        compiled = CompiledFile(path, key=key, key_prefix=key_prefix)
    except CacheMiss:
        return None
    if not all(name in compiled.parts for name in PART_TYPES if name not in DERIVED):
        return None  # a file of another shape (an overlay's DERIVED parts come when first read)
    state = CompiledState(compiled, rebuild)
    state.key = compiled.key
    return state


def _compile(directory, tag, parent_state):
    """Parse and validate one layer of YAML (on top of the layer below) into a state."""
    from .layers import base_tables
    from .loader import compile_sources
    from .model import KnowledgeBase

    base = base_tables(parent_state) if parent_state is not None else None
    tables, problems = compile_sources([(directory, tag)], base=base)
    if problems:
        raise DataError(problems)
    return KnowledgeBase.build_state(tables, base=(parent_state, base) if base else None)
