"""Compiled data files: one per data layer, so a normal run never parses YAML.

A compiled file holds the state of one layer (`build.build_state`: its record tables and indexes) as
separately `marshal`led parts behind a table of contents. Each part carries a CRC-32 checksum and is
read and decoded only when a query touches it (`model.CompiledState`): `ics systems` decodes no entity
and a TAB only the completion part. Any problem
(a missing, truncated, flipped, foreign or oddly shaped file; a FIFO or device in its place) is a
cache miss: the layer is compiled again from its YAML.

The key of a layer hashes the format, the package and Python versions, the key of the layer below, and
for every data file its name, size, modification and change times (ctime cannot be set back from user
space, so `touch -r` or `cp -p` cannot fake it) and inode. The bundled layer of an installed package
comes compiled inside the wheel (see `setup.py`); a source checkout compiles it on first use.
"""
import marshal
import os
import sys

from ..base.version import __version__

FORMAT = 18  # bump when the shape of the compiled state changes (18: the derived counts part)
MAGIC = b"ICSKB%03d" % FORMAT
MAX_TOC_BYTES = 64 << 20
MAX_CACHE_BYTES = 4 << 30
_warned = []


def cache_dir():
    """ICS_CACHE_DIR, else $XDG_CACHE_HOME/icscli, else ~/.cache/icscli. A relative XDG_CACHE_HOME is
    ignored, as the XDG base directory rules say."""
    explicit = os.environ.get("ICS_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "icscli")


def disabled():
    return os.environ.get("ICS_NO_CACHE", "") not in ("", "0")


def _blake2b(data=b"", digest_size=16):
    try:  # _blake2 directly: hashlib would load OpenSSL, a few ms we need not pay on every run
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - other Python builds
        from hashlib import blake2b
    return blake2b(data, digest_size=digest_size)


def _checksum(data):
    """CRC-32: catches every flipped bit and every burst of up to 32 (the cache is the user's own file,
    so corruption, not forgery, is the risk), at a fraction of a cryptographic hash's cost per run."""
    import zlib

    return zlib.crc32(data).to_bytes(4, "little")


def key_for(directory, files, parent=""):
    """The key of one layer: its files' names and stat fingerprints on top of the layer below."""
    digest = _blake2b()
    digest.update(f"{FORMAT}|{__version__}|{sys.version_info[:2]}|{parent}".encode())
    try:
        for path in files:
            info = os.stat(path)
            name = os.path.relpath(path, directory).encode("utf-8", "surrogateescape")
            digest.update(b"%s\0%d\0%d\0%d\0%d\0" % (name, info.st_size, info.st_mtime_ns, info.st_ctime_ns,
                                                     info.st_ino))
    except OSError:
        return None  # the loader will report the unreadable file
    return digest.hexdigest()


def content_hash(directory, files):
    """A hash of the files' names and bytes: the key of the compiled data shipped in the wheel."""
    digest = _blake2b()
    for path in files:
        with open(path, "rb") as handle:
            data = handle.read()
        digest.update(b"%s\0%d\0" % (os.path.relpath(path, directory).encode(), len(data)))
        digest.update(data)
    return digest.hexdigest()


def layer_path(layer_id, key):
    return os.path.join(cache_dir(), f"kb-{layer_id}-{key}.ics")


def layer_id(directory):
    """A short stable name for a data directory, so a new compile can remove the old ones."""
    return _blake2b(os.path.abspath(directory).encode("utf-8", "surrogateescape"), 6).hexdigest()


# --------------------------------------------------------------------------- writing


HEAD = len(MAGIC) + 20  # magic, table-of-contents offset and length, its checksum


def parts(state):
    """The state as stored: (part name, marshalled bytes), one part at a time."""
    for name, value in state.items():
        yield name, marshal.dumps(value)


def encode(state, key):
    """The bytes of a compiled file (see `stream`)."""
    return assemble(parts(state), key)


def assemble(blobs, key):
    """A compiled file's bytes from [(part name, marshalled bytes)]."""
    import io

    out = io.BytesIO()
    stream(out, blobs, key)
    return out.getvalue()


def stream(handle, blobs, key):
    """Write a compiled file part by part: a head, the parts, then the table of contents, whose place and
    checksum the head gives."""
    handle.write(bytes(HEAD))
    toc, offset = {}, HEAD
    for name, blob in blobs:
        toc[name] = (offset, len(blob), _checksum(blob))
        handle.write(blob)
        offset += len(blob)
    table = marshal.dumps({"key": key, "parts": toc})
    handle.write(table)
    handle.seek(0)
    handle.write(MAGIC + offset.to_bytes(8, "little") + len(table).to_bytes(8, "little") + _checksum(table))


def write(path, state, key):
    """Write a layer's compiled file atomically (a temporary of this writer's own, then a rename) and
    remove older compiles of the same layer. Returns False (after one warning per run on stderr) when
    the cache directory cannot be written."""
    from ..base.atomic import (
        atomic_write,  # here, not at the top: only a compile writes (start-up speed)
    )

    def fill(tmp):
        with open(tmp, "wb") as handle:
            stream(handle, parts(state), key)

    directory = os.path.dirname(path)
    try:
        os.makedirs(directory, exist_ok=True)
        atomic_write(path, fill, write_through=False)
        _prune(directory, os.path.basename(path))
        return True
    except (OSError, ValueError) as exc:
        _warn_once(directory, exc)
        return False


def _warn_once(directory, exc):
    if _warned or os.environ.get("_ICS_COMPLETE"):  # never write into the shell during TAB completion
        return
    _warned.append(directory)
    reason = getattr(exc, "strerror", None) or str(exc)
    try:
        sys.stderr.write(f"ics: warning: cannot write the cache in {directory} ({reason}); "
                         f"working without it (set ICS_CACHE_DIR to a writable directory)\n")
    except (OSError, ValueError):
        pass


def _prune(directory, keep, limit=8):
    """Drop older compiles of the same layer, and all but the newest few of other layers."""
    layer = keep.rsplit("-", 1)[0] + "-"
    names = [n for n in os.listdir(directory) if n.startswith("kb-") and n != keep
             and n.endswith((".ics", ".marshal"))]  # .marshal: the format before 8
    stale = [n for n in names if n.startswith(layer) or n.endswith(".marshal")]
    others = [n for n in names if n not in stale]
    if len(others) >= limit:
        others.sort(key=lambda n: os.path.getmtime(os.path.join(directory, n)))
        stale += others[: len(others) - limit + 1]
    for name in stale:
        try:
            os.unlink(os.path.join(directory, name))
        except OSError:
            pass


# --------------------------------------------------------------------------- reading


class CacheMiss(Exception):
    """The compiled file is missing, foreign, truncated or corrupt."""


class CompiledFile:
    """An open compiled file: parts are read, checked and decoded on demand."""

    def __init__(self, path, key=None, key_prefix=None):
        from ..base.fsread import NotRegularFile

        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            self.fd = os.open(path, flags)
        except OSError:
            raise CacheMiss(path) from None
        try:
            import stat

            info = os.fstat(self.fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES:
                raise NotRegularFile(path)
            self.size = info.st_size
            head = os.pread(self.fd, HEAD, 0)
            if len(head) != HEAD or not head.startswith(MAGIC):
                raise CacheMiss(path)
            at = int.from_bytes(head[len(MAGIC):len(MAGIC) + 8], "little")
            length = int.from_bytes(head[len(MAGIC) + 8:len(MAGIC) + 16], "little")
            if length > MAX_TOC_BYTES or at + length > self.size:
                raise CacheMiss(path)
            toc = os.pread(self.fd, length, at)
            if len(toc) != length or _checksum(toc) != head[len(MAGIC) + 16:]:
                raise CacheMiss(path)
            toc = marshal.loads(toc)
            self.key = toc["key"]
            self.parts = toc["parts"]
            if not isinstance(self.key, str) or not isinstance(self.parts, dict):
                raise CacheMiss(path)
            if key is not None and self.key != key:
                raise CacheMiss(path)
            if key_prefix is not None and not self.key.startswith(key_prefix):
                raise CacheMiss(path)
        except CacheMiss:
            os.close(self.fd)
            raise
        except Exception:  # noqa: BLE001  (any odd shape or read error is a miss)
            os.close(self.fd)
            raise CacheMiss(path) from None

    def names(self):
        return self.parts.keys()

    def load(self, name):
        """One part, checked against its checksum and decoded; CacheMiss on any problem."""
        blob = self.raw(name)
        try:
            return marshal.loads(blob)
        except Exception:  # noqa: BLE001  (marshal raises several kinds on damaged bytes: a miss)
            raise CacheMiss(name) from None

    def raw(self, name):
        """One part's bytes, checked against its checksum; CacheMiss on any problem."""
        try:
            offset, length, digest = self.parts[name]
            if offset < HEAD or length < 0 or offset + length > self.size:
                raise CacheMiss(name)
            blob = os.pread(self.fd, length, offset)
            if len(blob) != length or _checksum(blob) != digest:
                raise CacheMiss(name)
            return blob
        except CacheMiss:
            raise
        except Exception:  # noqa: BLE001  (any damage is a miss)
            raise CacheMiss(name) from None
