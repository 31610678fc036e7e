"""`ics mcp` on the wire: raw JSON-RPC lines, hostile and broken, against the real server.

JSON-RPC 2.0 and MCP: a request (a message with an id) gets exactly one answer; a line that cannot be
parsed is answered -32700 and one that is not a valid request -32600, with `id: null` unless the id
could be read; bad parameters are -32602, an unknown method -32601; a notification (no id) is never
answered. The server stays up through all of it, and a client that closes its end still gets every
answer it is owed.
"""
import json
import os
import subprocess
import sys

import pytest

PARSE, INVALID, NO_METHOD, PARAMS = -32700, -32600, -32601, -32602
INIT = {"jsonrpc": "2.0", "id": "init", "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def line(message):
    return (message if isinstance(message, str) else json.dumps(message)).encode("utf-8") + b"\n"


def call(ident, tool, arguments):
    return {"jsonrpc": "2.0", "id": ident, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}


def raw_call(ident, arguments_text):
    """A tools/call line with the arguments' JSON text as given (for what json.dumps cannot write)."""
    return ('{"jsonrpc": "2.0", "id": ' + json.dumps(ident) + ', "method": "tools/call", '
            '"params": {"name": "search", "arguments": ' + arguments_text + "}}")


# (what, the bytes sent, the answer owed: None for none, else (id, error code), or (id, None) for a result)
CASES = [
    ("not JSON", b"this is not json\n", (None, PARSE)),
    ("cut short", b'{"jsonrpc": "2.0", "id": 1, "method": "pi\n', (None, PARSE)),
    ("not UTF-8", line(raw_call(2, '{"text": "x"}')).replace(b'"x"', b'"\xff\xfe"'), (None, PARSE)),
    ("a byte-order mark", "\ufeff".encode() + line({"jsonrpc": "2.0", "id": 3, "method": "ping"}), (None, PARSE)),
    ("nested past Python's limit", line(raw_call(4, "[" * 100000 + "]" * 100000)), (None, PARSE)),
    ("a JSON string", b'"hello"\n', (None, INVALID)),
    ("an empty batch", b"[]\n", (None, INVALID)),
    ("no jsonrpc", line({"id": 10, "method": "ping"}), (10, INVALID)),
    ("jsonrpc 1.0", line({"jsonrpc": "1.0", "id": 11, "method": "ping"}), (11, INVALID)),
    ("a method that is a number", line({"jsonrpc": "2.0", "id": 12, "method": 42}), (12, INVALID)),
    ("no method", line({"jsonrpc": "2.0", "id": 13}), (13, INVALID)),
    ("params a string", line({"jsonrpc": "2.0", "id": 14, "method": "ping", "params": "x"}), (14, INVALID)),
    ("params an array", line({"jsonrpc": "2.0", "id": 15, "method": "ping", "params": [1]}), (15, PARAMS)),
    ("an object id", line({"jsonrpc": "2.0", "id": {"a": 1}, "method": "ping"}), (None, INVALID)),
    ("a null id", line({"jsonrpc": "2.0", "id": None, "method": "ping"}), (None, INVALID)),
    ("a fractional id", line({"jsonrpc": "2.0", "id": 1.5, "method": "ping"}), (None, INVALID)),
    ("a boolean id", line({"jsonrpc": "2.0", "id": True, "method": "ping"}), (None, INVALID)),
    ("an id past the digit limit", line('{"jsonrpc": "2.0", "id": ' + "9" * 5000 + ', "method": "ping"}'),
     (None, INVALID)),
    ("an integer past the digit limit", line(raw_call(20, '{"text": "x", "limit": ' + "9" * 5000 + "}")), (20, PARAMS)),
    ("a number past a float's range", line(raw_call(21, '{"text": "x", "limit": 1e999}')), (21, PARAMS)),
    ("NaN", line(raw_call(22, '{"text": "x", "limit": NaN}')), (22, PARAMS)),
    ("a lone surrogate", line(raw_call(23, '{"text": "\\ud800"}')), (23, PARAMS)),
    ("a lone surrogate in a key", line(raw_call(24, '{"text": "x", "\\udc00": 1}')), (24, PARAMS)),
    ("a lone surrogate in the method", line('{"jsonrpc": "2.0", "id": 25, "method": "\\ud800"}'), (25, INVALID)),
    ("nested 200 deep", line(raw_call(26, '{"text": "x", "deep": ' + "[" * 200 + "]" * 200 + "}")), (26, PARAMS)),
    ("a malformed notification", line({"jsonrpc": "2.0", "method": 5}), (None, INVALID)),
    ("a notification with bad params", line({"jsonrpc": "2.0", "method": "notifications/x", "params": [1]}), None),
    ("a notification nobody knows", line({"jsonrpc": "2.0", "method": "notifications/nothing"}), None),
    ("blank lines", b"\n\r\n   \n\t\n", None),
    ("an unknown method", line({"jsonrpc": "2.0", "id": 30, "method": "no/such/method"}), (30, NO_METHOD)),
    ("an unknown tool", line(call(31, "no-such-tool", {})), (31, None)),
    ("tools/call without a name", line({"jsonrpc": "2.0", "id": 32, "method": "tools/call", "params": {}}),
     (32, PARAMS)),
    ("arguments not an object", line({"jsonrpc": "2.0", "id": 33, "method": "tools/call",
                                      "params": {"name": "explain", "arguments": [1]}}), (33, PARAMS)),
    ("arguments of the wrong types", line(call(34, "search", {"text": ["a"], "limit": "many"})), (34, None)),
    ("extra keys everywhere", line({"jsonrpc": "2.0", "id": 35, "method": "tools/call", "extra": 1,
                                    "params": {"name": "explain", "arguments": {"term": "icb", "x": 1}, "y": 2}}),
     (35, None)),
    ("an unknown resource", line({"jsonrpc": "2.0", "id": 36, "method": "resources/read",
                                  "params": {"uri": "ics://nothing"}}), (36, "error")),
    ("a string id", line(call("s-37", "explain", {"term": "icb"})), ("s-37", None)),
    ("the last line, answered as the input ends", line(call(38, "system", {"name": "QNQ"})), (38, None)),
]
BATCH = [{"jsonrpc": "2.0", "id": "b1", "method": "ping"}, {"jsonrpc": "2.0", "method": "notifications/x"},
         {"jsonrpc": "2.0", "id": "b2", "method": "ping"}, 7]
LONG = 1024 * 1024 + 1  # one byte over the cap on a request line


@pytest.fixture(scope="module")
def wire():
    """The server's answers to every case (and a batch, and an over-long line) sent in one stream, then
    the end of input: [answer, ...] in the order written, and the finished process."""
    pytest.importorskip("mcp.server.mcpserver", reason="the mcp extra (MCP SDK 2) is not installed")
    body = b"".join(sent for _what, sent, _owed in CASES)
    long_line = b'{"jsonrpc": "2.0", "id": 40, "method": "ping", "x": "' + b"a" * LONG + b'"}\n'
    stream = (line(INIT) + line(INITIALIZED) + body + line(BATCH) + long_line
              + line({"jsonrpc": "2.0", "id": "after", "method": "ping"}))
    proc = subprocess.run([sys.executable, "-m", "icscli", "mcp"], input=stream, capture_output=True, timeout=120,
                          env=dict(os.environ))
    answers = [json.loads(text) for text in proc.stdout.decode("utf-8").splitlines()]
    return answers, proc


def test_every_request_gets_exactly_one_answer_and_nothing_else_is_answered(wire):
    answers, proc = wire
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr, proc.stderr.decode()[-2000:]
    single = [a for a in answers if isinstance(a, dict)]
    by_id = {}
    for answer in single:
        by_id.setdefault(json.dumps(answer["id"]), []).append(answer)
    owed_ids = [json.dumps(owed[0]) for _what, _sent, owed in CASES if owed and owed[0] is not None]
    owed_ids += [json.dumps("init"), json.dumps("after")]
    for key in owed_ids:
        assert len(by_id.get(key, [])) == 1, (key, by_id.get(key))
    assert set(by_id) == set(owed_ids) | {"null"}, sorted(set(by_id) - set(owed_ids))
    for what, _sent, owed in CASES:
        if owed and owed[0] is not None:
            answer = by_id[json.dumps(owed[0])][0]
            if owed[1] is None:
                assert "result" in answer, (what, answer)
            elif owed[1] == "error":
                assert "error" in answer, (what, answer)
            else:
                assert answer.get("error", {}).get("code") == owed[1], (what, answer)
                assert answer["error"]["message"] and "\n" not in answer["error"]["message"], (what, answer)


def test_what_cannot_be_read_is_answered_with_a_null_id_in_order(wire):
    answers, _proc = wire
    nulls = [a["error"]["code"] for a in answers if isinstance(a, dict) and a["id"] is None]
    owed = [owed[1] for _what, _sent, owed in CASES if owed and owed[0] is None]
    assert nulls == owed + [INVALID]  # the last: the over-long line


def test_a_batch_is_refused_with_one_answer_per_request_in_it(wire):
    answers, _proc = wire
    batches = [a for a in answers if isinstance(a, list)]
    assert len(batches) == 1
    assert [(a["id"], a["error"]["code"]) for a in batches[0]] == [("b1", INVALID), ("b2", INVALID), (None, INVALID)]


def test_an_over_long_line_is_refused_and_the_server_reads_on(wire):
    answers, _proc = wire
    over = [a for a in answers if isinstance(a, dict) and a["id"] is None][-1]
    assert "1048576" in over["error"]["message"].replace(",", "")
    assert answers[-1]["id"] == "after" or any(a.get("id") == "after" for a in answers if isinstance(a, dict))
