"""`ics mcp`'s places tools (practice, pcn, lsoa, trust, postcode), their resource templates and completions:
the real server in a subprocess, driven by the MCP SDK's own client, every answer checked against the CLI's
JSON answer to the same question. The codes asked about are picked from the data (the first of each kind),
never typed; the postcodes come from a small ONSPD-shaped directory imported mid-session."""
import json
import os
import sys

import pytest
from ons_files import ONSPD_2026, directory_csv, onspd_zip, postcode_row

from icscli.views.places import THIRD_PARTY
from icscli.views.practices import NO_PRACTICE_COUNT

BRIEF_LIMIT = 8000  # bytes of a brief answer (issue 25: under about 8 kB)


@pytest.fixture(scope="module")
def sdk():
    pytest.importorskip("mcp.server.mcpserver", reason="the mcp extra (MCP SDK 2) is not installed")
    import mcp

    return mcp


def validate(schema, data):
    import jsonschema  # comes with the MCP SDK

    jsonschema.validate(data, schema)


# --------------------------------------------------------------------------- the codes, from the data


def _practice_of_each_kind(kb):
    """{change kind: the first practice code of that kind} (closed, opened, moved, recoded, unchanged)."""
    from icscli.places import practices
    from icscli.store import places

    found = {}
    for cells in places.rows("practices"):
        kind = practices.practice(kb, cells[0])["change"]["kind"]
        found.setdefault(kind, cells[0])
        if len(found) == 5:
            break
    return found


def _pcns():
    """(a PCN whose practices lie in two ICBs, the PCN with the most practices in August 2026; not "U",
    NHS England's code for practices in no PCN)."""
    from icscli.store import places

    rows, parts = places.pcns()
    icbs = {}
    for pcn_row, area_row, _patients in parts:
        if rows[pcn_row][0] == "prac2026" and rows[pcn_row][1] != "U":
            icbs.setdefault(rows[pcn_row][1], set()).add(places.chain(area_row)["icb"]["ods_code"])
    split = min(code for code, found in icbs.items() if len(found) > 1)
    column = places.header("practices")["pcn2026"]  # a row of `pcns`
    sizes = {}
    for cells in places.rows("practices"):
        if cells[column] and rows[int(cells[column])][1] != "U":
            code = rows[int(cells[column])][1]
            sizes[code] = sizes.get(code, 0) + 1
    return split, max(sorted(sizes), key=sizes.get)


def _lsoas():
    """(a 2021 LSOA placed in 2026 by its local authority (derived), a 2011 LSOA not in the 2021 table)."""
    from icscli.store import places

    basis = places.header("lsoa21")["loc2026_basis"]
    derived = next(r[0] for r in places.rows("lsoa21") if r[basis] == "la")
    in_2021 = set(places.codes("lsoa21"))
    old = next(c for c in places.codes("lsoa11") if c not in in_2021)
    return derived, old


def _trust_with_a_split_host(kb):
    """An open trust whose host ICB was split, with catchment shares."""
    from icscli.places import trusts
    from icscli.store import places

    for code in places.codes("trusts"):
        found = trusts.trust(kb, code)
        if found["host"]["status"] == "split" and found["catchment"]:
            return code
    raise AssertionError("no trust whose host ICB was split")


@pytest.fixture(scope="module")
def codes(kb):
    kinds = _practice_of_each_kind(kb)
    split_pcn, big_pcn = _pcns()
    derived, old = _lsoas()
    return {"practices": kinds, "split_pcn": split_pcn, "big_pcn": big_pcn, "derived_lsoa": derived,
            "old_lsoa": old, "trust": _trust_with_a_split_host(kb)}


