"""One truth for every date: for every month from April 2013 to today, `tree`, `changes`, `systems`, the
cards, `ccg`, `map` and the MCP answers agree on every count, and on the body each CCG code of 2013-2022
belonged to. The expected values come from the commands themselves (and the code data behind them), never
typed here."""
import csv
import datetime
import io

import pytest

from icscli.answers.commands import answer as make_document
from icscli.base import lifecycle
from icscli.server.answering import envelope
from tests.conftest import invoke

TODAY = "2026-12-01"  # conftest sets ICS_TODAY to this
COUNTED = {"ccg": "CCGs", "icb": "ICBs", "sub-icb-location": "sub-ICB locations"}
CHANGE_KEYS = {"ccg": "ccgs", "icb": "icbs", "sub-icb-location": "sub_icb_locations"}


def months():
    day = datetime.date(2013, 4, 1)
    while day.isoformat() <= TODAY:
        yield day.isoformat()
        day = (day + datetime.timedelta(days=32)).replace(day=1)


YEARS = sorted({m[:4] for m in months()})


@pytest.fixture(scope="module")
def expected():
    """{entity id: {month: count}} from `ics changes` over the whole span, its count rows as given."""
    rows = invoke("changes", "--from", "2013-04-01", "--to", TODAY, "-f", "json").json()["counts"]
    out = {}
    for ident, key in CHANGE_KEYS.items():
        out[ident] = {m: [r[key] for r in rows if r["date"] <= m][-1] for m in months()}
    return out


@pytest.fixture(scope="module")
def codes():
    """Every CCG code of 2013-2022 with its own dates, as the code data gives them."""
    import icscli
    from icscli.store.systems_index import index

    kb = icscli.load()
    found = {}
    for ident in index(kb).ccg_order:
        ccg = kb.ccgs[ident]
        found[ccg["ods_code"]] = (ccg["valid_from"], ccg.get("valid_to") or "2022-07-01")
    return found


def test_there_are_248_ccg_codes_each_with_dates(codes):
    assert len(codes) == 248
    assert all(a < b for a, b in codes.values())


def test_cards_give_the_same_counts_as_changes_every_month(expected, kb):
    for ident, what in COUNTED.items():
        rows = invoke("explain", ident, "-f", "json").json()["counts"]
        for month in months():
            row = lifecycle.count_on(rows, month, what)
            assert (row["value"] if row else 0) == expected[ident][month], (ident, month)
        mcp = envelope(kb, "explain", make_document("explain", kb, {"term": (ident,), "as_of": "2019-06-01"}), "full")["answer"]
        assert (mcp.get("counts_as_of") or {}).get(what) in (expected[ident]["2019-06-01"] or None,)


def mapped_file(month, codes):
    """`ics map` of a CSV column of every CCG code to a month, as its output file reads."""
    from click.testing import CliRunner

    from icscli.cli.app import ics

    result = CliRunner().invoke(ics, ["map", "-c", "code", "--to", month],
                                input="code\n" + "\n".join(codes) + "\n")
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("year", YEARS)
def test_every_command_agrees_every_month(year, expected, codes, kb):
    for month in (m for m in months() if m.startswith(year)):
        tree = invoke("tree", "--as-of", month, "-f", "json").json()
        nodes = {}
        stack = [n for level in tree["levels"] for n in level["entities"]]
        while stack:
            node = stack.pop()
            nodes[node["id"]] = node
            stack += node["children"]
        for ident, what in COUNTED.items():
            want = expected[ident][month]
            got = nodes[ident]["counts"].get(what) if ident in nodes else 0
            assert got == want, (month, ident, got, want)  # and nothing shown before it existed
            card = envelope(kb, "explain", make_document("explain", kb, {"term": (ident,), "as_of": month}), "full")["answer"]
            assert (card.get("counts_as_of") or {}).get(what) == (want or None), (month, ident)
            assert card["as_of_state"]["exists"] is not False or want == 0, (month, ident)

        table = list(csv.DictReader(io.StringIO(mapped_file(month, codes))))
        by_code = {}
        for row in table:
            by_code.setdefault(row["code"], []).append(row)
        assert list(by_code) == list(codes), month  # every code, in order
        ccg = invoke("ccg", *codes, "--as-of", month, "-f", "json").json()
        if month < "2022-07-01":
            for code, rows in by_code.items():
                for row in rows:  # each part is a CCG in force that month
                    start, end = codes[row["ccg_ods_code"]]
                    assert start <= month < end, (month, code, row)
            mapped = sorted((r["input"], r["ccg_ods_code"]) for r in ccg["rows"])
            assert mapped == sorted((c, r["ccg_ods_code"]) for c, rs in by_code.items() for r in rs), month
        else:
            systems = invoke("systems", "--as-of", month, "-f", "json").json()
            assert systems["count"] == expected["icb"][month], month
            assert sum(s["sub_icb_count"] for s in systems["systems"]) == expected["sub-icb-location"][month]
            icbs = {s["ons_code"] for s in systems["systems"]}
            for code, rows in by_code.items():
                for row in rows:
                    assert row["icb_ons_code"] in icbs, (month, code, row)
            mapped = sorted((r["input"], r["sub_icb_location_ods_code"], r["icb_ons_code"]) for r in ccg["rows"])
            assert mapped == sorted((c, r["sub_icb_location_ods_code"], r["icb_ons_code"])
                                    for c, rs in by_code.items() for r in rs), month


