"""`ics mcp`: the real server in a subprocess, driven by the MCP SDK's own client over stdio."""
import json
import os
import subprocess
import sys

import pytest

# (tool, arguments, the same question on the command line)
QUESTIONS = [
    ("explain", {"term": "icb"}, ["explain", "icb"]),
    ("explain", {"term": "ICS NHS body", "as_of": "2019-06-01"}, ["explain", "ICS NHS body", "--as-of", "2019-06-01"]),
    ("explain", {"term": "icp"}, ["explain", "icp"]),
    ("explain", {"term": "frimley"}, ["explain", "frimley"]),
    ("explain", {"term": "integrated care bord"}, ["explain", "integrated care bord"]),
    ("search", {"text": "bassetlaw", "limit": 5}, ["search", "bassetlaw", "--limit", "5"]),
    ("timeline", {"from_date": "2021-02", "to_date": "2022-07", "tags": ["legislation"]},
     ["timeline", "--from", "2021-02", "--to", "2022-07", "--tag", "legislation"]),
    ("timeline", {"entity": "ccg"}, ["timeline", "--entity", "ccg"]),
    ("compare", {"a": "ccg", "b": "icb"}, ["compare", "ccg", "icb"]),
    ("compare", {"a": "ccg", "b": "icb", "as_of": "2024-04-01"}, ["compare", "ccg", "icb", "--as-of", "2024-04-01"]),
    ("systems", {"as_of": "2022-07-01", "region": "London"}, ["systems", "--as-of", "2022-07-01", "--region", "London"]),
    ("system", {"name": "QNQ", "as_of": "2026-06-01"}, ["system", "QNQ", "--as-of", "2026-06-01"]),
    ("ccg", {"name": "02Q"}, ["ccg", "02Q"]),
    ("ccg", {"name": "00C", "as_of": "2019-06-01"}, ["ccg", "00C", "--as-of", "2019-06-01"]),
    ("ccg", {"as_of": "2026-06-01"}, ["ccg", "--all", "--as-of", "2026-06-01"]),
    ("map", {"codes": ["02Q", "00C", "E54000034", "5N9"], "as_of": "2026-06-01"},
     ["ccg", "02Q", "00C", "E54000034", "5N9", "--as-of", "2026-06-01"]),
    ("changes", {}, ["changes"]),
    ("changes", {"from_date": "2019-04-01", "to_date": "2021-04-01"}, ["changes", "--from", "2019-04-01", "--to", "2021-04-01"]),
    ("check", {"statement": "There are 42 ICBs"}, ["check", "There are 42 ICBs"]),
    ("check", {"subject": "02Q", "property": "icb", "value": "QT1", "as_of": "2022-06-30"},
     ["check", "--subject", "02Q", "--property", "icb", "--value", "QT1", "--as-of", "2022-06-30"]),
]
# (tool, bad arguments, the same mistake on the command line, or None where the CLI cannot make it)
BAD = [
    ("explain", {"term": "icbb"}, ["explain", "icbb"]),
    ("explain", {"term": "icb", "as_of": "2022-13"}, ["explain", "icb", "--as-of", "2022-13"]),
    ("timeline", {"from_date": "last year"}, ["timeline", "--from", "last year"]),
    ("compare", {"a": "ccg", "b": "nothing-like-it"}, ["compare", "ccg", "nothing-like-it"]),
    ("compare", {"a": "ccg", "b": "icb", "as_of": "2024-13"}, ["compare", "ccg", "icb", "--as-of", "2024-13"]),
    ("ccg", {"name": "ZZZ"}, ["ccg", "ZZZ"]),
    ("changes", {"from_date": "2022", "to_date": "2020"}, ["changes", "--from", "2022", "--to", "2020"]),
    ("check", {"statement": "the moon is made of cheese"}, ["check", "the moon is made of cheese"]),
    ("map", {"codes": ["02Q", "00C"], "as_of": "2010-01-01"}, ["ccg", "02Q", "00C", "--as-of", "2010-01-01"]),
    ("map", {"codes": []}, None),
    ("explain", {"term": 5}, None),
    ("explain", {}, None),
    ("no-such-tool", {}, None),
]


@pytest.fixture(scope="module")
def sdk():
    """The MCP SDK, imported when a test needs it (it takes about a second, so not at collection, which
    every worker does)."""
    pytest.importorskip("mcp.server.mcpserver", reason="the mcp extra (MCP SDK 2) is not installed")
    import mcp

    return mcp


