"""`ics check`: whether the data supports a claim on a date. Expected values come from the commands that
state the facts (`ics explain`, `ics map`), never typed here."""
import pytest

from icscli.answers.commands import answer as make_document
from icscli.server.answering import envelope


def _icb_counts(run):
    return run("explain", "icb", "-f", "json").json()["counts"]


def test_a_stale_count_is_false_today_with_when_it_held(run):
    rows = _icb_counts(run)
    old, new = rows[-2], rows[-1]
    result = run("check", f"There are {old['value']} ICBs", "-f", "json").json()
    assert result["verdict"] == "false"
    assert result["held"] == [{"from": old["from"], "to": old["to"]}]
    assert result["fact"]["value"] == new["value"] and result["fact"]["from"] == new["from"]
    assert result["evidence"] and all(e["source"] for e in result["evidence"])
    text = run("check", f"There are {old['value']} ICBs").output
    assert "Verdict: false" in text and f"{new['value']} ICBs since" in text


def test_a_count_is_true_until_its_end_and_not_yet_true_before_it(run):
    old, new = _icb_counts(run)[-2:]
    during = run("check", f"there were {old['value']} ICBs", "--as-of", old["from"], "-f", "json").json()
    assert (during["verdict"], during["until"]) == ("true", old["to"])
    assert during["next_change"]["date"] == new["from"]
    before = run("check", f"There are {new['value']} ICBs", "--as-of", old["from"], "-f", "json").json()
    assert before["verdict"] == "not yet true" and before["held"][0]["from"] == new["from"]
    today = run("check", f"There are {new['value']} ICBs", "-f", "json").json()
    assert today["verdict"] == "true" and today["next_change"]["status"] == "planned"


def test_the_same_claim_by_its_parts(run):
    by_parts = run("check", "--subject", "CCGs", "--property", "count", "--value", "211", "--as-of",
                   "2016-01-01", "-f", "json").json()
    said = run("check", "There were 211 CCGs", "--as-of", "2016-01-01", "-f", "json").json()
    assert by_parts["verdict"] == said["verdict"] == "false"
    card = run("explain", "ccg", "--as-of", "2016-01-01", "-f", "json").json()
    assert by_parts["fact"]["value"] == card["counts_as_of"]["CCGs"]


def test_a_state_and_existence(run):
    assert run("check", "CCGs are abolished", "-f", "json").json()["verdict"] == "true"
    card = run("explain", "ccg", "-f", "json").json()
    last_day = run("check", "CCGs exist", "--as-of", "2019-01-01", "-f", "json").json()
    ends = next(p for p in card["status"] if p["state"] == "statutory")["to"]
    assert last_day["verdict"] == "true" and last_day["until"] < ends
    assert run("check", "CCGs exist", "-f", "json").json()["verdict"] == "false"


def test_where_a_code_lay_agrees_with_map(run):
    before = run("check", "02Q is in QT1", "--as-of", "2022-06-30", "-f", "json").json()
    assert before["verdict"] == "not yet true"
    mapped = run("ccg", "02Q", "02Q", "--as-of", "2022-07-01", "-f", "json").json()["rows"][0]
    after = run("check", f"02Q is in {mapped['icb_ods_code']}", "--as-of", "2022-07-01", "-f", "json").json()
    assert after["verdict"] == "true"
    name = run("check", "02Q is in Frimley", "--as-of", "2022-07-01", "-f", "json").json()
    assert name["verdict"] == "false"


def test_not_recorded_and_unreadable_claims(run):
    none = run("check", "--subject", "integrated care partnership", "--property", "count", "--value", "5",
               "-f", "json")
    assert none.exit_code == 0 and none.json()["verdict"] == "not recorded"
    for bad in (["the moon is made of cheese"], ["--subject", "icb", "--property", "count", "--value", "many"],
                []):
        result = run("check", *bad)
        assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("fmt", ["plain", "markdown", "csv", "json"])
def test_every_format_answers(run, fmt):
    result = run("check", "There are 106 sub-ICB locations", "-f", fmt)
    assert result.exit_code == 0 and "true" in result.output


def test_the_mcp_answer_is_the_cli_answer(run, kb):
    cli = run("check", "There are 42 ICBs", "-f", "json").json()
    for detail in ("brief", "full"):
        mcp = envelope(kb, "check", make_document("check", kb, {"statement": ("There are 42 ICBs",)}), detail)
        assert mcp["answer"]["verdict"] == cli["verdict"] and mcp["answer"]["held"] == cli["held"]
        assert mcp["next_change"] == cli["next_change"]


_LONG = "x" * 100_000
_ESCAPES = "ab\x1b[31mred\x1b]0;title\x07\x9b2J"


@pytest.mark.parametrize("claim", [
    [_LONG], [f"there are {_LONG} ICBs"], [f"{_LONG} is in QT1"], [f"CCGs are {_LONG}"], [_ESCAPES],
    ["--subject", _LONG, "--property", "count", "--value", "42"],
    ["--subject", "ICBs", "--property", "count", "--value", _LONG],
    ["--subject", "CCGs", "--property", "state", "--value", _LONG],
    ["--subject", _LONG, "--property", "icb", "--value", "QT1"],
    ["--subject", "02Q", "--property", "icb", "--value", _LONG],
    ["--subject", "ICBs", "--property", _LONG, "--value", "42"],
    ["--subject", _ESCAPES, "--property", "state", "--value", "abolished"],
])
def test_a_long_or_hostile_claim_is_one_short_error_line(run, claim):
    from tests.hostile import one_error_line

    result = run("check", *claim)
    assert result.exit_code == 2 and not result.output
    line = one_error_line(result.stderr)
    assert len(line) < 400 and "x" * 200 not in line  # the user's text shortened, not echoed whole
    assert not any(c in line for c in "\x1b\x07\x9b")  # escapes shown, never sent to the terminal
    if "\x1b" in "".join(claim):
        assert "\\x1b" in line


def test_a_long_claim_is_refused_in_a_real_process_too():
    from tests.hostile import ics, one_error_line

    for claim in ([_LONG], ["--subject", "02Q", "--property", "icb", "--value", _LONG]):
        result = ics("check", *claim)
        assert result.returncode == 2 and not result.stdout
        assert len(one_error_line(result.stderr)) < 400


@pytest.mark.parametrize("fmt", ["plain", "markdown", "csv"])
def test_escapes_in_a_claims_value_are_neutralised_in_the_answer(run, fmt):
    result = run("check", "--subject", "02Q", "--property", "icb", "--value", _ESCAPES, "-f", fmt)
    assert result.exit_code == 0 and "false" in result.output
    assert not any(c in result.output for c in "\x1b\x07\x9b")
