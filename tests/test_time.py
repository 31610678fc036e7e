"""One model of time: lifecycle rules, dated counts that agree across commands, and how current the data is."""
import json
import sqlite3
import textwrap

import pytest

# --------------------------------------------------------------------------- lifecycle


def test_enacted_duty_is_not_shown_as_ended(run):
    for term in ("triple-aim", "duty-to-collaborate"):
        out = run("explain", term, "--format", "plain").output
        today = next(line for line in out.splitlines() if line.startswith("Today:"))
        assert "ended" not in today and "no longer" not in today, today
    aim = run("explain", "triple-aim", "--format", "json").json()
    assert aim["status"][-1]["state"] == "enacted" and aim["status"][-1]["to"] is None
    assert any(c["source"].startswith("w-legislation-") for c in aim["status"][-1]["sources"])


def test_a_bill_ends_with_its_royal_assent_event(run):
    out = run("explain", "health-and-care-bill", "--format", "plain").output
    assert "Today: ended on 28 April 2022 (Health and Care Act 2022 receives Royal Assent)" in out


def test_loader_rejects_a_history_that_stops_without_an_end(run, status_overlay):
    overlay = status_overlay("""\
        - {from: "2021-02-11", to: "2022-04-28", state: proposed, sources: [kf-ics-explained-2021]}
        """)
    result = run("validate", str(overlay))
    assert result.exit_code == 1
    assert "x.yaml:8: status[0].to: the history stops on 2022-04-28 without saying what followed" in result.output


@pytest.mark.parametrize("ending", [
    '- {from: "2022-04-28", state: enacted, sources: [kf-ics-explained-2021]}',
    '- {from: "2022-04-28", state: dropped, sources: [kf-ics-explained-2021]}',
])
def test_a_successor_state_or_end_event_closes_a_history(run, status_overlay, ending):
    overlay = status_overlay('- {from: "2021-02-11", to: "2022-04-28", state: proposed, '
                             'sources: [kf-ics-explained-2021]}\n' + ending + "\n")
    assert run("validate", str(overlay)).exit_code == 0
    event = status_overlay('- {from: "2021-02-11", to: "2022-04-28", state: proposed, '
                           'end_event: health-and-care-act-royal-assent, sources: [kf-ics-explained-2021]}\n')
    assert run("validate", str(event)).exit_code == 0


def test_loader_rejects_gaps_and_unknown_end_events(run, status_overlay):
    overlay = status_overlay("""\
        - {from: "2021-02-11", to: "2022-04-28", state: proposed, end_event: no-such-event, sources: [kf-ics-explained-2021]}
        """)
    assert "unknown event 'no-such-event'" in run("validate", str(overlay)).output
    gap = status_overlay("""\
        - {from: "2021-02-11", to: "2022-04-28", state: proposed, sources: [kf-ics-explained-2021]}
        - {from: "2022-07-01", state: statutory, sources: [kf-ics-explained-2021]}
        """)
    assert "status[0].to: ends 2022-04-28 but the next period starts 2022-07-01" in run("validate", str(gap)).output