def with_session(sdk, scenario):
    """Start `ics mcp`, initialise a client session and run `scenario(session, init)` in it."""
    import anyio  # a dependency of the MCP SDK

    env = dict(os.environ)  # ICS_TODAY and the private cache from conftest
    parameters = sdk.StdioServerParameters(command=sys.executable, args=["-m", "icscli", "mcp"], env=env)

    async def main():
        async with sdk.stdio_client(parameters) as (read, write):
            async with sdk.ClientSession(read, write) as session:
                init = await session.initialize()
                return await scenario(session, init)

    return anyio.run(main)


# The scenarios below run in turn in one session of one server (starting the server and the SDK takes
# about a second each time); each test then checks its own scenario's result.
SCENARIOS = {}


def scenario(function):
    SCENARIOS[function.__name__] = function
    return function


@pytest.fixture(scope="module")
def served(sdk):
    """{scenario name: what it returned, or the exception it raised}."""
    async def every_scenario(session, init):
        results = {}
        for name, function in SCENARIOS.items():
            try:
                results[name] = await function(session, init)
            except Exception as exc:  # re-raised by the test that reads it
                results[name] = exc
        return results

    return with_session(sdk, every_scenario)


def result_of(served, function):
    found = served[function.__name__]
    if isinstance(found, Exception):
        raise found
    return found


TOOLS = {"explain", "search", "timeline", "compare", "system", "ccg", "systems", "map", "changes", "check", "practice",
         "pcn", "lsoa", "trust", "postcode"}


def validate(schema, data):
    """Raise unless `data` validates against the JSON schema (jsonschema comes with the MCP SDK)."""
    import jsonschema

    jsonschema.validate(data, schema)


@scenario
async def tools_and_answers(session, init):
    assert init.server_info.name == "ics"
    tools = {t.name: t for t in (await session.list_tools()).tools}
    answers = []
    for tool, arguments, _cli in QUESTIONS:
        full = await session.call_tool(tool, dict(arguments, detail="full"))
        brief = await session.call_tool(tool, arguments)
        assert not full.is_error and not brief.is_error, (tool, full.content, brief.content)
        answers.append((full, brief))
    return tools, answers


def test_every_tool_is_typed_read_only_and_closed_world(served):
    tools, _answers = result_of(served, tools_and_answers)
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.output_schema and tool.output_schema["type"] == "object", tool.name
        hints = tool.annotations
        assert (hints.read_only_hint, hints.idempotent_hint, hints.open_world_hint, hints.destructive_hint) == (
            True, True, False, False), tool.name


def test_full_answers_are_the_cli_documents_and_brief_ones_cite_the_same(run, served):
    tools, answers = result_of(served, tools_and_answers)
    addresses = {s["id"]: s.get("url") for s in run("sources", "-f", "json").json()["sources"]}
    kb_sources = {s["id"]: s for s in run("sources", "-f", "json").json()["sources"]}
    for (tool, arguments, cli), (full, brief) in zip(QUESTIONS, answers):
        expected = run(*cli, "--format", "json")
        assert expected.exit_code == 0, expected
        for result in (full, brief):
            data = result.structured_content
            validate(tools[tool].output_schema, data)
            assert json.loads(result.content[0].text) == data
            assert data["data_as_of"] == expected.json()["data_as_of"]
            for source in data["sources"]:
                assert source["address"] == addresses[source["id"]]
                title = kb_sources[source["id"]]["title"]
                assert title in source["citation"] and f"[{source['id']}]" not in source["citation"]  # id: its own field
        data, short = full.structured_content, brief.structured_content
        assert data["detail"] == "full" and short["detail"] == "brief"
        assert data["answer"] == expected.json(), (tool, arguments)
        assert set(expected.json()["bibliography"]) <= {s["id"] for s in data["sources"]}
        assert data["date_described"] == data["answer"].get("as_of", data["date_described"])
        assert (short["date_described"], short["next_change"]) == (data["date_described"], data["next_change"])
        assert len(brief.content[0].text) < len(full.content[0].text) or len(full.content[0].text) < 4000, tool
        assert len(brief.content[0].text.encode()) < 8192, (tool, arguments, len(brief.content[0].text))  # about 8 kB


@scenario
async def ccg_02q(session, init):
    return (await session.call_tool("ccg", {"name": "02Q"})).structured_content


