"""The imported postcode directory's sector index (systems/sectors.py): `ics map --kind postcode`
answers every postcode of the directory as `ics postcode` does, typed in any case and spacing, and
answers nothing the directory does not hold, whatever sector or unit it names."""
import csv
import io
import json
import marshal
import random
import sqlite3

import pytest
from ons_files import ONSPD_2026, directory_csv, onspd_zip, postcode_row

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
OUTWARDS = ("A9", "A99", "A9A", "AA9", "AA99", "AA9A")  # postcode_text.is_shaped's six outward shapes


def _outward(rng, shape):
    return "".join(rng.choice(LETTERS) if c == "A" else str(rng.randint(1, 9)) for c in shape)


@pytest.fixture
def made(run, kb, tmp_path, monkeypatch):
    """An imported ONSPD of about 600 postcodes: every outward shape, units from AA to ZZ (both ends),
    three sub-ICB locations, some terminated; returns {postcode: (sub-ICB location record, terminated)}."""
    monkeypatch.setenv("ICS_IMPORTS_DIR", str(tmp_path / "imports"))
    rng = random.Random(2024)
    locs = sorted((r for r in kb.sub_icb_locations.values() if r["version"] == "2026"), key=lambda r: r["ods_code"])
    chosen = [locs[0], locs[len(locs) // 2], locs[-1]]
    held = {}
    for shape in OUTWARDS:
        for _ in range(4):
            outward, digit = _outward(rng, shape), rng.randint(0, 9)
            units = {"AA", "ZZ", "AZ", "ZA"} | {rng.choice(LETTERS) + rng.choice(LETTERS) for _ in range(20)}
            for unit in units:
                held[f"{outward} {digit}{unit}"] = (rng.choice(chosen), rng.choice(["", "", "", "201906"]))
    rows = [postcode_row(kb, pcds, loc, terminated) for pcds, (loc, terminated) in sorted(held.items())]
    path = onspd_zip(tmp_path / "ONSPD_AUG_2026.zip", "ONSPD_AUG_2026", directory_csv(ONSPD_2026, rows))
    assert run("import", path).exit_code == 0
    return held


def _typed(rng, postcode):
    """The postcode as someone might type it: any case, no space or several, a tab or a no-break space."""
    outward, inward = postcode.split()
    text = rng.choice([f"{outward} {inward}", f"{outward}{inward}", f" {outward}  {inward} ", f"{outward}\t{inward}",
                       f"{outward}\u00a0{inward}"])
    return text.lower() if rng.random() < 0.3 else text


def test_every_postcode_is_answered_as_ics_postcode_answers_it(run, kb, tmp_path, made):
    from icscli import systems
    from icscli.systems import postcode_text

    rng = random.Random(7)
    typed = {_typed(rng, p): p for p in made}
    near = set()  # not in the directory: another unit of a sector it has, a unit with a digit, a bad outward
    for postcode in list(made)[::5]:
        outward, inward = postcode.split()
        near |= {f"{outward} {inward[0]}{a}{b}" for a, b in ("QQ", "CI", "ZZ", "AA")} - set(made)
        near |= {f"{outward} {inward[:2]}1", f"{outward}{inward}X", f"1{outward} {inward}", f"{outward} {inward[1:]}"}
    values = list(typed) + sorted(near) + ["", "ZZ", "SW1A", "12345"]
    path = tmp_path / "pc.csv"
    path.write_text("n,pc\n" + "".join(f'{i},"{v}"\n' for i, v in enumerate(values)), encoding="utf-8")
    result = run("map", path, "-c", "pc", "--kind", "postcode", "--to", "2026-12-06", "-q")
    assert result.exit_code == 0, result
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["pc"] for r in rows] == values  # one row each: every sub-ICB location here is whole
    expected_areas = {}
    for text, row in zip(values, rows):
        postcode = typed.get(text)
        if postcode is None:  # not held: why, as ics postcode says it
            assert row["change"] == "unknown" and row["sub_icb_location_ods_code"] == "", (text, row)
            shaped = postcode_text.normalise(text) is not None
            assert row["note"] == ("not in the imported postcode directory (ONSPD August 2026)" if shaped
                                   else "not shaped like a postcode"), (text, row)
            continue
        loc, terminated = made[postcode]
        if loc["ons_code"] not in expected_areas:
            expected_areas[loc["ons_code"]] = systems.map_code(kb, loc["ons_code"], "2026-12-06")["results"][0]
        assert row["sub_icb_location_ods_code"] == expected_areas[loc["ons_code"]]["sub_icb_location_ods_code"]
        assert f"sub-ICB location {loc['ons_code']} in the postcode directory" in row["note"]
        assert ("the postcode was terminated in June 2019" in row["note"]) == bool(terminated), row["note"]
    answered = json.loads(run("postcode", *values[:200], "-f", "json").output)["postcodes"]
    for text, row, answer in zip(values, rows, answered):
        assert (row["change"] == "unknown") == (answer["status"] in ("not found", "not a postcode")), (text, answer)
        if row["change"] != "unknown":
            assert answer["sub_icb_location_ods_code"] == row["sub_icb_location_ods_code"]


def test_the_index_holds_each_postcode_once_in_little_endian(made, tmp_path):
    """Every postcode of the directory has its number in its sector's array, and no other unit has one."""
    from icscli.systems.sectors import UNIT

    with sqlite3.connect(tmp_path / "imports" / "onspd.sqlite") as connection:
        code = marshal.loads(connection.execute("SELECT value FROM meta WHERE key = 'sectors'").fetchone()[0])
        records = dict(connection.execute("SELECT id, record FROM records"))
        sectors = dict(connection.execute("SELECT sector, units FROM sectors"))
    width = {"H": 2, "I": 4}[code]
    found = {}
    for sector, blob in sectors.items():
        assert len(blob) == 676 * width
        for unit, index in UNIT.items():
            number = int.from_bytes(blob[index * width:(index + 1) * width], "little")
            if number:
                found[f"{sector[:-1]} {sector[-1]}{unit}"] = records[number]
    assert found == {p: f"{loc['ons_code']}\0{terminated}" for p, (loc, terminated) in made.items()}


def test_a_directory_imported_by_an_older_ics_asks_to_be_imported_again(run, made, tmp_path):
    path = tmp_path / "imports" / "onspd.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE meta SET value = ? WHERE key = 'format'", (marshal.dumps(1),))
    (tmp_path / "pc.csv").write_text("pc\nNE1 1AA\n", encoding="utf-8")
    for args in (("postcode", "NE1 1AA"), ("map", tmp_path / "pc.csv", "-c", "pc", "--kind", "postcode")):
        result = run(*args)
        assert result.exit_code == 2, result
        assert result.stderr.strip().endswith("made by another version of ics; import the file again"), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_sectors_let_go_are_read_again_in_the_same_block(made, tmp_path, monkeypatch):
    """With room for three sectors, each block of values still finds every postcode as typed, the
    sectors the block shares with the one before included (none taken as absent, none asked twice)."""
    from icscli.systems import sectors

    monkeypatch.setattr(sectors.Sectors, "LIMIT", 3)
    with sqlite3.connect(tmp_path / "imports" / "onspd.sqlite") as connection:
        code = marshal.loads(connection.execute("SELECT value FROM meta WHERE key = 'sectors'").fetchone()[0])
        index = sectors.Sectors(connection, code, lambda record: record)
        postcodes = sorted(made)
        rng = random.Random(3)
        for start in range(0, len(postcodes), 7):
            block = postcodes[start:start + 7] + rng.sample(postcodes[:start + 3], 3)  # some seen before
            typed = [p if i % 2 else p.replace(" ", "") for i, p in enumerate(block)] + ["QQ1 1QQ", "not one"]
            expected = [f"{made[p][0]['ons_code']}\0{made[p][1]}" for p in block] + [None, None]
            assert index.answers_of(typed) == expected, start


