"""A sample of facts from the source documents (facts.md), asserted through the real CLI.

Each row: the command, and what its JSON output must contain. They were chosen from the seed
catalogue (`../shared/reference/facts.md`, sections 1-5) and the sourced chronology, so a content edit
that drops or changes one of them fails here.
"""
import json

import pytest


def card(run, term, *extra):
    result = run("explain", term, *extra, "--format", "json")
    assert result.exit_code == 0, result
    return result.json()


def text(doc):
    return json.dumps(doc, ensure_ascii=False).lower()


def claim_values(doc, topic_word):
    for claim in doc.get("claims") or []:
        if topic_word.lower() in claim["topic"].lower():
            return [v["value"] for v in claim["values"]]
    raise AssertionError(f"no claim about {topic_word!r} on {doc['id']}")


# (term, words the card must mention): numbers and facts from facts.md §4 and §1
CARD_FACTS = [
    ("ics", ["42"]),                                   # N01 42 ICSs
    ("stp", ["44"]),                                   # N02 44 footprints
    ("ccg", ["106"]),                                  # N03 106 CCGs
    ("pcn", ["1,300"]),                                # N04 around 1,300 PCNs
    ("pcn", ["30", "50,000"]),                         # N06 30-50,000 patients
    ("place", ["250,000", "500,000"]),                 # N08 place population
    ("nhs-region", ["seven"]),                         # N12 seven regional teams
    ("pcn", ["seven national service specifications"]),  # N13
    ("subsidiarity", ["west yorkshire", "three"]),     # N14 three subsidiarity tests
    ("levels", ["five places"]),                       # N15 South Yorkshire and Bassetlaw
    ("neighbourhood", ["36"]),                         # N16 36 local neighbourhoods
    ("icp-contract-judicial-reviews", ["two"]),        # N21 two judicial reviews
    ("core20plus5", ["20%"]),                          # N22 most deprived 20%
    ("ics", ["surrey heartlands", "1%"]),              # N23
    ("ics", ["birmingham and solihull", "50%"]),       # N24
    ("health-inequalities", ["60", "146"]),            # N25 cancer mortality range
    ("elective-recovery", ["6 million"]),              # N26 waiting list
    ("elective-recovery", ["300,000"]),                # N27 waiting over a year
    ("elective-recovery", ["1%", "13%"]),              # N28
    ("elective-recovery", ["10%"]),                    # N30 more elective activity
    ("system-finance", ["1.5bn"]),                     # N31
    ("system-finance", ["2.4bn"]),                     # N32
    ("avoidable-admissions", ["30 days"]),             # N33
    ("icb", ["five-year plan"]),                       # N35
    ("ccg", ["single ccg"]),                           # N37 typically one CCG per ICS
    ("joint-appointment", ["two organisations"]),      # N39
    ("icb", ["ics nhs body"]),                         # A2 former name
    ("integrated care partnership", ["ics health and care partnership"]),      # A2 former name
    ("integrated care partnership", ["integrated care strategy"]),             # E04 produces the strategy
    ("icb", ["nhs england"]),                          # accountable to NHS England
    ("white-paper-2021", ["2021-02-11"]),              # White Paper date
    ("health-and-care-act-2022", ["2022-04-28"]),      # Royal Assent
    ("icb", ["mental illness"]),                       # board member with mental health expertise
    ("integrated care partnership", ["healthwatch"]),                          # must involve local Healthwatch
]


@pytest.mark.parametrize("term,words", CARD_FACTS, ids=[f"{t}:{w[0]}" for t, w in CARD_FACTS])
def test_card_states_fact(run, term, words):
    body = text(card(run, term))
    for word in words:
        assert word.lower() in body, f"{term} should mention {word!r}"


def test_icb_and_ccg_dates(run):
    icb = card(run, "icb")
    statutory = [p for p in icb["status"] if p["state"] == "statutory"]
    assert statutory and statutory[0]["from"] == "2022-07-01"
    ccg = card(run, "ccg")
    assert any(p["to"] == "2022-07-01" for p in ccg["status"])
    assert icb["replaced"] == ["ccg"]


def test_ics_population_disagreement_shows_every_range(run):
    values = " | ".join(claim_values(card(run, "ics"), "population"))
    for figure in ("1 million", "3 million", "500,000"):
        assert figure in values


def test_start_date_disagreement(run):
    values = " | ".join(claim_values(card(run, "ics"), "start")).lower()
    assert "april 2022" in values and "1 july 2022" in values


def test_pcn_date_disagreement(run):
    doc = card(run, "pcn")
    body = text(doc)
    assert "2019" in body and "2020" in body  # A5: the glossary's July 2020 vs 1 July 2019


def test_clusters_are_leadership_teams_not_icbs(run):
    body = text(card(run, "icb-clusters"))
    assert "26" in body and "leadership" in body


def test_icp_is_three_things(run):
    card = run("explain", "ICP", "--format", "json").json()
    assert {card["id"]} | {s["id"] for s in card["senses"]} == {"icp", "icp-contract", "icp-place-partnership"}


def test_nhs_england_abolition_is_announced_not_done(run):
    events = run("timeline", "--entity", "nhs-england", "--from", "2025-03", "--format", "json").json()["events"]
    announcement = [e for e in events if e["date"] == "2025-03-13"]
    assert announcement and announcement[0]["status"] == "announced"
    bill = [e for e in events if e["date"] == "2026-05-14"]
    assert bill and bill[0]["status"] in ("in-progress", "planned")


def test_ccgs_abolished_on_1_july_2022(run):
    events = run("timeline", "--entity", "ccg", "--format", "json").json()["events"]
    assert any(e["date"] == "2022-07-01" and "abolish" in e["title"].lower() for e in events)
    assert events[0]["date"].startswith("2012")


def test_pod_delegated_april_2023(run):
    doc = run("compare", "nhs-england", "icb", "--format", "json").json()
    pod = [r for r in doc["rows"] if "pharmacy" in r["function"].lower() and r["effective"] == "2023-04-01"]
    assert pod and pod[0]["status"] == "done"


def test_health_bill_transfer_is_planned(run):
    doc = run("compare", "nhs-england", "icb", "--format", "json").json()
    planned = [r for r in doc["rows"] if r["effective"].startswith("2027")]
    assert planned and all(r["status"] == "planned" for r in planned)


def test_bassetlaw_moved_in_2022(run):
    doc = run("ccg", "02Q", "--format", "json").json()
    assert doc["icb_2022"]["ods_code"] == "QT1"
