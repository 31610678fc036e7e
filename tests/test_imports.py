"""`ics import` and `ics postcode`, on small ONSPD-, NSPL- and lookup-shaped files built here: both header
styles, zipped and not, per-area files, a truncated zip, a damaged one, a cut CSV, a foreign CSV, and an
import interrupted mid-stream. Every answer is checked against the files and the bundled data; nothing
is downloaded."""
import hashlib
import json
import os
import re
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ons_files import (
    NSPL_2020,
    NSPL_2026,
    ONSPD_2023,
    ONSPD_2026,
    directory_csv,
    lookup_csv,
    many,
    onspd_zip,
    postcode_row,
)

from icscli.entry import Interrupted
from icscli.systems import importer


def _version_day(kb, version):
    return kb.system_versions[version]["date"]


def _loc(kb, version, index=0, other_than=None):
    locs = sorted((r for r in kb.sub_icb_locations.values() if r["version"] == version), key=lambda r: r["ods_code"])
    if other_than:
        locs = [r for r in locs if r["icb"] != other_than["icb"]]
    return locs[index]


@pytest.fixture(scope="module")
def places(kb):
    """Three postcodes in two real 2026 sub-ICB locations, one of them terminated."""
    first = _loc(kb, "2026")
    second = _loc(kb, "2026", 0, other_than=first)
    rows = []
    for pcds, loc, introduced, terminated, lsoa in (("NE1 1AA", first, "198001", "", "E01033333"),
                                                    ("NE1 1AB", first, "198001", "201506", "E01033334"),
                                                    ("B1 1AA", second, "200204", "", "E01009999")):
        rows.append(postcode_row(kb, pcds, loc, terminated, introduced=introduced, lsoa21=lsoa, loc=loc,
                                 icb_record=kb.icbs[loc["icb"]]))
    return rows


def _json(run, *args):
    result = run(*args, "-f", "json")
    assert result.exit_code == 0, result
    return result.json()


def test_onspd_zip_of_2026_imports_and_answers(run, kb, home, places):
    text = directory_csv(ONSPD_2026, places)
    path = onspd_zip(home / "ONSPD_AUG_2026.zip", "ONSPD_AUG_2026", text)
    result = run("import", path)
    assert result.exit_code == 0, result
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert result.stderr == ""  # no progress when standard error is not a terminal
    assert result.output.splitlines() == [
        "Imported ONSPD August 2026", "", "Kind: ONS Postcode Directory (ONSPD)", "Edition: ONSPD August 2026",
        "Rows: 3 postcodes", f"SHA-256 of {path}: {sha}",
        "Official: ics knows no published SHA-256 for this file, so it cannot say whether it is the official one"]
    listed = _json(run, "import", "--list")["imports"]
    assert [(i["kind"], i["label"], i["rows"], i["files"][0]["sha256"]) for i in listed] == \
        [("onspd", "ONSPD August 2026", 3, sha)]
    for typed in ("ne1 1aa", "NE11AA", "  Ne1   1aA "):
        answer = _json(run, "postcode", typed)["postcodes"][0]
        place = places[0]
        assert (answer["postcode"], answer["status"], answer["introduced"], answer["terminated"]) == \
            ("NE1 1AA", "live", "1980-01", "")
        assert (answer["lsoa"], answer["ward"], answer["local_authority"]) == ("E01033333", "E05001111", "E08000021")
        assert (answer["sub_icb_location_ons_code"], answer["sub_icb_location_ods_code"], answer["sub_icb_location_name"]) \
            == (place["loc"]["ons_code"], place["loc"]["ods_code"], place["loc"]["name"])
        assert (answer["icb_ons_code"], answer["icb_ods_code"], answer["icb_name"], answer["nhs_region"]) == \
            (place["icb_record"]["ons_code"], place["icb_record"]["ods_code"], place["icb_record"]["name"],
             place["icb_record"]["region"])