def test_which_icb_covers_02q_today_and_since_when(run, served):
    data = result_of(served, ccg_02q)
    cli = run("ccg", "02Q", "-f", "json").json()
    answer = data["answer"]
    assert data["date_described"] == cli["as_of"]
    assert answer["icb_now"]["ods_code"] == cli["now"]["icb"]["ods_code"]
    assert answer["icb_now"]["since"] == cli["now"]["date"]
    assert answer["history"][0]["date"] == cli["history"][0]["date"]
    assert any(s["citation"].startswith("Office for National Statistics") for s in data["sources"])
    assert data["full_document"] == "ics://ccg/02Q"


@scenario
async def checks(session, init):
    """Claims about the count of ICBs, with the counts the card gives (not typed here)."""
    card = (await session.call_tool("explain", {"term": "icb", "detail": "full"})).structured_content["answer"]
    old, new = card["counts"][-2:]
    said = {}
    for name, arguments in (("stale", {"statement": f"There are {old['value']} ICBs"}),
                            ("true", {"statement": f"There are {new['value']} ICBs"}),
                            ("then", {"statement": f"There were {old['value']} ICBs", "as_of": old["from"]}),
                            ("false", {"subject": "CCGs", "property": "state", "value": "statutory"})):
        said[name] = (await session.call_tool("check", arguments)).structured_content
    return old, new, said


def test_check_says_a_stale_count_is_false_and_until_when_it_held(run, served):
    old, new, said = result_of(served, checks)
    stale, true, then, false = said["stale"], said["true"], said["then"], said["false"]
    assert stale["answer"]["verdict"] == "false"
    assert stale["answer"]["held"] == [{"from": old["from"], "to": old["to"]}]
    assert stale["answer"]["fact"]["value"] == new["value"]
    assert true["answer"]["verdict"] == "true"
    assert (then["answer"]["verdict"], then["answer"]["until"]) == ("true", old["to"])
    assert then["date_described"] == old["from"] and true["date_described"] == true["answer"]["on"]
    assert then["next_change"]["date"] == new["from"]
    assert false["answer"]["verdict"] == "false"
    timeline = run("timeline", "--entity", "icb", "-f", "json").json()["events"]
    ahead = [e for e in timeline if e["date"] > true["date_described"] and e["status"] != "done"]
    assert true["next_change"]["date"] == ahead[0]["date"] and true["next_change"]["event"] == ahead[0]["id"]
    for data in said.values():
        assert data["sources"] and data["answer"]["evidence"]
        cited = {e["source"] for e in data["answer"]["evidence"]}
        assert cited <= {s["id"] for s in data["sources"]}


@scenario
async def paging(session, init):
    pages, cursor = [], None
    while True:
        arguments = {"limit": 7} | ({"cursor": cursor} if cursor else {})
        result = (await session.call_tool("timeline", arguments)).structured_content
        pages.append(result)
        cursor = result["page"]["next_cursor"]
        if cursor is None:
            return pages


