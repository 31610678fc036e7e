"""The click-free fast path reads arguments as click does and prints what click prints, byte for byte.

Generated argument lists go through both `fastpath.parse` (with the spec derived from the click
commands) and click's own parser: wherever the fast path accepts a list, click must accept it with the
same values. The answers are then compared with the click path's output through the real CLI.
"""
import os

import click
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from icscli.cli import fast as fastpath
from icscli.cli import spec as cli_spec
from icscli.cli.app import ics
from icscli.render import FORMATS

SPEC = cli_spec.derive(ics)
FAST = sorted(fastpath.ANSWERS)
OPTIONS = ["--format", "-f", "--as-of", "--from", "--to", "--tag", "--entity", "--cite", "--no-pager",
           "--limit", "--region", "--all", "--sort", "--data", "--help", "-h", "--", "-", "-x", "--nope"]
VALUES = ["icb", "ccg", "icp", "stp", "ics", "nhs-england", "frimley", "02Q", "bassetlaw", "2019-06-01", "2022",
          "2021-02", "2022-13", "legislation", "policy", "London", "name", "ons", "5", "0", "10001", "-3",
          "commissioning", "ICS NHS body", "E38000008", "00C", "--format=json", "-fjson", "--limit=3", "--as-of=2020", "é"]
VALUES += list(FORMATS) + [f.upper() for f in FORMATS[:4]]
ARGS = st.lists(st.one_of(st.sampled_from(OPTIONS), st.sampled_from(VALUES), st.text(max_size=6)), max_size=7)
ENV = {"PATH": os.environ.get("PATH", "")}
# Most random lists go to click (the properties below `assume` the fast path takes them); lists built the
# way people type each command are taken more often, so fewer cases are thrown away.
WORDS = {"explain": ["icb", "icp", "ICS", "NHS", "body", "frimley", "nhs-england", "stp", "pcn", "place"],
         "compare": ["ccg", "icb", "stp", "icp", "ics"], "search": ["commissioning", "who", "dentists", "London"],
         "ccg": ["02Q", "E38000008", "00C", "bassetlaw", "NHS", "Bassetlaw", "CCG"]}
OWN_OPTIONS = {"explain": ["--as-of"], "timeline": ["--from", "--to", "--tag", "--entity"], "search": ["--limit"],
               "systems": ["--region", "--as-of", "--sort"], "ccg": ["--as-of", "--all"], "tree": ["--as-of"]}
OPTION_VALUES = {"--format": ["json", "csv", "plain", "markdown", "tsv", "JSON"], "--as-of": ["2019-06-01", "2023", "2021-02"],
                 "--from": ["2020", "2019-06-01"], "--to": ["2022-07", "2024"], "--tag": ["policy", "legislation"],
                 "--entity": ["icb", "ccg"], "--limit": ["3", "10"], "--region": ["London", "midlands"],
                 "--sort": ["name", "ons"], "--all": [], "--cite": [], "--no-pager": []}


@st.composite
def typed(draw):
    """(command, arguments) as a person types them: the command's words, then some of its options."""
    command = draw(st.sampled_from(FAST))
    words = WORDS.get(command, [])
    count = 2 if command == "compare" else draw(st.integers(1 if words else 0, 3 if words else 0))
    args = draw(st.lists(st.sampled_from(words), min_size=count, max_size=count)) if words else []
    for option in draw(st.lists(st.sampled_from(["--format", "--cite", "--no-pager"] + OWN_OPTIONS.get(command, [])),
                                max_size=3, unique=True)):
        values = OPTION_VALUES[option]
        args += [option] + ([draw(st.sampled_from(values))] if values else [])
    return command, args


CASES = st.one_of(st.tuples(st.sampled_from(FAST), ARGS), typed())


def click_params(command, args):
    try:
        with ics.commands[command].make_context(command, list(args)) as ctx:
            return dict(ctx.params)
    except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
        return None


def fast_params(command, args, environ=ENV):
    try:
        return fastpath.parse(SPEC[command], list(args), environ)
    except fastpath.NotFast:
        return None


@settings(max_examples=200, deadline=None, derandomize=True)  # 200 compared (of 600 before `assume`, about 90)
@given(case=CASES)
def test_fast_parse_agrees_with_click(case):
    command, args = case
    fast = fast_params(command, args)
    assume(fast is not None)  # a list the fast path refuses goes to click: nothing to compare
    assert fast == click_params(command, args), (command, args)


