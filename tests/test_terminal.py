"""What a person sees on a terminal: real `ics` processes on a pseudo-terminal of a given size (rich is
the default there), checked for aligned columns, tree guides, compare's diff table, whole web addresses,
help that fits, progress on long work; and that no other format ever imports rich."""
import json
import os
import re
import subprocess
import sys

import pytest

pty = pytest.importorskip("pty")
fcntl, struct, termios = (pytest.importorskip(name) for name in ("fcntl", "struct", "termios"))

ESCAPES = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\")
OSC8 = re.compile(r"\x1b\]8;[^;]*;([^\x1b]*)\x1b\\")
ENV = {"ICS_TODAY": "2026-12-01", "ICS_NO_PAGER": "1", "TERM": "xterm-256color"}


def on_terminal(*args, columns=80, env=None, code=None, cwd=None):
    """(screen text with its escape codes, exit code) of `ics ARGS` whose output and error are a terminal
    `columns` wide; `code`: Python to run instead of `-m icscli` (with the same arguments)."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    full = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR")}
    full.update(ENV, **(env or {}))
    command = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "icscli", *args]
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal, env=full, cwd=cwd)
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process has ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n"), proc.wait(timeout=60)


def plain(screen):
    return ESCAPES.sub("", screen)


def piped_json(*args):
    result = subprocess.run([sys.executable, "-m", "icscli", *args, "-f", "json"], capture_output=True,
                            env=dict(os.environ, **ENV), timeout=60)
    return json.loads(result.stdout)


def test_systems_columns_line_up():
    screen, code = on_terminal("systems", columns=120)
    assert code == 0 and "\x1b[" in screen  # the terminal format, coloured
    lines = plain(screen).splitlines()
    header = next(line for line in lines if re.search(r"\bODS\b.*\bONS\b", line))
    ods, ons = header.index("ODS"), header.index("ONS")
    for icb in piped_json("systems")["systems"]:
        row = next(line for line in lines if re.search(rf"(?<!\S){icb['ods_code']}(?!\S)", line))
        assert row.index(icb["ods_code"]) == ods and row.index(icb["ons_code"]) == ons, row


def test_a_table_sets_rows_apart_only_when_many_wrap():
    """One long name among 191 CCGs does not put a blank line between every row; when most rows take two
    lines (the STP/ICS names of April 2021), a blank line sets each apart."""
    for day, apart in (("2019-06-01", False), ("2021-06-01", True)):
        screen, code = on_terminal("ccg", "--all", "--as-of", day, columns=80)
        lines = plain(screen).splitlines()
        first = [c["ccg_ods_code"] for c in piped_json("ccg", "--all", "--as-of", day)["ccgs"][:4]]
        at = [next(i for i, line in enumerate(lines) if re.search(rf"(?<!\S){c}(?!\S)", line)) for c in first]
        assert code == 0 and all(b > a for a, b in zip(at, at[1:])), (day, at)
        assert (max(b - a for a, b in zip(at, at[1:])) > 1) is apart, (day, lines[at[0]:at[-1] + 1])


def test_tree_has_guide_lines():
    screen, code = on_terminal("tree")
    text = plain(screen)
    assert code == 0 and "├── " in text and "└── " in text and "│   " in text
    assert re.search(r"^│   [├└]── Integrated care board \(ICB\)", text, re.MULTILINE), text


@pytest.mark.parametrize("columns", [80, 120])
def test_compare_is_a_diff_table_and_the_change_is_never_dim(columns):
    screen, code = on_terminal("compare", "ccg", "icb", columns=columns)
    assert code == 0
    lines = screen.splitlines()
    header = next(plain(line) for line in lines if "Function" in line and "Note" in line)
    function, before = header.index("Function"), header.index("Before \u2192 after")
    assert 0 < function < before < header.index("Note")
    for change in piped_json("compare", "ccg", "icb")["rows"]:
        first = next(line for line in lines if plain(line)[function:].startswith(change["function"][:12]))
        assert plain(first)[:function].strip() in "~+-<>=AB" and plain(first)[0] != " ", first
    for line in lines:
        if "\u2192" in plain(line) and plain(line).strip()[:1] not in ("", "\u2500"):
            arrow = line.index("\u2192")
            codes = re.findall(r"\x1b\[([0-9;]*)m", line[:arrow])
            assert not codes or "2" not in codes[-1].split(";"), line  # before -> after is not dim
    signs = {m.group(1): m.group(0) for m in re.finditer(r"(\x1b\[[0-9;]*m)([~+<-])\x1b", screen)}
    assert len(set(signs)) >= 3, "one colour per kind of change"


def test_web_addresses_are_whole_and_links_at_40_columns():
    screen, code = on_terminal("sources", columns=40)
    assert code == 0
    shown, links = plain(screen), set(OSC8.findall(screen))
    addresses = [s["url"] for s in piped_json("sources")["sources"] if s.get("url")]
    assert addresses
    for url in addresses:
        assert url in shown.splitlines() or any(line.strip() == url for line in shown.splitlines()), url
        assert url in links, url


def test_labels_keep_their_value_beside_them_at_40_columns():
    text = plain(on_terminal("ccg", "02Q", columns=40)[0])
    assert re.search(r"^On 1 July 2022: sub-ICB location", text, re.MULTILINE), text


@pytest.mark.parametrize("command", [(), ("map",), ("import",), ("check",)])
def test_help_fits_40_columns_without_breaking_words(command):
    text = plain(on_terminal(*command, "--help", columns=40)[0])
    wide = subprocess.run([sys.executable, "-m", "icscli", *command, "--help"], capture_output=True, text=True,
                          env=dict(os.environ, COLUMNS="200"), timeout=60).stdout
    words = set(wide.split())
    for line in text.splitlines():
        assert len(line) <= 40, line
        for word in line.split():  # whole, or cut at its own hyphen ('sub-' and 'ICB' of 'sub-ICB'), or an
            # example continued on the next line as a shell reads it ('\\' at the end)
            assert word in words or any(word in w for w in words if "-" in w) or word == "\\", line


def test_box_formats_wrap_to_the_terminal():
    text = plain(on_terminal("timeline", "-f", "fancy_grid", columns=120)[0])
    assert "\u2552" in text and max(len(line) for line in text.splitlines()) <= 120


def test_force_color_colours_a_pipe_and_bare_ics_prints_help():
    env = dict(os.environ, FORCE_COLOR="1", **ENV)
    env.pop("NO_COLOR", None)
    coloured = subprocess.run([sys.executable, "-m", "icscli", "explain", "icb"], capture_output=True, env=env,
                              timeout=60)
    assert coloured.returncode == 0 and b"\x1b[" in coloured.stdout
    bare = subprocess.run([sys.executable, "-m", "icscli"], capture_output=True, text=True, timeout=60)
    assert bare.returncode == 0 and bare.stdout.startswith("Usage: ics") and bare.stderr == ""


PROGRESS = ("import sys; sys.argv[0] = 'ics'; import icscli.cli.progress as p; p.DELAY = 0\n"
            "from icscli.entry import main; main()")


def test_map_shows_progress_on_a_terminal_only(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("code\n" + "02Q\n" * 20000, encoding="utf-8")
    screen, code = on_terminal("map", str(source), "-c", "code", "-o", str(tmp_path / "out.csv"), code=PROGRESS)
    assert code == 0 and re.search(r"[\d,]+ rows", plain(screen)) and "\u2501" in screen, screen
    assert "ics map: 20,000 rows mapped" in plain(screen)
    piped = subprocess.run([sys.executable, "-c", PROGRESS, "map", str(source), "-c", "code", "-o",
                            str(tmp_path / "out2.csv")], capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, **ENV))
    assert piped.returncode == 0 and piped.stderr.startswith("ics map: 20,000 rows") and "\u2501" not in piped.stderr
    quiet, code = on_terminal("map", str(source), "-c", "code", "-o", str(tmp_path / "out3.csv"), "--quiet")
    assert code == 0 and "ics map" not in plain(quiet)


REPORT = ("import os, sys\n"
          "sys.argv[0] = 'ics'\n"
          "real = os._exit\n"
          "def report(code):\n"
          "    sys.stderr.write('\\nrich-imported=%s\\n' % any(m.split('.')[0] == 'rich' for m in sys.modules))\n"
          "    sys.stderr.flush()\n"
          "    real(code)\n"
          "os._exit = report\n"
          "from icscli.entry import main; main()\n")


@pytest.mark.parametrize("args", [
    ["explain", "icb", "-f", "plain"], ["explain", "icb", "-f", "markdown"], ["timeline", "-f", "json"],
    ["systems", "-f", "csv"], ["compare", "ccg", "icb", "-f", "tsv"], ["tree", "-f", "fancy_grid"],
    ["timeline", "-f", "github"], ["export", "--format", "html"], ["export", "--format", "markdown"],
    ["explain", "icb", "-f", "rich"],
])
def test_rich_is_imported_only_for_the_terminal_format(args):
    result = subprocess.run([sys.executable, "-c", REPORT, *args], capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, **ENV))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == f"rich-imported={'rich' in args}", (args, result.stderr[-300:])


def test_a_terminal_answer_does_not_import_click(built_package):
    """The common answers on a terminal take the click-free path too (cli/fast.py, in the package as
    built, which has its option table): the terminal format, drawn by rich, without click's start-up."""
    code = REPORT.replace("== 'rich'", "== 'click'").replace("rich-imported", "click-imported")
    screen, status = on_terminal("explain", "icb", code=code, env={"PYTHONPATH": str(built_package)},
                                 cwd=str(built_package))
    assert status == 0 and "\x1b[" in screen and "Integrated care board" in screen
    assert "click-imported=False" in plain(screen), plain(screen)[-200:]
