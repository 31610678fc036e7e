"""Hostile streams and output targets: full disks, closed streams, narrow encodings, signals mid-write,
symlinks, devices and FIFOs as targets. Each ends in a clean one-line error or complete output with the
documented exit code; the real `ics` runs in a subprocess with a timeout where it could hang.
"""
import os
import stat
import subprocess
import sys

import pytest
from hostile import TIMEOUT, ics, one_error_line

# --------------------------------------------------------------------------- outputs and streams


def test_stdout_full_disk_is_one_line_exit_2():
    if not os.path.exists("/dev/full"):
        pytest.skip("/dev/full does not exist on this machine")
    with open("/dev/full", "w") as full:
        result = ics("explain", "icb", stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 2
    assert "No space left" in one_error_line(result.stderr)


def test_closed_stdout_is_one_line_exit_2():
    result = subprocess.run([sys.executable, "-m", "icscli", "explain", "icb"], stdout=None,
                            stderr=subprocess.PIPE, timeout=TIMEOUT, pass_fds=(), close_fds=True,
                            preexec_fn=lambda: os.close(1))
    assert result.returncode == 2
    assert "standard output is closed" in one_error_line(result.stderr)


def test_closed_stdout_does_not_stop_export_to_a_file(tmp_path):
    target = tmp_path / "out.md"
    result = subprocess.run([sys.executable, "-m", "icscli", "export", "-o", str(target)], stderr=subprocess.PIPE,
                            timeout=TIMEOUT, preexec_fn=lambda: os.close(1))
    assert result.returncode == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith("# ")


def test_closed_stderr_keeps_the_exit_code():
    result = subprocess.run([sys.executable, "-m", "icscli", "explain", "icbb"], stdout=subprocess.PIPE,
                            timeout=TIMEOUT, preexec_fn=lambda: os.close(2))
    assert result.returncode == 2
    result = subprocess.run([sys.executable, "-m", "icscli", "explain", "icb"], stdout=subprocess.PIPE,
                            timeout=TIMEOUT, preexec_fn=lambda: os.close(2))
    assert result.returncode == 0 and result.stdout.startswith(b"Integrated care board")


@pytest.mark.parametrize("encoding,fmt", [("ascii", "plain"), ("latin-1", "plain"), ("ascii", "rich"),
                                          ("ascii", "markdown"), ("latin-1", "csv"), ("ascii", "github")])
def test_narrow_encoding_transliterates(encoding, fmt):
    # `ics compare ccg icb` puts "→" between the bodies in its title and in every row.
    result = ics("compare", "ccg", "icb", "-f", fmt, env={"PYTHONIOENCODING": encoding})
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    text = result.stdout.decode(encoding)  # every byte is valid in the narrow encoding
    if fmt == "plain":
        assert "Clinical commissioning group -> Integrated care board" in text


def test_ascii_transliteration_keeps_meaning():
    result = ics("explain", "icb", env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode("ascii")
    # curly quotes became straight ones, not "?"
    assert 'The King\'s Fund, "Integrated care systems explained: making sense' in text


def _signals_caught(pid):
    """The set of signals a process catches, from /proc (Linux)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("SigCgt:"):
                mask = int(line.split()[1], 16)
                return {n for n in range(1, 65) if mask & (1 << (n - 1))}
    return set()


def _wait_for(predicate, process, what):
    import time

    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if predicate():
            return
        if process.poll() is not None:
            pytest.fail(f"ics ended before {what}")
        time.sleep(0.001)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc to see when ics catches signals")
def test_sigint_during_start_up_prints_nothing():
    import signal

    for _attempt in range(5):  # on a loaded machine the answer may be written before the signal lands
        process = subprocess.Popen([sys.executable, "-m", "icscli", "explain", "icb"], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        # As soon as ics has its handlers in place (SIGTERM is caught), it is still importing click.
        _wait_for(lambda: signal.SIGTERM in _signals_caught(process.pid), process, "its signal handlers")
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=TIMEOUT)
        assert err == b""
        if process.returncode == 0 and out:  # finished first: try again
            continue
        assert process.returncode == -signal.SIGINT  # ended by the signal: a shell reports 130
        return
    pytest.fail("ics answered before the signal landed in five tries")


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc to see when ics catches signals")
@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_signal_during_export_removes_the_temporary(tmp_path, signame):
    import signal

    signum = getattr(signal, signame)
    target = tmp_path / "ics.sqlite"
    target.write_bytes(b"OLD")
    process = subprocess.Popen([sys.executable, "-m", "icscli", "export", "-f", "sqlite", "-o", str(target)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for(lambda: any(p.name.endswith(".tmp") for p in tmp_path.iterdir()), process, "its temporary file")
    process.send_signal(signum)
    out, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == -signum, err
    assert b"Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ics.sqlite"]
    assert target.read_bytes() == b"OLD"


@pytest.mark.parametrize("fmt", ["markdown", "sqlite"])
def test_output_through_symlink_replaces_the_target_not_the_link(run, tmp_path, fmt):
    real = tmp_path / "real.out"
    real.write_bytes(b"OLD")
    link = tmp_path / "link.out"
    link.symlink_to(real)
    result = run("export", "-f", fmt, "-o", link)
    assert result.exit_code == 0, result
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() != b"OLD" and real.stat().st_size > 1000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.out", "real.out"]


@pytest.mark.parametrize("fmt", ["markdown", "sqlite"])
def test_output_to_dev_null_writes_through(run, fmt):
    before = os.stat("/dev/null")
    result = run("export", "-f", fmt, "-o", "/dev/null")
    assert result.exit_code == 0, result
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_output_to_fifo_writes_through(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    process = subprocess.Popen([sys.executable, "-m", "icscli", "export", "-f", "json", "-o", str(fifo)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with open(fifo, "rb") as reader:
        data = reader.read()
    process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0
    assert data.startswith(b"{") and b'"bibliography"' in data
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_long_target_name_works(run, tmp_path):
    name = "a" * 245 + ".md"
    result = run("export", "-o", tmp_path / name)
    assert result.exit_code == 0, result
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.mark.parametrize("target,message", [("newdir/", "directory 'newdir/' does not exist"),
                                            ("newdir/x.md", "directory 'newdir' does not exist"),
                                            (".", "is a directory")])
def test_output_to_a_missing_directory_is_one_line(run, tmp_path, monkeypatch, target, message):
    monkeypatch.chdir(tmp_path)
    result = run("export", "-o", target)
    assert result.exit_code == 2
    assert message in one_error_line(result.stderr)
    assert list(tmp_path.iterdir()) == []


def test_missing_data_directory_says_does_not_exist(run, tmp_path):
    for command in (["explain", "icb"], ["validate"]):
        result = run(*command, "--data", tmp_path / "nonexistent")
        assert result.exit_code == 2, result
        assert "does not exist" in one_error_line(result.stderr)