def test_a_long_list_comes_a_page_at_a_time_and_whole(run, served):
    pages = result_of(served, paging)
    events = run("timeline", "-f", "json").json()["events"]
    assert len(pages) == -(-len(events) // 7) > 1
    assert [e["id"] for p in pages for e in p["answer"]["events"]] == [e["id"] for e in events]
    assert all(p["page"]["total"] == len(events) for p in pages)
    assert all(len(json.dumps(p)) < 8000 for p in pages)


# (tool, arguments, the refusal's code)
REFUSED = [
    ("explain", {"term": "icbb"}, "unknown_term"),
    ("ccg", {"name": "ZZZ"}, "unknown_code"),
    ("system", {"name": "london", "as_of": "2022-07-01"}, "ambiguous_term"),
    ("systems", {"as_of": "2020-01-01"}, "date_before_coverage"),
    ("map", {"codes": ["02Q"], "as_of": "2010-01-01"}, "date_before_coverage"),
    ("timeline", {"cursor": "next please"}, "bad_value"),
    ("check", {"statement": "the moon is made of cheese"}, "bad_value"),
]


@scenario
async def refusals(session, init):
    return [await session.call_tool(tool, arguments) for tool, arguments, _code in REFUSED]


def test_each_refusal_is_typed_with_a_way_to_recover(run, served):
    from icscli.server.shapes import Refusal

    results = result_of(served, refusals)
    for (tool, arguments, code), result in zip(REFUSED, results):
        data = result.structured_content
        assert result.is_error and data["error"] == code, (tool, arguments, data)
        assert json.loads(result.content[0].text) == data
        validate(Refusal.model_json_schema(), data)
        assert data["hint"] and "\n" not in data["message"]
    by_code = {code: result.structured_content for (_t, _a, code), result in zip(REFUSED, results)}
    assert "icb" in [n["term"] for n in by_code["unknown_term"]["nearest"]]
    london = run("system", "london", "--as-of", "2022-07-01", "-f", "json").json()["candidates"]
    assert [s["term"] for s in by_code["ambiguous_term"]["senses"]] == [c["type"] for c in london]
    first = run("system", "QNQ", "-f", "json").json()["history"][0]["date"]
    assert results[3].structured_content["earliest"] == first
    assert results[4].structured_content["earliest"] < first


@scenario
async def resources(session, init):
    listed = {str(r.uri): r.name for r in (await session.list_resources()).resources}
    read = {uri: json.loads((await session.read_resource(uri)).contents[0].text) for uri in listed}
    templates = {t.name: t.uri_template for t in (await session.list_resource_templates()).resource_templates}
    for uri in ("ics://icb/QT1", "ics://ccg/02Q", "ics://entity/icp", "ics://changes/2019-04-01/2021-04-01",
                "ics://practice/A81001", "ics://pcn/U41591", "ics://trust/RDU", "ics://lsoa/E01016180"):
        read[uri] = json.loads((await session.read_resource(uri)).contents[0].text)
    return listed, read, templates


def test_resources_hold_the_full_documents(run, served):
    listed, read, templates = result_of(served, resources)
    assert set(listed.values()) == {"glossary", "bibliography"}
    assert templates == {"icb": "ics://icb/{code}", "ccg": "ics://ccg/{code}", "entity": "ics://entity/{term}",
                         "changes": "ics://changes/{from_date}/{to_date}", "practice": "ics://practice/{code}",
                         "pcn": "ics://pcn/{code}", "trust": "ics://trust/{code}", "lsoa": "ics://lsoa/{code}"}
    for uri, cli in (("ics://glossary", ["glossary"]), ("ics://sources", ["sources"]), ("ics://icb/QT1", ["system", "QT1"]),
                     ("ics://ccg/02Q", ["ccg", "02Q"]), ("ics://entity/icp", ["explain", "icp"]),
                     ("ics://changes/2019-04-01/2021-04-01", ["changes", "--from", "2019-04-01", "--to", "2021-04-01"]),
                     ("ics://practice/A81001", ["practice", "A81001"]), ("ics://pcn/U41591", ["pcn", "U41591"]),
                     ("ics://trust/RDU", ["trust", "RDU"]), ("ics://lsoa/E01016180", ["lsoa", "E01016180"])):
        assert read[uri]["answer"] == run(*cli, "-f", "json").json(), uri
        assert read[uri]["data_as_of"] and "sources" in read[uri]


@scenario
async def prompts_and_completions(session, init):
    import mcp

    prompts = {p.name: p for p in (await session.list_prompts()).prompts}
    said = await session.get_prompt("brief_board_member", {"icb": "QT1", "as_of": "2026-06-01"})
    codes = await session.complete(mcp.types.ResourceTemplateReference(uri="ics://ccg/{code}"),
                                   {"name": "code", "value": "02"})
    terms = await session.complete(mcp.types.ResourceTemplateReference(uri="ics://entity/{term}"),
                                   {"name": "term", "value": "ic"})
    area = await session.complete(mcp.types.PromptReference(name="changes_in_area"), {"name": "area", "value": "qt"})
    return prompts, said, codes.completion, terms.completion, area.completion


def test_prompts_and_completions(run, served):
    prompts, said, codes, terms, area = result_of(served, prompts_and_completions)
    assert set(prompts) == {"brief_board_member", "recode_column", "changes_in_area"}
    text = said.messages[0].content.text
    assert "QT1" in text and "2026-06-01" in text and "check" in text
    assert "02Q" in codes.values and all(v.lower().startswith("02") for v in codes.values)
    assert {"icb", "icp", "ics"} <= set(terms.values) and all(v.startswith("ic") for v in terms.values)
    assert "QT1" in area.values


@scenario
async def bad_arguments(session, init):  # last: the server must still answer after them
    out = []
    for tool, arguments, _words in BAD:
        out.append(await session.call_tool(tool, arguments))
    out.append(await session.call_tool("explain", {"term": "icb"}))  # still answering
    return out


def test_bad_arguments_are_tool_errors_and_the_server_keeps_going(run, served):
    results = result_of(served, bad_arguments)
    for (tool, arguments, cli), result in zip(BAD, results):
        assert result.is_error, (tool, arguments)
        text = result.content[0].text
        assert "Traceback" not in text and "\n" not in text.split("validation error")[0]
        if cli:
            said = run(*cli)
            assert said.exit_code == 2 and said.stderr.startswith("ics: error: "), said
            message = result.structured_content["message"]
            assert message.endswith(said.stderr[len("ics: error: "):].rstrip("\n")), (message, said.stderr)
    assert results[BAD.index(("map", {"codes": []}, None))].structured_content["message"] == "give one or more codes"
    assert not results[-1].is_error
    # arguments of the wrong type, missing or for no tool: typed refusals naming what to send, not the
    # validation library's report (its error links and the rejected values)
    from icscli.server.shapes import Refusal

    for case, field in ((("explain", {"term": 5}, None), "term"), (("explain", {}, None), "term"),
                        (("no-such-tool", {}, None), "no-such-tool")):
        data = results[BAD.index(case)].structured_content
        assert data and data["error"] == "bad_value" and field in data["message"], (case, data)
        validate(Refusal.model_json_schema(), data)
        assert "pydantic" not in json.dumps(data) and "\n" not in data["message"] and data["hint"], data


def test_a_malformed_request_leaves_the_server_running(sdk):
    """Raw JSON-RPC lines: garbage, then a proper initialise, which still gets its answer."""
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                       "clientInfo": {"name": "raw", "version": "0"}}}
    lines = "this is not json\n" + '{"jsonrpc": "2.0", "id": 7, "method": 42}\n' + json.dumps(init) + "\n"
    proc = subprocess.run([sys.executable, "-m", "icscli", "mcp"], input=lines, capture_output=True, text=True,
                          timeout=60, env=dict(os.environ))
    assert "Traceback" not in proc.stderr
    replies = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert any(r.get("id") == 1 and r["result"]["serverInfo"]["name"] == "ics" for r in replies), replies


