"""The user's imported files (`ics import`): where their SQLite databases live, how one is built without
ever harming the one in use, and what each holds.

Each kind of import has a database of its own in the imports directory (`imports_dir`): the ONS
Postcode Directory, the NSPL and an ONS LSOA lookup. A database is built under a temporary name beside
its target and renamed over it only when complete (`base/atomic.py`), so an import that fails, is
interrupted (^C, SIGTERM) or killed leaves the previous database as it was. Each database has a `meta`
table of what was imported (kind, edition, row count, the files' SHA-256, the date; each value
`marshal`led, as the compiled data is); the tables of the
rows themselves are the importer's (`systems/importer.py`). Nothing here reads an import's rows.
"""
import marshal
import os
import time

from ..base.schema import IMPORT_KINDS

# The kinds of import, in the order `ics import --list` shows them: kind -> its database's file name.
KINDS = {kind: f"{kind}.sqlite" for kind in IMPORT_KINDS}
DIRECTORIES = ("onspd", "nspl")  # the postcode directories, in the order a tie between editions prefers
FORMAT = 1  # bump when the tables of an import change: an older database is then reported, not misread
STALE_SECONDS = 3600  # an unfinished build not written to for this long was killed: its file is removed
_CHANGES = [0]  # how many imports this process has built or removed: readers' memos are keyed on it


class ImportUnreadable(Exception):
    """An imported database that cannot be read (damaged, or from another version of `ics`)."""


def imports_dir():
    """ICS_IMPORTS_DIR, else $XDG_DATA_HOME/icscli/imports, else ~/.local/share/icscli/imports. A
    relative XDG_DATA_HOME is ignored, as the XDG base directory rules say (and as `cache_dir` does)."""
    explicit = os.environ.get("ICS_IMPORTS_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_DATA_HOME") or ""
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "icscli", "imports")


def generation():
    """A number that changes whenever this process builds or removes an import (memos key on it)."""
    return _CHANGES[0]


def path_of(kind):
    return os.path.join(imports_dir(), KINDS[kind])


def build(kind, fill):
    """Build the database of `kind`: fill(connection) writes its tables into a new database under a
    temporary name and returns its meta (a dict); only then is it renamed over the old one. Returns
    the meta as stored."""
    import sqlite3  # start-up speed: only a command that builds or reads an import needs it

    from ..base.atomic import (
        atomic_write,  # start-up speed: tempfile and shutil only when building
    )

    directory = imports_dir()
    os.makedirs(directory, exist_ok=True)
    _remove_stale(directory)
    stored = {}

    def write(tmp):
        connection = sqlite3.connect(tmp, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode = OFF")  # a temporary file: a crash discards it whole
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("BEGIN")
            meta = dict(fill(connection), format=FORMAT, imported=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
            connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
            connection.executemany("INSERT INTO meta VALUES (?, ?)", [(k, marshal.dumps(v)) for k, v in meta.items()])
            connection.execute("COMMIT")
            stored.update(meta)
        finally:
            connection.close()
        with open(tmp, "rb") as handle:  # on disk before the rename: a power cut leaves the old file or the new
            os.fsync(handle.fileno())

    try:
        atomic_write(path_of(kind), write, write_through=False)
    finally:
        _CHANGES[0] += 1
    return stored


def _remove_stale(directory):
    """Remove the temporary files of builds that were killed (SIGKILL, a power cut) long ago: a build
    in progress writes to its file all the time, so one untouched for an hour is nobody's."""
    now = time.time()
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        if name.startswith(".ics-") and name.endswith(".tmp"):
            path = os.path.join(directory, name)
            try:
                if now - os.stat(path).st_mtime > STALE_SECONDS:
                    os.unlink(path)
            except OSError:
                pass


def connect(kind):
    """A read-only connection to the database of `kind`, or None when nothing of that kind is imported.
    ImportUnreadable when the file is there but is not an import this version can read."""
    path = path_of(kind)
    if not os.path.isfile(path):
        return None
    import sqlite3  # start-up speed: not imported when nothing is imported (one stat)

    try:
        connection = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro", uri=True)
        meta = _meta(connection)
    except sqlite3.Error as exc:
        raise ImportUnreadable(f"{path}: cannot be read ({exc}); import the file again") from None
    if meta.get("format") != FORMAT:
        connection.close()
        raise ImportUnreadable(f"{path}: made by another version of ics; import the file again")
    return connection


def _uri_path(path):
    """A path as an SQLite URI's path: the three characters a URI gives a meaning to, escaped."""
    return os.path.abspath(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23")


def _meta(connection):
    """The meta table: each value `marshal`led (plain data, read without importing json or re)."""
    return {key: marshal.loads(value) for key, value in connection.execute("SELECT key, value FROM meta")}


def meta_of(connection):
    """The meta of an open import: what was imported, from which files, when."""
    return _meta(connection)


def listing():
    """[(kind, meta or None, problem or None)] for every kind that has a database."""
    found = []
    for kind in KINDS:
        try:
            connection = connect(kind)
        except ImportUnreadable as exc:
            found.append((kind, None, str(exc)))
            continue
        if connection is not None:
            try:
                found.append((kind, _meta(connection), None))
            finally:
                connection.close()
    return found


def remove(kind):
    """Remove the database of `kind`; True if there was one."""
    _CHANGES[0] += 1
    try:
        os.unlink(path_of(kind))
    except FileNotFoundError:
        return False
    return True
