"""What people read: every command fits the terminal without breaking words, markdown keeps its
structure (and text from an overlay cannot change it), HTML links only web addresses, short answers
are short."""
import re

import pytest
from markdown_it import MarkdownIt

from icscli.render.terminal import DIFF_COLUMNS, WHAT

ANSI = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\")  # colours, and links (OSC 8)
COMMANDS = [
    ["explain", "icb"], ["explain", "ccg", "--as-of", "2019-06-01"], ["explain", "triple-aim"],
    ["explain", "icb", "--cite"], ["timeline", "--from", "2021"], ["compare", "ccg", "icb"],
    ["compare", "icb", "icp"], ["tree"], ["glossary"], ["search", "commissioning"], ["sources"],
    ["systems"], ["systems", "--as-of", "2022-07-01"], ["system", "frimley"], ["ccg", "02Q"],
    ["ccg", "--all"], ["explain", "icp"], ["validate"], ["changes"], ["explain", "icb", "--short"],
]


def md():
    return MarkdownIt("commonmark").enable("table")


def words_of(text):
    return {w.strip(":") for w in text.split()}


@pytest.mark.parametrize("width", [40, 80, 120])
def test_every_command_fits_the_terminal_without_breaking_words(run, width):
    for command in COMMANDS:
        styled = run(*command, "--format", "rich", env={"COLUMNS": str(width), "FORCE_COLOR": "1",
                                                         "NO_COLOR": ""}).output
        assert ANSI.search(styled), command
        text = ANSI.sub("", styled)
        whole = words_of(run(*command, "--format", "plain").output)  # unwrapped: every word whole
        whole |= words_of(" ".join(DIFF_COLUMNS + (WHAT, "Date")))  # the headings the terminal adds
        long_words = [w for w in whole if len(w) > width - 12]  # only these may be cut (after an indent)
        for number, line in enumerate(text.splitlines()):
            if len(line) > width:  # only a web address too long for the line may pass the edge, whole
                assert line.split()[-1].startswith("http") and len(line.split()) == 1, (command, width, line)
            for word in line.split():
                word = word.strip(":")
                if word in whole or set(word) <= set("\u2022\u2500\u251c\u2514\u2502") or not word:
                    continue
                assert any(word in w for w in long_words), (command, width, f"broken word {word!r}", line)


def test_markdown_compare_parses_into_a_diff_table(run):
    data = run("compare", "ccg", "icb", "--format", "json").json()
    out = run("compare", "ccg", "icb", "--format", "markdown").output
    tokens = md().parse(out)
    rows, row = [], None
    for token in tokens:
        if token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(token)
        elif token.type == "tr_close":
            rows.append(row)
            row = None
    headers = [n for n, cells in enumerate(rows) if cells[0].content == "Change"]
    assert headers == [0, 1 + sum(1 for r in data["rows"] if r["part"] == "diff")]  # the diff, then later changes
    for n in headers:
        assert [c.content for c in rows[n]] == ["Change", "Function", "Before \u2192 after", "From", "Note"]
    body = [cells for n, cells in enumerate(rows) if n not in headers]
    assert len(body) == len(data["rows"])
    signs = {"changed": "~", "new": "+", "abolished": "-", "from elsewhere": "<"}
    for cells, record in zip(body, data["rows"]):
        assert len(cells) == 5
        code = [t.content for t in cells[0].children if t.type == "code_inline"]
        assert code == [signs[record["diff"]]], cells[0].content  # the sign survives as text
        assert cells[0].content.endswith(record["label"])  # and the kind's label, as in every format
        assert record["function"] in cells[1].content
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    assert not kinds & {"bullet_list_open", "html_inline", "html_block"}


def test_markdown_tables_count_their_columns(run):
    """Every row of every table has as many cells as its header (checked on the raw pipe rows, so a
    broken row is caught even though a renderer would pad it)."""
    for command in (["compare", "ccg", "icb"], ["systems"], ["system", "frimley"], ["ccg", "--all"]):
        out = run(*command, "--format", "markdown").output
        assert _table_problems(out) == [], command
        assert any(t.type == "table_open" for t in md().parse(out))
    broken = "| a | b |\n| --- | --- |\n| 1 | 2 |\n| 1 \\| 2 |\n"
    assert _table_problems(broken) == ["row 4: 1 cells, header 2"]


