"""Nothing hostile gets through: each attack from a hostile review, reproduced, then shown to end in a
clean one-line error or inert output with the documented exit code. Streams, signals and output
targets are in test_hostile_streams.py.

Attacks that could hang (FIFOs, devices, signals) run the real `ics` in a subprocess with a timeout, so
a regression fails instead of blocking the suite.
"""
import os
import subprocess
import sys

import pytest
from hostile import ROOT, SOURCE, TIMEOUT, entity, ics, one_error_line

# --------------------------------------------------------------------------- inputs that hang


def _plant(tmp_path, how):
    overlay = tmp_path / "ov"
    overlay.mkdir()
    target = overlay / "x.yaml"
    if how == "fifo":
        os.mkfifo(target)
    elif how == "dev-zero":
        target.symlink_to("/dev/zero")
    elif how == "fifo-link":
        os.mkfifo(tmp_path / "pipe")
        target.symlink_to(tmp_path / "pipe")
    elif how == "dev-urandom":
        target.symlink_to("/dev/urandom")
    return overlay


# With the cache on, the cache key stats the overlay's files (it must not open them) before the loader
# refuses them; with ICS_NO_CACHE the loader alone meets them. Each way is tried with a FIFO and a device.
@pytest.mark.parametrize("how,command,cache", [("fifo", ["explain", "icb"], False), ("fifo", ["validate"], True),
                                               ("dev-zero", ["validate"], False), ("fifo-link", ["glossary"], True),
                                               ("dev-urandom", ["explain", "icb"], True)])
def test_overlay_fifo_or_device_is_refused_not_read(tmp_path, how, command, cache):
    if how.startswith("dev") and not os.path.exists(f"/dev/{how[4:]}"):
        pytest.skip(f"/dev/{how[4:]} does not exist on this machine")
    overlay = _plant(tmp_path, how)
    result = ics(*command, "--data", overlay, env={} if cache else {"ICS_NO_CACHE": "1"})
    assert result.returncode == 1
    text = (result.stdout + result.stderr).decode()
    assert "Traceback" not in text
    assert "x.yaml" in text and "not a regular file" in text, text


@pytest.mark.parametrize("named", [True, False])
def test_map_of_an_endless_line_stops_with_one_line(named):
    # /dev/zero is valid UTF-8 with no line end: reading "a line" of it used to fill memory for ever
    if named:
        result = ics("map", "/dev/zero", "-c", "code", timeout=10)
    else:
        with open("/dev/zero", "rb") as zero:
            result = ics("map", "-", "-c", "code", stdin=zero, timeout=10)
    assert result.returncode == 1
    assert "line 1 is longer than" in one_error_line(result.stderr)
    assert result.stdout == b""


def test_completion_with_fifo_overlay_does_not_hang(tmp_path):
    overlay = _plant(tmp_path, "fifo")
    env = {"ICS_DATA": str(overlay), "_ICS_COMPLETE": "bash_complete", "COMP_WORDS": "ics explain ic",
           "COMP_CWORD": "2", "ICS_NO_CACHE": "1"}
    result = ics(env=env)
    assert result.returncode == 0
    assert b"Traceback" not in result.stderr


def test_read_regular_never_reads_past_the_limit(tmp_path):
    from icscli.base.fsread import NotRegularFile, TooLarge, read_regular

    small = tmp_path / "small.yaml"
    small.write_bytes(b"x" * 10)
    assert read_regular(small, 10) == b"x" * 10
    with pytest.raises(TooLarge):
        read_regular(small, 9)
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(NotRegularFile):
        read_regular(tmp_path / "fifo", 10)
    with pytest.raises(NotRegularFile):
        read_regular(tmp_path, 10)
    if os.path.exists("/dev/zero"):
        with pytest.raises(NotRegularFile):
            read_regular("/dev/zero", 10)


# --------------------------------------------------------------------------- loops and validation


def icb(ident, version, formed_from, ons="E99000001"):
    return (f"  - id: {ident}\n    version: \"{version}\"\n    ons_code: {ons}\n    name: NHS Test ICB\n"
            f"    short_name: Test\n    formed_from: {formed_from}\n    sources: [{SOURCE}]\n")


CYCLES = {
    "self": icb("e99000001-2026", "2026", "[e99000001-2026]"),
    "mutual": icb("e99000001-2026", "2026", "[e99000002-2026]") + icb("e99000002-2026", "2026",
                                                                      "[e99000001-2026]", ons="E99000002"),
    # a 2025 id overridden as a 2026 ICB, formed from a 2026 ICB that is formed from it
    "overridden": icb("e54000040-2025", "2026", "[e99000001-2026]", ons="E54000040")
                  + icb("e99000001-2026", "2026", "[e54000040-2025]"),
    "later": icb("e99000001-2023", "2023", "[e54000040-2026]"),
}