def test_keys_not_shaped_like_postcodes_are_not_indexed(run, kb, tmp_path, monkeypatch):
    """A directory's key column is taken as it stands after its first row: a key that is not a postcode's
    shape (a digit first, a unit with a digit, an unpadded or over-long key) is answered by neither
    `ics map` nor `ics postcode`, and the postcodes around it are."""
    monkeypatch.setenv("ICS_IMPORTS_DIR", str(tmp_path / "imports"))
    loc = next(r for r in kb.sub_icb_locations.values() if r["version"] == "2026")
    good = ["AB1 1AA", "AB1 1AB", "AB1 1AD"]
    rows = [postcode_row(kb, p, loc) for p in good]
    text = directory_csv(ONSPD_2026, rows)
    bad = {"AB1 1AB": "1AB 1AB", "AB1 1AD": "AB1 1A1"}  # pcd7 only: the other columns keep the good postcode
    for postcode, key in bad.items():
        text = text.replace(f'"{postcode}"', f'"{key}"', 1)  # the first: pcd7
    path = tmp_path / "ONSPD_AUG_2026_UK.csv"
    path.write_text(text, encoding="utf-8")
    assert run("import", path).exit_code == 0
    values = ["AB1 1AA", "1AB 1AB", "AB1 1A1", "AB1 1AB", "AB1 1AD"]
    (tmp_path / "pc.csv").write_text("pc\n" + "\n".join(values) + "\n", encoding="utf-8")
    result = run("map", tmp_path / "pc.csv", "-c", "pc", "--kind", "postcode", "-q")
    got = {r["pc"]: r for r in csv.DictReader(io.StringIO(result.output))}
    assert got["AB1 1AA"]["change"] != "unknown"
    answered = {p["input"]: p for p in json.loads(run("postcode", *values, "-f", "json").output)["postcodes"]}
    for value in values[1:]:
        assert got[value]["change"] == "unknown", value
        assert answered[value]["status"] in ("not found", "not a postcode"), value


