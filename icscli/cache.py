"""A compiled cache of the validated data, so a normal run never parses YAML.

The key hashes the package version, the Python version and, for every data file, its name, size,
modification time (in nanoseconds) and inode, so any edit or replacement gives a new key without
reading the files on every run. The payload is `marshal`led plain data (dicts,
lists, strings), which loads fast and cannot run code. Every failure (read-only, full or missing
directory, a corrupt or truncated file) falls back to parsing the YAML; nothing here raises.
"""
import marshal
import os
import sys

FORMAT = 8  # bump when the shape of the compiled state changes


def cache_dir():
    explicit = os.environ.get("ICS_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "icscli")


def disabled():
    return os.environ.get("ICS_NO_CACHE", "") not in ("", "0")


def key_for(layers):
    """A content hash of every data file in the given layers, or None if caching is off."""
    if disabled():
        return None
    from . import __version__
    from .store import data_files

    try:  # _blake2 directly: hashlib would load OpenSSL, a few ms we need not pay on every run
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - other Python builds
        from hashlib import blake2b

    digest = blake2b(digest_size=16)
    digest.update(f"{FORMAT}|{__version__}|{sys.version_info[:2]}".encode())
    try:
        for directory, tag in layers:
            digest.update(f"\0layer\0{tag}".encode())
            for path in data_files(directory):
                info = os.stat(path)
                name = os.path.relpath(path, directory).encode("utf-8", "surrogateescape")
                digest.update(b"%s\0%d\0%d\0%d\0" % (name, info.st_size, info.st_mtime_ns, info.st_ino))
    except OSError:
        return None  # the loader will report the unreadable file
    return digest.hexdigest()


def _path(key):
    return os.path.join(cache_dir(), f"kb-{key}.marshal")


def read(key):
    try:
        with open(_path(key), "rb") as handle:
            state = marshal.loads(handle.read())
    except Exception:  # missing, unreadable, truncated or corrupt: rebuild
        return None
    if not isinstance(state, dict) or state.get("_key") != key:
        return None
    return state


def write(key, state):
    directory = cache_dir()
    state["_key"] = key
    tmp = None
    try:
        os.makedirs(directory, exist_ok=True)
        tmp = os.path.join(directory, f".kb-{key}.{os.getpid()}.tmp")
        from .model import pack_state

        with open(tmp, "wb") as handle:
            handle.write(marshal.dumps(pack_state(state)))
        os.replace(tmp, _path(key))
        tmp = None
        _prune(directory, keep=os.path.basename(_path(key)))
    except Exception:  # read-only, full or odd cache directory: run without a cache
        pass
    finally:
        if tmp:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _prune(directory, keep, limit=8):
    """Keep the cache small: drop all but the newest few compiled files."""
    names = [n for n in os.listdir(directory) if n.startswith("kb-") and n.endswith(".marshal") and n != keep]
    if len(names) < limit:
        return
    names.sort(key=lambda n: os.path.getmtime(os.path.join(directory, n)))
    for name in names[: len(names) - limit + 1]:
        try:
            os.unlink(os.path.join(directory, name))
        except OSError:
            pass