@pytest.mark.parametrize("name", sorted(CYCLES))
def test_formed_from_cycle_is_rejected_by_validate(run, tmp_path, name):
    (tmp_path / "icbs.yaml").write_text("icbs:\n" + CYCLES[name])
    result = run("validate", tmp_path)
    assert result.exit_code == 1
    assert "formed_from[0]" in result.output
    assert "itself (a cycle)" in result.output or "not from a version earlier" in result.output, result.output


@pytest.mark.parametrize("command", [["systems"], ["system", "frimley"], ["export", "-f", "json"]])
def test_formed_from_cycle_never_reaches_the_commands_that_loop(tmp_path, command):
    (tmp_path / "icbs.yaml").write_text("icbs:\n" + CYCLES["overridden"])
    result = ics(*command, "--data", tmp_path)  # a subprocess with a timeout: a loop fails, not hangs
    assert result.returncode == 1
    assert "formed_from[0]" in one_error_line(result.stderr)


def test_ccg_successions_that_loop_are_rejected(run, tmp_path):
    ccg = ("  - id: ccg-{a}\n    ods_code: \"{A}\"\n    name: NHS Loop {A} CCG\n    valid_from: \"{start}\"\n"
           "    successions:\n      - ods_code: \"{B}\"\n        date: \"{end}\"\n    sources: [" + SOURCE + "]\n")
    (tmp_path / "ccgs.yaml").write_text("ccgs:\n" + ccg.format(a="99a", A="99A", B="99B", start="2013-04-01", end="2015-04-01")
                                        + ccg.format(a="99b", A="99B", B="99A", start="2015-04-01", end="2016-04-01"))
    result = run("validate", tmp_path)
    assert result.exit_code == 1
    assert "successions: '99A' is its own successor through its successions (a cycle)" in result.output
    result = run("ccg", "99B", "--as-of", "2019-01-01", "--data", tmp_path)
    assert result.exit_code == 1 and "a cycle" in one_error_line(result.stderr)


def test_codes_twice_in_a_version_are_caught_by_validate_and_export(run, tmp_path):
    (tmp_path / "icbs.yaml").write_text("icbs:\n" + icb("e99000001-2026", "2026", "[]", ons="E54000040"))
    result = run("validate", tmp_path)
    assert result.exit_code == 1
    assert "ICB ONS code 'E54000040' appears twice in version 2026" in result.output
    result = run("export", "-f", "sqlite", "-o", tmp_path / "x.sqlite", "--data", tmp_path)
    assert result.exit_code == 1
    assert "appears twice" in one_error_line(result.stderr)
    assert not (tmp_path / "x.sqlite").exists()


@pytest.mark.parametrize("value,ok", [(2 ** 53 - 1, True), (2 ** 63, False), (10 ** 30, False), (-1, False)])
def test_numbers_beyond_what_outputs_hold_are_rejected(run, tmp_path, value, ok):
    (tmp_path / "icbs.yaml").write_text("icbs:\n" + icb("e99000001-2026", "2026", "[]")
                                        + f"    population: {value}\n")
    result = run("validate", tmp_path)
    assert (result.exit_code == 0) == ok, result
    if not ok:
        assert f"population: {value} is not a count" in result.output


def test_sqlite_export_to_a_full_disk_is_one_line(run):
    if not os.path.exists("/dev/full"):
        pytest.skip("/dev/full does not exist on this machine")
    result = run("export", "-f", "sqlite", "-o", "/dev/full")
    assert result.exit_code == 2
    assert "No space left" in one_error_line(result.stderr)


def test_sqlite_engine_errors_are_one_line(run, tmp_path, monkeypatch):
    """A full disk in the middle of writing the database (SQLite's own error, not the OS's)."""
    import sqlite3

    from icscli.export import sqlite as module

    def full(con, ref, kb):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(module, "_fill", full)
    result = run("export", "-f", "sqlite", "-o", tmp_path / "x.sqlite")
    assert result.exit_code == 2
    assert "database or disk is full" in one_error_line(result.stderr)
    assert list(tmp_path.iterdir()) == []


def test_unknown_references_in_3000_entities_validate_quickly(run, tmp_path):
    import time

    records = "".join(entity(f"zz-bulk-{i}", related=f"[zz-bulkk-{i}]") for i in range(3000))
    (tmp_path / "bulk.yaml").write_text("entities:\n" + records)
    started = time.monotonic()
    result = run("validate", tmp_path, "-f", "json")
    elapsed = time.monotonic() - started
    problems = result.json()["problems"]
    assert result.exit_code == 1 and len(problems) == 3000
    assert all("unknown entity 'zz-bulkk-" in p["message"] for p in problems)
    assert "did you mean" in problems[0]["message"]  # the first few still get a suggestion
    print(f"validate of 3,000 entities with unknown references: {elapsed:.2f} s")


