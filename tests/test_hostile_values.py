"""Hostile values in the places a value reaches: an overlay's numbers, the pager the user names, a
diagram's labels, and the cache's temporary files. Each reproduced first, then shown to end in one
clean line with the documented exit code, or in inert output."""
import os

import pytest
from hostile import SOURCE, entity, ics, one_error_line

# --------------------------------------------------------------------------- numbers past Python's digit limit


@pytest.mark.parametrize("command,number,cache,said", [
    (["validate", "{dir}"], "9" * 5000, False, "an integer of 5,000 digits, more than Python reads (4,300 at most)"),
    (["explain", "icb", "--data", "{dir}"], "-" + "1" * 4301, True,
     "an integer of 4,301 digits, more than Python reads (4,300 at most)"),
    (["systems", "--data", "{dir}"], "+" + "5" * 6000, False,
     "an integer of 6,000 digits, more than Python reads (4,300 at most)"),
    # other bases have no limit on the way in, but such a number cannot be written out: any message
    # quoting it, any output showing it, would fail
    (["validate", "{dir}"], "0x" + "f" * 4000, False,
     "an integer of about 4,817 digits, more than Python writes (4,300 at most)"),
    (["explain", "icb", "--data", "{dir}"], "1" + ":59" * 3000, True,
     "an integer of about 5,335 digits, more than Python writes (4,300 at most)")])
def test_an_overlay_integer_past_pythons_digit_limit_is_a_data_error_at_its_line(tmp_path, command, number, cache,
                                                                                said):
    overlay = tmp_path / "ov"
    overlay.mkdir()
    count = f"[{{what: things, value: {number}, from: 2020-01-01, sources: [{SOURCE}]}}]"
    (overlay / "numbers.yaml").write_text("entities:\n" + entity("big-number", counts=count))
    argv = [arg.replace("{dir}", str(overlay)) for arg in command]
    result = ics(*argv, env={} if cache else {"ICS_NO_CACHE": "1"})
    assert result.returncode == 1 and b"Traceback" not in result.stderr, result.stderr.decode()[-500:]
    said = "numbers.yaml:8: " + said
    if command[0] == "validate":  # every problem listed on standard output
        assert said in result.stdout.decode(), result.stdout.decode()
    else:
        assert one_error_line(result.stderr).endswith(said), result.stderr.decode()


# --------------------------------------------------------------------------- the pager the user names


def on_a_terminal(*argv, env):
    """`ics argv` with standard input and output on a pseudo-terminal of 24 x 80 (so long output is paged):
    (exit code, what the terminal showed, standard error)."""
    pty = pytest.importorskip("pty")
    fcntl, select, struct, termios = (pytest.importorskip(n) for n in ("fcntl", "select", "struct", "termios"))
    import subprocess
    import sys

    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    environ = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "ICS_NO_PAGER")}
    proc = subprocess.Popen([sys.executable, "-m", "icscli", *argv], stdin=terminal, stdout=terminal,
                            stderr=subprocess.PIPE, env=dict(environ, **env))
    os.close(terminal)
    shown = b""
    try:
        while select.select([controller], [], [], 60)[0]:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the other end has closed
                break
            if not chunk:
                break
            shown += chunk
        code = proc.wait(60)
    finally:
        os.close(controller)
        proc.kill()
    return code, shown, proc.stderr.read()


@pytest.mark.parametrize("pager", ['less "', "less \\"])
def test_a_pager_with_an_unbalanced_quote_is_one_line_exit_2(pager):
    code, shown, stderr = on_a_terminal("glossary", "-f", "plain", env={"PAGER": pager})
    assert code == 2, (code, stderr.decode()[-500:])
    assert "PAGER" in one_error_line(stderr) and shown == b""


def test_a_pager_that_is_not_there_still_shows_the_text():
    """The behaviour kept: a PAGER naming no program shows the text unpaged (click's own fallback)."""
    code, shown, stderr = on_a_terminal("glossary", "-f", "plain", env={"PAGER": "no-such-pager-here"})
    assert (code, stderr) == (0, b"") and b"Integrated care board" in shown


# --------------------------------------------------------------------------- Mermaid directives in labels

DIRECTIVE = '%%{init: {"securityLevel": "loose", "theme": "dark"}}%%'


