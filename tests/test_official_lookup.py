"""An imported ONS LSOA lookup of April 2026 in place of the derived assignment (issue 24).

The lookup is built here from the bundled tables, shaped as the ONS publishes it (UTF-8 with a byte-order
mark; LSOA21CD ... LAD26NM), with a few LSOAs of the sub-ICB location that ended moved to another gainer
than the derived assignment gives them (as many each way, so every count still holds). Every code comes
from data/places and the systems data; nothing is typed or downloaded."""
import csv
import hashlib
import io

import pytest

from icscli.store import places as store

COLUMNS = ["LSOA21CD", "LSOA21NM", "SICBL26CD", "SICBL26CDH", "SICBL26NM", "ICB26CD", "ICB26CDH", "ICB26NM",
           "NHSER26CD", "NHSER26CDH", "NHSER26NM", "LAD26CD", "LAD26NM"]
MOVED = 3  # LSOAs moved each way between two gainers


@pytest.fixture(scope="module")
def official(kb):
    """(the lookup's rows as {LSOA: loc2026 area row}, the LSOAs moved {LSOA: (derived row, official row)})."""
    derived = dict(store.bundled_rows("loc2026"))
    col = store.header("lsoa21")
    split = kb.place_vintages["loc2026"]["split"]
    first, second = (store.by_ods("loc2026", "loc")[s["to"]] for s in split[:2])
    la = [r[0] for r in store.rows("lsoa21") if r[col["loc2026_basis"]] == "la"]
    a = [c for c in la if derived[c] == first][:MOVED]
    b = [c for c in la if derived[c] == second][:MOVED]
    rows = dict(derived, **{c: second for c in a}, **{c: first for c in b})
    return rows, {c: (derived[c], rows[c]) for c in a + b}


def lookup_text(rows, change=None):
    """The CSV text of a lookup giving each LSOA the area row in `rows`; change(cells) may spoil a row."""
    areas, col = store.areas(), store.header("lsoa21")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for cells in store.rows("lsoa21"):
        if cells[0] not in rows:
            continue
        loc = areas[rows[cells[0]]]
        icb = areas[loc[5]]
        region = areas[icb[5]]
        lad = areas[int(cells[col["lad2022"]])]
        line = [cells[0], cells[col["name"]], loc[2], loc[3], loc[4], icb[2], icb[3], icb[4], region[2], region[3],
                region[4], lad[2], lad[4]]
        writer.writerow(change(line) if change else line)
    return "\ufeff" + out.getvalue()


def _write(home, text, name="LSOA21_SICBL26_ICB26_LAD26_EN_LU (April 2026).csv"):
    path = home / name
    path.write_text(text, encoding="utf-8")
    return path


def _loc(run, code):
    data = run("lsoa", code, "-f", "json").json()
    return data["on_date"]["parts"][0]["areas"]["loc"]["ods_code"], data["on_date"]["vintage"]


def test_an_official_lookup_replaces_the_derived_assignment(run, home, official):
    rows, moved = official
    areas = store.areas()
    code, (was, now) = next(iter(moved.items()))
    assert _loc(run, code)[0] == areas[was][3]
    result = run("import", _write(home, lookup_text(rows)))
    assert result.exit_code == 0, result
    assert "Official: the data records no published fingerprint (SHA-256) for this edition" in result.output
    assert "Used: yes: from now on ics reads each LSOA's sub-ICB location and ICB for April 2026 from this file" \
        in result.output
    got, vintage = _loc(run, code)
    assert got == areas[now][3]
    assert vintage["provenance"] == "official-imported" and vintage["imported"]["fingerprint"] == "none published"
    text = run("lsoa", code).output
    assert "by the ONS LSOA (2021) to sub-ICB location and ICB lookup, April 2026, imported on" in text
    assert "no published fingerprint to verify it against" in text and "(derived)" not in text
    assert store.area_rows("loc2026") == rows  # the bulk reader too, every LSOA
    assert store.official_read()["loc2026"]["used"] is True  # what a summary line (ics map) reads
    listed = run("import", "--list", "-f", "json").json()["imports"][0]
    assert listed["stands_in"]["used"] is True
    assert "read in place of the derived assignment for April 2026" in run("import", "--list").output
    assert run("import", "--remove", "lsoa-lookup").exit_code == 0
    assert _loc(run, code)[0] == areas[was][3]
    assert store.area_rows("loc2026") == store.bundled_rows("loc2026")


def _refused(run, home, text, words):
    result = run("import", _write(home, text))
    assert result.exit_code == 0, result
    used = [line for line in result.output.splitlines() if line.startswith("Used: ")]
    assert len(used) == 1 and used[0].startswith("Used: no: ") and words in used[0], result.output
    assert used[0].endswith("ics keeps its own derived assignment for April 2026.")
    return result


