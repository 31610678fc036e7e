"""Completion in real shells: bash, zsh and fish run in tmux, a value is completed with TAB and the
completed command is run. A value with spaces (a region) must come back as one argument, so that the
command succeeds. Needs tmux and the shells (CI installs them); a missing one is
reported as skipped, never as passed."""
import os
import shutil
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHELLS = {
    "bash": (["bash", "--norc", "--noprofile"], 'eval "$(ics completion bash)"', "$?"),
    "zsh": (["zsh", "-f"], 'autoload -U compinit; compinit -u; eval "$(ics completion zsh)"', "$?"),
    "fish": (["fish", "--no-config"], "ics completion fish | source", "$status"),
}


@pytest.fixture(scope="module")
def bindir(tmp_path_factory):
    """A directory with an `ics` that runs this checkout with this Python."""
    path = tmp_path_factory.mktemp("bin")
    script = path / "ics"
    script.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m icscli "$@"\n')
    script.chmod(0o755)
    return path


def complete_and_run(shell, bindir, typed, tmp_path):
    """Type `typed`, press TAB, run what the shell completed: (the screen after TAB, the screen after)."""
    if not shutil.which("tmux") or not shutil.which(shell):
        pytest.skip(f"needs tmux and {shell}")
    start, load, status = SHELLS[shell]
    session = f"ics-{shell}-{os.getpid()}"
    env = dict(os.environ, HOME=str(tmp_path), PATH=f"{bindir}:{os.environ['PATH']}", TERM="xterm-256color")
    env.pop("TMUX", None)
    subprocess.run(["tmux", "-L", session, "new-session", "-d", "-s", session, "-x", "200", "-y", "50", *start],
                   env=env, check=True, timeout=30)
    try:
        def keys(*k):
            subprocess.run(["tmux", "-L", session, "send-keys", "-t", session, *k], check=True, timeout=30)

        def screen():
            return subprocess.run(["tmux", "-L", session, "capture-pane", "-t", session, "-p", "-J", "-S", "-500"],
                                  capture_output=True, text=True, timeout=30).stdout

        keys(f"{load}; echo loaded-ok", "Enter")
        _until(screen, "loaded-ok")
        keys(typed, "Tab")
        time.sleep(1.5)  # the shell calls `ics` for the candidates and inserts the one that matches
        listed = screen()  # what the shell shows after TAB (the candidates, if several)
        keys(f"; echo done-rc={status}", "Enter")
        return listed, _until(screen, "done-rc=")
    finally:
        subprocess.run(["tmux", "-L", session, "kill-server"], capture_output=True, timeout=30)


def _until(screen, marker, seconds=30):
    """The screen once a line starts with `marker` (what the command echoes, not the line typed)."""
    end = time.monotonic() + seconds
    shown = ""
    while time.monotonic() < end:
        shown = screen()
        if any(line.startswith(marker) for line in shown.splitlines()):
            return shown
        time.sleep(0.2)
    return shown


@pytest.mark.parametrize("shell", sorted(SHELLS))
def test_a_region_with_spaces_completes_to_one_argument(shell, bindir, tmp_path):
    _, shown = complete_and_run(shell, bindir, "ics systems -f csv --region East", tmp_path)
    assert "done-rc=0" in shown, shown
    assert "Central East,S1Y5D" in shown and "unexpected extra argument" not in shown, shown


def test_fish_shows_a_description_with_a_comma_whole(bindir, tmp_path):
    """fish lists candidates with their descriptions: 'NHS Durham Dales, Easington and Sedgefield CCG'
    was cut at its comma by click's script."""
    shown, _ = complete_and_run("fish", bindir, "ics system -f csv 00", tmp_path)
    assert "Easington and Sedgefield" in shown, shown