def test_a_mermaid_directive_in_overlay_text_is_inert_in_every_diagram(run, tmp_path):
    """Mermaid reads `%%{...}%%` anywhere in the text, inside a label too, as configuration (`securityLevel:
    loose` lets labels run script): in a label it must come out as text."""
    import json

    overlay = tmp_path / "ov"
    overlay.mkdir()
    (overlay / "directive.yaml").write_text("entities:\n" + entity(
        "zz-directive", name=json.dumps(f"Board {DIRECTIVE} x"), kind='"statutory body"',
        acronyms=json.dumps(["%%{init: {}}%%", "A%%B"])))
    for argv in (["diagram"], ["export", "-f", "markdown"]):
        result = run(*argv, "--data", overlay)
        assert result.exit_code == 0, result
        diagrams = result.output.split("```mermaid\n")[1:] if argv[0] == "export" else [result.output]
        diagram = diagrams[0].split("```")[0]
        assert "n_zz_directive" in diagram, "the record is in the diagram"
        assert "%%{" not in diagram and "}%%" not in diagram, [line for line in diagram.splitlines() if "%%" in line]
        for line in diagram.splitlines():
            assert "%%" not in line or line.lstrip().startswith("%% "), line  # only the diagram's own comment
        node = next(line for line in diagram.splitlines() if "n_zz_directive[" in line)
        assert "#37;#37;{init: {#quot;securityLevel#quot;: #quot;loose#quot;" in node, node


# --------------------------------------------------------------------------- temporaries of the atomic writer


@pytest.fixture
def signals_as_ics_has_them():
    """SIGTERM, SIGHUP and SIGINT raise `entry.Interrupted`, as in a run of `ics`; put back afterwards."""
    import signal

    from icscli import entry

    saved = {signum: signal.getsignal(signum) for signum in entry._SIGNALS}
    for signum in saved:
        signal.signal(signum, entry._raise_interrupted)
    yield entry.Interrupted
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def _sigterm():
    """A SIGTERM to this thread, as to a run of `ics` (one thread: a signal it holds back waits for it; the
    test runner's other threads must not take it)."""
    import signal
    import threading

    signal.pthread_kill(threading.get_ident(), signal.SIGTERM)


def _signal_and_take_the_name(name):
    """A SIGTERM, and another writer's temporary made under `name`, just freed."""
    _sigterm()
    with open(name, "wb") as other:
        other.write(b"another writer's")


def test_a_signal_at_the_rename_removes_no_other_writers_temporary(tmp_path, monkeypatch, signals_as_ics_has_them):
    """The cache writer renames its temporary into place; a SIGTERM right then (entry.py makes it an
    exception, and the writer cleans up) must not remove the name it no longer owns: another process's
    temporary may have taken it."""
    from icscli.base import atomic
    from icscli.store import cache

    real_replace = atomic.os.replace

    def replace_then_signal(src, dst):
        real_replace(src, dst)
        _signal_and_take_the_name(src)

    monkeypatch.setattr(atomic.os, "replace", replace_then_signal)
    path = tmp_path / "kb-layer-key.ics"
    with pytest.raises(signals_as_ics_has_them):
        cache.write(str(path), {"index": {"a": {}}}, "k")
    temporaries = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert [p.read_bytes() for p in temporaries] == [b"another writer's"]
    assert cache.CompiledFile(str(path), key="k").load("index") == {"a": {}}  # its own file, whole


def test_a_signal_after_writing_through_removes_no_other_writers_temporary(tmp_path, monkeypatch,
                                                                          signals_as_ics_has_them):
    """The same for output written through a device (`-o /dev/null`): its temporary is removed once the
    copy is done; a signal then must not remove the name a second time under another writer's feet."""
    from icscli.base import atomic

    monkeypatch.setattr(atomic.tempfile, "tempdir", str(tmp_path))
    real_unlink, calls = atomic.os.unlink, []

    def unlink_then_signal(name):
        real_unlink(name)
        calls.append(name)
        if len(calls) == 1:
            _signal_and_take_the_name(name)

    monkeypatch.setattr(atomic.os, "unlink", unlink_then_signal)
    with pytest.raises(signals_as_ics_has_them):
        atomic.write_text(os.devnull, "text")
    assert [p.read_bytes() for p in tmp_path.iterdir()] == [b"another writer's"]


def test_a_signal_while_filling_still_removes_the_writers_own_temporary(tmp_path, signals_as_ics_has_them):
    """What stays: a signal before the rename removes the writer's own temporary, and the target is untouched."""
    from icscli.base import atomic

    target = tmp_path / "out.md"
    target.write_text("OLD")

    def fill(tmp):
        with open(tmp, "w") as handle:
            handle.write("half")
        _sigterm()

    with pytest.raises(signals_as_ics_has_them):
        atomic.atomic_write(str(target), fill)
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"] and target.read_text() == "OLD"
