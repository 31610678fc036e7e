"""`ics ccg --all` on a date before the ICBs: the CCGs in force that day. Every expected value comes from
another command over the same data (`ics explain ccg` for the dates the count changes, `ics tree` for the
counts, `ics ccg CODE...` for each CCG's fields on the day), never typed here."""
import csv
import io

import pytest

from icscli import dates


def _tree_counts(run, day):
    tree = run("tree", "--as-of", day, "-f", "json").json()
    found = {}
    for level in tree["levels"]:
        stack = list(level["entities"])
        while stack:
            entity = stack.pop()
            stack += entity.get("children") or []
            found.update(entity.get("counts") or {})
    return found


def _days(run):
    """Each day the number of CCGs changed, the day before it, and a day inside each span (2013-2022)."""
    card = run("explain", "ccg", "-f", "json").json()
    rows = [r for r in card["counts"] if r["what"] == "CCGs"]
    days = set()
    for r in rows:
        days |= {r["from"], dates.day_before(r["from"])} | ({r["to"]} if r.get("to") else set())
    icbs = run("explain", "icb", "-f", "json").json()["counts"][0]["from"]
    return sorted(d for d in days if rows[0]["from"] <= d < icbs)


def test_the_ccgs_on_each_date_agree_with_the_tree_and_with_ics_ccg(run):
    days = _days(run)
    assert len(days) >= 6 and days[0][:4] == "2013" and days[-1][:4] == "2022"
    for day in days:
        result = run("ccg", "--all", "--as-of", day, "-f", "json")
        assert result.exit_code == 0, (day, result.stderr)
        data = result.json()
        codes = [r["ccg_ods_code"] for r in data["ccgs"]]
        assert data["count"] == len(codes) == len(set(codes)) == _tree_counts(run, day)["CCGs"], day
        mapped = run("ccg", *codes, "--as-of", day, "-f", "json").json()["rows"]  # each CCG on the day
        assert [m["change"] for m in mapped] == ["unchanged"] * len(codes), day
        for row, m in zip(data["ccgs"], mapped):
            assert [row[k] for k in ("ccg_ods_code", "ccg_ons_code", "ccg_name", "stp_ons_code", "stp_name")] == \
                [m[k] for k in ("ccg_ods_code", "ccg_ons_code", "ccg_name", "stp_ons_code", "stp_name")], day
        stps = {r["stp_ons_code"] for r in data["ccgs"] if r["stp_ons_code"]}
        if stps:  # where the data gives each CCG's STP, they are the STPs (ICSs) counted that day
            assert all(r["stp_ons_code"] for r in data["ccgs"])
            assert len(stps) == _tree_counts(run, day)["ICSs"], day


def test_the_list_in_text_and_csv(run):
    day = _days(run)[1]
    data = run("ccg", "--all", "--as-of", day, "-f", "json").json()
    text = run("ccg", "--all", "--as-of", day).output
    assert f"{data['count']}" in text.splitlines()[0] and dates.human(day) in text.splitlines()[0]
    lines = text.splitlines()
    assert all(any(r["ccg_name"] in line and r["ccg_ods_code"] in line.split() for line in lines) for r in data["ccgs"])
    assert "STP" in text  # the reader is told the data gives no STP for this date
    rows = list(csv.DictReader(io.StringIO(run("ccg", "--all", "--as-of", day, "-f", "csv").output)))
    assert [r["ccg_ods_code"] for r in rows] == [r["ccg_ods_code"] for r in data["ccgs"]]


@pytest.mark.parametrize("fmt", ["plain", "markdown", "html", "json"])
def test_every_format_lists_them(run, fmt):
    result = run("ccg", "--all", "--as-of", _days(run)[-1], "-f", fmt)
    assert result.exit_code == 0 and result.output


def test_a_date_before_the_first_ccgs_is_refused_in_one_line(run):
    from tests.hostile import one_error_line

    result = run("ccg", "--all", "--as-of", dates.day_before(_days(run)[0]))
    assert result.exit_code == 2 and not result.output
    assert dates.human(_days(run)[0]) in one_error_line(result.stderr)


def test_a_month_or_year_is_read_as_its_first_day(run):
    icbs = run("explain", "icb", "-f", "json").json()["counts"][0]["from"]
    month = run("ccg", "--all", "--as-of", icbs[:7], "-f", "json").json()  # the month the ICBs began
    assert month["count"] == run("ccg", "--all", "--as-of", icbs, "-f", "json").json()["count"]
    year = run("ccg", "--all", "--as-of", icbs[:4], "-f", "json").json()
    assert year["as_of"] == f"{icbs[:4]}-01-01" and year["count"] == _tree_counts(run, year["as_of"])["CCGs"]