def test_fast_parse_takes_the_common_forms():
    """The property above cannot pass by refusing everything: ordinary lists are taken."""
    for command, args in [("explain", ["icb"]), ("explain", ["ICS", "NHS", "body", "--as-of", "2021"]),
                          ("timeline", ["--from", "2020", "--tag", "policy", "--tag", "legislation"]),
                          ("compare", ["ccg", "icb", "-f", "json"]), ("search", ["commissioning", "--limit=3"]),
                          ("systems", ["--sort", "ons", "-fcsv"]), ("ccg", ["02Q", "--cite"])]:
        fast = fast_params(command, args)
        assert fast is not None and fast == click_params(command, args), (command, args)


@pytest.mark.parametrize("value", ["", "overlay-dir"])
def test_envvar_data_is_read_as_click_reads_it(monkeypatch, value):
    monkeypatch.setenv("ICS_DATA", value)
    for args in (["icb"], ["icb", "--data", "other"]):
        assert fast_params("explain", args, dict(ENV, ICS_DATA=value)) == click_params("explain", args)


@settings(max_examples=30, deadline=None, derandomize=True,  # 30 compared (of 120 before `assume`, about 7)
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=CASES)
@example(case=("ccg", [""]))  # names no CCG: click's usage error (the fast path listed every CCG)
def test_fast_output_is_byte_identical(run, case):
    command, args = case
    try:
        text = fastpath.answer([command, *args], dict(os.environ), spec=SPEC)
    except Exception:
        text = None
    assume(text is not None)  # left to click: nothing to compare
    result = run(command, *args)
    assert (result.exit_code, result.output) == (0, text), (command, args)


@pytest.mark.parametrize("argv", [["explain", "icb"], ["explain", "icp"], ["explain", "frimley"],
                                  ["timeline", "--from", "2021", "--to", "2022-07"], ["compare", "ccg", "icb"],
                                  ["search", "who", "commissions", "dentists"], ["systems", "-f", "csv"],
                                  ["explain", "icb", "-f", "json"], ["systems", "--sort", "ons", "-f", "markdown"],
                                  ["tree", "--as-of", "2019-06-01"], ["glossary", "--cite"],
                                  ["timeline", "--tag", "policy", "-f", "github"], ["ccg", "02Q"],
                                  ["ccg", "bassetlaw", "--as-of", "2023", "-f", "json"], ["ccg", "--all", "-f", "csv"],
                                  ["ccg", "02Q", "E38000008", "00C"], ["ccg", "NHS", "Bassetlaw", "CCG"],
                                  ["explain", "icb", "-f", "rich"], ["compare", "ccg", "icb", "-f", "rich"]])
def test_common_answers_match_click(run, argv):
    text = fastpath.answer(argv, dict(os.environ), spec=SPEC)
    result = run(*argv)
    assert result.exit_code == 0 and result.output == text


@pytest.mark.parametrize("argv", [["explain", "--help"], ["explain", "qqq"], ["explain"], ["ccg"],
                                  ["explain", "intergrated care board"], ["explain", "icb", "--short"],
                                  ["timeline", "--tag", "nope"],
                                  ["explain", "icb", "--nope"], ["validate"], ["search", "x", "--limit", "0"],
                                  ["ccg", "02Q", "--all"], ["ccg", "-"], ["ccg", "qqqq"], ["ccg", "02Q", "-o", "x.csv"]])
def test_everything_unusual_goes_to_click(argv):
    with pytest.raises(Exception):
        fastpath.answer(argv, dict(os.environ), spec=SPEC)


def test_an_empty_ccg_name_is_left_to_click(run):
    """`ics ccg ""` names no CCG: click's usage error. The fast path took the empty name for a name and
    listed every former CCG with exit 0."""
    result = run("ccg", "")
    assert result.exit_code == 2 and "give a CCG's name or code" in result.stderr
    for argv in (["ccg", ""], ["ccg", "", "--as-of", "2023"]):
        with pytest.raises(fastpath.NotFast):
            fastpath.answer(argv, dict(os.environ), spec=SPEC)
    assert fastpath.answer(["ccg", "", "--all"], dict(os.environ), spec=SPEC) == run("ccg", "", "--all").output


def test_shipped_spec_is_the_click_interface(built_package):
    import marshal

    shipped = marshal.loads((built_package / "icscli" / "cli" / fastpath.SPEC_FILE).read_bytes())
    assert shipped["commands"] == SPEC


