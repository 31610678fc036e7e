"""`ics practice`, `pcn`, `lsoa` and `trust`: every row of every reference file answered as the file says
on the file's date (one in-process pass through the query layer), the derived April 2026 assignment, and
the commands and their errors through the real CLI."""
import collections
import csv
import os

import pytest

from icscli.places import lsoa as lsoa_query
from icscli.places import practices as practice_query
from icscli.places import trusts as trust_query
from icscli.render import FORMATS
from icscli.store import places as store

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.path.join(ROOT, "..", "shared", "reference")
PLACES = os.path.join(REF, "places")
needs_reference = pytest.mark.skipif(not os.path.isdir(PLACES), reason="../shared/reference/places is not available")
YEARS = ("2015", "2016", "2017", "2018", "2019", "2020")


def ref(name, folder=PLACES):
    """A reference file's rows as dicts (read once per test process)."""
    key = (folder, name)
    if key not in _READ:
        with open(os.path.join(folder, name), newline="", encoding="utf-8") as handle:
            rows = csv.reader(handle)
            header = next(rows)
            _READ[key] = [dict(zip(header, row)) for row in rows]
    return _READ[key]


_READ = {}


def codes(area):
    return (area["ons_code"], area["ods_code"], area["name"])


def lookup_files():
    """(file, its date, LSOA column, {level: (ONS column, ODS column or None, name column)})."""
    for y in YEARS:
        cols = (f"CCG{y[2:]}CD", f"CCG{y[2:]}CDH", f"CCG{y[2:]}NM")
        yield f"lsoa11_ccg_{y}.csv", "2015-07-31" if y == "2015" else f"{y}-04-01", "LSOA11CD", {"ccg": cols}
    yield "lsoa11_ccg_2021.csv", "2021-04-01", "lsoa11_code", {"ccg": ("ccg21_code", None, "ccg21_name"),
                                                                 "stp": ("stp21_code", None, "stp21_name")}
    yield "lsoa11_sicbl22_icb22_ltla22.csv", "2022-07-01", "lsoa11_code", {
        "loc": ("sicbl22_code", "sicbl22_code_h", "sicbl22_name"), "icb": ("icb22_code", "icb22_code_h", "icb22_name")}
    yield "lsoa21_sicbl24_icb24.csv", "2024-04-01", "lsoa21_code", {
        "loc": ("sicbl24_code", "sicbl24_code_nhs", "sicbl24_name"), "icb": ("icb24_code", "icb24_code_nhs", "icb24_name")}


@needs_reference
@pytest.mark.parametrize("name,day,lsoa_col,levels", list(lookup_files()), ids=[f[0] for f in lookup_files()])
def test_every_lsoa_in_every_lookup_file(kb, name, day, lsoa_col, levels):
    """On the file's date the lookup in force is that file, and every LSOA of it gives back its codes."""
    vintage, _next = lsoa_query.file_on(kb, day)
    assigned = lsoa_query.assignments(kb, vintage["id"])
    rows = ref(name)
    assert len(assigned) == len(rows)
    for row in rows:
        areas = assigned[row[lsoa_col]]
        for level, (ons, ods, title) in levels.items():
            got = areas[level]
            assert (got["ons_code"], got["name"]) == (row[ons], row[title]), (name, row[lsoa_col], level)
            if ods:
                assert got["ods_code"] == row[ods], (name, row[lsoa_col], level)


@needs_reference
def test_every_lsoa_has_its_population_local_authority_and_counterparts():
    pop11 = {r["lsoa11_code"]: int(r["total_population"]) for r in ref("lsoa11_population_mid2020.csv")}
    pop21 = {r["lsoa21_code"]: int(r["total_residents"]) for r in ref("lsoa21_population_census2021.csv")}
    lad = {r["lsoa11_code"]: r["ltla22_code"] for r in ref("lsoa11_sicbl22_icb22_ltla22.csv")}
    bridge = [r for r in ref("lsoa11_lsoa21_ltla22.csv") if r["lsoa11_code"].startswith("E")]
    areas = store.areas()
    col11, col21 = store.header("lsoa11"), store.header("lsoa21")
    rows11 = {r[0]: r for r in store.rows("lsoa11")}
    rows21 = {r[0]: r for r in store.rows("lsoa21")}
    assert set(rows11) == set(lad) and len(rows21) == 33755
    for code, r in rows11.items():
        assert int(r[col11["pop2020"]]) == pop11[code]
        assert areas[int(r[col11["lad2022"]])][2] == lad[code]
    for code, r in rows21.items():
        assert int(r[col21["pop2021"]]) == pop21[code]
    pairs = {(r["lsoa11_code"], r["lsoa21_code"], r["change_code"], r["ltla22_code"]) for r in bridge}
    got = {(old, new, r[col21["change"]], areas[int(r[col21["lad2022"]])][2])
           for new, r in rows21.items() for old in r[col21["lsoa11"]].split()}
    assert got == pairs
    assert {(old, new) for old, r in rows11.items() for new in r[col11["lsoa21"]].split()} == \
        {(a, b) for a, b, _c, _l in pairs}