def test_terminated_postcodes_have_their_dates(run, home, places):
    run("import", onspd_zip(home / "ONSPD_AUG_2026.zip", "ONSPD_AUG_2026", directory_csv(ONSPD_2026, places)))
    answer = _json(run, "postcode", "NE1 1AB")["postcodes"][0]
    assert (answer["status"], answer["introduced"], answer["terminated"]) == ("terminated", "1980-01", "2015-06")
    shown = run("postcode", "NE1 1AB", "-f", "plain").output
    assert "Status: terminated in June 2015 (introduced January 1980)" in shown


@pytest.mark.parametrize("as_of", ["2020-06-01", "2022-07-01", "2026-12-01"])
def test_other_dates_come_from_the_bundled_history(run, kb, home, places, as_of):
    """The CCG or ICB on another date is the one the bundled history gives for the directory's sub-ICB
    code then (`systems.map_code`, as `ics map` and `ics ccg` do)."""
    from icscli import systems

    run("import", onspd_zip(home / "ONSPD_AUG_2026.zip", "ONSPD_AUG_2026", directory_csv(ONSPD_2026, places)))
    for place in places:
        answer = _json(run, "postcode", place["pcds"], "--as-of", as_of)
        found = systems.map_code(kb, place["sub_icb"], as_of)
        mapped = [dict(r, change=found["change"]) for r in found["results"]]
        assert answer["as_of"] == as_of
        got = answer["postcodes"][0]["on_date"]
        assert got["change"] == mapped[0]["change"]
        key = "sub_icb_location_ods_code" if as_of >= "2022-07-01" else "ccg_ods_code"
        assert [r[key] for r in got["results"]] == [r[key] for r in mapped]


def test_february_2023_onspd_header_unzipped(run, kb, home):
    """The long-standing names (pcd, oslaua, osward, sicbl, icb), no edition in the file name: the
    newest postcode dates it; a sub-ICB location that ended is mapped to today as the data splits it."""
    ended = next(r for r in kb.sub_icb_locations.values() if r["version"] == "2022" and r["ods_code"] == "D4U1Y")
    icb = kb.icbs[ended["icb"]]
    rows = [{"pcds": "AB1 0AA", "introduced": "198001", "terminated": "199606", "sub_icb": "S99999999",
             "icb": "S99999999", "lad": "S12000033", "ward": "S13002843"},
            {"pcds": "GU1 1AA", "introduced": "199001", "terminated": "", "sub_icb": ended["ons_code"],
             "icb": icb["ons_code"], "region": icb["region_ons_code"], "lad": "E07000209", "ward": "E05007777",
             "lsoa21": "E01030000", "lsoa11": "E01030000"},
            {"pcds": "GU1 1AB", "introduced": "202212", "terminated": "", "sub_icb": ended["ons_code"],
             "icb": icb["ons_code"], "region": icb["region_ons_code"], "lad": "E07000209", "ward": "E05007777"}]
    path = home / "postcodes.csv"
    path.write_text(directory_csv(ONSPD_2023, rows, newline="\n"), encoding="utf-8")
    result = run("import", path)
    assert result.exit_code == 0, result
    assert "Edition: ONSPD (edition not named in the file name); its newest postcode was introduced in December 2022" \
        in result.output
    data = _json(run, "postcode", "gu11aa")
    assert data["directory"]["columns"]["sub_icb"] == "sicbl" and data["directory"]["columns"]["ward"] == "osward"
    answer = data["postcodes"][0]
    assert (answer["sub_icb_location_ods_code"], answer["sub_icb_location_name"]) == ("D4U1Y", ended["name"])
    from icscli import systems

    mapped = systems.map_code(kb, ended["ons_code"], "2026-12-01")
    assert answer["on_date"]["change"] == "split" == mapped["change"]
    assert len(answer["on_date"]["results"]) == len(mapped["results"]) > 1
    outside = _json(run, "postcode", "AB1 0AA")["postcodes"][0]
    assert (outside["status"], outside["sub_icb_location_ons_code"], outside["sub_icb_location_name"]) == \
        ("terminated", "S99999999", "")
    assert "the directory gives it no sub-ICB location (its code is S99999999)" in outside["note"]
    assert outside["on_date"] == {"change": "unknown", "note": "", "results": []}