# The helpers on every run's path that replace regular expressions (importing `re` costs milliseconds)
# find what the expressions they replace find.
TEXT = st.text(alphabet=st.sampled_from("abcizeonstrd0123 .!?()]\"'\n\t\x1b\x85\xa0\u200f\u202a\u202e\u2066\u2069ÉéAZ-"),
               max_size=80)


@settings(max_examples=800, deadline=None, derandomize=True)
@given(text=TEXT)
def test_plain_string_helpers_match_the_regular_expressions(text):
    import re

    from icscli.base import safe
    from icscli.base import words as resolve
    from icscli.views import reference as views

    low = text.lower()
    assert resolve._words(low) == re.findall(r"[a-z0-9]+", low)
    for word in resolve._words(low) + [low]:
        assert resolve._british_ize(word) == re.sub(r"(?<=[a-z]{3})iz(e|es|ed|ing|ation|ations|er|ers)$", r"is\1", word)
    flat = " ".join(text.split())
    found = re.search(r"(?<=[a-z0-9)\]])[.!?](?=\s+[A-Z(])", flat)
    assert resolve.first_sentence(text) == (flat[: found.end()] if found else flat)
    found = re.match(r"(.{30,}?[.!?])\s+(?=[A-Z\"'(])", text, re.DOTALL)
    assert views.first_sentence(text) == (found.group(1) if found else text)
    assert safe.strip_controls(text) == re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", "", text)


@settings(max_examples=800, deadline=None, derandomize=True)
@given(text=st.text(alphabet=st.sampled_from("0123456789-x\u0663 "), max_size=12))
def test_iso_parts_matches_the_date_pattern(text):
    import re

    from icscli import dates

    found = re.match(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$", text.strip())
    assert dates.iso_parts(text.strip()) == (found.groups() if found else None)


def test_ize_endings():
    from icscli.base import words as resolve

    assert [resolve._british_ize(w) for w in ("organizations", "realize", "size", "prizes", "itemizing")] == \
        ["organisations", "realise", "size", "prizes", "itemising"]


def test_fast_answers_import_no_regular_expressions_or_signal_module(tmp_path, kb):
    """What makes a plain answer cost little more than the interpreter: `re`, `signal` and the `enum`,
    `functools` and `collections` they import stay unloaded (checked in a fresh interpreter without
    site-packages, whose editable-install hook imports `re`; `kb` has compiled the data into the cache)."""
    import marshal
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    (tmp_path / "spec").write_bytes(marshal.dumps(SPEC))
    code = ("import marshal, os, sys\n"
            "import icscli.entry\n"
            "from icscli.cli import fast as fastpath\n"
            "spec = marshal.loads(open(sys.argv[1], 'rb').read())\n"
            "for argv in (['explain', 'icb'], ['timeline'], ['compare', 'ccg', 'icb'], ['search', 'commissioning'],\n"
            "             ['systems'], ['ccg', '02Q'], ['ccg', '02Q', '00C']):\n"
            "    assert fastpath.answer(argv, dict(os.environ), spec=spec)\n"
            "print(sorted({'re', 'signal', 'enum', 'functools', 'collections'} & set(sys.modules)))\n")
    result = subprocess.run([sys.executable, "-S", "-c", code, str(tmp_path / "spec")], capture_output=True,
                            text=True, stdin=subprocess.DEVNULL, timeout=120, env=dict(os.environ, PYTHONPATH=root))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_search_hits_come_from_each_layer(run, tmp_path):
    """A hit's date, first sentence and sources are kept in the search rows (no record is decoded to
    show it): an overlay's new record shows its own, the bundled records' hits are unchanged."""
    (tmp_path / "extra.yaml").write_text(
        "entities:\n  - id: zebra-board\n    name: Zebra commissioning board\n    kind: concept\n    level: place\n"
        "    summary: A board that commissions zebra crossings. It meets monthly.\n    related: [icb]\n"
        "    sources: [kf-act-diagram-2022]\n", encoding="utf-8")
    hits = run("search", "zebra", "-f", "json", "--data", tmp_path).json()["results"]
    assert [(h["id"], h["snippet"], [s["source"] for s in h["sources"]]) for h in hits] == \
        [("zebra-board", "A board that commissions zebra crossings.", ["kf-act-diagram-2022"])]
    bundled = run("search", "commissioning", "-f", "json").json()["results"]
    layered = run("search", "commissioning", "-f", "json", "--data", tmp_path).json()["results"]
    assert [h for h in layered if h["id"] != "zebra-board"] == bundled[:len(layered) - 1]