def test_without_the_sdk_the_command_says_so_in_one_line(tmp_path):
    blocker = tmp_path / "mcp"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('hidden for this test')\n")
    proc = subprocess.run([sys.executable, "-m", "icscli", "mcp"], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PYTHONPATH=str(tmp_path)), stdin=subprocess.DEVNULL)
    assert proc.returncode == 2
    assert proc.stderr == "ics: error: ics mcp needs the MCP SDK (mcp 2 or later): pip install 'icscli[mcp]'\n"


def test_plain_commands_import_no_optional_library():
    code = ("import sys, runpy; sys.argv = ['ics', 'explain', 'icb', '-f', 'plain']\n"
            "from icscli.cli import app as cli\n"
            "try:\n    cli.ics(prog_name='ics')\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('mcp', 'openpyxl', 'datasette', 'anyio', 'pydantic', 'rich', 'yaml', 'tabulate')"
            " if m in sys.modules]\n"
            "sys.stderr.write(repr(heavy))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ))
    assert proc.stderr == "[]", proc.stderr


def test_the_server_collects_garbage_while_commands_run_without(run, sdk, monkeypatch):
    """A command runs with the cyclic collector off (the process ends with it) and leaves it as it found
    it; `ics mcp` serves for as long as its client, so it turns the collector back on."""
    import gc

    from icscli.answers import questions as answers
    from icscli.server import mcp as mcp_server

    seen, explain = [], answers.explain
    monkeypatch.setattr(answers, "explain", lambda *a, **k: seen.append(gc.isenabled()) or explain(*a, **k))
    assert gc.isenabled()
    assert run("explain", "icb").exit_code == 0 and seen == [False]
    assert gc.isenabled()
    seen.clear()
    monkeypatch.setattr(mcp_server, "serve", lambda kb: seen.append(gc.isenabled()))
    assert run("mcp").exit_code == 0 and seen == [True]
    assert gc.isenabled()
    monkeypatch.setattr(mcp_server, "serve", lambda kb: seen.append(gc.isenabled()) or 1 / 0)
    with pytest.raises(ZeroDivisionError):
        run("mcp")
    assert gc.isenabled(), "restored after a command that failed"