def test_a_lookup_that_does_not_fit_is_kept_but_not_used(run, home, official):
    rows, moved = official
    code, (was, _) = next(iter(moved.items()))
    areas = store.areas()
    other = next(r[2] for r in areas if r[0] == "loc2024" and r[1] == "loc" and
                 r[2] not in {a[2] for a in areas if a[0] == "loc2026"})

    def wrong_code(line):
        return line[:2] + [other] + line[3:] if line[0] == code else line

    _refused(run, home, lookup_text(rows, wrong_code), f"is not one of the {len(store.by_ods('loc2026', 'loc'))} sub-ICB locations of April 2026")
    assert _loc(run, code)[0] == areas[was][3]
    assert run("import", "--list", "-f", "json").json()["imports"][0]["stands_in"]["used"] is False
    short = dict(list(rows.items())[:-5])
    _refused(run, home, lookup_text(short), f"it lacks 5 of the {len(store.codes('lsoa21')):,} LSOAs of England")
    assert _loc(run, code)[0] == areas[was][3]
    assert store.area_rows("loc2026") == store.bundled_rows("loc2026")


def test_counts_must_agree_and_a_failed_import_leaves_the_lookup_in_use(run, home, official):
    rows, moved = official
    code, (was, now) = next(iter(moved.items()))
    lopsided = dict(rows, **{code: was})  # one LSOA more in one gainer, one fewer in the other
    _refused(run, home, lookup_text(lopsided), "LSOAs in ")
    assert run("import", _write(home, lookup_text(rows))).exit_code == 0
    cut = home / "cut.csv"
    cut.write_bytes(_write(home, lookup_text(rows)).read_bytes()[:-30])
    assert run("import", cut).exit_code == 1
    assert _loc(run, code)[0] == store.areas()[now][3]


def test_a_recorded_fingerprint_is_checked_first(run, home, official, tmp_path):
    rows, moved = official
    code, (was, now) = next(iter(moved.items()))
    path = _write(home, lookup_text(rows))
    overlay = tmp_path / "overlay"
    overlay.mkdir()

    def record(digest):
        (overlay / "files.yaml").write_text(
            "sources:\n  - {id: test-publisher, title: Published fingerprints, publisher: A publisher, date: '2026-04',"
            " kind: data, url: 'https://example.org/fingerprints'}\n"
            "official_files:\n  - {id: lsoa-2026, title: LSOA lookup April 2026, kind: lsoa-lookup, edition: '2026-04',"
            f" sha256: '{digest}', sources: [{{source: test-publisher, at: 'Table 1'}}]}}\n", encoding="utf-8")

    record(hashlib.sha256(path.read_bytes()).hexdigest())
    result = run("import", path, "--data", overlay)
    assert "Official: this is the official file: its SHA-256 is the published one of LSOA lookup April 2026" \
        in result.output and "Used: yes: " in result.output
    assert _loc(run, code)[0] == store.areas()[now][3]
    assert "(its SHA-256 is the published one)" in run("lsoa", code).output
    record("0" * 64)
    result = run("import", path, "--data", overlay)
    assert "Official: this is not the official file as published" in result.output
    assert "Used: no: its SHA-256 is not the published one of this edition; ics keeps its own derived assignment " \
        "for April 2026." in result.output
    assert _loc(run, code)[0] == store.areas()[was][3]


def test_ics_map_places_lsoas_by_the_imported_lookup_and_says_so(run, home, official, tmp_path):
    """`ics map` of LSOA codes, and of a split area's shares, reads the imported lookup once it stands in for
    the derived one, and its summary line says so; without it, the summary says nothing of an import."""
    rows, moved = official
    areas = store.areas()
    source = tmp_path / "lsoas.csv"
    source.write_text("code\n" + "".join(f"{c}\n" for c in moved), encoding="utf-8")

    def mapped():
        result = run("map", source, "-c", "code", "--kind", "lsoa", "--to", "2026-12-06")
        assert result.exit_code == 0, result.stderr
        got = {line.split(",")[0]: line.split(",")[1] for line in result.output.splitlines()[1:]}
        return got, result.stderr

    got, summary = mapped()
    assert got == {c: areas[was][3] for c, (was, _) in moved.items()} and "imported ONS lookup" not in summary
    assert run("import", _write(home, lookup_text(rows))).exit_code == 0
    got, summary = mapped()
    assert got == {c: areas[now][3] for c, (_, now) in moved.items()}
    assert "LSOAs of April 2026 placed by your imported ONS lookup" in summary
    area = tmp_path / "area.csv"
    area.write_text("code\nD4U1Y\n", encoding="utf-8")
    frimley = run("map", area, "-c", "code", "--to", "2026-12-06")
    assert frimley.exit_code == 0 and "from your imported ONS lookup" in frimley.output, frimley