@pytest.mark.parametrize("apart", [1, 40])
def test_a_postcode_listed_twice_stops_the_import_and_keeps_the_old_one(run, kb, tmp_path, monkeypatch, made, apart):
    """Listed twice in one block of rows or in blocks far apart (same sector, out of order): one line
    naming it, exit 1, and the directory imported before still answers."""
    from icscli.systems import importer

    monkeypatch.setattr(importer, "BLOCK_ROWS", 7)
    loc = next(r for r in kb.sub_icb_locations.values() if r["version"] == "2026")
    pcds = [f"NE1 {n}A{c}" for n in range(1, 9) for c in "ABDEFGHJ"]
    pcds.insert(3 + apart, pcds[2])
    rows = [postcode_row(kb, p, loc) for p in pcds]
    path = tmp_path / "ONSPD_NOV_2026_UK.csv"
    path.write_text(directory_csv(ONSPD_2026, rows), encoding="utf-8")
    result = run("import", path)
    assert result.exit_code == 1 and result.stderr.strip().endswith(
        f"postcode {pcds[2]} is listed more than once: the files list each postcode once (were the whole file and "
        "its per-area files both given?)"), result.stderr
    assert "ONSPD August 2026" in run("import", "--list").output
    some = sorted(made)[0]
    assert json.loads(run("postcode", some, "-f", "json").output)["postcodes"][0]["status"] != "not found"


def test_the_summary_names_the_directory_when_every_postcode_was_typed_another_way(run, tmp_path, made):
    """Postcodes found only once written as the directory writes them (lower case, no space) still count
    as looked up in it: the summary names its edition."""
    typed = [p.lower().replace(" ", "") for p in sorted(made)[:5]]
    (tmp_path / "pc.csv").write_text("pc\n" + "\n".join(typed) + "\n", encoding="utf-8")
    result = run("map", tmp_path / "pc.csv", "-c", "pc", "--kind", "postcode")
    assert result.exit_code == 0 and "5 unchanged" in result.stderr, result.stderr
    assert "postcodes looked up in your imported ONSPD August 2026" in result.stderr, result.stderr