@needs_reference
def test_the_derived_2026_assignment(kb):
    """Every sub-ICB location's LSOA count is the 2026 table's; only Frimley's LSOAs were placed by local
    authority, 255/105/95; the rest kept their April 2024 location; every row says it is derived."""
    assert kb.place_vintages["loc2026"]["provenance"] == "derived"
    counts26 = {r["loc_ods_code"]: int(r["lsoa_count"]) for r in ref("sub_icb_locations_2026.csv", os.path.join(REF, "later"))}
    v26, v24 = lsoa_query.assignments(kb, "loc2026"), lsoa_query.assignments(kb, "loc2024")
    assert collections.Counter(a["loc"]["ods_code"] for a in v26.values()) == counts26
    col = store.header("lsoa21")
    basis = {r[0]: r[col["loc2026_basis"]] for r in store.rows("lsoa21")}
    moved = {c for c, b in basis.items() if b == "la"}
    assert moved == {c for c, a in v24.items() if a["loc"]["ods_code"] == "D4U1Y"}
    assert collections.Counter(v26[c]["loc"]["ods_code"] for c in moved) == {"U2G6B": 255, "D9Y0V": 105, "92A": 95}
    assert all(v26[c]["loc"]["ods_code"] == v24[c]["loc"]["ods_code"] for c in basis if c not in moved)
    split = kb.place_vintages["loc2026"]["split"]
    assert {(s["from"], s["to"], s["lsoa_count"]) for s in split} == {("D4U1Y", "U2G6B", 255), ("D4U1Y", "D9Y0V", 105),
                                                                      ("D4U1Y", "92A", 95)}


def test_bracknell_and_ascot_goes_wholly_to_thames_valley(kb):
    """10G (Bracknell and Ascot CCG, 2015) traced through the 2011/2021 link to April 2026: all of it in
    NHS Thames Valley ICB."""
    old = [c for c, a in lsoa_query.assignments(kb, "ccg2015").items() if a["ccg"]["ods_code"] == "10G"]
    col = store.header("lsoa11")
    new = {n for c in old for n in store.row("lsoa11", c)[col["lsoa21"]].split()}
    v26 = lsoa_query.assignments(kb, "loc2026")
    icbs = {v26[c]["icb"]["name"] for c in new}
    assert old and icbs == {"NHS Thames Valley Integrated Care Board"}


PRACTICE_FILES = {
    "2022": ("gp_practice_map_2022-01.csv", "2022-01-01", "jan2022",
             {"ccg": ("ONS_CCG_CODE", "CCG_CODE", "CCG_NAME"), "stp": ("ONS_STP_CODE", "STP_CODE", "STP_NAME")}),
    "2026": ("gp_practice_map_2026-08.csv", "2026-08-01", "aug2026",
             {"loc": ("ONS_SUB_ICB_LOCATION_CODE", "SUB_ICB_LOCATION_CODE", "SUB_ICB_LOCATION_NAME"),
              "icb": ("ONS_ICB_CODE", "ICB_CODE", "ICB_NAME")}),
}


@needs_reference
@pytest.mark.parametrize("year", sorted(PRACTICE_FILES))
def test_every_practice_in_both_mapping_files(kb, year):
    name, day, key, levels = PRACTICE_FILES[year]
    levels = dict(levels, region=("ONS_COMM_REGION_CODE", "COMM_REGION_CODE", "COMM_REGION_NAME"))
    patients = {(r["ORG_TYPE"], r["ORG_CODE"]): int(r["NUMBER_OF_PATIENTS"]) for r in ref("registered_patients_2026-08.csv")}
    rows = ref(name)
    for row in rows:
        data = practice_query.practice(kb, row["PRACTICE_CODE"], day)
        assert data["when"] == ("first" if year == "2022" else "last")
        e = data[key]
        assert (e["name"], e["postcode"], e["pcn"]["code"], e["pcn"]["name"]) == \
            (row["PRACTICE_NAME"], row["PRACTICE_POSTCODE"], row["PCN_CODE"], row["PCN_NAME"]), row["PRACTICE_CODE"]
        for level, (ons, ods, title) in levels.items():
            assert codes(e["areas"][level]) == (row[ons], row[ods], row[title]), (row["PRACTICE_CODE"], level)
        if year == "2026":
            assert e["pcn"]["patients"] == patients[("PCN", row["PCN_CODE"])]
            assert e["areas"]["icb"]["patients"] == patients[("ICB", row["ICB_CODE"])]
            assert e["areas"]["loc"]["patients"] == patients[("SUB_ICB_LOCATION_CODE", row["SUB_ICB_LOCATION_CODE"])]
    assert len(rows) == sum(1 for r in store.rows("practices") if r[store.header("practices")["name" + year]])