@pytest.fixture(scope="module")
def directory(kb, tmp_path_factory):
    """An ONSPD-shaped zip with two postcodes in two real 2026 sub-ICB locations, and an empty imports
    directory for the server to answer from."""
    home = tmp_path_factory.mktemp("mcp_postcodes")
    locs = sorted((r for r in kb.sub_icb_locations.values() if r["version"] == "2026"), key=lambda r: r["ods_code"])
    first, second = locs[0], next(r for r in locs if r["icb"] != locs[0]["icb"])
    rows = [postcode_row(kb, pcds, loc) for pcds, loc in (("NE1 1AA", first), ("B1 1AA", second))]
    path = onspd_zip(home / "ONSPD_AUG_2026.zip", "ONSPD_AUG_2026", directory_csv(ONSPD_2026, rows))
    return {"zip": path, "imports": str(home / "imports")}


# --------------------------------------------------------------------------- one session of the server


def _questions(codes):
    """(tool, arguments, the same question on the command line)."""
    p = codes["practices"]
    out = [("practice", {"name": p[kind]}, ["practice", p[kind]]) for kind in sorted(p)]
    out += [("practice", {"name": p["moved"], "as_of": "2024-01-01"}, ["practice", p["moved"], "--as-of", "2024-01-01"]),
            ("practice", {"name": p["unchanged"], "as_of": "2019-06-01"},
             ["practice", p["unchanged"], "--as-of", "2019-06-01"]),
            ("pcn", {"name": codes["split_pcn"]}, ["pcn", codes["split_pcn"]]),
            ("pcn", {"name": codes["big_pcn"]}, ["pcn", codes["big_pcn"]]),
            ("lsoa", {"code": codes["derived_lsoa"]}, ["lsoa", codes["derived_lsoa"]]),
            ("lsoa", {"code": codes["derived_lsoa"], "as_of": "2023-01-01"},
             ["lsoa", codes["derived_lsoa"], "--as-of", "2023-01-01"]),
            ("lsoa", {"code": codes["old_lsoa"]}, ["lsoa", codes["old_lsoa"]]),
            ("trust", {"name": codes["trust"]}, ["trust", codes["trust"]]),
            ("trust", {"name": codes["trust"], "as_of": "2023-01-01"}, ["trust", codes["trust"], "--as-of", "2023-01-01"])]
    return out


def _refused(codes):
    """(tool, arguments, the refusal's code)."""
    p = codes["practices"]["unchanged"]
    return [("practice", {"name": p[:-1]}, "unknown_code"),
            ("pcn", {"name": codes["split_pcn"][:-1]}, "unknown_code"),
            ("lsoa", {"code": codes["derived_lsoa"][:-1]}, "unknown_code"),
            ("lsoa", {"code": "W01000001"}, "outside_coverage"),
            ("practice", {"name": "surgery"}, "ambiguous_term"),
            ("practice", {"name": p, "as_of": "2026-13"}, "bad_value")]


@pytest.fixture(scope="module")
def served(sdk, codes, directory):
    import anyio
    import mcp

    env = dict(os.environ, ICS_IMPORTS_DIR=directory["imports"])
    parameters = sdk.StdioServerParameters(command=sys.executable, args=["-m", "icscli", "mcp"], env=env)
    p = codes["practices"]["unchanged"]

    async def main():
        said = {}
        async with sdk.stdio_client(parameters) as (read, write), sdk.ClientSession(read, write) as session:
            await session.initialize()
            said["tools"] = {t.name: t for t in (await session.list_tools()).tools}
            said["answers"] = [(await session.call_tool(tool, dict(arguments, detail="full")),
                                await session.call_tool(tool, arguments)) for tool, arguments, _cli in _questions(codes)]
            said["refusals"] = [await session.call_tool(tool, arguments) for tool, arguments, _c in _refused(codes)]
            pages, cursor = [], None
            while True:
                result = await session.call_tool("pcn", {"name": codes["big_pcn"], "limit": 4}
                                                 | ({"cursor": cursor} if cursor else {}))
                pages.append(result.structured_content)
                cursor = pages[-1]["page"]["next_cursor"]
                if cursor is None:
                    break
            said["pages"] = pages
            template = mcp.types.ResourceTemplateReference
            said["completions"] = {
                (kind, typed): (await session.complete(template(uri=f"ics://{kind}/{{code}}"),
                                                       {"name": "code", "value": typed})).completion
                for kind, typed in (("practice", p[:3]), ("practice", p[:3].lower()), ("pcn", codes["split_pcn"][:4]),
                                    ("trust", codes["trust"][:2]), ("lsoa", codes["old_lsoa"][:8]),
                                    ("lsoa", "E0"), ("lsoa", "zz"))}
            said["read"] = json.loads((await session.read_resource(f"ics://practice/{p}")).contents[0].text)
            said["no_directory"] = await session.call_tool("postcode", {"codes": ["NE1 1AA"]})
            imported = await anyio.run_process([sys.executable, "-m", "icscli", "import", str(directory["zip"])],
                                               env=env, check=False)
            assert imported.returncode == 0, imported.stderr
            said["postcode"] = (await session.call_tool("postcode", {"codes": ["ne11aa", "B1 1AA"], "detail": "full"}),
                                await session.call_tool("postcode", {"codes": ["ne11aa", "B1 1AA"]}))
            said["unknown_postcode"] = await session.call_tool("postcode", {"codes": ["ZZ9 9ZZ"]})
        return said

    return anyio.run(main)


