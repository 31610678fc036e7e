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


@scenario
async def tools_and_answers(session, init):
    assert init.server_info.name == "ics"
    names = {t.name for t in (await session.list_tools()).tools}
    assert names == {"explain", "search", "timeline", "compare", "system", "ccg", "systems", "map", "changes", "check"}
    answers = []
    for tool, arguments, _cli in QUESTIONS:
        result = await session.call_tool(tool, arguments)
        assert not result.is_error, (tool, result.content)
        answers.append(result)
    return answers


def test_tools_answer_like_the_cli(run, served):
    for (tool, arguments, cli), result in zip(QUESTIONS, result_of(served, tools_and_answers)):
        data = result.structured_content
        expected = run(*cli, "--format", "json")
        assert expected.exit_code == 0, expected
        assert data["answer"] == expected.json(), (tool, arguments)
        assert json.loads(result.content[0].text) == data
        cited = data["answer"].get("bibliography") or {}
        assert [s["id"] for s in data["sources"]] == list(cited)
        for source in data["sources"]:
            assert source["address"] == cited[source["id"]].get("url")
            assert f"[{source['id']}]" in source["citation"]
        assert data["date_described"] == data["answer"].get("as_of", data["date_described"])
        assert data["data_as_of"] and data["data_as_of"] == data["answer"]["data_as_of"]


@scenario
async def ccg_02q(session, init):
    return (await session.call_tool("ccg", {"name": "02Q"})).structured_content


def test_which_icb_covers_02q_today_and_since_when(served):
    data = result_of(served, ccg_02q)
    answer = data["answer"]
    assert data["date_described"] == "2026-12-01"  # the tests' today
    assert answer["now"]["icb"]["ods_code"] == "QT1"
    assert answer["history"][0]["date"].startswith("2022-07")
    assert any(s["publisher"].startswith("Office for National Statistics") for s in data["sources"])


@scenario
async def resources(session, init):
    listed = {str(r.uri): r.name for r in (await session.list_resources()).resources}
    read = {uri: json.loads((await session.read_resource(uri)).contents[0].text) for uri in listed}
    return listed, read


def test_resources_are_the_glossary_and_the_bibliography(run, served):
    listed, read = result_of(served, resources)
    assert set(listed.values()) == {"glossary", "bibliography"}
    assert read["ics://glossary"]["answer"] == run("glossary", "-f", "json").json()
    assert read["ics://sources"]["answer"] == run("sources", "-f", "json").json()


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
            assert text.endswith(said.stderr[len("ics: error: "):].rstrip("\n")), (text, said.stderr)
    assert results[BAD.index(("map", {"codes": []}, None))].content[0].text.endswith("give one or more codes")
    assert not results[-1].is_error


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
