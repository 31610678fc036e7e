"""Overlay records built from the schema with hostile text in every text field, through every output
format: nothing may come out as a raw escape sequence, a spreadsheet formula, a live script or link,
a fence or heading that the overlay opened.

Text with control characters never loads (the loader rejects it, exit 1); everything else must load
and come out inert.
"""
import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from icscli.base.safe import is_safe_url

SOURCE = "kf-act-diagram-2022"
MARK = "HOSTILEMARK"
CONTROL = ["\x1b[2J", "\x1b]52;c;ZWNobyBwd25lZA==\x07", "\x9b31m", "\x00", "\r=1", "\x7f"]
HOSTILE = [
    "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=tab",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)",
    "[click](javascript:alert(1))", "<a href=\"javascript:alert(1)\">x</a>", "![i](javascript:x)",
    f"\n~~~\n{MARK}", f"\n```\n{MARK}", f"\n    {MARK}", f"\n# {MARK}", f"\n## {MARK}", f"\n{MARK}\n===",
    "| a | b |", "\n---\n", "\nclick n_icb href \"javascript:alert(1)\"", "\n%%{init: {\"securityLevel\":\"loose\"}}%%",
    "\"]; } digraph { a -> b",  "*", "_", "`", "\\", "&amp;", "<!--", "{{template}}", "[[link]]",
]
PIECE = st.one_of(st.sampled_from(HOSTILE), st.text(alphabet="abc XYZ.,'\"()", min_size=1, max_size=8))
TEXT = st.lists(PIECE, min_size=1, max_size=4).map(lambda parts: "x" + "".join(parts))
SAFE_URL = st.sampled_from(["https://example.org/?a=<b>&c=\"d\"", "http://example.org/ok#x", "https://e.org/)](x"])
UNSAFE_URL = st.sampled_from(["javascript:alert(1)", "data:text/html,x", " javascript:x", "vbscript:x", "//e.org"])
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _q(text):
    return json.dumps(text)  # a JSON string is a valid YAML double-quoted scalar


def overlay_yaml(t):
    """One record of each editable kind, every text field hostile. `t` is a list of hostile texts."""
    return f"""sources:
  - id: zz-hostile-src
    title: {_q(t[0])}
    publisher: {_q(t[1])}
    date: "2022"
    url: {_q(t[2])}
    file: {_q(t[3])}
    reference: {_q(t[3])}
    note: {_q(t[4])}
entities:
  - id: zz-hostile
    name: {_q(t[5])}
    acronyms: [{_q(t[6])}]
    aliases: [{_q(t[7])}]
    former_names:
      - name: {_q(t[8])}
        note: {_q(t[9])}
        sources: [zz-hostile-src]
    kind: statutory body
    level: system
    part_of: [ics]
    summary: {_q(t[10])}
    responsibilities:
      - text: {_q(t[11])}
        note: {_q(t[12])}
        sources: [{{source: zz-hostile-src, at: {_q(t[13])}, quote: {_q(t[14])}}}]
    facts:
      - text: {_q(t[15])}
        sources: [{SOURCE}]
    claims:
      - topic: {_q(t[16])}
        values:
          - value: {_q(t[17])}
            note: {_q(t[18])}
            sources: [zz-hostile-src]
    related: [icb]
    sources: [zz-hostile-src, {SOURCE}]
events:
  - id: zz-hostile-event
    date: "2023-05-01"
    title: {_q(t[19])}
    description: {_q(t[20])}
    entities: [zz-hostile, icb]
    sources: [zz-hostile-src]
responsibilities:
  - id: zz-hostile-duty
    function: {_q(t[21])}
    before: [ccg]
    after: [zz-hostile]
    change: changed
    effective: "2022-07-01"
    note: {_q(t[22])}
    sources: [zz-hostile-src]
"""


N_TEXTS = 23


# --------------------------------------------------------------------------- what "inert" means per format


def no_raw_escapes(text, where):
    assert not _CONTROLS.search(text.replace("\t", "").replace("\n", "")), f"{where}: raw control character"


def no_formulas(text, delimiter, where):
    if delimiter == "\t":
        rows = [line.split("\t") for line in text.splitlines()]
    else:
        rows = list(csv.reader(io.StringIO(text)))
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), f"{where}: formula cell {cell!r}"


