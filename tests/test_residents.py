"""`ics system` for an ICB of April 2024 or April 2026: its residents (Census 2021 usual residents) added up
over the 2021 LSOAs the lookup of that date places in it. The expected figures are added up here from the
bundled tables (data/places/lsoa21.tsv and areas.json, read directly); none is typed."""
import collections
import csv
import json
import os
import subprocess
import sys

import pytest
from test_official_lookup import _write, lookup_text, official  # noqa: F401 (fixtures; `home` is conftest.py's)

from icscli.systems.card import system_card

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLES = os.path.join(ROOT, "data", "places")
LOOKUPS = {"2024": "loc2024", "2026": "loc2026"}  # ICB version -> the lookup column in force on its date


@pytest.fixture(scope="module")
def tables():
    """(rows of lsoa21.tsv as dicts, the code table), read from the files, not through ics."""
    with open(os.path.join(TABLES, "lsoa21.tsv"), newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    with open(os.path.join(TABLES, "areas.json"), encoding="utf-8") as handle:
        areas = json.load(handle)["areas"]
    return rows, areas


def added_up(rows, areas, placed):
    """{ICB ONS code: (LSOAs, residents)} with each LSOA in the sub-ICB location area row placed[LSOA]."""
    out = collections.defaultdict(lambda: [0, 0])
    for r in rows:
        icb = areas[areas[placed[r["lsoa21"]]][5]]
        out[icb[2]][0] += 1
        out[icb[2]][1] += int(r["pop2021"])
    return {code: tuple(v) for code, v in out.items()}


def test_every_icb_of_april_2024_and_april_2026_gives_its_residents(kb, tables):
    rows, areas = tables
    england = sum(int(r["pop2021"]) for r in rows)
    for version, column in LOOKUPS.items():
        expected = added_up(rows, areas, {r["lsoa21"]: int(r[column]) for r in rows})
        records = [i for i, rec in kb.icbs.items() if rec["version"] == version]
        got = {}
        for ident in records:
            res = system_card(kb, ident)["residents"]
            got[kb.icbs[ident]["ons_code"]] = (res["lsoas"], res["residents"])
            assert res["vintage"] == column and res["basis"] == kb.place_vintages[column]["provenance"]
        assert got == expected and len(got) == len(records)
        assert sum(people for _n, people in got.values()) == england  # every resident of England, once
    others = [i for i, rec in kb.icbs.items() if rec["version"] not in LOOKUPS]
    assert others and all(system_card(kb, i)["residents"] is None for i in others)


def test_the_card_says_which_lookup_and_labels_the_derived_one(run, kb, tables):
    rows, areas = tables
    card = run("system", "QRL", "-f", "json").json()
    want = added_up(rows, areas, {r["lsoa21"]: int(r["loc2026"]) for r in rows})[card["ons_code"]]
    assert (card["residents"]["lsoas"], card["residents"]["residents"]) == want
    assert card["residents"]["basis"] == "derived" == kb.place_vintages["loc2026"]["provenance"]
    line = next(x for x in run("system", "QRL").output.splitlines() if x.startswith("Residents: "))
    assert line == (f"Residents: {want[1]:,} (Census 2021 usual residents, added up over its {want[0]:,} LSOAs by the "
                    "April 2026 lookup, derived: not an official lookup)")
    assert f"**Residents:** {want[1]:,} (" in run("system", "QRL", "-f", "markdown").output
    old = run("system", "QRL", "--as-of", "2024-06-01")
    line = next(x for x in old.output.splitlines() if x.startswith("Residents: "))
    assert "by the ONS April 2024 lookup)" in line and "derived" not in line
    assert "Residents" not in run("system", "QRL", "--as-of", "2022-08-01").output  # 2022: its mid-2020 population


def test_explain_icb_the_term_is_unaffected(run):
    assert "Residents" not in run("explain", "icb").output
    assert "residents" not in run("explain", "icb", "-f", "json").json()


def test_an_imported_official_lookup_moves_the_residents_with_its_lsoas(run, home, official, tables):  # noqa: F811
    rows, areas = tables
    placed, moved = official
    derived = added_up(rows, areas, {r["lsoa21"]: int(r["loc2026"]) for r in rows})
    now = added_up(rows, areas, placed)
    touched = sorted({areas[areas[at][5]][2] for pair in moved.values() for at in pair})  # ICB ONS codes
    assert len(touched) == 2 and all(now[c] != derived[c] for c in touched)  # the lookup moves people across
    assert run("import", _write(home, lookup_text(placed))).exit_code == 0
    for code in touched:
        card = run("system", code, "-f", "json").json()
        assert (card["residents"]["lsoas"], card["residents"]["residents"]) == now[card["ons_code"]]
        assert card["residents"]["basis"] == "official-imported" and card["residents"]["imported"]["used"] is True
        text = run("system", code).output
        assert "LSOAs by your imported ONS lookup for April 2026)" in text and "not an official lookup" not in text
    assert sum(v[1] for v in now.values()) == sum(v[1] for v in derived.values())
    assert run("import", "--remove", "lsoa-lookup").exit_code == 0
    card = run("system", touched[0], "-f", "json").json()
    assert card["residents"]["residents"] == derived[card["ons_code"]][1] and card["residents"]["basis"] == "derived"


def test_the_card_reads_no_places_table_when_nothing_is_imported(tmp_path):
    """`ics system` (its residents come with the data) and `ics explain icb` open no file of data/places but
    the YAML, and never import the tables' reader (checked in a fresh interpreter)."""
    code = ("import builtins, io, sys\n"
            "opened = []\n"
            "real = builtins.open\n"
            "def spy(file, *a, **k):\n"
            "    opened.append(str(file))\n"
            "    return real(file, *a, **k)\n"
            "builtins.open = io.open = spy\n"
            "from click.testing import CliRunner\n"
            "from icscli.cli.app import ics\n"
            "for argv in (['system', 'QRL'], ['system', 'QRL', '-f', 'json'], ['system', 'QRL', '--as-of', '2024-06-01'],"
            " ['explain', 'icb'], ['explain', 'QRL']):\n"
            "    result = CliRunner().invoke(ics, argv)\n"
            "    assert result.exit_code == 0 and ('esidents' in result.output or argv == ['explain', 'icb']), argv\n"
            "print('icscli.store.places' in sys.modules)\n"
            "print(sorted(f for f in opened if f.endswith(('.tsv', '.json')) and 'places' in f))\n"
            "CliRunner().invoke(ics, ['lsoa', 'E01016180'])\n"  # the spy sees a command that reads a table
            "print(any(f.endswith('lsoa21.tsv') for f in opened))\n")
    env = dict(os.environ, PYTHONPATH=ROOT, ICS_IMPORTS_DIR=str(tmp_path / "imports"),
               ICS_CACHE_DIR=str(tmp_path / "cache"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False,
                            cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["False", "[]", "True"]


REF = os.path.join(ROOT, "..", "shared", "reference")
needs_reference = pytest.mark.skipif(not os.path.isdir(os.path.join(REF, "places")),
                                     reason="../shared/reference/places is not available")


@needs_reference
def test_the_builder_refuses_residents_that_do_not_add_up_to_england(tmp_path):
    """tools/build_places.py adds up the residents by ICB and checks England's total against the one
    places/SOURCES.md states; with that total off by one it exits 1 and writes nothing."""
    import re

    copy = tmp_path / "reference"
    (copy / "places").mkdir(parents=True)
    for folder in ("history", "later"):
        (copy / folder).symlink_to(os.path.abspath(os.path.join(REF, folder)))
    for name in os.listdir(os.path.join(REF, "places")):
        if name != "SOURCES.md":
            (copy / "places" / name).symlink_to(os.path.abspath(os.path.join(REF, "places", name)))
    with open(os.path.join(REF, "places", "SOURCES.md"), encoding="utf-8") as handle:
        text = handle.read()
    pattern = r"(Census 2021 \(LSOA21\):[^\n]*?England ([\d,]+) LSOAs, )([\d,]+)"
    found = re.search(pattern, text)
    lsoas, stated = found.group(2), int(found.group(3).replace(",", ""))
    text = re.sub(pattern, lambda m: m.group(1) + f"{stated + 1:,}", text)
    (copy / "places" / "SOURCES.md").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "build_places.py"), str(copy), "--out", str(out)],
                            check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and f"SOURCES.md says {lsoas} and {stated + 1:,}" in result.stderr, result.stderr
    assert not out.exists()


def test_a_lookup_imported_but_set_aside_leaves_the_derived_figure_and_says_why(run, home, official, tables):  # noqa: F811
    rows, areas = tables
    placed, moved = official
    code, (was, _now) = next(iter(moved.items()))
    lopsided = dict(placed, **{code: was})  # one LSOA more in one location than its count: refused
    assert run("import", _write(home, lookup_text(lopsided))).exit_code == 0
    derived = added_up(rows, areas, {r["lsoa21"]: int(r["loc2026"]) for r in rows})
    ons = areas[areas[was][5]][2]
    card = run("system", ons, "-f", "json").json()
    assert card["residents"]["residents"] == derived[ons][1] and card["residents"]["basis"] == "derived"
    assert card["residents"]["imported"]["used"] is False and card["residents"]["imported"]["reason"]
    text = run("system", ons).output
    assert "not an official lookup)\n  Your imported ONS lookup for April 2026 is not used: " in text, text
