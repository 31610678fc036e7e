"""`ics compare`: the diff of a succession on its date, later changes apart, and one vocabulary of change
kinds in every format, in `--help` and in `ics changes` (issue 21, section 4).

Every expectation is read from the data (the responsibilities, their dates and states), not typed here.
"""
import csv
import io
import re

import pytest

from icscli import dates

ARROW = "\u2192"


def _holders(r):
    return r.get("before") or [], r.get("after") or []


def _done(r):
    return (r.get("status") or "done") == "done"


def _transfer(kb, a, b):
    """The first day a responsibility passed from a to b, by the data (done rows only)."""
    return min(dates.start(r["effective"]) for r in kb.responsibilities.values()
               if a in _holders(r)[0] and b in _holders(r)[1] and _done(r))


def _involved(kb, a, b):
    return [r for r in kb.responsibilities.values() if a in _holders(r)[0] or b in _holders(r)[1]]


def test_ccg_icb_shows_the_transfer_as_the_diff_and_later_changes_apart(run, kb):
    day = _transfer(kb, "ccg", "icb")
    doc = run("compare", "ccg", "icb", "-f", "json").json()
    assert doc["as_of"] == day
    rows = {r["id"]: r for r in doc["rows"]}
    assert set(rows) == {r["id"] for r in _involved(kb, "ccg", "icb")}  # no row dropped
    for ident, row in rows.items():
        on_the_day = _done(row) and dates.start(row["effective"]) <= day
        assert row["part"] == ("diff" if on_the_day else "later"), ident
    later = [r for r in doc["rows"] if r["part"] == "later"]
    assert any(r["status"] == "proposed" for r in later)  # the 2026 Bill's proposals sit apart
    assert any(r["effective"].startswith("2023") for r in later)  # so do the 2023 delegations
    assert doc["counts"] == _count([r for r in doc["rows"] if r["part"] == "diff"])

    plain = run("compare", "ccg", "icb", "-f", "plain").output
    assert plain.splitlines()[0].endswith(f"as of {dates.human(day)}")
    main, _, rest = plain.partition("\nLater changes")
    assert rest, "the later changes have a section of their own"
    for r in doc["rows"]:
        assert (r["function"] in main) == (r["part"] == "diff"), r["function"]
        if r["part"] == "later":  # dated, and marked when not done
            entry = rest[rest.index(r["function"]):].split("\n")
            assert entry[1].rstrip().endswith(dates.human(r["effective"])), entry[:2]
            assert _done(r) or f"[{r['status']}]" in entry[0]


def _count(rows):
    counts = {}
    for r in rows:
        counts[r["diff"]] = counts.get(r["diff"], 0) + 1
    return counts


def test_as_of_chooses_the_date(run, kb):
    day = "2024-06-01"
    doc = run("compare", "ccg", "icb", "--as-of", day, "-f", "json").json()
    assert doc["as_of"] == day
    for r in doc["rows"]:
        assert r["part"] == ("diff" if _done(r) and dates.start(r["effective"]) <= day else "later"), r["id"]
    assert {r["effective"][:4] for r in doc["rows"] if r["part"] == "diff"} >= {"2022", "2023", "2024"}
    assert run("compare", "ccg", "icb", "--as-of", "1 June 2024", "-f", "json").json() == doc
    early = run("compare", "ccg", "icb", "--as-of", "2020", "-f", "json").json()
    assert early["rows"] and all(r["part"] == "later" for r in early["rows"])
    bad = run("compare", "ccg", "icb", "--as-of", "2024-13")
    assert bad.exit_code == 2 and not bad.output
    assert bad.stderr.count("\n") == 1 and bad.stderr.startswith("ics: error: --as-of")


def _pairs(kb):
    return sorted({(a, b) for r in kb.responsibilities.values() for a in _holders(r)[0] for b in _holders(r)[1]
                   if a != b})


def test_no_row_has_the_same_body_before_and_after(run, kb):
    """'Integrated care board -> Integrated care board' says nothing: a row that stays with its holder says so."""
    holders = re.compile(rf"^  (.+?) {ARROW} (.+), [^,]+$")
    seen = 0
    for a, b in _pairs(kb):
        for line in run("compare", a, b, "-f", "plain").output.splitlines():
            found = holders.match(line)
            if found:
                seen += 1
                assert found.group(1) != found.group(2), (a, b, line)
    assert seen
    md = run("compare", "ccg", "icb", "-f", "markdown").output
    for line in md.splitlines():
        cells = [c.strip() for c in line.split(" | ")]
        for cell in cells:
            if f" {ARROW} " in cell:
                before, after = cell.split(f" {ARROW} ")
                assert before != after, line


