"""The law as it stands: what the Health and Care Act 2022 did with each proposal of the 2021 White Paper
and the Health and Care Bill, enacted (Royal Assent) kept apart from in force (commencement), and what
became of plans whose day has passed. Every expectation that the data can give is read from the data."""
from icscli import dates


def _today(run, term, *options):
    out = run("explain", term, "--format", "plain", *options).output
    return next(line for line in out.splitlines() if line.startswith(("Today:", "As of ")))


def _cites(citations):
    return [(c["source"], c.get("at")) if isinstance(c, dict) else (c, None) for c in citations]


def _bill_proposals(kb):
    """{entity id: the Bill that carried its proposal}, for every Bill recorded as having become law."""
    found = {}
    for ident, entity in kb.entities.items():
        for period in entity.get("status") or []:
            if period.get("bill") and kb.entities[period["bill"]].get("became"):
                found[ident] = period["bill"]
    return found


def _enactment(kb, bill):
    """(Bill name, Act name, day of Royal Assent) as the data records them."""
    act = kb.entities[kb.entities[bill]["became"][0]]
    return kb.entities[bill]["name"], act["name"], dates.human(act["status"][0]["from"])


# --------------------------------------------------------------------------- proposals the Act passed or not


def test_no_card_calls_a_proposal_only_proposed_once_its_bill_became_law(run, kb):
    proposals = _bill_proposals(kb)
    assert {"icb", "icp", "triple-aim", "duty-to-collaborate"} <= set(proposals)
    for ident in proposals:
        today = _today(run, ident)
        assert "only proposed" not in today and "no later stage" not in today, (ident, today)


def test_duty_to_collaborate_says_the_acts_treatment_is_not_recorded(run, kb):
    bill, act, assent = _enactment(kb, "health-and-care-bill")
    today = _today(run, "duty-to-collaborate")
    assert today.startswith("Today: proposed (from 11 February 2021)"), today
    assert f"the {bill} became the {act} on {assent}" in today, today
    assert "do not record what the Act did with this proposal" in today, today
    row = kb.responsibilities["provider-duty-to-collaborate"]
    changes = run("explain", "nhs-trust", "--section", "changes", "--format", "plain").output
    assert row["outcome"]["text"] in changes.replace("\n    ", " ")
    assert "what the Act did" in row["outcome"]["text"] and row["outcome"].get("event")


def test_a_proposal_whose_bill_is_not_law_is_still_only_proposed(run, status_overlay):
    overlay = status_overlay('- {from: "2026-05-14", state: proposed, bill: health-bill-2026, '
                             'sources: [kf-ics-explained-2021]}\n')
    today = _today(run, "test-duty", "--data", str(overlay))
    assert today.startswith("Today: only proposed (from 14 May 2026); no later stage is recorded"), today


# --------------------------------------------------------------------------- enacted is not in force


def test_triple_aim_is_enacted_on_royal_assent_and_its_day_in_force_is_not_claimed(run, kb):
    today = _today(run, "triple-aim")
    assert today.startswith("Today: enacted on 28 April 2022;"), today
    assert "the day it came into force" in today and "since" not in today, today
    period = kb.entities["triple-aim"]["status"][-1]
    assert period["state"] == "enacted" and not period.get("to")
    assert {("leg-hca-2022", "s.8"), ("leg-hca-2022", "s.52"), ("leg-hca-2022", "s.186(6)")} <= set(
        _cites(period["sources"]))
    row = kb.responsibilities["provider-triple-aim"]  # the same duty on trusts: the same dates
    assert row["status"] == "enacted" and row["effective"] == period["from"]
    changes = run("changes", "--from", "2022-04", "--to", "2022-07", "--format", "json").json()["changes"]
    claimed = [c for c in changes if "triple aim" in c["text"].lower()
               and (c["date"] == "2022-07-01" or c["change"] == "created")]
    assert not claimed, claimed


def test_icb_and_icp_are_enacted_before_they_are_in_force(run):
    for term in ("icb", "icp"):
        may = _today(run, term, "--as-of", "2022-05-15")
        assert may.startswith("As of 15 May 2022: enacted on 28 April 2022, not yet in force "
                              "(in force from 1 July 2022)"), may
        assert _today(run, term) == "Today: statutory since 1 July 2022 (enacted on 28 April 2022)"
    tree = run("tree", "--as-of", "2022-05-15", "--format", "json").output
    assert '"icb"' not in tree and '"icp"' not in tree


def test_the_act_shows_royal_assent_and_commencement_apart(run, kb):
    periods = kb.entities["health-and-care-act-2022"]["status"]
    assert [(p["from"], p["state"]) for p in periods] == [("2022-04-28", "enacted"), ("2022-07-01", "statutory")]
    cited = set(_cites(periods[0]["sources"] + periods[1]["sources"]))
    assert ("leg-hca-2022", "s.186(6)") in cited and ("leg-si-2022-734", "reg. 2(a) and Sch.") in cited
    assert _today(run, "health-and-care-act-2022") == "Today: statutory since 1 July 2022 (enacted on 28 April 2022)"


