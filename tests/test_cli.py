"""Every command and every format, through the real CLI on the real data."""
import csv
import io
import re

import pytest

from icscli.render import FORMATS

ESCAPE = re.compile(r"\x1b\[")
BOX = re.compile("[\u2500-\u257f]")

COMMANDS = [
    ["explain", "icb"],
    ["explain", "ICS NHS body", "--as-of", "2021-06-01"],
    ["explain", "icp"],
    ["timeline", "--from", "2021", "--to", "2022-07"],
    ["compare", "ccg", "icb"],
    ["tree", "--as-of", "2019-06-01"],
    ["glossary"],
    ["search", "commissioning"],
    ["sources"],
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_every_command_in_every_format(run, args, fmt):
    result = run(*args, "--format", fmt, env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result
    out = result.output
    assert out.strip(), result
    assert not ESCAPE.search(out)
    if fmt == "json":
        doc = result.json()
        assert doc["ics"]
    elif fmt in ("csv", "tsv"):
        rows = list(csv.reader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
        assert len({len(r) for r in rows}) == 1, "every row has the header's width"
        assert len(rows) >= 2
    elif fmt == "plain":
        assert not BOX.search(out)
    elif fmt in ("github", "pipe"):
        assert out.startswith("|")
    elif fmt == "html":
        assert out.startswith("<table>")
    elif fmt == "latex":
        assert "\\begin{tabular}" in out


def test_markdown_is_valid_commonmark(run):
    from markdown_it import MarkdownIt

    out = run("explain", "icb", "--format", "markdown", "--cite").output
    tokens = MarkdownIt("commonmark").enable("table").parse(out)
    headings = [t for t in tokens if t.type == "heading_open"]
    assert headings and headings[0].tag == "h1"
    assert any(t.type == "bullet_list_open" for t in tokens)
    assert re.search(r"^\[\^1\]: ", out, re.MULTILINE), "citations become footnotes"


def test_markdown_tables_have_consistent_columns(run):
    """Each parsed table row has as many cells as its header (markdown-it pads short rows, so the
    cells are counted on the pipe rows too; tests/test_render.py shows a broken table fails)."""
    from markdown_it import MarkdownIt
    from test_render import _table_problems

    out = run("compare", "ccg", "icb", "--format", "markdown").output
    assert out.startswith("# ")
    tokens = MarkdownIt("commonmark").enable("table").parse(out)
    tables = sum(1 for t in tokens if t.type == "table_open")  # the diff, and the later changes apart
    assert tables == 2
    assert sum(1 for t in tokens if t.type == "tr_open") == len(run("compare", "ccg", "icb", "-f", "json").json()["rows"]) + tables
    assert _table_problems(out) == []


def test_plain_is_default_when_piped(run):
    out = run("explain", "icb").output
    assert out.startswith("Integrated care board (ICB)\n")
    assert not BOX.search(out) and not ESCAPE.search(out)


def test_rich_respects_no_color(run):
    out = run("explain", "icb", "--format", "rich", env={"NO_COLOR": "1"}).output
    assert "Integrated care board" in out
    assert not ESCAPE.search(out)


def test_rich_colours_when_forced(run):
    out = run("explain", "icb", "--format", "rich", env={"FORCE_COLOR": "1", "NO_COLOR": ""}).output
    assert ESCAPE.search(out)


def test_unknown_format_lists_valid_ones(run):
    result = run("explain", "icb", "--format", "docx")
    assert result.exit_code == 2
    assert "'docx' is not one of" in result.stderr
    for fmt in ("plain", "markdown", "json", "csv", "github", "latex"):
        assert fmt in result.stderr


def test_version_and_help(run):
    from icscli import __version__

    assert run("--version").output.strip() == f"ics {__version__} (data as of 1 December 2026)"
    help_text = run("-h").output
    for command in ("explain", "timeline", "compare", "tree", "glossary", "search", "validate", "sources"):
        assert command in help_text
    assert "Exit codes" in help_text


# --------------------------------------------------------------------------- explain


def test_explain_matches_loosely(run):
    want = run("explain", "icb", "--format", "json").json()["id"]
    for spelling in ("ICB", "Integrated Care Board", "integrated-care-boards", "ics nhs body", "ICS NHS Body"):
        assert run("explain", spelling, "--format", "json").json()["id"] == want, spelling


def test_explain_spelling_variants(run):
    assert run("explain", "sustainability & transformation partnership", "-f", "json").json()["id"] == "stp"
    assert run("explain", "neighborhood", "-f", "json").json()["id"] == "neighbourhood"


def test_explain_json_carries_sources(run):
    doc = run("explain", "icb", "--format", "json").json()
    assert doc["sources"] and all("source" in c for c in doc["sources"])
    for item in doc.get("responsibilities", []):
        assert item["sources"]
    assert set(c["source"] for c in doc["sources"]) <= set(doc["bibliography"])


def test_icp_shows_its_main_sense_then_lists_every_other(run):
    result = run("explain", "ICP", "--format", "json")
    assert result.exit_code == 0
    card = result.json()
    assert card["id"] == "icp" and card["main_sense_of"] == "ICP"  # the statutory partnership since 2022
    senses = {s["id"]: s for s in card["senses"]}
    assert {"icp-contract", "icp-place-partnership"} <= set(senses)
    for ident, sense in senses.items():
        again = run("explain", sense["type"], "--format", "json").json()
        assert again["id"] == ident, f"typing {sense['type']!r} reaches {ident}"


def test_unknown_term_suggests(run):
    result = run("explain", "intergrated care bord")
    assert result.exit_code == 2
    assert result.output == ""
    assert "did you mean" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    typo = run("explain", "icbb")
    assert typo.exit_code == 2 and "'icb'" in typo.stderr


def test_explain_as_of_before_the_act(run):
    out = run("explain", "icb", "--as-of", "2019-06-01").output
    assert "did not exist yet" in out
    assert "Clinical commissioning group" in out


def test_explain_bad_date(run):
    result = run("explain", "icb", "--as-of", "2022-02-30")
    assert result.exit_code == 2
    assert "has no day 30" in result.stderr


# --------------------------------------------------------------------------- timeline


def test_timeline_is_in_date_order_and_filters(run):
    events = run("timeline", "--format", "json").json()["events"]
    starts = [e["date"] for e in events]
    # A partial date sorts at the end of the period it names, after the more precise dates inside it.
    from icscli.dates import end

    ends = [end(d) for d in starts]
    assert ends == sorted(ends)
    year_only = starts.index("2013")  # "NHS England" name used from 2013: after 1 April 2013, not before it
    assert starts.index("2013-04-01") < year_only
    assert all(end(d) <= "2013-12-31" for d in starts[:year_only])
    assert starts[0].startswith("2012")
    window = run("timeline", "--from", "2021-02", "--to", "2021", "--format", "json").json()["events"]
    assert window and all("2021-02" <= e["date"][:7] <= "2021-12" for e in window)


def test_timeline_by_tag_and_entity(run):
    legislation = run("timeline", "--tag", "legislation", "--format", "json").json()["events"]
    assert legislation and all("legislation" in e["tags"] for e in legislation)
    ccg = run("timeline", "--entity", "CCGs", "--format", "json").json()["events"]
    assert ccg and all("ccg" in e["entities"] for e in ccg)
    assert run("timeline", "--entity", "nosuchbody").exit_code == 2


def test_timeline_bad_input(run):
    assert run("timeline", "--from", "June").exit_code == 2
    bad_tag = run("timeline", "--tag", "gossip")
    assert bad_tag.exit_code == 2 and "legislation" in bad_tag.stderr


# --------------------------------------------------------------------------- compare


def test_compare_ccg_icb_is_a_succession(run):
    doc = run("compare", "ccg", "icb", "--format", "json").json()
    assert doc["mode"] == "succession"
    kinds = {r["diff"] for r in doc["rows"]}
    assert kinds & {"carried over", "changed"} and "new" in kinds
    assert all(r["sources"] for r in doc["rows"])
    plain = run("compare", "ccg", "icb").output
    assert plain.startswith("Clinical commissioning group \u2192 Integrated care board")


@pytest.mark.parametrize("pair", [("stp", "ics"), ("icb", "icp"), ("nhs-england", "icb")])
def test_compare_pairs_have_rows(run, pair):
    doc = run("compare", *pair, "--format", "json").json()
    assert doc["rows"], pair


def test_compare_unrelated_pair_says_so(run):
    result = run("compare", "triple-aim", "jsna")
    assert result.exit_code == 0
    assert "no responsibilities in common" in result.output


# --------------------------------------------------------------------------- tree, glossary, search


def test_tree_follows_as_of(run):
    before = run("tree", "--as-of", "2019-06-01", "--format", "json").json()
    ids = {n["id"] for level in before["levels"] for n in _walk(level["entities"])}
    assert {"ccg", "stp"} <= ids and "icb" not in ids
    after = run("tree", "--as-of", "2023-01-01", "--format", "json").json()
    ids = {n["id"] for level in after["levels"] for n in _walk(level["entities"])}
    assert "icb" in ids and "ccg" not in ids


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node["children"])


def test_glossary_is_a_to_z_one_line_each(run, kb):
    lines = [l for l in run("glossary").output.splitlines() if l.startswith("- ")]
    assert len(lines) == len(kb.entities)
    names = [t["name"].lower() for t in run("glossary", "--format", "json").json()["terms"]]
    assert names == sorted(names)
    assert [l[2:].lower().startswith(n) for l, n in zip(lines, names)] == [True] * len(names)


def test_search_ranks_names_first(run):
    doc = run("search", "integrated care board", "--format", "json").json()
    assert doc["results"][0]["id"] == "icb"
    assert any(r["type"] == "event" for r in run("search", "white paper", "-f", "json").json()["results"])


def test_search_nothing(run):
    result = run("search", "zzzzqqq")
    assert result.exit_code == 0 and "Nothing matches" in result.output


def test_cite_numbers_every_line(run):
    out = run("explain", "icb", "--cite").output
    assert "References:" in out
    assert re.search(r"\[1\]", out)
    doc = run("explain", "icb", "--cite", "--format", "json").json()
    assert doc["references"][0]["n"] == 1


def test_sources_say_what_cites_them(run, kb):
    rows = {s["id"]: s for s in run("sources", "--format", "json").json()["sources"]}
    assert set(rows) == set(kb.sources)
    assert "icb" in rows["kf-act-diagram-2022"]["cited_by"]
    assert any(b.startswith("event:") for b in rows["blog-what-are-ics-2024"]["cited_by"])
    assert all(s["cited"] > 0 for s in rows.values()), "every source is cited by something"


def test_explain_knows_systems_and_ccg_codes(run):
    frimley = run("explain", "frimley", "--format", "json")
    assert frimley.exit_code == 0 and frimley.json()["ods_code"] == "QNQ"
    bassetlaw = run("explain", "02Q", "--format", "json").json()
    assert bassetlaw["ods_code"] == "QT1"


def test_rich_keeps_square_brackets_as_text(run):
    """Labels like [statutory] and [current] are data; rich must not swallow them as markup."""
    tree = run("tree", "--as-of", "2019-06-01", "--format", "rich", env={"NO_COLOR": "1"}).output
    assert "[statutory]" in tree and "[non-statutory]" in tree
    card = run("explain", "ics", "--format", "rich", env={"NO_COLOR": "1"}).output
    assert "[current]" in card


def test_one_source_shows_what_cites_it(run):
    doc = run("sources", "kf-act-diagram-2022", "--format", "json").json()
    assert doc["id"] == "kf-act-diagram-2022" and doc["url"].startswith("https://")
    assert "icb" in doc["cited_by"] and doc["cited"] == len(doc["cited_by"])
    plain = run("sources", "kf-act-diagram-2022").output
    assert "Integrated care board (ics explain icb)" in plain


def test_unknown_source_is_one_line_usage_error(run):
    result = run("sources", "kf-act-diagram-2021")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("ics: error: unknown source")


def test_the_command_table_is_the_group_in_help_order():
    """cli/app.py's COMMANDS adds every command, in the order `ics --help` lists them."""
    from icscli.cli.app import COMMANDS, ics

    assert [command.name for command in COMMANDS] == ics.list_commands(None) == sorted(ics.commands)


def test_every_answer_entry_reads_parameters_of_its_command():
    """Each entry of the one table of answers names its click command and parameters that command has:
    the fast path reads them by these names, and the click command passes them by these names."""
    from icscli.answers.commands import COMMANDS
    from icscli.cli.app import ics

    for name, entry in COMMANDS.items():
        params = {param.name for param in ics.commands[name].params}
        assert set(entry.reads) <= params, name