# --------------------------------------------------------------------------- text that attacks


@pytest.mark.parametrize("escape,char", [(r"\e[2J", "U+001B"), (r"\e]52;c;ZWNobyBwd25lZA==\a", "U+001B"),
                                         (r"\x9b31m", "U+009B"), (r"\0", "U+0000"), (r"\x7f", "U+007F"),
                                         (r"\r", "U+000D"), (r"\u202e", "U+202E"), (r"\u2066", "U+2066")])
def test_control_characters_in_text_fields_are_rejected(run, tmp_path, escape, char):
    # YAML double-quoted escapes are the way to put them in a file that is otherwise valid text.
    (tmp_path / "x.yaml").write_text("entities:\n" + entity("zz-ctl", summary=f'"Before {escape} after."'))
    result = run("validate", tmp_path)
    assert result.exit_code == 1
    assert "x.yaml:6: summary: the " in result.output and char in result.output, result.output
    assert "\x1b" not in result.output and "\x9b" not in result.output


def test_tab_and_newline_are_allowed_in_text(run, tmp_path):
    (tmp_path / "x.yaml").write_text("entities:\n" + entity("zz-ok", summary='"Line one.\\n\\tLine two."'))
    assert run("validate", tmp_path).exit_code == 0


def test_raw_nul_byte_is_one_line_with_a_line_number(run, tmp_path):
    (tmp_path / "x.yaml").write_bytes(b"entities:\n  - id: zz-a\n    name: A\x00B\n")
    result = run("explain", "icb", "--data", tmp_path)
    assert result.exit_code == 1
    assert one_error_line(result.stderr).startswith(f"ics: error: {tmp_path / 'x.yaml'}:3: the control character U+0000")


def test_error_messages_show_escapes_instead_of_running_them(run, tmp_path):
    result = run("explain", "\x1b]52;c;cHduZWQ=\x07")
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\\x1b]52" in one_error_line(result.stderr)
    (tmp_path / "x.yaml").write_text("entities:\n  - id: \"bad\\e[2J\\nid\"\n")
    result = run("explain", "icb", "--data", tmp_path)
    assert result.exit_code == 1
    assert "\\x1b[2J" in one_error_line(result.stderr)


@pytest.mark.parametrize("url,ok", [("https://example.org/a", True), ("http://example.org", True),
                                    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False),
                                    ("data:text/html,<script>x</script>", False), ("file:///etc/passwd", False),
                                    ("//example.org", False), ("vbscript:x", False)])
def test_only_web_addresses_are_accepted_as_urls(run, tmp_path, url, ok):
    (tmp_path / "s.yaml").write_text(f"sources:\n  - id: zz-src\n    title: T\n    publisher: P\n"
                                     f"    date: \"2022\"\n    url: \"{url}\"\n")
    result = run("validate", tmp_path)
    assert (result.exit_code == 0) == ok, result
    if not ok:
        assert "s.yaml:6: url:" in result.output and "is not an http:// or https:// address" in result.output


@pytest.mark.parametrize("value", ["２０２２-07-01", "٢٠٢٥", "2022-0７-01", "２０２２"])
def test_non_ascii_digits_are_not_dates_in_data_or_arguments(run, tmp_path, value):
    (tmp_path / "e.yaml").write_text(f"events:\n  - id: zz-e\n    date: \"{value}\"\n    title: T\n"
                                     f"    description: D\n    sources: [{SOURCE}]\n", encoding="utf-8")
    result = run("validate", tmp_path)
    assert result.exit_code == 1 and "e.yaml:3: date:" in result.output and "is not a date" in result.output
    for command in (["systems", "--as-of", value], ["tree", "--as-of", value], ["timeline", "--from", value]):
        result = run(*command)
        assert result.exit_code == 2, (command, result)
        assert "ics: error:" in result.stderr


# Carriage returns and other controls never load (see above); a leading tab does.
HOSTILE_CELLS = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1"]


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_and_tsv_cells_cannot_run_as_formulas(run, tmp_path, fmt):
    import csv
    import io
    import json

    records = "".join(entity(f"zz-f{i}", name=json.dumps(text), summary=json.dumps('Has a "quote", a comma\tand a tab.'))
                      for i, text in enumerate(HOSTILE_CELLS))
    (tmp_path / "f.yaml").write_text("entities:\n" + records)
    result = run("glossary", "--data", tmp_path, "-f", fmt)
    assert result.exit_code == 0, result
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(result.output)))
    else:
        lines = result.output.splitlines()
        assert all('"Has a ' not in line for line in lines)  # never CSV-quoted
        assert 'Has a "quote", a comma and a tab.' in result.output
        rows = [line.split("\t") for line in lines]
        assert len({len(r) for r in rows}) == 1  # a tab inside a field never adds a column
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    names = [c for c in cells if c.startswith("'")]
    assert len(names) == len(HOSTILE_CELLS), names
    assert "'=HYPERLINK(\"http://x\",\"y\")" in names