def test_trust_joint_committees_are_in_force_from_1_july_2022(run):
    card = run("explain", "nhs-trust", "--as-of", "2023-01-01", "--format", "json").json()
    row = next(r for r in card["responsibility_changes"] if r["id"] == "trust-joint-committees")
    assert row.get("status", "done") == "done" and row["effective"] == "2022-07-01"
    cited = set(_cites(row["sources"]))
    assert ("leg-nhs-act-2006", "s.65Z5") in cited and ("leg-si-2022-642", "reg. 1(2)") in cited
    before = run("explain", "nhs-trust", "--as-of", "2022-06-30", "--format", "json").json()
    assert "trust-joint-committees" not in {r["id"] for r in before["responsibility_changes"]}
    joint = run("explain", "joint-committee", "--as-of", "2023-01-01", "--format", "plain").output
    assert "section 65Z5" in joint and "Trusts could not enter joint committees" not in joint


# --------------------------------------------------------------------------- what happened, not a legal form


def test_icb_mergers_took_effect_without_a_claim_of_statute(run):
    assert _today(run, "icb-mergers-2026") == "Today: in effect since 1 April 2026"
    status = run("explain", "icb-mergers-2026", "--section", "status", "--format", "plain").output
    assert "statutory" not in status


def test_the_running_cost_cut_has_an_outcome(run, kb):
    period = kb.entities["icb-running-cost-reduction"]["status"][-1]
    assert period["state"] == "planned" and period["outcome"]["text"]
    today = _today(run, "icb-running-cost-reduction")
    assert "only planned" not in today and "no later stage" not in today, today
    assert period["outcome"]["text"] in today
    status = run("explain", "icb-running-cost-reduction", "--section", "status", "--format", "plain").output
    assert "Outcome: " + period["outcome"]["text"] in status.replace("\n    ", " ")


def test_icb_partner_members_cite_schedule_1b_paragraph_8(run):
    for term in ("icb", "icb-partner-member"):
        card = run("explain", term, "--format", "json").json()
        lines = [m for m in card["membership"] if "nominations" in m["text"]]
        assert lines and all(("leg-nhs-act-2006", "Sch. 1B para. 8") in _cites(m["sources"]) for m in lines), term


# --------------------------------------------------------------------------- ics validate


def test_validate_checks_the_bill_of_a_period(run, status_overlay):
    good = '{from: "2021-02-11", state: proposed, bill: health-and-care-bill, sources: [kf-ics-explained-2021]}'
    assert run("validate", str(status_overlay(f"- {good}\n"))).exit_code == 0
    for period, message in (
        ('{from: "2021-02-11", state: proposed, bill: no-such-bill, sources: [kf-ics-explained-2021]}',
         "unknown entity 'no-such-bill'"),
        ('{from: "2021-02-11", state: proposed, bill: icb, sources: [kf-ics-explained-2021]}',
         "status[0].bill: 'icb' is a statutory body, not legislation"),
        ('{from: "2022-07-01", state: statutory, bill: health-and-care-bill, sources: [kf-ics-explained-2021]}',
         "status[0].bill: only a proposed or planned period names the Bill that carried it"),
    ):
        result = run("validate", str(status_overlay(f"- {period}\n")))
        assert result.exit_code == 1 and message in result.output, (period, result.output)


def test_validate_checks_the_outcome_of_a_period(run, status_overlay):
    good = ('{from: "2025-03-13", state: planned, outcome: {text: "It stalled.", sources: [kf-ics-explained-2021]}, '
            'sources: [kf-ics-explained-2021]}')
    assert run("validate", str(status_overlay(f"- {good}\n"))).exit_code == 0
    for period, message in (
        ('{from: "2022-07-01", state: statutory, outcome: {text: "Done.", sources: [kf-ics-explained-2021]}, '
         + 'sources: [kf-ics-explained-2021]}',
         "status[0].outcome: only an open proposed or planned period has an outcome"),
        ('{from: "2025-03-13", state: planned, outcome: {text: "It stalled."}, sources: [kf-ics-explained-2021]}',
         "an outcome needs the event that records it or its own sources"),
    ):
        result = run("validate", str(status_overlay(f"- {period}\n")))
        assert result.exit_code == 1 and message in result.output, (period, result.output)


def test_the_sqlite_export_keeps_a_periods_outcome(run, kb, tmp_path):
    import sqlite3

    path = tmp_path / "ics.sqlite"
    assert run("export", "--format", "sqlite", "-o", str(path)).exit_code == 0
    con = sqlite3.connect(path)
    try:
        found = dict(con.execute("SELECT entity_id, outcome FROM entity_status WHERE outcome IS NOT NULL"))
    finally:
        con.close()
    expected = {i: p["outcome"]["text"] for i, e in kb.entities.items() for p in e.get("status") or []
                if p.get("outcome")}
    assert expected and found == expected


def test_check_keeps_enacted_apart_from_in_force(run):
    """`ics check` on what the law did: enacted is a fact; existing or in force on a day the data does not
    give is not recorded, never false; a body enacted before it came into force did not exist yet."""
    def verdict(statement, *options):
        return run("check", statement, *options, "-f", "json").json()["verdict"]

    assert verdict("the triple aim is enacted") == "true"
    assert verdict("the triple aim exists") == "not recorded"
    assert verdict("the triple aim is in force") == "not recorded"
    assert verdict("ICBs exist", "--as-of", "2022-05-15") == "not yet true"
    assert verdict("ICBs are enacted", "--as-of", "2022-05-15") == "true"
    mergers = run("explain", "icb-mergers-2026", "-f", "json").json()["name"]
    assert verdict(f"the {mergers} are in effect") == "true"
    assert verdict(f"the {mergers} are statutory") == "not recorded"