PLACES_TOOLS = ("practice", "pcn", "lsoa", "trust", "postcode")


def test_the_places_tools_are_typed_read_only_and_closed_world(served):
    tools = served["tools"]
    for name in PLACES_TOOLS:
        tool = tools[name]
        assert tool.output_schema["type"] == "object"
        assert tool.output_schema != tools["explain"].output_schema, name  # its own answer's shape
        hints = tool.annotations
        assert (hints.read_only_hint, hints.idempotent_hint, hints.open_world_hint, hints.destructive_hint) == (
            True, True, False, False), name


def test_full_answers_are_the_cli_documents_and_brief_ones_are_small_and_valid(run, served, codes):
    tools = served["tools"]
    for (tool, arguments, cli), (full, brief) in zip(_questions(codes), served["answers"]):
        assert not full.is_error and not brief.is_error, (tool, arguments, brief.content)
        expected = run(*cli, "-f", "json")
        assert expected.exit_code == 0, expected
        for result in (full, brief):
            validate(tools[tool].output_schema, result.structured_content)
            assert json.loads(result.content[0].text) == result.structured_content
            assert result.structured_content["data_as_of"] == expected.json()["data_as_of"]
        assert full.structured_content["answer"] == expected.json(), (tool, arguments)
        assert len(brief.content[0].text.encode("utf-8")) < BRIEF_LIMIT, (tool, arguments)
        cited = {s["id"] for s in brief.structured_content["sources"]}
        assert cited and cited <= set(expected.json()["bibliography"]), (tool, arguments)
        assert brief.structured_content["next_change"] == full.structured_content["next_change"]


def _answers(served, codes, tool, arguments):
    for (t, a, cli), (_full, brief) in zip(_questions(codes), served["answers"]):
        if (t, a) == (tool, arguments):
            return brief.structured_content["answer"], cli


def _area(record):
    return {k: record[k] for k in ("ods_code", "ons_code", "name") if record.get(k)}


def test_a_practice_brief_says_what_the_cli_says(run, served, codes):
    for kind, code in codes["practices"].items():
        answer, cli = _answers(served, codes, "practice", {"name": code})
        doc = run(*cli, "-f", "json").json()
        assert (answer["code"], answer["name"], answer["when"], answer["as_of"]) == (
            doc["code"], doc["name"], doc["when"], doc["as_of"])
        assert answer["change"] == doc["change"] and doc["change"]["kind"] == kind
        assert answer["notes"][0] in run(*cli, "-f", "plain").output  # the dated answer, as the CLI says it
        for key in ("jan2022", "aug2026"):
            entry, brief = doc[key], answer["files"].get(key)
            if entry is None:
                assert brief is None
                continue
            assert brief["pcn"] == entry["pcn"] and brief["date"] == entry["vintage"]["date"]
            assert brief["region"] == _area(entry["areas"]["region"]) | {"patients": entry["areas"]["region"]["patients"]} \
                or entry["areas"]["region"]["patients"] is None
            top = entry["areas"].get("icb") or entry["areas"]["stp"]
            assert _area(top).items() <= (brief.get("icb") or brief["stp"]).items()
            assert brief["sources"] == entry["sources"]  # with their locators
        on_date = {k: (v["icb"]["ods_code"], v["loc"]["ods_code"]) for k, v in doc["systems_on_date"].items() if v}
        assert {k: (v["icb"]["ods_code"], v["sub_icb_location"]["ods_code"])
                for k, v in (answer.get("icb_on_date") or {}).items()} == on_date
        assert NO_PRACTICE_COUNT in answer["notes"]  # the files count patients per PCN and area only