@needs_reference
def test_every_trust_in_the_ods_file(kb):
    for row in ref("ods_etr.csv"):
        data = trust_query.trust(kb, row["organisation_code"], "2024-06-01")
        assert (data["name"], data["icb_ods_code"] or "", data["postcode"]) == \
            (row["name"], row["high_level_health_geography"], row["postcode"])
        assert (data["opened"] or "").replace("-", "") == row["open_date"]
        assert (data["closed"] or "").replace("-", "") == row["close_date"]


def test_changes_between_the_files_are_classified(kb):
    """A Frimley practice moved; a Bassetlaw practice's STP changed on 1 July 2022; a closed one closed."""
    assert practice_query.practice(kb, "J82015", "2026-12-01")["change"]["kind"] == "moved"
    col = store.header("practices")
    bassetlaw = next(r for r in store.rows("practices") if store.areas()[int(r[col["ccg2022"]] or 0)][3] == "02Q"
                     and r[col["loc2026"]])
    change = practice_query.practice(kb, bassetlaw[0], "2026-12-01")["change"]
    assert change["kind"] == "recoded" and change["icb"][0]["why"] == "boundary"
    assert practice_query.practice(kb, "K81005")["change"]["kind"] == "closed"


def test_pcn_shares_add_up(kb):
    """U41591 spans two ICBs; its parts' patients, derived from the official totals, add up to its own."""
    data = practice_query.pcn(kb, "U41591")
    assert len(data["icbs"]) == 2 and all(e["patients_basis"] == "derived" for e in data["icbs"])
    assert sum(e["patients"] for e in data["icbs"]) == data["patients"]
    assert abs(sum(e["share"] for e in data["locations"]) - 1) < 1e-9


# --------------------------------------------------------------------------- the commands


EXAMPLES = [["practice", "J82015", "--as-of", "2024-01-01"], ["pcn", "U41591"], ["lsoa", "E01016180"],
            ["trust", "RDU", "--as-of", "2026-06-01"]]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_places_command_in_every_format(run, fmt):
    for argv in EXAMPLES:
        result = run(*argv, "--format", fmt, env={"NO_COLOR": "1"})
        assert result.exit_code == 0 and result.output.strip(), (argv, result)
        if fmt in ("csv", "tsv"):
            rows = list(csv.reader(result.output.splitlines(), delimiter="," if fmt == "csv" else "\t"))
            assert len(rows) >= 2 and len({len(r) for r in rows}) == 1, argv


def test_derived_and_third_party_say_so(run):
    lsoa = run("lsoa", "E01016180").output
    assert "April 2026 (derived)" in lsoa and "placed by its local authority" in lsoa
    assert "third-party" in run("trust", "RDU").output
    data = run("lsoa", "E01016180", "-f", "json").json()
    assert data["on_date"]["vintage"]["provenance"] == "derived"
    assert run("lsoa", "E01016180", "--as-of", "2024-06-01", "-f", "json").json()["on_date"]["vintage"]["provenance"] \
        == "official"


def test_between_the_files_says_what_is_not_known(run):
    out = run("practice", "J82015", "--as-of", "2024-01-01").output
    assert "between the files" in out and "do not say when" in out
    closed = run("practice", "K81005", "--as-of", "2024-01-01").output
    assert "may or may not have been open" in closed
    early = run("lsoa", "E01016180", "--as-of", "2014-01-01").output
    assert "before the first LSOA lookup" in early


def test_a_2011_lsoa_answers_through_its_2021_counterparts(run):
    data = run("lsoa", "E01028341", "--as-of", "2025-01-01", "-f", "json").json()
    assert data["lsoa21"] is None and data["on_date"]["via"] == ["E01033770", "E01033771"]