def test_a_former_ccg_before_the_icbs_is_answered_as_map_does(run):
    """`ics ccg 02Q --as-of 2022-06-30`: the CCG and its STP that day, no ICB (there was none)."""
    card = run("ccg", "02Q", "--as-of", "2022-06-30", "-f", "json").json()
    assert card["now"] is None and card["as_of_version"] is None
    mapped = run("ccg", "02Q", "02Q", "--as-of", "2022-06-30", "-f", "json").json()["rows"][0]
    (part,) = card["before_icbs"]["results"]
    assert (part["ccg_ods_code"], part["stp_ons_code"]) == (mapped["ccg_ods_code"], mapped["stp_ons_code"])
    text = run("ccg", "02Q", "--as-of", "2022-06-30", "-f", "plain").output
    line = next(t for t in text.splitlines() if t.startswith("On 30 June 2022"))
    assert part["stp_name"] in line and "Integrated Care Board" not in line and "unchanged" not in line
    after = run("ccg", "02Q", "--as-of", "2022-07-01", "-f", "json").json()
    assert after["now"]["icb"]["ons_code"] == card["icb_2022"]["ons_code"]


def test_nothing_is_shown_before_it_existed(run):
    """The sub-ICB location card and tree, on a date before the data's first sub-ICB location."""
    first = run("explain", "sub-icb-location", "-f", "json").json()["counts"][0]["from"]
    card = run("explain", "sub-icb-location", "--as-of", "2016-04-01", "-f", "json").json()
    assert card["as_of_state"]["exists"] is False and "did not exist yet" in card["as_of_state"]["text"]
    assert first == "2022-07-01"
    plain = run("explain", "sub-icb-location", "--as-of", "2016-04-01", "-f", "plain").output
    assert ".." not in plain and "give no dates" not in plain
    for day in ("2016-04-01", "2019-06-01", "2022-06-30"):
        assert "Sub-ICB location" not in run("tree", "--as-of", day, "-f", "plain").output, day
    assert "Sub-ICB location" in run("tree", "--as-of", first, "-f", "plain").output


def test_the_sub_icb_location_card_gives_the_april_2026_changes_from_the_data(run):
    card = run("explain", "sub-icb-location", "-f", "json").json()
    changes = run("changes", "--from", "2026-04-01", "--to", "2026-04-01", "-f", "json").json()["changes"]
    new = [c["codes"][-1] for c in changes if c["kind"] == "sub-icb location" and c["change"] == "created"]
    ended = [c["codes"][-1] for c in changes if c["kind"] == "sub-icb location" and c["change"] == "ended"]
    assert new and ended
    line = next(c["text"] for c in card["data_changes"] if c["date"].startswith("2026-04"))
    assert all(code in line for code in new + ended)


def test_validate_rejects_a_typed_count_the_data_disagrees_with(run, tmp_path):
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "mine.yaml").write_text(
        "entities:\n  - id: my-body\n    name: My body\n    kind: organisation\n    level: [system]\n"
        "    summary: A body.\n    sources: [kf-ics-explained-2021]\n"
        "    counts:\n      - {what: CCGs, value: 211, from: \"2013-04-01\", to: \"2018-03-31\", "
        "sources: [kf-ics-explained-2021]}\n")
    result = run("validate", str(overlay))
    assert result.exit_code == 1
    assert "211 CCGs disagrees with the systems data, which gives 209 from 1 April 2015" in result.output
    (overlay / "mine.yaml").write_text((overlay / "mine.yaml").read_text().replace(
        'value: 211, from: "2013-04-01", to: "2018-03-31"', 'value: 211, from: "2013-04-01", to: "2015-03-31"'))
    assert run("validate", str(overlay)).exit_code == 0


def test_the_bundled_data_types_no_count_the_code_data_gives(kb):
    from icscli.base.schema import DERIVED_COUNTS

    labels = set(DERIVED_COUNTS.values())
    typed = [(r["id"], c["what"]) for table in (kb.entities, kb.events) for r in table.values()
             for c in r.get("counts") or [] if c["what"] in labels]
    assert typed == []


def test_an_icb_before_the_icbs_is_answered_as_map_does(run):
    """`ics system NAME --as-of` a date before 1 July 2022: no ICB yet, and its area as `ics map` gives it."""
    for name, day in (("QT1", "2019-06-01"), ("frimley", "2021-06-01")):
        card = run("system", name, "--as-of", day, "-f", "json").json()
        assert card["state"] == "not yet"
        mapped = run("ccg", card["ons_code"], card["ons_code"], "--as-of", day, "-f", "json").json()["rows"]
        parts = card["before_icbs"]["results"]
        assert [(p["ccg_ods_code"], p["stp_ons_code"]) for p in parts] == \
            [(r["ccg_ods_code"], r["stp_ons_code"]) for r in mapped[:len(parts)]]
        line = run("system", name, "--as-of", day, "-f", "plain").output.splitlines()[2]
        assert "did not exist yet" in line and all((p["ccg_ods_code"] or p["stp_ons_code"]) in line for p in parts)


def test_explain_a_ccg_code_before_the_icbs_is_the_ccg_as_map_gives_it(run, kb):
    card = run("explain", "02Q", "--as-of", "2022-06-30", "-f", "json").json()
    assert card["before_icbs"]["results"][0]["ccg_ods_code"] == "02Q" and card["now"] is None
    mcp = envelope(kb, "explain", make_document("explain", kb, {"term": ("02Q",), "as_of": "2022-06-30"}), "full")["answer"]
    assert mcp["before_icbs"] == card["before_icbs"]
    assert run("explain", "02Q", "--as-of", "2022-07-01", "-f", "json").json()["ons_code"].startswith("E54")


def test_explain_a_ccg_code_without_a_date_is_its_icb_today(run):
    assert run("explain", "02Q", "-f", "json").json()["ons_code"].startswith("E54")