def _table_problems(text):
    problems, header = [], None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("|"):
            header = None
            continue
        cells = len(re.findall(r"(?<!\\)\|", line)) - 1
        if header is None:
            header = cells
        elif cells != header:
            problems.append(f"row {number}: {cells} cells, header {header}")
    return problems


HOSTILE = ("<img src=x onerror=alert(1)> first line\n~~~\n1. not a list\n# not a heading\n+ plus\n- minus\n"
           "```\n> quote\n| pipe | end")


@pytest.fixture
def hostile(tmp_path):
    import json

    (tmp_path / "hostile.yaml").write_text(
        "entities:\n  - id: zz-hostile\n    name: Hostile body\n    kind: concept\n    level: place\n"
        f"    summary: {json.dumps(HOSTILE)}\n    related: [icb]\n    sources: [zz-src]\n"
        "sources:\n  - id: zz-src\n    publisher: Someone\n    title: \"A <b>title</b>\"\n    date: '2024'\n"
        "    kind: web\n    url: 'https://example.org/?q=<b>x</b>&y=\"z\"'\n", encoding="utf-8")
    return tmp_path


def test_overlay_text_is_inert_in_markdown(run, hostile):
    out = run("explain", "zz-hostile", "--format", "markdown", "--cite", "--data", hostile).output
    tokens = md().parse(out)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    assert not kinds & {"html_inline", "html_block", "fence", "code_block", "ordered_list_open", "blockquote_open"}
    assert [t.content for t in tokens if t.type == "inline" and tokens[tokens.index(t) - 1].type == "heading_open"
            ][:1] == ["Hostile body"]
    assert "\x1b" not in out and "\x07" not in out
    text = "".join(t.content for t in tokens if t.type == "inline")
    assert "Sources" in text and "Term" in text, "the rest of the card is still there"


def test_overlay_text_is_inert_in_the_exports(run, hostile):
    result = run("export", "--format", "markdown", "--data", hostile)
    assert result.exit_code == 0, result
    out = result.output
    assert "zz-src" in out and "Hostile body" in out
    tokens = md().parse(out)
    for token in tokens:
        for child in token.children or []:
            if child.type == "html_inline":
                assert re.fullmatch(r'<a id="[a-z0-9-]+">|</a>', child.content), child.content
        assert token.type != "html_block", token.content
    assert "<b>" not in "".join(t.content for t in tokens)
    assert not [t for t in tokens for c in t.children or [] if c.type == "image"]
    assert out.index("Hostile body") < out.index("## <a id=\"bibliography\"></a>Bibliography"), "nothing swallowed"
    page = run("export", "--format", "html", "--data", hostile).output
    assert "zz-src" in page and 'href="https://example.org/?q=&lt;b&gt;x&lt;/b&gt;&amp;y=&quot;z&quot;"' in page
    assert "<img" not in page and "<b>" not in page
    assert "\x1b" not in page


def test_terminal_output_strips_control_characters():
    """The loader refuses control characters; the renderers drop them anyway (a second line)."""
    from icscli.render import render
    from icscli.views import doc

    bad = "Evil \x1b]52;c;ZXZpbA==\x07 text \x9b31m"
    document = doc.Doc(bad, [doc.Note(bad), doc.Fields("", [doc.Field("Label", bad, detail=bad)]),
                             doc.Items(bad, [doc.Line(bad, detail=bad)])], ([], []), {})
    for fmt in ("rich", "plain", "markdown"):
        out = render(document, fmt, width=80)
        assert "\x1b]" not in out and "\x07" not in out and "\x9b" not in out, fmt
        assert "Evil" in out


def test_short_answer_is_at_most_ten_lines_and_opens_the_card(run):
    for term in ("icb", "ics", "ccg", "nhs-england", "pcn", "hwb"):
        short = run("explain", term, "--short", "--format", "rich", env={"COLUMNS": "80", "NO_COLOR": "1"}).output
        assert len(short.splitlines()) <= 10, short
        full = run("explain", term, "--format", "rich", env={"COLUMNS": "80", "NO_COLOR": "1"}).output
        assert full.startswith(short.rstrip("\n")), term
    card = run("explain", "icb", "--short").output
    assert "What:" in card and "Answers to: NHS England" in card


