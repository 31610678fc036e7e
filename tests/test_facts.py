"""A sample of facts from the source documents (facts.md), asserted through the real CLI.

Each row names the card, the field that must state the fact and the words it must contain. Citations
(and the short quotes inside them) are never searched, so a fact deleted from the card's own text fails
here even though its source still quotes it; and words match whole ("30" does not match "30,000", "36"
does not match a code that contains 36).
"""
import re

import pytest


def card(run, term, *extra):
    result = run("explain", term, *extra, "--format", "json")
    assert result.exit_code == 0, result
    return result.json()


def field_text(doc, *names):
    """The reader-facing text of the named fields of a card, without any citation."""
    parts = []
    for name in names:
        value = doc.get(name) or []
        if name == "claims":
            parts += [v["value"] for claim in value for v in claim["values"]]
        elif name == "former_names":
            parts += [n["name"] for n in value]
        elif isinstance(value, list):
            parts += [item["text"] for item in value]
        else:
            parts.append(value)
    return "\n".join(parts)


def states(text, phrase):
    """True when `phrase` occurs in `text` as whole words and whole numbers."""
    return re.search(r"(?<![\w.,-])" + re.escape(phrase) + r"(?![\w%]|[.,]\d)", text, re.IGNORECASE) is not None


def claim_values(doc, topic_word):
    for claim in doc.get("claims") or []:
        if topic_word.lower() in claim["topic"].lower():
            return [v["value"] for v in claim["values"]]
    raise AssertionError(f"no claim about {topic_word!r} on {doc['id']}")


# (term, fields that must state it, words): numbers and facts from facts.md §4 and §1
CARD_FACTS = [
    ("ics", ("summary",), ["42"]),                                  # N01 42 ICSs
    ("stp", ("summary",), ["44"]),                                  # N02 44 footprints
    ("ccg", ("summary",), ["106"]),                                 # N03 106 CCGs
    ("pcn", ("claims",), ["around 1,300"]),                         # N04 around 1,300 PCNs
    ("pcn", ("summary",), ["30,000 to 50,000"]),                    # N06 30-50,000 patients
    ("place", ("summary",), ["250,000", "500,000"]),                # N08 place population
    ("nhs-region", ("summary",), ["seven"]),                        # N12 seven regional teams
    ("pcn", ("responsibilities",), ["seven national service specifications"]),  # N13
    ("subsidiarity", ("facts",), ["West Yorkshire", "three"]),      # N14 three subsidiarity tests
    ("levels", ("facts",), ["five places"]),                        # N15 South Yorkshire and Bassetlaw
    ("neighbourhood", ("facts",), ["36"]),                          # N16 36 local neighbourhoods
    ("icp-contract-judicial-reviews", ("summary",), ["two"]),       # N21 two judicial reviews
    ("core20plus5", ("responsibilities", "facts"), ["20%"]),        # N22 most deprived 20%
    ("ics", ("facts",), ["Surrey Heartlands", "1%"]),               # N23
    ("ics", ("facts",), ["Birmingham and Solihull", "50%"]),        # N24
    ("health-inequalities", ("facts",), ["60", "146"]),             # N25 cancer mortality range
    ("elective-recovery", ("facts",), ["6 million"]),               # N26 waiting list
    ("elective-recovery", ("facts",), ["300,000"]),                 # N27 waiting over a year
    ("elective-recovery", ("facts",), ["1%", "13%"]),               # N28
    ("elective-recovery", ("facts",), ["10%"]),                     # N30 more elective activity
    ("system-finance", ("facts",), ["£1.5bn"]),                     # N31
    ("system-finance", ("facts",), ["£2.4bn"]),                     # N32
    ("avoidable-admissions", ("facts",), ["30 days"]),              # N33
    ("icb", ("responsibilities",), ["five-year plan"]),             # N35
    ("ccg", ("facts",), ["single CCG"]),                            # N37 typically one CCG per ICS
    ("joint-appointment", ("summary",), ["two organisations"]),     # N39
    ("icb", ("former_names",), ["ICS NHS body"]),                   # A2 former name
    ("integrated care partnership", ("former_names",), ["ICS health and care partnership"]),  # A2 former name
    ("integrated care partnership", ("summary",), ["integrated care strategy"]),  # E04 produces the strategy
    ("icb", ("summary",), ["NHS England"]),                         # accountable to NHS England
    ("white-paper-2021", ("summary",), ["11 February 2021"]),      # White Paper date
    ("health-and-care-act-2022", ("facts",), ["28 April 2022"]),    # Royal Assent
    ("icb", ("membership",), ["mental illness"]),                   # board member with mental health expertise
    ("integrated care partnership", ("responsibilities",), ["Healthwatch"]),  # must involve local Healthwatch
]


@pytest.mark.parametrize("term,fields,words", CARD_FACTS, ids=[f"{t}:{w[0]}" for t, _f, w in CARD_FACTS])
def test_card_states_fact(run, term, fields, words):
    text = field_text(card(run, term), *fields)
    for word in words:
        assert states(text, word), f"{term} should state {word!r} in its {'/'.join(fields)}"


def test_matching_is_by_whole_words_and_never_reads_citations():
    assert not states("about 30,000 patients", "30") and states("30 days", "30")
    assert not states("E54000036", "36") and not states("1.5bn", "1") and states("at least £2.4bn.", "£2.4bn")
    doc = {"facts": [{"text": "nothing", "sources": [{"source": "x", "quote": "36 neighbourhoods"}]}]}
    assert not states(field_text(doc, "facts"), "36")


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
    values = " | ".join(claim_values(card(run, "pcn"), "established"))
    assert states(values, "2019") and states(values, "2020")  # A5: the glossary's July 2020 vs 1 July 2019


def test_clusters_are_leadership_teams_not_icbs(run):
    text = field_text(card(run, "icb-clusters"), "summary")
    assert states(text, "26") and states(text, "leadership")


def test_icp_is_three_things(run):
    card = run("explain", "ICP", "--format", "json").json()
    assert {card["id"]} | {s["id"] for s in card["senses"]} == {"icp", "icp-contract", "icp-place-partnership"}


def test_nhs_england_abolition_is_announced_not_done(run):
    events = run("timeline", "--entity", "nhs-england", "--from", "2025-03", "--format", "json").json()["events"]
    announcement = [e for e in events if e["id"] == "nhs-england-abolition-announced"]
    assert announcement and announcement[0]["status"] == "done"  # the announcement was made ...
    assert not any("abolished" in e["title"].lower() and e["date"] > "2025" for e in events)  # ... not the abolition
    assert run("explain", "nhs-england", "--format", "json").json()["status"][-1]["state"] == "statutory"
    bill = run("explain", "health-bill-2026", "--format", "plain").output
    assert "Today: only proposed (from 14 May 2026); no later stage is recorded" in bill


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