def _plain_labels(text):
    """The labels of the legend of each diff in plain output: '  ~ Changed (6)' -> 'Changed'."""
    return {m.group(1) for m in re.finditer(r"^  \S (.+) \(\d+\)$", text, re.MULTILINE)}


def test_one_vocabulary_of_change_kinds_in_every_format_and_in_help(run):
    for pair in (("ccg", "icb"), ("stp", "ics"), ("icb", "icp"), ("nhs-england", "icb")):
        doc = run("compare", *pair, "-f", "json").json()
        labels = {r["diff"]: r["label"] for r in doc["rows"]}
        assert len(set(labels.values())) == len(labels), labels  # one label a kind, one kind a label
        plain = run("compare", *pair, "-f", "plain").output
        assert _plain_labels(plain) == set(labels.values()), pair
        md = run("compare", *pair, "-f", "markdown").output
        legends = [line for line in md.splitlines() if line.startswith("Legend: ")]
        in_md = {re.sub(r" \(\d+\)$", "", item.split("` ", 1)[1]) for line in legends
                 for item in line[len("Legend: "):].split("; ")}
        assert in_md == set(labels.values()), pair
        table = list(csv.DictReader(io.StringIO(run("compare", *pair, "-f", "csv").output)))
        assert {(r["diff"], r["label"]) for r in table} == set(labels.items()), pair
        html = [[cell.strip() for cell in re.findall(r"<t[hd]>([^<]*)</t[hd]>", line)]
                for line in run("compare", *pair, "-f", "html").output.splitlines() if line.startswith("<tr>")]
        assert {(r[html[0].index("diff")], r[html[0].index("label")]) for r in html[1:]} == set(labels.items()), pair
    help_text = " ".join(run("compare", "--help").output.split())
    for label in _every_label(run):  # the help names the bodies A and B
        assert f" {label}: " in help_text, label


def _every_label(run):
    found = set()
    for pair in (("ccg", "icb"), ("stp", "ics"), ("icb", "icp"), ("nhs-england", "icb"), ("ccg", "nhs-england")):
        doc = run("compare", *pair, "-f", "json").json()
        for r in doc["rows"]:
            found.add(r["label"].replace(doc["a_name"], "A").replace(doc["b_name"], "B"))
    return found


def test_nobody_holds_what_is_new_in_every_command(run):
    """One word for 'no holder': compare, the card's changes and `ics changes` never say 'none' or 'new' for it."""
    compared = run("compare", "ccg", "icb", "-f", "plain").output
    card = run("explain", "icb", "--section", "changes", "-f", "plain").output
    words = set(re.findall(rf"(\w+) {ARROW}", compared + card)) | set(re.findall(rf"{ARROW} (\w+)[,)\n]", compared + card))
    assert "nobody" in words and not words & {"none", "new"}
    changes = run("changes", "--from", "2022-07-01", "--to", "2022-07-01", "-f", "json").json()
    assert not any(re.search(r"\bnone\b", c["text"]) for c in changes["changes"])


def test_changes_and_compare_label_a_kind_alike(run):
    compared = run("compare", "ccg", "icb", "-f", "json").json()["rows"]
    changes = run("changes", "--from", "2022-07-01", "--to", "2022-07-01", "-f", "json").json()["changes"]
    by_kind = {r["diff"]: r["label"] for r in compared}
    shared = [c for c in changes if c["change"] in by_kind]
    assert shared
    assert all(c["label"] == by_kind[c["change"]] for c in shared)
    table = list(csv.DictReader(io.StringIO(run("changes", "--from", "2022-07-01", "--to", "2022-07-01",
                                                "-f", "csv").output)))
    assert [(r["change"], r["label"]) for r in table] == [(c["change"], c["label"]) for c in changes]


@pytest.mark.parametrize("pair", [("stp", "ics"), ("nhs-england", "icb")])
def test_other_successions_start_on_their_first_transfer(run, kb, pair):
    doc = run("compare", *pair, "-f", "json").json()
    assert doc["as_of"] == _transfer(kb, *pair)
