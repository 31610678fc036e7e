"""Where the data lives, and the way from data files to a KnowledgeBase.

A normal run stats the data files, finds each layer's compiled file (`cache.py`) and reads it part by
part (`model.py`); only a missing or stale one compiles the layer (`build.py`, which imports the YAML
loader). Keeping this module small keeps start-up fast.
"""
from ..base.version import __version__
from . import cache
from .files import (  # noqa: F401  (the store's face)
    SHIPPED_KEY,
    bundled_data_dir,
    check_overlay,
    data_files,
    scan,
    shipped_path,
)
from .model import PART_TYPES, CompiledState, KnowledgeBase


def load(overlay=None, use_cache=True, kind=KnowledgeBase):
    """The KnowledgeBase (or `kind`, a subclass of it) for the bundled data plus an optional overlay.

    Each layer is compiled on its own: the bundled one comes from the wheel (or the user cache in a
    source checkout), and an overlay compiles on top of it without parsing the bundled YAML again.
    """
    if overlay:
        check_overlay(overlay)
    use_cache = use_cache and not cache.disabled()
    state, key = _bundled(use_cache)
    if overlay:
        state, key = _layer(overlay, overlay, use_cache, parent=(state, key))
    return kind(state)


def _bundled(use_cache):
    path = shipped_path() if use_cache else None
    if path:
        prefix = SHIPPED_KEY.format(format=cache.FORMAT, version=__version__)
        state = _open(path, None, lambda: _compile(bundled_data_dir(), "", None), key_prefix=prefix)
        if state is not None:
            return state, state.key
    return _layer(bundled_data_dir(), "", use_cache)


def _layer(directory, tag, use_cache, parent=None):
    """(state, key) of one layer: from its compiled file when the key matches, else compiled and
    written. The key is None when the layer cannot be cached."""
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
    """The state of a compiled file with every part there, else None."""
    try:
        compiled = cache.CompiledFile(path, key=key, key_prefix=key_prefix)
    except cache.CacheMiss:
        return None
    if not all(name in compiled.parts for name in PART_TYPES):
        return None  # a file of another shape
    return CompiledState(compiled, rebuild)


def _compile(directory, tag, parent_state):
    """Parse and validate one layer of YAML (on top of the layer below) into a state."""
    from .build import (
        compile_layer,  # here, not at the top: only a cache miss compiles (start-up speed: YAML)
    )

    return compile_layer(directory, tag, parent_state)
