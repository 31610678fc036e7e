"""`ics systems`, `ics system`, `ics ccg`: counts and integrity against the reference CSVs, for every version."""
import csv
import io
import json
import os
import re

import pytest
from click.testing import CliRunner

from icscli.cli.app import ics
from icscli.systems import index

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.path.join(ROOT, "..", "shared", "reference")
YEARS = ("2022", "2023", "2024", "2025", "2026")
AS_OF = {"2022": "2022-07-01", "2023": "2023-04-01", "2024": "2024-04-01", "2025": "2025-04-01",
         "2026": "2026-04-01"}

needs_reference = pytest.mark.skipif(not os.path.isdir(REF), reason="../shared/reference is not available")


def run(*args):
    result = CliRunner().invoke(ics, [str(a) for a in args], catch_exceptions=True)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def as_json(*args):
    result = run(*args, "-f", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ref_rows(year, kind):
    if year == "2022":
        name = {"icbs": "icbs.csv", "locs": "sub_icb_locations.csv"}[kind]
        path = os.path.join(REF, name)
    else:
        name = {"icbs": f"icbs_{year}.csv", "locs": f"sub_icb_locations_{year}.csv"}[kind]
        path = os.path.join(REF, "later", name)
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def history_rows(name):
    with open(os.path.join(REF, "history", name), newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def ons(row):
    return row.get("icb_gss_code")


@pytest.fixture(scope="module")
def kb():
    import icscli

    return icscli.load()


# --------------------------------------------------------------------------- counts and integrity


@needs_reference
@pytest.mark.parametrize("year", YEARS)
def test_counts_match_reference(kb, year):
    expected = {"2022": 42, "2023": 42, "2024": 42, "2025": 42, "2026": 36}[year]
    assert len(ref_rows(year, "icbs")) == expected
    assert len(index(kb).by_version[year]) == expected
    assert len(index(kb).locs_by_version[year]) == 106 == len(ref_rows(year, "locs"))
    data = as_json("systems", "--as-of", AS_OF[year])
    assert data["count"] == expected
    assert {r["ons_code"] for r in data["systems"]} == {r["icb_gss_code"] for r in ref_rows(year, "icbs")}
    assert data["version"]["id"] == year


def test_seven_regions_in_2022():
    data = as_json("systems", "--as-of", "2022-07-01")
    assert len({r["region"] for r in data["systems"]}) == 7
    assert len(data["regions"]) == 7


@needs_reference
@pytest.mark.parametrize("year", YEARS)
def test_every_location_in_exactly_one_icb(kb, year):
    icbs = set(index(kb).by_version[year])
    seen = {}
    for icb in icbs:
        for loc in index(kb).icb_locs.get(icb, []):
            seen.setdefault(loc, []).append(icb)
    assert set(seen) == set(index(kb).locs_by_version[year])
    assert all(len(parents) == 1 for parents in seen.values())
    expected = {r["loc_ods_code"]: r["icb_gss_code"] for r in ref_rows(year, "locs")}
    got = {kb.sub_icb_locations[l]["ods_code"]: kb.icbs[p[0]]["ons_code"] for l, p in seen.items()}
    assert got == expected
    for icb in icbs:
        assert kb.icbs[icb]["sub_icb_count"] == len(index(kb).icb_locs[icb])


@pytest.mark.parametrize("year", YEARS)
def test_codes_unique_within_version(kb, year):
    icbs = [kb.icbs[i] for i in index(kb).by_version[year]]
    locs = [kb.sub_icb_locations[i] for i in index(kb).locs_by_version[year]]
    for values in ([r["ons_code"] for r in icbs], [r["ods_code"] for r in icbs if r.get("ods_code")],
                   [r["ons_code"] for r in locs], [r["ods_code"] for r in locs]):
        assert len(values) == len(set(values))


@needs_reference
@pytest.mark.parametrize("year", YEARS)
def test_ods_codes_copied_never_filled(kb, year):
    """Every ICB ODS code equals the reference file's (for 2026, the official NHS England file's)."""
    expected = {r["icb_gss_code"]: r["icb_ods_code"] for r in ref_rows(year, "icbs")}
    if year == "2026":
        official = history_rows("icb_ods_codes_2026.csv")
        assert {r["icb_gss_code"] for r in official} == set(expected)
        expected = {r["icb_gss_code"]: r["icb_ods_code"] for r in official}
    for ident in index(kb).by_version[year]:
        icb = kb.icbs[ident]
        assert (icb.get("ods_code") or "") == expected[icb["ons_code"]]


def _changes_md_table():
    """{2026 ICB ONS code: {2025 ICB ONS codes}} from the 'New ICBs' table of later/CHANGES.md."""
    with open(os.path.join(REF, "later", "CHANGES.md"), encoding="utf-8") as handle:
        text = handle.read()
    names_2025 = {}
    for row in ref_rows("2025", "icbs"):
        short = re.sub(r"^NHS | Integrated Care Board$", "", row["icb_name"])
        names_2025[short] = row["icb_gss_code"]
    table = {}
    for line in text.splitlines():
        m = re.match(r"\| NHS (.+?) ICB \| (E54\d{6})", line)
        if not m:
            continue
        origin = line.split("|")[4]
        found = set(re.findall(r"\((E54\d{6})\)", origin))
        for short, code in names_2025.items():
            if re.search(r"(^|[ ;(])" + re.escape(short) + r"($|[ ,;(])", origin):
                found.add(code)
        table[m.group(2)] = found
    return table


@needs_reference
def test_2026_formed_from_matches_changes_md(kb):
    expected = _changes_md_table()
    assert len(expected) == 7
    got = {}
    for ident in index(kb).by_version["2026"]:
        icb = kb.icbs[ident]
        if icb.get("formed_from"):
            got[icb["ons_code"]] = {kb.icbs[f]["ons_code"] for f in icb["formed_from"]}
    assert got == expected


@needs_reference
def test_2026_new_icbs_have_official_ods_codes_and_regions():
    """The seven ICBs of April 2026 carry the ODS codes and regions of the NHS England file, cited."""
    data = as_json("systems", "--as-of", "2026-04-01")
    official = {r["icb_gss_code"]: r for r in history_rows("icb_ods_codes_2026.csv")}
    blank = [r["icb_gss_code"] for r in ref_rows("2026", "icbs") if not r["icb_ods_code"]]
    assert len(blank) == 7 and data["count"] == 36
    for row in data["systems"]:
        ref = official[row["ons_code"]]
        assert (row["ods_code"], row["region"], row["region_ods_code"]) == \
            (ref["icb_ods_code"], ref["nhs_region"], ref["nhs_region_ods_code"])
        assert row["provenance"]["ods_code"] == "official"
        assert any(c["source"] == "nhse-gp-reg-pat-prac-map-2026" for c in row["sources"])
    text = run("systems", "--as-of", "2026-04-01", "-f", "plain").stdout
    assert "none verified" not in text


def test_2023_surrey_sussex_code_change():
    data = as_json("system", "QXU", "--as-of", "2023-06-01")
    assert data["ons_code"] == "E54000063"
    codes = [h["ons_code"] for h in data["history"]]
    assert codes[:2] == ["E54000052", "E54000063"]
    assert as_json("system", "QNX", "--as-of", "2022-07-01")["ons_code"] == "E54000053"


# --------------------------------------------------------------------------- commands


def test_default_date_is_today_and_said():
    result = run("systems", "-f", "plain")
    assert result.exit_code == 0
    assert "Data:" in result.stdout and "version" in result.stdout


def test_region_filter_and_bad_region():
    data = as_json("systems", "--as-of", "2022-07-01", "--region", "london")
    assert data["count"] == 5 and {r["region"] for r in data["systems"]} == {"London"}
    bad = run("systems", "--region", "Atlantis")
    assert bad.exit_code == 2 and "Midlands" in bad.stderr and "Traceback" not in bad.stderr


def test_systems_sortable_and_formats():
    data = as_json("systems", "--as-of", "2022-07-01", "--sort", "locations")
    counts = [r["sub_icb_count"] for r in data["systems"]]
    assert counts == sorted(counts, reverse=True)
    result = run("systems", "--as-of", "2022-07-01", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 42 and rows[0]["ons_code"].startswith("E54")
    for fmt in ("plain", "markdown", "tsv", "github", "rich"):
        assert run("systems", "-f", fmt).exit_code == 0


def test_ccg_02q_in_nottingham_2022():
    data = as_json("ccg", "02Q")
    assert data["icb_2022"]["ods_code"] == "QT1"
    assert data["icb_2022"]["short_name"] == "Nottingham and Nottinghamshire"
    assert "Bassetlaw" in data["ccg_name"]
    card = as_json("system", "02Q", "--as-of", "2022-07-01")
    assert card["ods_code"] == "QT1"


def test_ccg_by_name_and_ons_code():
    assert as_json("ccg", "bassetlaw")["ccg_ods_code"] == "02Q"
    assert as_json("ccg", "E38000008")["ccg_ods_code"] == "02Q"
    # The CCG ONS code of April 2021 for a location that got a new code in July 2022.
    assert as_json("ccg", "E38000220")["sub_icb_ods_code"] == "15E"


@needs_reference
def test_ccg_all_lists_106_in_csv_and_json():
    result = run("ccg", "--all", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 106
    expected = {r["loc_ods_code"]: r["icb_ods_code"] for r in ref_rows("2022", "locs")}
    assert {r["ccg_ods_code"]: r["icb_2022_ods_code"] for r in rows} == expected
    assert as_json("ccg", "--all")["count"] == 106


def test_frimley_after_april_2026_shows_three_destinations():
    data = as_json("system", "frimley", "--as-of", "2026-04-01")
    assert data["state"] == "ended" and data["ods_code"] == "QNQ"
    went = {w["ons_code"] for w in data["went_to"]}
    assert went == {"E54000067", "E54000069", "E54000070"}
    lsoas = sum(int(p["lsoas"]) for w in data["went_to"] for p in w["parts"])
    assert lsoas == 455
    text = run("system", "frimley", "--as-of", "2026-04-01", "-f", "plain").stdout
    assert "no longer exists" in text and "Thames Valley" in text


def test_frimley_before_2026_is_current():
    data = as_json("system", "frimley", "--as-of", "2025-06-01")
    assert data["state"] == "current" and data["version"] == "2025"


def test_resolves_codes_names_and_old_names():
    assert as_json("system", "QYG", "--as-of", "2022-07-01")["ons_code"] == "E54000008"
    assert as_json("system", "E54000008")["ods_code"] == "QYG"
    assert as_json("system", "cornwall")["ods_code"] == "QT6"
    sy = as_json("system", "South Yorkshire and Bassetlaw", "--as-of", "2022-07-01")
    assert sy["ods_code"] == "QF7"
    assert as_json("system", "Bassetlaw", "--as-of", "2022-07-01")["ods_code"] == "QT1"


def test_unknown_system_exits_2_with_suggestion():
    result = run("system", "Cornwell")
    assert result.exit_code == 2
    assert "did you mean" in result.stderr and "Cornwall" in result.stderr
    assert "Traceback" not in result.stderr
    assert run("ccg", "Nowhere At All").exit_code == 2


def test_ambiguous_fragment_lists_candidates():
    result = run("system", "london", "--as-of", "2022-07-01", "-f", "json")
    data = json.loads(result.stdout)
    assert data["ambiguous"] is True
    assert {c["type"] for c in data["candidates"]} == {"QMJ", "QMF", "QKK", "QRV", "QWE"}


def test_bad_dates_exit_2():
    assert run("systems", "--as-of", "2020-01-01").exit_code == 2
    assert run("system", "QYG", "--as-of", "not-a-date").exit_code == 2


def test_records_carry_provenance_and_sources():
    data = as_json("system", "E54000065")
    assert data["provenance"]["rows"] == "official" and data["provenance"]["ods_code"] == "official"
    assert data["ods_code"] == "S1Y5D" and as_json("system", "S1Y5D")["ons_code"] == "E54000065"
    assert any(c["source"] == "later-s-derived" for c in data["sources"])  # LSOA counts stay derived
    for loc in data["sub_icb_locations"]:
        assert loc["sources"]
    for row in as_json("ccg", "--all")["ccgs"]:
        assert row["sources"]


def test_search_hits_shape(kb):
    from icscli import systems

    hits = systems.search_systems(kb, "Bassetlaw")
    assert {h["type"] for h in hits} == {"system", "ccg"}
    assert any(h["type"] == "ccg" and h["id"] == "02Q" for h in hits)
    for h in hits:
        assert set(h) == {"type", "id", "name", "score", "date", "snippet", "sources"}