# --------------------------------------------------------------------------- directories


def test_deeply_nested_overlay_is_reported_not_a_recursion_error(tmp_path):
    deep = tmp_path / "ov"
    levels = [str(deep)]
    for _ in range(1100):  # os.makedirs and shutil.rmtree recurse: build and remove level by level
        levels.append(os.path.join(levels[-1], "d"))
    for path in levels:
        os.mkdir(path)
    leaf = os.path.join(levels[-1], "x.yaml")
    with open(leaf, "w") as handle:
        handle.write("entities:\n" + entity("zz-deep"))
    try:
        for command in (["validate"],):
            result = ics(*command, "--data", deep)
            text = (result.stdout + result.stderr).decode()
            assert result.returncode == 1, text
            assert "RecursionError" not in text and "Traceback" not in text
            assert "nested more than 64 levels deep" in text
    finally:
        os.unlink(leaf)
        for path in reversed(levels):
            os.rmdir(path)


def test_hidden_names_are_skipped_and_underscore_names_read(run, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "broken.yaml").write_text("not: [valid")
    (tmp_path / ".editor-backup.yaml").write_text("not: [valid")
    (tmp_path / "_drafts").mkdir()
    (tmp_path / "_drafts" / "term.yaml").write_text("entities:\n" + entity("zz-draft", name="Underscore term"))
    result = run("explain", "zz-draft", "--data", tmp_path)
    assert result.exit_code == 0, result
    assert "Underscore term" in result.output


def test_symlinked_directories_are_not_followed(run, tmp_path):
    (tmp_path / "loop").symlink_to(tmp_path)  # would recurse for ever if followed
    (tmp_path / "dev").symlink_to("/dev")
    (tmp_path / "t.yaml").write_text("entities:\n" + entity("zz-link"))
    result = run("validate", tmp_path)
    assert result.exit_code == 0, result


def test_unreadable_subdirectory_is_a_problem(tmp_path):
    """As root every directory is readable, so the check runs as an unprivileged user when it can."""
    import shutil
    import tempfile

    base = tempfile.mkdtemp(prefix="ics-unreadable-")
    try:
        os.chmod(base, 0o755)
        overlay = os.path.join(base, "ov")
        os.makedirs(os.path.join(overlay, "secret"))
        with open(os.path.join(overlay, "ok.yaml"), "w") as handle:
            handle.write("entities:\n" + entity("zz-open"))
        with open(os.path.join(overlay, "secret", "hidden.yaml"), "w") as handle:
            handle.write("entities:\n" + entity("zz-hidden"))
        os.chmod(overlay, 0o755)
        os.chmod(os.path.join(overlay, "ok.yaml"), 0o644)
        os.chmod(os.path.join(overlay, "secret"), 0o000)
        kwargs = {}
        if ROOT:
            if not _can_run_as_nobody():
                pytest.skip("running as root and cannot run ics as an unprivileged user here")
            kwargs["preexec_fn"] = _become_nobody
        result = ics("validate", overlay, env={"ICS_NO_CACHE": "1", "HOME": base}, **kwargs)
        text = (result.stdout + result.stderr).decode()
        assert result.returncode == 1, text
        assert "ov/secret: cannot read this directory: Permission denied" in text
    finally:
        os.chmod(os.path.join(base, "ov", "secret"), 0o755)
        shutil.rmtree(base)


NOBODY = 65534


def _become_nobody():
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def _can_run_as_nobody():
    """Whether an unprivileged user can run this Python and import icscli from where it is installed."""
    try:
        result = subprocess.run([sys.executable, "-c", "import icscli.cli"], preexec_fn=_become_nobody,
                                capture_output=True, timeout=TIMEOUT, cwd="/")
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


def test_directory_that_fails_to_list_is_a_problem(run, tmp_path, monkeypatch):
    """The same rule where the machine cannot make a directory unreadable (root): the listing fails."""
    from icscli.store import files as store

    (tmp_path / "ok.yaml").write_text("entities:\n" + entity("zz-open"))
    (tmp_path / "secret").mkdir()
    real_scandir = os.scandir

    def scandir(path):
        if os.path.basename(path) == "secret":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(store.os, "scandir", scandir)
    result = run("validate", tmp_path)
    assert result.exit_code == 1
    assert "secret: cannot read this directory: Permission denied" in result.output
    result = run("explain", "icb", "--data", tmp_path)
    assert result.exit_code == 1 and "cannot read this directory" in one_error_line(result.stderr)
