"""Hostile values in the places a value reaches: an overlay's numbers, the pager the user names, a
diagram's labels, and the cache's temporary files. Each reproduced first, then shown to end in one
clean line with the documented exit code, or in inert output."""
import os

import pytest
from hostile import entity, ics, one_error_line

# --------------------------------------------------------------------------- numbers past Python's digit limit


@pytest.mark.parametrize("command,number,cache", [
    (["validate", "{dir}"], "9" * 5000, False),
    (["explain", "icb", "--data", "{dir}"], "-" + "1" * 4301, True),
    (["systems", "--data", "{dir}"], "+" + "5" * 6000, False)])
def test_an_overlay_integer_past_pythons_digit_limit_is_a_data_error_at_its_line(tmp_path, command, number, cache):
    overlay = tmp_path / "ov"
    overlay.mkdir()
    (overlay / "numbers.yaml").write_text("entities:\n" + entity("big-number", counts=number))
    argv = [arg.replace("{dir}", str(overlay)) for arg in command]
    result = ics(*argv, env={} if cache else {"ICS_NO_CACHE": "1"})
    assert result.returncode == 1 and b"Traceback" not in result.stderr, result.stderr.decode()[-500:]
    digits = sum(c.isdigit() for c in number)
    said = f"numbers.yaml:8: an integer of {digits:,} digits, more than Python reads (4,300 at most)"
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


@pytest.mark.parametrize("pager", ['less "', "less 'x", "less \\"])
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