def test_nspl_per_area_files_old_and_new_headers(run, kb, home, places):
    """The NSPL's per-area CSVs (a directory of them, or several files), in the 2026 and the 2020 header."""
    area = home / "multi_csv"
    area.mkdir()
    (area / "NSPL_AUG_2026_UK_NE.csv").write_text(directory_csv(NSPL_2026, places[:2]), encoding="utf-8")
    (area / "NSPL_AUG_2026_UK_B.csv").write_text(directory_csv(NSPL_2026, places[2:]), encoding="utf-8")
    result = run("import", area)
    assert result.exit_code == 0, result
    assert "Kind: National Statistics Postcode Lookup (NSPL)\nEdition: NSPL August 2026\nRows: 3 postcodes" in result.output
    assert _json(run, "postcode", "B1 1AA")["postcodes"][0]["sub_icb_location_ods_code"] == places[2]["loc"]["ods_code"]
    ccg = next(c for c in kb.ccgs.values() if c["ods_code"] == "00L")
    code = ccg["vintages"][-1]["ons_code"]
    old = [{"pcds": "NE1 1AA", "introduced": "198001", "terminated": "", "sub_icb": code, "icb": "E54000048",
            "lad": "E08000021", "ward": "E05001111"}]
    (home / "NSPL_AUG_2020_UK.csv").write_text(directory_csv(NSPL_2020, old), encoding="utf-8")
    assert run("import", home / "NSPL_AUG_2020_UK.csv").exit_code == 0
    data = _json(run, "postcode", "NE1 1AA", "--as-of", "2020-09-01")
    assert data["directory"]["label"] == "NSPL August 2020" and data["directory"]["columns"]["sub_icb"] == "ccg"
    assert data["postcodes"][0]["on_date"]["results"][0]["ccg_ods_code"] == "00L"


def test_the_later_directory_answers(run, home, places):
    run("import", onspd_zip(home / "ONSPD_MAY_2026.zip", "ONSPD_MAY_2026", directory_csv(ONSPD_2026, places)))
    (home / "NSPL_AUG_2026_UK.csv").write_text(directory_csv(NSPL_2026, places[:1]), encoding="utf-8")
    run("import", home / "NSPL_AUG_2026_UK.csv")
    assert [i["kind"] for i in _json(run, "import", "--list")["imports"]] == ["onspd", "nspl"]
    assert _json(run, "postcode", "NE1 1AA")["directory"]["label"] == "NSPL August 2026"
    assert run("import", "--remove", "nspl").output == "Removed: nspl.\n"
    assert _json(run, "postcode", "NE1 1AA")["directory"]["label"] == "ONSPD May 2026"
    assert run("import", "--remove", "all").output == "Removed: onspd.\n"
    assert run("import", "--remove", "all").output == "Nothing to remove: no all import.\n"


def test_lsoa_lookup_with_byte_order_mark(run, kb, home, places):
    rows = [{"lsoa": p["lsoa21"], "sub_icb": p["loc"]["ons_code"], "sub_icb_ods": p["loc"]["ods_code"],
             "sub_icb_name": p["loc"]["name"], "icb": p["icb_record"]["ons_code"], "icb_ods": p["icb_record"]["ods_code"],
             "icb_name": p["icb_record"]["name"], "region": p["region"]} for p in places]
    path = home / "LSOA21_SICBL26_ICB26_LAD26_EN_LU.csv"
    path.write_text(lookup_csv(rows), encoding="utf-8")
    result = run("import", path)
    assert result.exit_code == 0, result
    assert "Kind: ONS LSOA to sub-ICB location to ICB lookup\nEdition: LSOA lookup 2026\nRows: 3 LSOAs" in result.output
    listed = _json(run, "import", "--list")["imports"][0]
    assert (listed["kind"], listed["rows"], listed["columns"]["sub_icb_ods"]) == ("lsoa-lookup", 3, "SICBL26CDH")
    assert listed["files"][0]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    cut = home / "cut.csv"
    cut.write_bytes(path.read_bytes()[:-30])
    result = run("import", cut)
    assert result.exit_code == 1 and "line 4 is not a complete row of the lookup" in result.stderr


