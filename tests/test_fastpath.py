"""The click-free fast path reads arguments as click does and prints what click prints, byte for byte.

Generated argument lists go through both `fastpath.parse` (with the spec derived from the click
commands) and click's own parser: wherever the fast path accepts a list, click must accept it with the
same values. The answers are then compared with the click path's output through the real CLI.
"""
import os

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icscli import cli_spec, fastpath
from icscli.cli import ics
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


@settings(max_examples=600, deadline=None, derandomize=True)
@given(command=st.sampled_from(FAST), args=ARGS)
def test_fast_parse_agrees_with_click(command, args):
    fast = fast_params(command, args)
    if fast is not None:
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


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(FAST), args=ARGS)
def test_fast_output_is_byte_identical(run, command, args):
    try:
        text = fastpath.answer([command, *args], dict(os.environ), spec=SPEC)
    except Exception:  # left to click: nothing to compare
        return
    result = run(command, *args)
    assert (result.exit_code, result.output) == (0, text), (command, args)


@pytest.mark.parametrize("argv", [["explain", "icb"], ["explain", "icp"], ["explain", "frimley"],
                                  ["timeline", "--from", "2021", "--to", "2022-07"], ["compare", "ccg", "icb"],
                                  ["search", "who", "commissions", "dentists"], ["systems", "-f", "csv"],
                                  ["explain", "icb", "-f", "json"], ["systems", "--sort", "ons", "-f", "markdown"],
                                  ["tree", "--as-of", "2019-06-01"], ["glossary", "--cite"],
                                  ["timeline", "--tag", "policy", "-f", "github"], ["ccg", "02Q"],
                                  ["ccg", "bassetlaw", "--as-of", "2023", "-f", "json"], ["ccg", "--all", "-f", "csv"],
                                  ["ccg", "02Q", "E38000008", "00C"], ["ccg", "NHS", "Bassetlaw", "CCG"]])
def test_common_answers_match_click(run, argv):
    text = fastpath.answer(argv, dict(os.environ), spec=SPEC)
    result = run(*argv)
    assert result.exit_code == 0 and result.output == text


@pytest.mark.parametrize("argv", [["explain", "--help"], ["explain", "qqq"], ["explain"], ["ccg"],
                                  ["explain", "intergrated care board"], ["explain", "icb", "--short"],
                                  ["timeline", "--tag", "nope"], ["explain", "icb", "-f", "rich"],
                                  ["explain", "icb", "--nope"], ["validate"], ["search", "x", "--limit", "0"],
                                  ["ccg", "02Q", "--all"], ["ccg", "-"], ["ccg", "qqqq"], ["ccg", "02Q", "-o", "x.csv"]])
def test_everything_unusual_goes_to_click(argv):
    with pytest.raises(Exception):
        fastpath.answer(argv, dict(os.environ), spec=SPEC)


def test_shipped_spec_is_the_click_interface(built_package):
    import marshal

    shipped = marshal.loads((built_package / "icscli" / fastpath.SPEC_FILE).read_bytes())
    assert shipped["commands"] == SPEC