class _HtmlAudit(HTMLParser):
    """Every tag the page has; every attribute that would run or link somewhere."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed") and MARK in str(attrs):
            self.problems.append(f"<{tag}> from overlay text")
        if tag in ("img", "svg") and any(a and a[0] == "onerror" for a in attrs):
            self.problems.append(f"<{tag}> with onerror")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and value and not value.startswith("#") \
                    and not is_safe_url(value):
                self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_data(self, data):
        pass


def no_live_html(text, where, baseline_scripts=0):
    audit = _HtmlAudit()
    audit.feed(text)
    assert not audit.problems, f"{where}: {audit.problems[:3]}"
    assert text.lower().count("<script") == baseline_scripts, f"{where}: a <script> from overlay text"


def no_live_markdown(text, where, baseline_fences):
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table")
    parser.validateLink = lambda url: True  # see every link a permissive renderer would make live
    tokens = parser.parse(text)
    fences = 0
    for token in _walk(tokens):
        if token.type in ("fence", "code_block"):
            fences += 1
        if token.type in ("html_block", "html_inline"):
            lowered = token.content.lower()
            assert "<script" not in lowered and "onerror" not in lowered and "javascript:" not in lowered, \
                f"{where}: raw HTML {token.content[:80]!r}"
        if token.type == "link_open":
            href = token.attrGet("href") or ""
            assert href.startswith("#") or is_safe_url(href), f"{where}: live link {href!r}"
        if token.type == "image":
            src = token.attrGet("src") or ""
            assert is_safe_url(src), f"{where}: image {src!r}"
        if token.type == "inline" and token.content.startswith(MARK):
            raise AssertionError(f"{where}: overlay text opened a heading or block: {token.content[:60]!r}")
    assert fences == baseline_fences, f"{where}: {fences} code blocks, {baseline_fences} without the overlay"


def _walk(tokens):
    for token in tokens:
        yield token
        yield from _walk(token.children or [])


# --------------------------------------------------------------------------- the property


COMMAND_FORMATS = {"plain": None, "rich": None, "json": None, "csv": ",", "tsv": "\t", "markdown": "md",
                   "html": "html"}
# The card shows the entity's fields, its events and its responsibility changes; the others show the
# entity, the event and the source in lists and tables.
COMMANDS = [["explain", "zz-hostile"], ["glossary"], ["timeline", "--from", "2023"], ["sources"]]


@pytest.fixture(scope="module")
def baselines():
    """Code blocks and scripts in each output without any overlay (the renderer's own)."""
    from conftest import invoke
    from markdown_it import MarkdownIt

    def fences(text):
        return sum(1 for t in _walk(MarkdownIt("commonmark").parse(text)) if t.type in ("fence", "code_block"))

    export_md = invoke("export", "-f", "markdown").output
    export_html = invoke("export", "-f", "html").output
    return {"export-md": fences(export_md), "export-html-scripts": export_html.lower().count("<script")}


# one test per output, so parallel workers share them out; each sees the same derandomised overlays
@pytest.mark.parametrize("part", [" ".join(c) for c in COMMANDS] + ["diagram and export"])
@settings(max_examples=2, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(texts=st.lists(TEXT, min_size=N_TEXTS, max_size=N_TEXTS), url=SAFE_URL)
@example(texts=["x" + "".join(HOSTILE)] * N_TEXTS, url="https://example.org/?a=<b>&c=\"d\"")  # all at once
def test_hostile_overlay_text_is_inert_in_every_format(run, tmp_path_factory, request, part, texts, url):
    texts[2] = url
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "hostile.yaml").write_text(overlay_yaml(texts), encoding="utf-8")
    result = run("validate", folder)
    assert result.exit_code == 0, result.output
    if part != "diagram and export":
        _inert_in_every_command_format(run, folder, part.split())
    else:  # only this part needs the baselines (two whole exports, one parsed): not every worker makes them
        _inert_in_diagrams_and_exports(run, folder, request.getfixturevalue("baselines"))


def _inert_in_every_command_format(run, folder, command):
    for fmt, kind in COMMAND_FORMATS.items():
        where = f"ics {' '.join(command)} -f {fmt}"
        result = run(*command, "--data", folder, "-f", fmt)
        assert result.exit_code == 0, (where, result)
        no_raw_escapes(result.output, where)
        if kind in (",", "\t"):
            no_formulas(result.output, kind, where)
        elif kind == "md":
            no_live_markdown(result.output, where, baseline_fences=0)
        elif kind == "html":
            no_live_html(result.output, where)


def _inert_in_diagrams_and_exports(run, folder, baselines):
    mermaid = run("diagram", "--data", folder).output
    assert MARK not in mermaid or "zz_hostile" in mermaid
    live = [line for line in mermaid.splitlines() if re.match(r"\s*(click\b|%%\{)", line)]
    assert not live, f"diagram: a statement from overlay text: {live[:2]}"
    dot = run("diagram", "-f", "dot", "--data", folder).output
    bare = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', dot)  # the graph outside its quoted labels
    assert bare.count("digraph") == 1 and bare.count("{") == bare.count("}"), "dot: overlay text left its label"
    export_md = run("export", "-f", "markdown", "--data", folder).output
    no_raw_escapes(export_md, "export markdown")
    no_live_markdown(export_md, "export markdown", baselines["export-md"])
    export_html = run("export", "-f", "html", "--data", folder).output
    no_raw_escapes(export_html, "export html")
    no_live_html(export_html, "export html", baselines["export-html-scripts"])


@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(texts=st.lists(TEXT, min_size=N_TEXTS, max_size=N_TEXTS), at=st.integers(0, N_TEXTS - 1),
       control=st.one_of(st.none(), st.sampled_from(CONTROL)), url=st.one_of(SAFE_URL, UNSAFE_URL))
def test_control_characters_and_unsafe_urls_never_load(run, tmp_path_factory, texts, at, control, url):
    texts[2] = url
    if control:
        texts[at] += control
    assume(control is not None or not is_safe_url(url))  # else nothing to refuse: the test above covers loading
    folder = tmp_path_factory.mktemp("refused")
    (folder / "hostile.yaml").write_text(overlay_yaml(texts), encoding="utf-8")
    result = run("explain", "icb", "--data", folder)
    assert result.exit_code == 1 and result.output == ""
    no_raw_escapes(result.stderr, "error message")
    assert len(result.stderr.splitlines()) == 1 and "hostile.yaml:" in result.stderr
