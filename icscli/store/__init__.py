"""Where the data lives, and the fast path from data files to a KnowledgeBase.

A normal run stats the data files, finds the compiled cache and decodes it; only a missing or stale
cache imports the YAML loader (`loader.py`). Keeping this module small keeps start-up fast.
"""

from ..errors import DataError
from .files import SHIPPED_KEY, bundled_data_dir, check_overlay, data_files, scan, shipped_path  # noqa: F401  (the store's face)


def load(overlay=None, use_cache=True, kind=None):
    """The KnowledgeBase (or `kind`, a subclass of it) for the bundled data plus an optional overlay.

    Each layer is compiled on its own: the bundled one comes from the wheel (or the user cache in a
    source checkout), and an overlay compiles on top of it without parsing the bundled YAML again.
    """
    from .model import KnowledgeBase

    KnowledgeBase = kind or KnowledgeBase  # noqa: N806
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
        from .. import __version__

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
