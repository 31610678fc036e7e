"""The console entry point, `ics`: signals, standard streams and exit codes around the click app.

This module imports nothing slow, so its rules are in force before click loads:
- SIGINT, SIGTERM and SIGHUP unwind the program (the atomic writer removes its temporary file), then
  the process ends by that same signal, as a shell expects: ^C prints nothing, not even in start-up;
- a closed standard stream (`>&-`, `2>&-`) keeps its descriptor number taken, so no file opened later
  can land on it; writing to a closed stdout is a one-line error, a closed stderr swallows messages
  without changing the exit code;
- a narrow encoding (PYTHONIOENCODING=ascii, latin-1, a C locale) gets a transliteration (→ as ->,
  – as -, curly quotes as straight ones) instead of a UnicodeEncodeError;
- an output that cannot be written (disk full, closed stdout) is `ics: error: ...` and exit 2.
"""
import codecs
import errno
import io
import os
import sys

try:  # the C module under `signal`: the same functions, without importing enum (milliseconds a run)
    import _signal as signal
except ImportError:  # pragma: no cover - another Python implementation
    import signal

_TRANSLIT = {
    "\u2192": "->", "\u2190": "<-", "\u2194": "<->", "\u21d2": "=>", "\u2013": "-", "\u2014": "--",
    "\u2012": "-", "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"',
    "\u201e": '"', "\u2026": "...", "\u2022": "*", "\u00b7": ".", "\u00a0": " ", "\u2009": " ",
    "\u202f": " ", "\u2264": "<=", "\u2265": ">=", "\u00d7": "x", "\u00a3": "GBP ", "\u20ac": "EUR ",
    "\u2500": "-", "\u2502": "|", "\u251c": "+", "\u2514": "+", "\u2713": "v", "\u00ab": "<<", "\u00bb": ">>",
}


class Interrupted(BaseException):
    """A terminating signal arrived; raised so that `finally` blocks and the atomic writer clean up."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def _raise_interrupted(signum, frame):
    for other in _SIGNALS:  # clean-up runs once: a second ^C must not interrupt the removal
        signal.signal(other, signal.SIG_IGN)
    raise Interrupted(signum)


_SIGNALS = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)]


def _install_signals():
    for signum in _SIGNALS:
        if signal.getsignal(signum) != signal.SIG_IGN:  # `nohup` and background jobs ignore some
            signal.signal(signum, _raise_interrupted)


def _die_of(signum):
    """End the process by the signal itself, so the caller sees 'killed by SIGINT' (a shell's 130)."""
    try:
        sys.stdout.flush()
    except Exception:  # noqa: BLE001, S110  (a stdout that cannot flush must not stop the exit by signal)
        pass
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
    os._exit(128 + signum)  # pragma: no cover - the signal ends the process first


class _ClosedOutput(io.RawIOBase):
    """Standard output when the caller closed it: every write fails with one clear reason."""

    def writable(self):
        return True

    def write(self, data):
        raise OSError(errno.EBADF, "standard output is closed")


def _guard_streams():
    """Hold the numbers of closed standard descriptors with /dev/null, and replace closed streams."""
    closed = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDWR)  # the lowest free number: this very fd
            closed.append(fd)
    if 1 in closed or sys.stdout is None:
        sys.stdout = io.TextIOWrapper(_ClosedOutput(), encoding="utf-8")
    if 2 in closed or sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115  (open for the whole run)


def _transliterate(exc):
    """Codec error handler: the nearest ASCII for what the output encoding cannot hold, else '?'."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for char in exc.object[exc.start:exc.end]:
        plain = _TRANSLIT.get(char)
        if plain is None:
            import unicodedata

            plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            try:
                plain.encode(exc.encoding)
            except (UnicodeEncodeError, LookupError):
                plain = "?"
        out.append(plain)
    return "".join(out), exc.end


def _narrow_streams():
    """Streams whose encoding is not UTF-8 transliterate instead of raising."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if isinstance(stream, io.TextIOWrapper) and not encoding.startswith("utf"):
            codecs.register_error("ics-transliterate", _transliterate)
            stream.reconfigure(errors="ics-transliterate")


def _error(message):
    try:
        sys.stderr.write(f"ics: error: {message}\n")
        sys.stderr.flush()
    except Exception:  # noqa: BLE001, S110  (stderr is full or gone: the exit code still says it)
        pass


def _run():
    """Run the click app; returns the exit code."""
    try:
        from .cli.fast import (
            answer_or_none,  # imported once the signals and streams are in hand
        )

        text = answer_or_none()  # the common answers, without importing click
        if text is not None:
            sys.stdout.write(text)
            return 0
        from .cli.app import (
            ics,  # start-up speed: click only for what the fast path leaves
        )

        ics(prog_name="ics")
        return 0
    except SystemExit as exc:
        code = exc.code
    except OSError as exc:  # writing the output failed: a full disk, a closed stdout, an I/O error
        if exc.errno == errno.EPIPE:  # the reader has gone (`| head`): nothing more to say
            return 0
        _error(f"cannot write the output: {exc.strerror or exc}")
        return 2
    if code is None:
        return 0
    if not isinstance(code, int):
        _error(str(code))
        return 1
    return code


def _flush(code):
    """Flush what is left; a failure here (a full disk on the last block) is still reported."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            pass
        except OSError as exc:
            if stream is sys.stdout and code == 0:
                _error(f"cannot write the output: {exc.strerror or exc}")
                code = 2
    return code


def main():
    """The console entry point. Exits with os._exit once output is flushed: tearing down the interpreter
    (freeing every object of the loaded data) would add milliseconds to every run for nothing."""
    _install_signals()
    try:
        _guard_streams()
        _narrow_streams()
        code = _flush(_run())
    except Interrupted as exc:
        _die_of(exc.signum)
    os._exit(code)