@pytest.mark.parametrize("argv,clue", [
    (["lsoa", "E01016466"], "unknown LSOA code 'E01016466'; did you mean 'E0101646"),
    (["lsoa", "W01000001"], "Welsh LSOA"),
    (["practice", "J8201"], "unknown practice code 'J8201'; did you mean"),
    (["practice", "road", "surgery"], "give more of the name"),
    (["pcn", "U4159"], "unknown PCN code 'U4159'; did you mean"),
    (["trust", "RDX9"], "unknown trust code 'RDX9'"),
    (["lsoa", "E01016180", "--as-of", "2022-13"], "--as-of"),
])
def test_bad_codes_are_one_line_and_exit_2(run, argv, clue):
    result = run(*argv)
    assert result.exit_code == 2, result
    assert result.stderr.startswith("ics: error: ") and result.stderr.count("\n") == 1
    assert clue in result.stderr


def test_a_name_that_names_several_lists_them(run):
    from icscli.base.words import normalize

    col = store.header("practices")
    named = {r[0] for r in store.rows("practices") if "park surgery" in (normalize(r[col["name2022"]]),
                                                                         normalize(r[col["name2026"]]))}
    data = run("practice", "park surgery", "-f", "json").json()
    assert len(named) > 1 and data["ambiguous"] and {c["type"] for c in data["candidates"]} == named


@needs_reference
def test_an_icb_card_gives_its_practices_and_registered_patients(run):
    """`ics system` for an ICB of April 2026: the August 2026 file's practices and patients; none for an ICB
    that ended before that file."""
    published = {r["icb_ods_code"]: int(r["gp_practices_aug2026"]) for r in ref("icb_ods_codes_2026.csv",
                                                                              os.path.join(REF, "history"))}
    patients = {r["ORG_CODE"]: int(r["NUMBER_OF_PATIENTS"]) for r in ref("registered_patients_2026-08.csv")
                if r["ORG_TYPE"] == "ICB"}
    card = run("system", "thames valley", "-f", "json").json()
    assert card["registrations"]["practices"] == published[card["ods_code"]]
    assert card["registrations"]["registered_patients"] == patients[card["ods_code"]]
    assert run("system", "frimley", "-f", "json").json()["registrations"] is None


@needs_reference
@pytest.mark.parametrize("change", ["sha", "rows"])
def test_the_builder_refuses_files_that_disagree_with_sources_md(tmp_path, change):
    """tools/build_places.py checks each file's SHA-256 and row count against SOURCES.md; on a mismatch it
    exits 1 and writes nothing."""
    import re
    import subprocess
    import sys

    copy = tmp_path / "reference"
    (copy / "places").mkdir(parents=True)
    for folder in ("history", "later"):
        (copy / folder).symlink_to(os.path.abspath(os.path.join(REF, folder)))
    for name in os.listdir(PLACES):
        if name != "SOURCES.md":
            (copy / "places" / name).symlink_to(os.path.abspath(os.path.join(PLACES, name)))
    with open(os.path.join(PLACES, "SOURCES.md"), encoding="utf-8") as handle:
        text = handle.read()
    if change == "sha":
        text = text.replace("78110fc243a9ee25004579e43c9f5936c3e2be9e491130b543b9fe08245b78c3", "0" * 64)
    else:
        text = re.sub(r"^\| `gp_practice_map_2022-01.csv` \| 6,527 \|", "| `gp_practice_map_2022-01.csv` | 6,528 |",
                      text, flags=re.MULTILINE)
    (copy / "places" / "SOURCES.md").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "build_places.py"), str(copy), "--out", str(out)],
                            check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "gp_practice_map_2022-01.csv" in result.stderr
    assert ("SHA-256" if change == "sha" else "6527 rows, SOURCES.md says 6528") in result.stderr
    assert not out.exists()


def test_the_other_answers_never_read_the_places_tables():
    """`ics explain`, `system`, `systems` and `ccg` answer without importing the places tables' reader;
    `ics lsoa` imports it (checked in a fresh interpreter)."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from click.testing import CliRunner\n"
            "from icscli.cli.app import ics\n"
            "for argv in (['explain', 'icb'], ['system', 'thames', 'valley'], ['systems'], ['ccg', '02Q']):\n"
            "    assert CliRunner().invoke(ics, argv).exit_code == 0, argv\n"
            "print('icscli.store.places' in sys.modules, 'icscli.places' in sys.modules)\n"
            "CliRunner().invoke(ics, ['lsoa', 'E01016180'])\n"
            "print('icscli.store.places' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False,
                            cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "True"]
