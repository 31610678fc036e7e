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
# bump a kind's format when its tables change: an older database is then reported, not misread (2: the
# directories' sector index, systems/sectors.py)
FORMATS = {kind: 2 if kind in DIRECTORIES else 1 for kind in KINDS}
_CHANGES = [0]  # how many imports this process has built or removed: readers' memos are keyed on it
# An unfinished build's file names its process and machine (`_temporary_prefix`): it is removed once that
# process is gone. One whose process cannot be asked about (another machine's, in a shared directory, or
# named by an older ics) is removed only once untouched for this long, far more than any build pauses.
UNASKABLE_STALE_SECONDS = 7 * 86400
_TEMPORARY = ".ics-import-"


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
            meta = dict(fill(connection), format=FORMATS[kind], imported=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
            connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
            connection.executemany("INSERT INTO meta VALUES (?, ?)", [(k, marshal.dumps(v)) for k, v in meta.items()])
            connection.execute("COMMIT")
            stored.update(meta)
        finally:
            connection.close()
        with open(tmp, "rb") as handle:  # on disk before the rename: a power cut leaves the old file or the new
            os.fsync(handle.fileno())

    try:
        atomic_write(path_of(kind), write, write_through=False, prefix=_temporary_prefix())
    finally:
        _CHANGES[0] += 1
    return stored


def _remove_stale(directory):
    """Remove the unfinished files of builds that were killed (SIGKILL, a power cut), never one a build is
    still writing, however slowly: one of this machine whose process is gone is nobody's; one no process
    can be asked about goes only once untouched for UNASKABLE_STALE_SECONDS."""
    now = time.time()
    try:
        names = os.listdir(directory)
    except OSError:
        return
    here = _machine()
    for name in names:
        if not (name.startswith(".ics-") and name.endswith(".tmp")):
            continue
        path = os.path.join(directory, name)
        pid, machine = _owner(name)
        try:
            if machine == here and pid is not None and os.name == "posix":
                if pid == os.getpid() or _running(pid):
                    continue
            elif now - os.stat(path).st_mtime <= UNASKABLE_STALE_SECONDS:
                continue
            os.unlink(path)
        except OSError:
            pass


def _machine():
    """This machine's name as an unfinished file carries it: letters, digits, '-' and '.' only."""
    import socket  # only when an import is built

    name = "".join(c if c.isalnum() or c in "-." else "_" for c in socket.gethostname())
    return name[:64] or "localhost"


def _temporary_prefix():
    """The start of a build's unfinished file's name: `.ics-import-<process id>@<machine>.`"""
    return f"{_TEMPORARY}{os.getpid()}@{_machine()}."


def _owner(name):
    """(process id, machine) an unfinished file's name gives, or (None, None) for another name."""
    if not name.startswith(_TEMPORARY):
        return None, None
    pid, _, rest = name[len(_TEMPORARY):].partition("@")
    machine = rest[:-len(".tmp")].rpartition(".")[0]
    return (int(pid), machine) if pid.isdigit() and machine else (None, None)


def _running(pid):
    """Whether a process of this machine is running (signal 0 asks without sending anything); one
    of another user counts, and so does any answer but "no such process"."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


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
    if meta.get("format") != FORMATS[kind]:
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