def test_bundled_data_has_no_unfinished_items_before_data_as_of(run):
    result = run("validate", "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.json()["ok"] is True


def test_validate_reports_a_past_plan_with_no_outcome(run, tmp_path):
    (tmp_path / "e.yaml").write_text(textwrap.dedent("""\
        events:
          - id: test-plan
            date: "2024-04"
            title: Something planned
            description: A plan.
            status: planned
            sources: [kf-ics-explained-2021]
        """))
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1
    assert "test-plan: still 'planned' although its date (2024-04) is before the data's date (2026-12-01)" \
        in result.output


@pytest.mark.parametrize("fmt", ["plain", "markdown", "html"])
def test_every_recorded_outcome_is_shown_where_its_item_is(run, kb, fmt):
    # an old "[planned]" with nothing after it reads as a plan still pending: the outcome must follow it
    events = [e for e in kb.events.values() if e.get("outcome")]
    changes = [r for r in kb.responsibilities.values() if r.get("outcome")]
    assert events and changes
    timeline = run("timeline", "-f", fmt).output
    for event in events:
        assert event["outcome"]["text"] in _unescaped(timeline, fmt), event["id"]
    for row in changes:
        holders = {h for h in (row.get("before") or []) + (row.get("after") or [])}
        card = _unescaped(run("explain", sorted(holders)[0], "-f", fmt).output, fmt)
        assert row["outcome"]["text"] in card, (row["id"], sorted(holders)[0])


def _unescaped(text, fmt):
    import html

    return html.unescape(text) if fmt == "html" else text.replace("\\", "")


def test_listed_errors_are_fixed(run):
    rows = {r["id"]: r for r in run("compare", "ccg", "icb", "--format", "json").json()["rows"]}
    assert rows["ccg-staff-to-icb"]["status"] == "done"
    assert rows["icb-single-nhs-budget"]["change"] == "changed"
    assert rows["icb-capital-plan"]["status"] == "done"
    plain = run("compare", "ccg", "icb", "--format", "plain").output
    staff = plain.split("~ CCG staff", 1)[1].split("\n", 1)[0]
    assert staff == ""  # no [proposed] tag after the name any more
    special = {r["id"]: r for r in run("compare", "nhs-england", "icb", "--format", "json").json()["rows"]}
    assert special["specialised-commissioning-partial-transfer"]["effective"] == "2023-04-01"
    accountability = run("compare", "nhs-trust", "icb", "--format", "json").json()["rows"]
    assert any(r["id"] == "accountability-to-nhs-england" and r["change"] == "changed" for r in accountability)
    events = {e["id"]: e for e in run("timeline", "--format", "json").json()["events"]}
    for ident in ("nhse-nhsi-closer-working-announced", "icb-clustering-written-statement",
                  "health-bill-committee-stage", "icb-mergers-april-2026"):
        assert events[ident]["status"] == "done", ident
    imd = run("explain", "imd", "--format", "json").json()["summary"]
    assert "Health Foundation uses it to\ndefine" not in imd and "Health Foundation uses it to define" not in imd


# --------------------------------------------------------------------------- counts agree everywhere


# (tests/test_one_truth.py checks every month from April 2013 across every command)


def test_cards_date_every_count(run):
    out = run("explain", "ics", "--format", "plain").output
    assert "42 ICSs from 1 April 2021 to 30 June 2022" in out and "36 ICSs since 1 April 2026" in out
    assert "England is split into 42 of them" not in out
    mergers = run("explain", "icb-mergers-2026", "--format", "plain").output
    assert "only planned" not in mergers and "Today: in effect since 1 April 2026" in mergers


def test_tree_reads_the_same_model_as_the_cards(run):
    today = json.dumps(run("tree", "--format", "json").json())
    assert '"icp-place-partnership"' not in today
    old = run("tree", "--as-of", "2019-06-01", "--format", "json").json()
    ids = json.dumps(old)
    assert '"nhs-improvement"' in ids and "non-statutory" in run("explain", "nhs-improvement", "--as-of",
                                                                 "2019-06-01", "--format", "plain").output


# --------------------------------------------------------------------------- data_as_of


def test_data_as_of_everywhere(run, tmp_path):
    assert "(data as of 1 December 2026)" in run("--version").output
    assert "Data as of 1 December 2026" in run("sources", "--format", "plain").output
    for args in (("explain", "icb"), ("timeline",), ("tree",), ("validate",), ("sources",), ("glossary",),
                 ("systems",), ("compare", "ccg", "icb"), ("search", "icb")):
        assert run(*args, "--format", "json").json()["data_as_of"] == "2026-12-01", args
    db = tmp_path / "ics.sqlite"
    assert run("export", "--format", "sqlite", "-o", str(db)).exit_code == 0
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'data_as_of'").fetchone() == ("2026-12-01",)
    md = tmp_path / "ics.md"
    assert run("export", "--format", "markdown", "-o", str(md)).exit_code == 0
    assert "data as of 1 December 2026" in md.read_text(encoding="utf-8")[:600]


def test_stale_data_gets_one_closing_line(run):
    fresh = run("tree", "--format", "plain", env={"ICS_TODAY": "2027-06-01"}).output
    assert "last checked" not in fresh
    stale = run("tree", "--format", "plain", env={"ICS_TODAY": "2027-06-02"}).output
    assert stale.rstrip().splitlines()[-1].startswith("Note: the sources behind this were last checked on 1 December 2026")
    assert "last checked" not in run("tree", "--format", "json", env={"ICS_TODAY": "2027-06-02"}).output
    card = run("explain", "icb", "--format", "plain", env={"ICS_TODAY": "2027-06-02"}).output
    assert "to now" not in card and "to at least 1 December 2026 (when the sources were last checked)" in card


# --------------------------------------------------------------------------- timeline windows


def _first_day(text):
    parts = text.split("-")
    return "-".join(parts + ["01"] * (3 - len(parts)))


def _last_day(text):
    import calendar

    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return f"{parts[0]}-12-31"
    if len(parts) == 2:
        return f"{parts[0]:04d}-{parts[1]:02d}-{calendar.monthrange(*parts)[1]:02d}"
    return text


def test_timeline_window_over_a_big_overlay_misses_no_event(run, tmp_path):
    # 700 events (stored in several date-ordered chunks, of which a window reads only those it overlaps),
    # some lasting years, so an early chunk can still overlap a late window
    lines = ["events:"]
    for i in range(700):
        start = f"{2012 + i % 13}-{1 + i % 12:02d}" if i % 3 else f"{2012 + i % 13}"
        lines += [f"  - id: window-event-{i}", f'    date: "{start}"', f"    title: Window event {i}",
                  "    description: Something happened.", "    tags: [policy]", "    sources: [kf-act-diagram-2022]"]
        if i % 50 == 7:
            lines.append(f'    end: "{2024 + i % 2}"')
    (tmp_path / "events.yaml").write_text("\n".join(lines) + "\n")
    whole = run("timeline", "--data", tmp_path, "--format", "json").json()["events"]
    assert len(whole) > 700
    for first, last in (("2020", None), (None, "2014-06"), ("2016-02", "2016-03"), ("2025", "2025"),
                        ("2030", None), (None, "2011")):
        args = (["--from", first] if first else []) + (["--to", last] if last else [])
        for _ in range(2):  # compiled in this run, then read from the cache
            shown = [e["id"] for e in run("timeline", *args, "--data", tmp_path, "--format", "json").json()["events"]]
            expected = [e["id"] for e in whole
                        if (not first or _last_day(e.get("end") or e["date"]) >= _first_day(first))
                        and (not last or _first_day(e["date"]) <= _last_day(last))]
            assert shown == expected, (first, last)