def test_section_prints_one_section_and_rejects_an_unknown_one(run):
    board = run("explain", "icb", "--section", "board").output
    data = run("explain", "icb", "--format", "json").json()
    assert all(m["text"] in board for m in data["membership"])
    assert data["facts"][0]["text"] not in board
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(run("explain", "icb", "--section", "board", "-f", "csv").output)))
    assert len(rows) == len(data["membership"]) and {r["section"] for r in rows} == {"Membership and board"}
    bad = run("explain", "icb", "--section", "nonsense")
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1 and bad.stderr.startswith("ics: error: ")
    assert "board" in bad.stderr


def test_ccg_answer_sits_beside_its_label(run):
    out = run("ccg", "02Q", "--format", "rich", env={"COLUMNS": "80", "NO_COLOR": "1"}).output
    line = next(x for x in out.splitlines() if x.startswith("On 1 December 2026"))
    assert re.match(r"On 1 December 2026: +sub-ICB location", line), line
    assert line.index("sub-ICB") < 24


@pytest.mark.parametrize("text", ["1. one", "2) two", "# hash", "- minus", "+ plus", "* star", "~~~", "```",
                                  "> quote", "---", "===", "<div>x</div>", "| a | b |", "  12. indented"])
def test_escaped_text_renders_as_itself(text):
    """Whatever a line of text starts with, escaped it is one paragraph saying exactly that."""
    from icscli.render.markdown import escape

    tokens = md().parse(escape(text) + "\n")
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"], (text, escape(text))
    assert "".join(c.content for c in tokens[1].children) == text.strip()


def test_pager_counts_wrapped_rows_not_newlines(monkeypatch):
    from icscli.cli.terminal import Terminal

    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "40")
    too_long = Terminal().too_long
    assert not too_long("short line\n" * 30)
    assert too_long(("word " * 40 + "\n") * 30), "30 lines of 200 characters fill 90 rows"
    assert not too_long(("\x1b[1mword\x1b[0m " * 10 + "\n") * 30), "escape codes take no room"


def test_explain_help_names_every_section():
    from icscli.cli import reference as cli
    from icscli.views import reference as views

    assert list(cli.EXPLAIN_SECTIONS) == list(views.EXPLAIN_SECTIONS)


def test_only_web_addresses_become_links():
    from icscli.render import html, markdown

    for bad in ("javascript:alert(1)", "data:text/html,<b>x</b>", "shared/file name.pdf", "vbscript:x"):
        assert "<a " not in html.address(bad) and "<b>" not in html.address(bad)
        assert not markdown.address(bad).startswith("<"), bad
    assert html.address("https://example.org/a?b=1&c=2").startswith('<a href="https://example.org/a?b=1&amp;c=2"')
    assert markdown.address("https://example.org/a") == "<https://example.org/a>"


def test_rich_output_piped_on_a_terminal_fits_that_terminal():
    """`ics explain icb -f rich | head` in a terminal: standard output is a pipe, but the lines land on the
    terminal that standard error shares, so they wrap to its width (here 60 columns), not to 100."""
    import os
    import subprocess
    import sys

    pty = pytest.importorskip("pty")
    fcntl, struct, termios = (pytest.importorskip(name) for name in ("fcntl", "struct", "termios"))
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 60, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    try:
        result = subprocess.run([sys.executable, "-m", "icscli", "explain", "icb", "-f", "rich", "--no-pager"],
                                stdout=subprocess.PIPE, stderr=terminal, stdin=subprocess.DEVNULL, env=env,
                                timeout=60)
    finally:
        os.close(terminal)
        os.close(controller)
    lines = [line for line in ANSI.sub("", result.stdout.decode()).splitlines()
             if not line.strip().startswith("https://")]  # a web address is never cut: it may be longer
    assert result.returncode == 0 and len(lines) > 10
    assert max(len(line) for line in lines) <= 60, max(lines, key=len)
    assert max(len(line) for line in lines) > 50, "wrapped to the terminal, not far narrower"
