"""The SQLite export served by Datasette: full-text search, described tables and canned queries."""
import json
import re
import sqlite3

import pytest


@pytest.fixture(scope="module")
def datasette_app():
    """Imported by the worker that runs these tests, not at collection (it takes over half a second)."""
    return pytest.importorskip("datasette.app", reason="Datasette is not installed (it is in the test extra)")


@pytest.fixture(scope="module")
def exported(tmp_path_factory, datasette_app):
    from conftest import invoke

    folder = tmp_path_factory.mktemp("datasette")
    db, meta = folder / "ics.db", folder / "meta.json"
    result = invoke("export", "-f", "sqlite", "-o", db, "--metadata", meta)
    assert result.exit_code == 0, result
    return db, json.loads(meta.read_text(encoding="utf-8"))


def served(db, metadata, *paths):
    """GET each path from Datasette's own test client; the JSON of each response."""
    import asyncio

    from datasette import app as datasette_app

    async def main():
        ds = datasette_app.Datasette([str(db)], metadata=metadata)
        out = []
        for path in paths:
            response = await ds.client.get(path)
            assert response.status_code == 200, (path, response.text[:300])
            out.append(response.json())
        return out

    return asyncio.run(main())


def test_full_text_search_and_canned_queries_through_datasette(run, exported):
    db, metadata = exported
    search, icb, cites = served(
        db, metadata,
        "/ics/entities.json?_search=commissioning&_shape=array",
        "/ics/icb_for_code_on_date.json?code=02Q&date=2026-12-01&_shape=array",
        "/ics/what_cites_this_source.json?source=kf-ics-explained-2021&_shape=array")
    assert {"ccg", "commissioning"} <= {row["id"] for row in search}
    now = run("ccg", "02Q", "--format", "json").json()["now"]
    assert [(r["sub_icb_ods_code"], r["icb_ods_code"], r["icb_ons_code"]) for r in icb] == \
        [("02Q", now["icb"]["ods_code"], now["icb"]["ons_code"])]
    assert icb[0]["in_this_icb_since"] == "2022-07-01"
    cli = {s["id"]: s for s in run("sources", "--format", "json").json()["sources"]}["kf-ics-explained-2021"]
    assert len({(r["record_type"], r["record_id"]) for r in cites}) == cli["cited"]


def test_search_finds_former_ccgs_events_and_sources(exported):
    db, metadata = exported
    locations, events, sources = served(
        db, metadata,
        "/ics/sub_icb_locations.json?_search=bassetlaw&_shape=array",
        "/ics/events.json?_search=royal+assent&_shape=array",
        "/ics/sources.json?_search=king%27s+fund&_shape=array")
    assert {r["ods_code"] for r in locations} == {"02Q"}
    assert any("Royal Assent" in r["title"] for r in events)
    assert sources and all("King" in r["publisher"] for r in sources)


def test_every_fts_row_points_at_its_own_record(exported):
    """Each index row is its table's row (same rowid): a word of a row's first indexed column finds it."""
    from icscli.export.sqlite import FTS

    db, _metadata = exported
    con = sqlite3.connect(db)
    tables = [r[0][:-4] for r in con.execute("select name from sqlite_master where name like '%\\_fts' escape '\\'")]
    assert set(tables) == set(FTS) and {"entities", "events", "sources", "icbs", "sub_icb_locations"} <= set(tables)
    for table in tables:
        column = FTS[table][0]
        for rowid, text in con.execute(f"select rowid, {column} from {table} where rowid % 7 = 3"):
            word = re.findall("[A-Za-z0-9]+", text)[0]
            found = {r[0] for r in con.execute(f"select rowid from {table}_fts where {table}_fts match ?",
                                               (f'{column}: "{word}"',))}
            assert rowid in found, (table, rowid, word)


def test_metadata_describes_every_table_and_column(exported):
    db, metadata = exported
    described = metadata["databases"]["ics"]["tables"]
    con = sqlite3.connect(db)
    names = [r[0] for r in con.execute("select name from sqlite_master where type in ('table', 'view') "
                                       "and name not like '%\\_fts%' escape '\\'")]
    for name in names:
        assert described[name]["description"], name
        columns = [r[1] for r in con.execute(f"pragma table_info([{name}])")]
        assert set(described[name]["columns"]) == set(columns), name
    assert "Open Government Licence v3.0" in metadata["license"]
    assert described["icbs"]["license"] == "Open Government Licence v3.0"
    assert set(metadata["databases"]["ics"]["queries"]) == {"icb_for_code_on_date", "what_cites_this_source"}


def test_metadata_alone_and_its_misuse(run, tmp_path):
    alone = json.loads(run("export", "-f", "datasette-metadata").output)
    assert list(alone["databases"]) == ["ics"]
    named = tmp_path / "nhs.sqlite"
    assert run("export", "-f", "sqlite", "-o", named, "--metadata", tmp_path / "m.json").exit_code == 0
    assert list(json.loads((tmp_path / "m.json").read_text())["databases"]) == ["nhs"]
    bad = run("export", "-f", "html", "--metadata", tmp_path / "m.json")
    assert bad.exit_code == 2 and bad.stderr.startswith("ics: error: --metadata")
