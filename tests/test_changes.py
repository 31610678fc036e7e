"""`ics changes`: dates sort as the timeline sorts them, and each change reads as a sentence that names the
body, with its code beside its name (issue 21, section 4). Expectations come from the data."""
import re

import pytest

from icscli import dates

TODAY = {"ICS_TODAY": "2026-12-06"}
WHOLE = ("--from", "2013-04-01", "--to", "2026-12-06")


@pytest.fixture(scope="module")
def whole():
    from conftest import invoke

    return invoke("changes", *WHOLE, "-f", "json", env=TODAY).json()


@pytest.fixture(scope="module")
def plain():
    from conftest import invoke

    return invoke("changes", *WHOLE, "-f", "plain", env=TODAY).output


def test_partial_dates_sort_at_the_end_of_their_period(whole):
    """'2016' comes after '1 April 2016', and 'April 2017' after '1 April 2017' (README: Dates)."""
    items = whole["changes"]
    assert [dates.sort_key(c["date"]) for c in items] == sorted(dates.sort_key(c["date"]) for c in items)
    checked = 0
    for n, partial in enumerate(items):
        if partial["date"].count("-") == 2:
            continue
        for m, precise in enumerate(items):
            if precise["date"].count("-") == 2 and dates.start(partial["date"]) <= precise["date"] <= dates.end(partial["date"]):
                checked += 1
                assert m < n, (precise["date"], precise["text"], "should come before", partial["date"], partial["text"])
    assert checked


def test_plain_lists_the_changes_in_the_json_order(whole, plain):
    lines = [line for line in plain.splitlines() if line.startswith("  - ")]
    assert len(lines) == whole["count"]
    for line, change in zip(lines, whole["changes"]):
        assert line == f"  - {dates.human(change['date'])}: {change['text']}"


def test_each_change_is_a_sentence(whole, plain):
    for change in whole["changes"]:
        text = change["text"]
        assert re.match(r"[A-Z0-9\u201c]", text) and text.endswith("."), text
        assert not re.match(r"\[[a-z -]+\] ", text), text
    assert not re.search(r"^  - [^:]+: \[", plain, re.MULTILINE)  # no '[merged]' tags before the sentence


def test_a_change_names_each_body_beside_its_code(whole, kb):
    ccg_names = {c["ods_code"]: c["name"] for c in kb.ccgs.values()}
    seen = 0
    for change in whole["changes"]:
        text = change["text"]
        if change["kind"] == "body":
            entity = kb.entities[change["codes"][0]]
            assert entity["name"] in text, text
            continue
        if change["kind"] == "responsibility":
            assert kb.responsibilities[change["codes"][0]]["function"] in text, text
            continue
        assert not any(text.startswith(code + " ") for code in change["codes"]), f"starts with a bare code: {text}"
        for code in change["codes"]:
            if change["kind"].startswith("ccg") and code in ccg_names:
                seen += 1
                assert f"{ccg_names[code]} ({code})" in text, (code, text)
    assert seen


def test_bassetlaw_and_the_triple_aim_read_as_sentences(whole, kb):
    texts = [c["text"] for c in whole["changes"]]
    bassetlaw = next(c for c in kb.ccgs.values() if c["ods_code"] == "02Q")
    assert any(t.startswith(f"{bassetlaw['name']} (02Q) moved from") for t in texts)
    enacted = [(e, p["from"]) for e in kb.entities.values() for p in e.get("status") or []
               if p["state"] == "enacted" and p.get("from") and WHOLE[1] <= p["from"] <= WHOLE[3]]
    assert {e["kind"] for e, _ in enacted} >= {"duty", "statutory body"}
    for entity, day in enacted:  # a law or a duty is enacted; a body is provided for by a law that is
        subject = entity["name"] if entity["kind"] in ("legislation", "duty") else f"The law providing for {entity['name']}"
        assert any(c["date"] == day and c["text"].startswith(f"{subject} was enacted") for c in whole["changes"]), subject


def test_every_kind_of_change_is_named_in_the_help(whole, run):
    help_text = " ".join(run("changes", "--help").output.split())
    for label in {c["label"] for c in whole["changes"]}:
        assert f" {label}: " in help_text, label


@pytest.mark.parametrize("term, kind", [("sub-icb-location", "sub-icb location"), ("icb", "icb")])
def test_cards_name_the_code_changes_with_the_labels_of_changes(run, term, kind):
    """A card's 'Changes in the code data' uses the words `ics changes` labels the same changes with."""
    card = run("explain", term, "-f", "json").json()["data_changes"]
    every = run("changes", "--from", "2022-07-01", "-f", "json").json()["changes"]
    checked = 0
    for line in card:
        labels = {c["label"] for c in every if c["kind"] == kind and c["date"] == line["date"] and c["codes"]}
        for label in labels:
            checked += 1
            assert f"{label}: " in line["text"], (label, line)
    assert checked