def test_a_pcn_brief_gives_its_icbs_with_shares(run, served, codes):
    answer, cli = _answers(served, codes, "pcn", {"name": codes["split_pcn"]})
    doc = run(*cli, "-f", "json").json()
    assert (answer["code"], answer["name"], answer["patients"]) == (doc["code"], doc["name"], doc["patients"])
    assert [(i["icb"]["ods_code"], i["share"], i["patients"]) for i in answer["icbs"]] == [
        (i["area"]["ods_code"], i["share"], i["patients"]) for i in doc["icbs"]]
    assert len(answer["icbs"]) > 1 and "more" not in answer
    assert [(s["sub_icb_location"]["ods_code"], s["share"]) for s in answer["locations"]] == [
        (s["areas"]["loc"]["ods_code"], s["share"]) for s in doc["locations"]]
    assert [p["code"] for p in answer["practices"]] == [p["code"] for p in doc["practices"]][:len(answer["practices"])]


def test_a_long_pcn_comes_a_page_at_a_time(run, served, codes):
    pages = served["pages"]
    doc = run("pcn", codes["big_pcn"], "-f", "json").json()
    assert len(pages) == -(-len(doc["practices"]) // 4) > 1
    assert [p["code"] for page in pages for p in page["answer"]["practices"]] == [p["code"] for p in doc["practices"]]
    assert all(len(json.dumps(page)) < BRIEF_LIMIT for page in pages)


def test_an_lsoa_brief_gives_its_areas_on_the_date_and_whether_derived(run, served, codes):
    for arguments in ({"code": codes["derived_lsoa"]}, {"code": codes["derived_lsoa"], "as_of": "2023-01-01"},
                      {"code": codes["old_lsoa"]}):
        answer, cli = _answers(served, codes, "lsoa", arguments)
        doc = run(*cli, "-f", "json").json()
        assert (answer["code"], answer["name"], answer["as_of"]) == (doc["code"], doc["name"], doc["as_of"])
        on_date = doc["on_date"]
        assert answer["on_date"]["file"]["id"] == on_date["vintage"]["id"]
        assert answer["on_date"]["derived"] == (on_date["vintage"]["provenance"] != "official")
        assert [p["population"] for p in answer["on_date"]["parts"]] == [p["population"] for p in on_date["parts"]]
        assert [(p.get("sub_icb_location") or p["ccg"])["ods_code"] for p in answer["on_date"]["parts"]] == [
            (p["areas"].get("loc") or p["areas"]["ccg"])["ods_code"] for p in on_date["parts"]]
        assert [h["file"] for h in answer["history"]] == [h["vintage"]["id"] for h in doc["history"]]
        for year in ("lsoa11", "lsoa21"):
            if doc[year]:
                assert answer[year]["population"] == doc[year]["population"]
                assert answer[year]["counterparts"] == [c["code"] for c in doc[year]["counterparts"]]
    today = _answers(served, codes, "lsoa", {"code": codes["derived_lsoa"]})[0]
    assert today["on_date"]["derived"] is True and today["split"]


def test_a_trust_brief_gives_its_host_icb_and_successions(run, served, codes):
    for arguments in ({"name": codes["trust"]}, {"name": codes["trust"], "as_of": "2023-01-01"}):
        answer, cli = _answers(served, codes, "trust", arguments)
        doc = run(*cli, "-f", "json").json()
        assert (answer["code"], answer["name"], answer["status"]) == (doc["code"], doc["name"], doc["status"])
        assert answer["host"]["status"] == doc["host"]["status"]
        assert [i["ods_code"] for i in answer["host"]["icbs"]] == [i["ods_code"] for i in doc["host"]["icbs"]]
        assert answer["predecessors"] == doc["predecessors"] and answer["successors"] == doc["successors"]
        shown = answer["catchment"]
        assert [(c["ons_code"], c["share"]) for c in shown] == [
            (c["icb"]["ons_code"], c["share"]) for c in doc["catchment"]][:len(shown)]
        rest = doc["catchment"][len(shown):]
        assert answer.get("catchment_others", {"count": 0})["count"] == len(rest)
        assert THIRD_PARTY in answer["notes"]
    assert _answers(served, codes, "trust", {"name": codes["trust"]})[0]["host"]["status"] == "split"


def test_each_places_refusal_is_typed_with_a_way_to_recover(run, served, codes):
    from icscli.server.shapes import Refusal

    for (tool, arguments, code), result in zip(_refused(codes), served["refusals"]):
        data = result.structured_content
        assert result.is_error and data["error"] == code, (tool, arguments, data)
        validate(Refusal.model_json_schema(), data)
        assert data["hint"]
        cli = [tool, *(str(v) for v in arguments.values())] if "as_of" not in arguments else None
        if cli:
            said = run(*cli)
            if code != "ambiguous_term":
                assert said.exit_code == 2 and data["message"] == said.stderr[len("ics: error: "):].rstrip("\n")
    unknown = served["refusals"][0].structured_content
    asked = _refused(codes)[0][1]["name"]
    assert unknown["nearest"] and all(n["term"].startswith(asked) for n in unknown["nearest"])
    surgery = run("practice", "surgery", "-f", "json").json()["candidates"]
    assert [s["term"] for s in served["refusals"][4].structured_content["senses"]] == [c["type"] for c in surgery]


def test_completions_offer_the_codes_that_start_with_what_was_typed(served, codes):
    from icscli.store import places

    found = served["completions"]
    code = codes["practices"]["unchanged"]
    practices = found[("practice", code[:3])]
    assert code in practices.values and all(v.startswith(code[:3]) for v in practices.values)
    assert found[("practice", code[:3].lower())].values == practices.values
    assert practices.total == sum(c.startswith(code[:3]) for c in places.codes("practices"))
    assert codes["split_pcn"] in found[("pcn", codes["split_pcn"][:4])].values
    assert codes["trust"] in found[("trust", codes["trust"][:2])].values
    lsoa = found[("lsoa", codes["old_lsoa"][:8])]
    assert codes["old_lsoa"] in lsoa.values and all(v.startswith(codes["old_lsoa"][:8]) for v in lsoa.values)
    many = found[("lsoa", "E0")]
    assert len(many.values) == 100 and many.has_more and many.total > 30000
    assert found[("lsoa", "zz")].values == []


def test_a_practice_template_reads_the_full_document(run, served, codes):
    code = codes["practices"]["unchanged"]
    assert served["read"]["answer"] == run("practice", code, "-f", "json").json()


def test_postcodes_without_a_directory_then_with_one(run, served, directory, monkeypatch):
    from icscli.server.shapes import Refusal

    missing = served["no_directory"]
    data = missing.structured_content
    assert missing.is_error and data["error"] == "not_imported"
    validate(Refusal.model_json_schema(), data)
    said = run("postcode", "NE1 1AA")
    assert data["message"] == said.stderr[len("ics: error: "):].rstrip("\n")
    assert "ics import" in data["hint"] and "https://" in data["hint"]
    monkeypatch.setenv("ICS_IMPORTS_DIR", directory["imports"])
    doc = run("postcode", "ne11aa", "B1 1AA", "-f", "json").json()
    full, brief = served["postcode"]
    validate(served["tools"]["postcode"].output_schema, brief.structured_content)
    assert full.structured_content["answer"] == doc
    answer = brief.structured_content["answer"]
    assert answer["directory"]["label"] == doc["directory"]["label"] and answer["as_of"] == doc["as_of"]
    for mine, theirs in zip(answer["postcodes"], doc["postcodes"], strict=True):
        assert mine["postcode"] == theirs["postcode"] and mine["status"] == "live"
        assert mine["sub_icb_location"]["ods_code"] == theirs["sub_icb_location_ods_code"]
        assert mine["icb"]["ods_code"] == theirs["icb_ods_code"] and mine["lsoa"] == theirs["lsoa"]
        assert [r["icb_ods_code"] for r in mine["on_date"]["results"]] == [
            r["icb_ods_code"] for r in theirs["on_date"]["results"]]
    assert len(brief.content[0].text.encode("utf-8")) < BRIEF_LIMIT
    unknown = served["unknown_postcode"].structured_content
    assert unknown["error"] == "bad_value" and "ZZ9 9ZZ" in unknown["message"]


def test_building_the_server_reads_no_places_table(kb, sdk):
    """Start-up and tools/list stay fast: the places tables are read only when a places tool asks."""
    import anyio

    from icscli.server import mcp as server
    from icscli.store import places

    places._CACHE.clear()
    built = server.build(kb)
    anyio.run(built.list_tools)
    anyio.run(built.list_resource_templates)
    assert not [key for key in places._CACHE if key != "dir"], list(places._CACHE)


def test_every_brief_answer_is_under_8_kb_and_typed(kb):
    """In-process, over every practice and trust, every PCN in several sub-ICB locations and the LSOAs with
    the most counterparts: the brief and full answers are of the tool's shape, and the brief one (as the
    server sends it) is under about 8 kB. A PCN's practices are paged; a PCN in dozens of areas (the
    unallocated practices) lists the first of them and counts the rest."""
    from icscli.answers.commands import answer
    from icscli.server import shapes
    from icscli.server.answering import envelope
    from icscli.server.mcp import text_of
    from icscli.store import places

    models = {"practice": shapes.PracticeAnswer, "pcn": shapes.PcnAnswer, "lsoa": shapes.LsoaAnswer,
              "trust": shapes.TrustAnswer}

    def size(tool, params, n):
        """The brief answer's size; it (and the full one: of practices, every 25th) validates against the
        tool's output shape."""
        document = answer(tool, kb, params)
        brief = envelope(kb, tool, document)
        models[tool].model_validate(brief)
        if tool != "practice" or n % 25 == 0:
            models[tool].model_validate(envelope(kb, tool, document, detail="full"))
        return len(text_of(brief).encode("utf-8"))

    asked = [("practice", {"name": (c,)}) for c in places.codes("practices")]
    asked += [("trust", {"name": (c,)}) for c in places.codes("trusts")]
    rows, parts = places.pcns()
    spread = {}
    for pcn_row, _area, _patients in parts:
        spread[rows[pcn_row][1]] = spread.get(rows[pcn_row][1], 0) + 1
    # a PCN's brief grows with its areas (its practices are paged): every PCN in several sub-ICB locations
    asked += [("pcn", {"name": (c,)}) for c in sorted(spread)]
    for table, other in (("lsoa11", "lsoa21"), ("lsoa21", "lsoa11")):
        column = places.header(table)[other]
        most = sorted(places.rows(table), key=lambda r: -len(r[column].split(",")))[:20]
        asked += [("lsoa", {"code": r[0]}) for r in most]
    asked.append(("lsoa", {"code": _lsoas()[0]}))
    sizes = {(tool, str(params)): size(tool, params, n) for n, (tool, params) in enumerate(asked)}
    largest = max(sizes, key=sizes.get)
    assert sizes[largest] < BRIEF_LIMIT, (largest, sizes[largest])
    widest = (max(sorted(spread), key=spread.get),)  # the PCN in the most sub-ICB locations
    brief, full = envelope(kb, "pcn", answer("pcn", kb, {"name": widest}))["answer"], answer("pcn", kb, {"name": widest})
    assert brief["more"]
    for key in ("locations", "icbs"):
        assert len(brief[key]) + brief["more"].get(key, 0) == len(full.payload[key])
