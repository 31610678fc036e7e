"""The one writer of output files: complete or untouched, never half-written, never a stray temporary.

`atomic_write(path, fill)` calls `fill(temporary path)` and renames the finished file over the target,
so a reader never sees half an export and a failure leaves the old file as it was. Targets are
treated as a shell's `>` would treat them:

- a symlink is followed: the file it points to is replaced, not the link;
- an existing target that is not a regular file (/dev/null, a FIFO, a terminal) is written through,
  never replaced (as root, renaming over /dev/null would replace the device);
- a name ending in "/" or naming a missing directory is an error, not a file called `newdir`.

The temporary name is short (`.ics-XXXXXXXX.tmp`) so that a target name near the 255-byte limit still
works, and made by `tempfile.mkstemp`, so it is each writer's own: two processes, or two threads of one,
writing the same target at once never share one. The temporary is removed on any failure, including the
signals that `entry.py` turns into exceptions (SIGTERM, SIGHUP, SIGINT), and only while its name holds
this writer's file: the rename (or, written through, the removal) and forgetting the name happen with
those signals held, since once done the name is free and may be another writer's temporary.

Nothing here imports click or rich.
"""
import contextlib
import errno
import os
import shutil
import stat
import tempfile


class OutputError(OSError):
    """The output path cannot be written; the message says why in one line."""


def resolve_target(path):
    """(real path, existing non-regular file?) for an output path, or OutputError."""
    if path.endswith(os.sep) or (os.altsep and path.endswith(os.altsep)):
        if not os.path.isdir(path):
            raise OutputError(errno.ENOENT, f"directory '{path}' does not exist")
        raise OutputError(errno.EISDIR, f"'{path}' is a directory; give a file name")
    real = os.path.realpath(path)
    try:
        info = os.stat(real)
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(errno.EISDIR, f"'{path}' is a directory; give a file name")
    directory = os.path.dirname(real)
    if not os.path.isdir(directory):
        raise OutputError(errno.ENOENT, f"directory '{os.path.dirname(path) or directory}' does not exist")
    return real, info is not None and not stat.S_ISREG(info.st_mode)


def atomic_write(path, fill, write_through=True, prefix=".ics-"):
    """Call fill(temporary path), then put the result at `path` (see the module docstring).

    With `write_through=False` (the compiled cache, a file of the program's own) a target that is not a
    regular file is replaced like any other, never written through: a FIFO there would block the write.
    `prefix` starts the temporary's name (an import's names its process: store/imported.py).
    """
    real, special = resolve_target(path)
    write_through = special and write_through
    directory = tempfile.gettempdir() if write_through else os.path.dirname(real)
    tmp = None
    try:
        with _signals_held():  # a signal between creating the temporary and knowing its name would leak it
            fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
        os.close(fd)
        fill(tmp)
        if write_through:
            _copy_into(tmp, real)
        else:
            _copy_mode(real, tmp)
        with _signals_held():  # once renamed or removed, the name is no longer this writer's to remove
            if write_through:
                os.unlink(tmp)
            else:
                os.replace(tmp, real)
            tmp = None
    except BaseException:
        if tmp:  # still this writer's own: not yet renamed into place or removed
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise


@contextlib.contextmanager
def _signals_held():
    """Hold back SIGINT, SIGTERM and SIGHUP for the duration (where the platform allows)."""
    import signal

    held = {getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _copy_into(tmp, target):
    """Write the finished temporary into an existing device or FIFO, as `cat tmp > target` would."""
    with open(tmp, "rb") as source, open(target, "wb") as sink:
        shutil.copyfileobj(source, sink)


def _copy_mode(real, tmp):
    """A replaced file keeps its permissions; a new one gets the usual 0666 less the umask."""
    try:
        mode = os.stat(real).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)


def write_text(path, text):
    """Write text (UTF-8, "\\n" line ends) atomically, synced to disk before the rename."""
    def fill(tmp):
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())

    atomic_write(path, fill)