def _fails(run, path, words):
    result = run("import", path)
    assert result.exit_code == 1, result
    assert result.stderr.startswith("ics: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert words in result.stderr, result.stderr
    return result


def test_broken_and_foreign_files_are_refused_and_change_nothing(run, home, places):
    good = onspd_zip(home / "ONSPD_AUG_2026.zip", "ONSPD_AUG_2026", directory_csv(ONSPD_2026, places))
    assert run("import", good).exit_code == 0
    before = _json(run, "import", "--list")
    truncated = home / "ONSPD_NOV_2026.zip"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    _fails(run, truncated, "not a complete zip file (it may be truncated)")
    damaged = home / "damaged.zip"
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as archive:
        info = archive.getinfo("Data/ONSPD_AUG_2026_UK.csv")
    data[info.header_offset + 30 + len(info.filename) + 5] ^= 0xFF  # a byte of the compressed CSV
    damaged.write_bytes(bytes(data))
    _fails(run, damaged, "download it again")
    cut = home / "ONSPD_NOV_2026_UK.csv"
    cut.write_text(directory_csv(ONSPD_2026, places)[:-20], encoding="utf-8")
    _fails(run, cut, "ends in the middle of a line: the file is truncated")
    foreign = home / "sales.csv"
    foreign.write_text("region,month,sales\nNorth,2026-01,5\n", encoding="utf-8")
    _fails(run, foreign, "needs the columns pcds (or pcd, pcd7), doterm and sicbl")
    halfway = home / "ONSPD_DEC_2026_UK.csv"
    halfway.write_text("pcds,dointr,lad26cd\nNE1 1AA,198001,E08000021\n", encoding="utf-8")
    _fails(run, halfway, "it has no column doterm and no column a sub-ICB location")
    latin = home / "latin.csv"
    latin.write_bytes(directory_csv(ONSPD_2026, places).replace("E01033333", "E01033333\xe9").encode("latin-1"))
    _fails(run, latin, "not UTF-8 text")
    twice = home / "ONSPD_AUG_2026_UK_NE.csv"
    twice.write_text(directory_csv(ONSPD_2026, places[:1]), encoding="utf-8")
    result = run("import", good, twice)
    assert result.exit_code == 1 and "postcode NE1 1AA is listed more than once" in result.stderr
    assert _json(run, "import", "--list") == before
    assert [n for n in os.listdir(home / "imports") if n.startswith(".")] == []


def test_an_interrupted_import_leaves_the_old_database(run, home, places, kb, monkeypatch):
    run("import", onspd_zip(home / "ONSPD_MAY_2026.zip", "ONSPD_MAY_2026", directory_csv(ONSPD_2026, places)))
    before = _json(run, "import", "--list")
    monkeypatch.setattr(importer, "CHUNK", 256)  # many chunks in a small file, so it stops mid-stream
    calls = []

    def progress(name, done, total):
        calls.append(done)
        if len(calls) == 3:
            raise Interrupted(15)  # what SIGTERM raises (entry.py)

    path = home / "ONSPD_AUG_2026_UK.csv"
    path.write_text(directory_csv(ONSPD_2026, many(places[0], 60)), encoding="utf-8")
    with pytest.raises(Interrupted):
        importer.import_files(kb, [str(path)], progress)
    assert calls[-1] < path.stat().st_size
    assert _json(run, "import", "--list") == before
    assert _json(run, "postcode", "NE1 1AA")["directory"]["label"] == "ONSPD May 2026"
    assert [n for n in os.listdir(home / "imports") if n.startswith(".")] == []


def test_a_published_fingerprint_says_whether_the_file_is_official(run, home, places, tmp_path):
    text = directory_csv(ONSPD_2026, places)
    path = home / "ONSPD_AUG_2026_UK.csv"
    path.write_text(text, encoding="utf-8")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    overlay = tmp_path / "overlay"
    overlay.mkdir()

    def record(digest, rows=None):
        (overlay / "files.yaml").write_text(
            "sources:\n  - {id: test-publisher, title: Published fingerprints, publisher: A publisher, date: '2026-08',"
            " kind: data, url: 'https://example.org/fingerprints'}\n"
            "official_files:\n  - {id: onspd-aug-2026, title: ONSPD August 2026 (CSV), kind: onspd, edition: '2026-08',"
            f" sha256: '{digest}', {f'rows: {rows}, ' if rows else ''}sources: [{{source: test-publisher, at: 'Table 1'}}]}}\n",
            encoding="utf-8")

    record(sha)
    result = run("import", path, "--data", overlay)
    assert "Official: this is the official file: its SHA-256 is the published one of ONSPD August 2026 (CSV)" \
        in result.output
    assert "[1] A publisher, \u201cPublished fingerprints\u201d (August 2026), at \u201cTable 1\u201d" in \
        run("import", path, "--data", overlay, "--cite").output
    assert _json(run, "import", "--list")["imports"][0]["official"]["id"] == "onspd-aug-2026"
    record("0" * 64)
    result = run("import", path, "--data", overlay)
    assert "Official: this is not the official file as published: its SHA-256 differs" in result.output
    assert "rows where" not in result.output
    record("0" * 64, rows=4)
    result = run("import", path, "--data", overlay)
    assert "and it has 3 rows where the official file has 4 (is it cut short?)" in result.output
    record("not-a-hash")
    assert "is not a SHA-256" in run("validate", overlay).output


def test_postcode_without_an_import_says_what_to_download(run, home):
    result = run("postcode", "SW1A 1AA")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "no postcode directory is imported: download the ONS Postcode Directory (ONSPD) zip" in result.stderr
    assert "https://geoportal.statistics.gov.uk/" in result.stderr
    assert "Nothing is imported yet." in run("import", "--list").output


def test_postcode_input_forms_and_every_format(run, home, places):
    from icscli.render import FORMATS

    run("import", onspd_zip(home / "ONSPD_AUG_2026.zip", "ONSPD_AUG_2026", directory_csv(ONSPD_2026, places)))
    several = _json(run, "postcode", "NE1", "1AA", "b11aa", "zz", "ZZ9 9ZZ")["postcodes"]
    assert [(p["input"], p["postcode"], p["status"]) for p in several] == [
        ("NE1 1AA", "NE1 1AA", "live"), ("b11aa", "B1 1AA", "live"), ("zz", "", "not a postcode"),
        ("ZZ9 9ZZ", "ZZ9 9ZZ", "not found")]
    for fmt in FORMATS:
        result = run("postcode", "NE1 1AA", "B1 1AA", "-f", fmt)
        assert result.exit_code == 0 and "NE1 1AA" in result.output, (fmt, result)
    for bad, words in (("zz", "'zz' is not shaped like a postcode"),
                       ("ZZ9 9ZZ", "postcode ZZ9 9ZZ is not in the imported ONSPD August 2026")):
        result = run("postcode", bad)
        assert result.exit_code == 2 and words in result.stderr, result
    assert json.loads(run("postcode", "NE11AA", "-f", "json").output)["postcodes"][0]["note"] == ""


def test_postcodes_from_standard_input(home, places):
    from click.testing import CliRunner

    from icscli.cli.app import ics

    runner = CliRunner()
    env = {"ICS_IMPORTS_DIR": os.environ["ICS_IMPORTS_DIR"]}
    path = onspd_zip(home / "ONSPD_AUG_2026.zip", "ONSPD_AUG_2026", directory_csv(ONSPD_2026, places))
    assert runner.invoke(ics, ["import", str(path)], env=env).exit_code == 0
    result = runner.invoke(ics, ["postcode", "-", "-f", "csv"], input="ne11aa\n\n B1 1AA \n", env=env)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("input,postcode,status,") and [line.split(",")[1] for line in lines[1:]] == \
        ["NE1 1AA", "B1 1AA"]
    assert runner.invoke(ics, ["postcode", "-"], input="\n", env=env).exit_code == 2


def test_import_usage(run, home):
    for args in ([], ["--list", "--remove", "all"], ["x.csv", "--list"]):
        result = run("import", *args)
        assert result.exit_code == 2 and "give FILE (one or more), --list or --remove KIND" in result.stderr
    result = run("import", home / "missing.csv")
    assert result.exit_code == 1 and "missing.csv: cannot read" in result.stderr
    assert run("import", "--remove", "everything").exit_code == 2



@given(st.text(alphabet="AbZ0919 \t", max_size=10))
def test_a_postcode_is_read_in_any_case_and_spacing(text):
    """The shape checked without regular expressions is the documented one."""
    from icscli.systems.postcode_text import display, normalise

    compact = "".join(text.split()).upper()
    key = normalise(text)
    assert (key is not None) == bool(re.fullmatch(r"[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2}", compact))
    if key is not None:
        assert len(key) == 7 and key.replace(" ", "") == compact and display(key).replace(" ", "") == compact


def _ics(args, env, **more):
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return subprocess.Popen([sys.executable, "-m", "icscli", *map(str, args)], env=dict(os.environ, PYTHONPATH=root, **env),
                            **more)


def test_progress_is_shown_on_a_terminal_only(home, places):
    import pty
    import subprocess

    path = home / "ONSPD_AUG_2026_UK.csv"
    path.write_text(directory_csv(ONSPD_2026, places), encoding="utf-8")
    main, child = pty.openpty()
    proc = _ics(["import", path], {"ICS_IMPORTS_DIR": str(home / "imports")}, stdout=subprocess.PIPE, stderr=child)
    os.close(child)
    out, _ = proc.communicate(timeout=60)
    shown = b""
    while True:
        try:
            shown += os.read(main, 4096)
        except OSError:
            break
    os.close(main)
    assert proc.returncode == 0 and b"Rows: 3 postcodes" in out
    assert f"ics: importing {path.name}: 100% of 0 MB".encode() in shown


@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGKILL"])
def test_a_killed_import_leaves_the_old_database(run, home, places, signal_name):
    """A real import, stopped by a signal while it waits for the rest of its file (a pipe), leaves the
    database it was replacing; ^C removes its unfinished file, a kill cannot, the next import does (its
    process is gone), however old the file."""
    import signal
    import time

    run("import", onspd_zip(home / "ONSPD_MAY_2026.zip", "ONSPD_MAY_2026", directory_csv(ONSPD_2026, places)))
    fifo = home / "ONSPD_AUG_2026_UK.csv"
    os.mkfifo(fifo)
    proc = _ics(["import", fifo], {"ICS_IMPORTS_DIR": str(home / "imports")})
    unfinished = []
    with open(fifo, "w", encoding="utf-8") as pipe:
        pipe.write(directory_csv(ONSPD_2026, many(places[0], 50)))
        pipe.flush()
        deadline = time.monotonic() + 60
        while not unfinished and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            unfinished = [n for n in os.listdir(home / "imports") if n.startswith(".ics-")]
        proc.send_signal(getattr(signal, signal_name))
        assert proc.wait(timeout=60) == -getattr(signal, signal_name)
    assert unfinished, f"the import never started its database (exit {proc.returncode})"
    assert _json(run, "postcode", "NE1 1AA")["directory"]["label"] == "ONSPD May 2026"
    left = [n for n in os.listdir(home / "imports") if n.startswith(".ics-")]
    assert left == ([] if signal_name == "SIGINT" else unfinished)
    for name in left:
        os.utime(home / "imports" / name, (time.time() - 7200,) * 2)
    run("import", onspd_zip(home / "ONSPD_AUG_2026.zip", "ONSPD_AUG_2026", directory_csv(ONSPD_2026, places)))
    assert [n for n in os.listdir(home / "imports") if n.startswith(".ics-")] == []


def _unfinished(home):
    return sorted(n for n in os.listdir(home / "imports") if n.startswith(".ics-"))


def _started(home, fifo, text, before=()):
    """A real `ics import` of a named pipe, in its own process, waiting for the rest of its file once it
    has begun its database: (process, the open pipe, its unfinished file's name)."""
    import time

    os.mkfifo(fifo)
    proc = _ics(["import", fifo], {"ICS_IMPORTS_DIR": str(home / "imports")})
    pipe = open(fifo, "w", encoding="utf-8")  # noqa: SIM115  (closed by the caller: the import's end of file)
    pipe.write(text)
    pipe.flush()
    deadline, mine = time.monotonic() + 60, []
    while not mine and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        mine = [n for n in _unfinished(home) if n not in before]
    assert len(mine) == 1, f"the import never started its database (exit {proc.returncode})"
    return proc, pipe, mine[0]


def test_a_concurrent_import_never_loses_its_unfinished_file(run, home, places):
    """Two imports at once: a build that is slow (its file untouched for hours, as a 1.5 GB directory on
    a slow disk can be) keeps its unfinished file while another import runs, and completes; the file of
    a build that was killed is removed by the next import, however recently it was written."""
    import signal
    import time

    (home / "imports").mkdir()
    head = directory_csv(ONSPD_2026, many(places[0], 50))
    slow, slow_pipe, slow_file = _started(home, home / "ONSPD_AUG_2026_UK.csv", head)
    killed, killed_pipe, killed_file = _started(home, home / "ONSPD_MAY_2026_UK.csv", head, [slow_file])
    killed.send_signal(signal.SIGKILL)
    assert killed.wait(timeout=60) == -signal.SIGKILL
    killed_pipe.close()
    assert _unfinished(home) == sorted([slow_file, killed_file])  # a kill leaves its file behind
    os.utime(home / "imports" / slow_file, (time.time() - 3 * 86400,) * 2)  # quiet for three days, yet alive
    other = lookup_csv([{"lsoa": p["lsoa21"], "sub_icb": p["loc"]["ons_code"], "sub_icb_ods": p["loc"]["ods_code"],
                         "sub_icb_name": p["loc"]["name"], "icb": p["icb_record"]["ons_code"],
                         "icb_ods": p["icb_record"].get("ods_code") or "", "icb_name": p["icb_record"]["name"],
                         "region": p["region"]} for p in places])
    (home / "lookup.csv").write_text(other, encoding="utf-8-sig")
    assert run("import", home / "lookup.csv").exit_code == 0
    assert _unfinished(home) == [slow_file]  # the killed build's file gone, the live one's kept
    slow_pipe.close()
    assert slow.wait(timeout=60) == 0
    assert _unfinished(home) == []
    assert _json(run, "postcode", "NE1 1AA")["directory"]["label"] == "ONSPD August 2026"


def test_an_unfinished_file_no_process_can_be_asked_about_goes_only_when_long_untouched(run, home, places):
    """A file whose build cannot be asked about (named by an older ics, or by another machine sharing
    the directory) is removed once untouched for longer than any build pauses, and not before."""
    import time

    imports = home / "imports"
    imports.mkdir()
    named = [".ics-k2j4h5g6.tmp", f".ics-import-{os.getpid()}@another-machine.example.ab12cd34.tmp"]
    for name in named + [f"{name}.old" for name in named]:
        (imports / name).write_bytes(b"unfinished")
    for name in named:  # the old ones
        os.utime(imports / f"{name}.old", (time.time() - 30 * 86400,) * 2)
        os.rename(imports / f"{name}.old", imports / name.replace(".tmp", "x.tmp"))
    for name in named:  # the recent ones: two hours untouched, as a slow build can be
        os.utime(imports / name, (time.time() - 7200,) * 2)
    run("import", onspd_zip(home / "ONSPD_AUG_2026.zip", "ONSPD_AUG_2026", directory_csv(ONSPD_2026, places)))
    assert _unfinished(home) == sorted(named)
