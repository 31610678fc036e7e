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
from collections import Counter

import pytest
from hostile import one_error_line
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fuzz import FUZZ, SCALE

PARSE, INVALID, NO_METHOD, PARAMS = -32700, -32600, -32601, -32602
INIT = {"jsonrpc": "2.0", "id": "init", "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def line(message):
    return (message if isinstance(message, str) else json.dumps(message)).encode("utf-8") + b"\n"


def messages(output):
    """The messages the server wrote: one a line, split at b"\\n" only (str.splitlines would also split
    inside a JSON string at U+2028, U+0085 and the like, which JSON leaves unescaped)."""
    assert output.endswith(b"\n") or not output, output[-200:]
    return [json.loads(text) for text in output.decode("utf-8").split("\n")[:-1]]


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
    ("a response to nothing", line({"jsonrpc": "2.0", "id": "q1", "result": {}}), None),
    ("a malformed response", line({"jsonrpc": "2.0", "id": "q2", "error": {"code": "x"}}), None),
    ("a response without jsonrpc", line({"id": "q3", "result": {}}), None),
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
    ("a member of its own holding NaN", b'{"jsonrpc": "2.0", "id": 41, "method": "ping", "x": NaN}\n', (41, None)),
    ("a member of its own past the digit limit",
     line('{"jsonrpc": "2.0", "id": 42, "method": "ping", "x": ' + "9" * 5000 + "}"), (42, None)),
    ("the last line, answered as the input ends", line(call(38, "system", {"name": "QNQ"})), (38, None)),
]
BATCH = [{"jsonrpc": "2.0", "id": "b1", "method": "ping"}, {"jsonrpc": "2.0", "method": "notifications/x"},
         {"jsonrpc": "2.0", "id": "b2", "method": "ping"}, 7]
LONG = 1024 * 1024 + 1  # one byte over the cap on a request line


@pytest.fixture(scope="module")
def wire():
    """The server's answers to every case (and a batch, and an over-long line) sent in one stream, then
    the end of input (the client closes its end at once, the last line without its newline: every answer
    owed must still come): [answer, ...] in the order written, and the finished process."""
    pytest.importorskip("mcp.server.mcpserver", reason="the mcp extra (MCP SDK 2) is not installed")
    body = b"".join(sent for _what, sent, _owed in CASES)
    long_line = b'{"jsonrpc": "2.0", "id": 40, "method": "ping", "x": "' + b"a" * LONG + b'"}\n'
    stream = (line(INIT) + line(INITIALIZED) + body + line(BATCH) + long_line
              + line({"jsonrpc": "2.0", "id": "after", "method": "ping"})[:-1])  # the last line without its newline
    proc = subprocess.run([sys.executable, "-m", "icscli", "mcp"], input=stream, capture_output=True, timeout=120,
                          env=dict(os.environ))
    answers = messages(proc.stdout)
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


def test_what_is_dropped_unanswered_is_noted_on_standard_error(wire):
    _answers, proc = wire
    notes = proc.stderr.decode().splitlines()
    assert notes == [("ics mcp: ignored a notification (notifications/x) with invalid params: MCP's params are "
                      "an object, not an array"), "ics mcp: ignored a message MCP cannot read",
                     "ics mcp: ignored a malformed response"], notes


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


def mcp_process(stream, **kwargs):
    """`ics mcp` given `stream` on standard input (a closed one when None), its output to kwargs'
    stdout (a pipe unless given)."""
    pytest.importorskip("mcp.server.mcpserver", reason="the mcp extra (MCP SDK 2) is not installed")
    kwargs.setdefault("stdout", subprocess.PIPE)
    if stream is None:
        kwargs["preexec_fn"] = lambda: os.close(0)
    return subprocess.run([sys.executable, "-m", "icscli", "mcp"], input=stream, stderr=subprocess.PIPE,
                          timeout=60, env=dict(os.environ), **kwargs)


SESSION = line(INIT) + line(INITIALIZED) + b"".join(line(call(n, "explain", {"term": "icb"})) for n in range(3))


def test_a_closed_standard_input_is_one_line_exit_2():
    proc = mcp_process(None)
    assert proc.returncode == 2
    assert "standard input is closed" in one_error_line(proc.stderr)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="/dev/full does not exist on this machine")
def test_a_full_standard_output_is_one_line_exit_2():
    with open("/dev/full", "wb") as full:
        proc = mcp_process(SESSION, stdout=full)
    assert proc.returncode == 2
    assert one_error_line(proc.stderr) == "ics: error: cannot write the output: No space left on device"


def test_a_closed_standard_output_is_one_line_exit_2():
    proc = mcp_process(SESSION, stdout=None, preexec_fn=lambda: os.close(1))
    assert proc.returncode == 2
    assert "standard output is closed" in one_error_line(proc.stderr)


def test_a_client_gone_before_the_answers_is_exit_0_without_a_word():
    """The client closes its reading end (a broken pipe): nobody is left to tell."""
    read, write = os.pipe()
    os.close(read)
    try:
        proc = mcp_process(SESSION, stdout=write)
    finally:
        os.close(write)
    assert (proc.returncode, proc.stderr) == (0, b"")


# --------------------------------------------------------------------------- generated JSON-RPC lines, in-process
# Each example is one client session on the real server (in this process, on byte streams): lines of every
# kind, valid and broken, each with its own id. What must hold: every request with an id gets exactly one
# answer, nothing is answered with an id nobody sent, every line written is a JSON-RPC answer, and the
# server is still up at the end (a last ping is answered).

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=6)
TOOLS = ["explain", "search", "timeline", "compare", "systems", "system", "ccg", "map", "changes"]
ARGUMENT = st.sampled_from(["term", "text", "limit", "as_of", "from_date", "to_date", "tags", "entity", "a",
                            "b", "region", "name", "codes"])
ARGUMENT_VALUE = st.one_of(st.sampled_from(["icb", "ccg", "02Q", "QNQ", "2022-07", "2019", "London", "zz", ""]),
                           st.sampled_from([5, -1, 0, 10 ** 6]), st.lists(st.sampled_from(["02Q", "legislation", "x"]),
                                                                          max_size=3), JSON_VALUES)
METHODS = st.one_of(st.sampled_from(["ping", "tools/list", "resources/list", "resources/templates/list",
                                     "prompts/list", "tools/call", "resources/read", "initialize",
                                     "completion/complete", "logging/setLevel", "no/such", "notifications/cancelled",
                                     "notifications/initialized"]), st.text(max_size=10))


def params_for(draw, method):
    if method == "tools/call" and draw(st.booleans()):
        arguments = draw(st.dictionaries(ARGUMENT, ARGUMENT_VALUE, max_size=3))
        return {"name": draw(st.one_of(st.sampled_from(TOOLS), st.text(max_size=6))), "arguments": arguments}
    if method == "resources/read" and draw(st.booleans()):
        return {"uri": draw(st.sampled_from(["ics://nothing", "ics:", "", "file:///etc/passwd", "::"]))}
    return draw(st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=3))


# what Python's json reads but JSON cannot carry, as the text of one member of params
INSIDE = {"surrogate": st.sampled_from(['"\\udc80x": 1', '"x": "a\\ud800"']), "huge integer": '"n": ' + "7" * 4400,
          "NaN": st.sampled_from(['"n": NaN', '"n": -Infinity', '"n": 1e999']),
          "deep": st.sampled_from([70, 400, 5000]).map(lambda depth: '"n": ' + "[" * depth + "]" * depth)}
BREAKS = ["cut", "bytes", "batch", "scalar", "blank", "bom", *INSIDE]


@st.composite
def client_lines(draw, number):
    """(the line's bytes, the id it is owed an answer for or None, the ids it carries): one generated line."""
    ident = draw(st.sampled_from([number, f"r{number}", -number]))
    message = {"jsonrpc": draw(st.sampled_from(["2.0", "2.0", "2.0", "1.0", None, 2])),
               "method": draw(METHODS)}
    message["params"] = params_for(draw, message["method"])
    has_id = draw(st.integers(0, 9)) > 1
    if has_id:
        message["id"] = ident
    for key in draw(st.lists(st.sampled_from(["jsonrpc", "method", "params"]), max_size=1)):
        if draw(st.booleans()):
            del message[key]
        else:
            message[key] = draw(JSON_VALUES)
    if message.get("jsonrpc") is None:
        message.pop("jsonrpc", None)
    owed = ident if has_id and "method" in message else None
    shape = draw(st.sampled_from(["as is"] * 6 + BREAKS))
    inside = INSIDE.get(shape)
    if inside is not None:  # what json.dumps cannot write, put in the text: in params, or a member of its own
        into = message["params"] if isinstance(message.get("params"), dict) and draw(st.booleans()) else message
        into["\x00here"] = 1
    text = json.dumps(message)
    if inside is not None:
        member = inside if isinstance(inside, str) else draw(inside)
        text = text.replace('"\\u0000here": 1', member)
        if "[" * 5000 in member:  # past what Python's json can read: the id cannot be read either
            owed = None
    if shape == "cut":
        text, owed = text[:draw(st.integers(0, len(text) - 1))], None
    elif shape == "bytes":
        data = bytearray(text.encode())
        for _ in range(draw(st.integers(1, 3))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data).replace(b"\n", b" ") + b"\n", None, {ident}
    elif shape == "batch":
        text = f"[{text}]"  # refused, but each request in it answered (in an array)
    elif shape == "scalar":
        text, owed = json.dumps(draw(JSON_VALUES.filter(lambda v: not isinstance(v, (dict, list))))), None
    elif shape == "blank":
        text, owed = draw(st.sampled_from(["", " ", "\t", "\r"])), None
    elif shape == "bom":
        text, owed = "\ufeff" + text, None
    return text.encode("utf-8", "surrogatepass") + b"\n", owed, {ident}


@st.composite
def sessions(draw):
    count = draw(st.integers(1, 20))
    lines = [draw(client_lines(number)) for number in range(1, count + 1)]
    return draw(st.booleans()), lines


@pytest.fixture(scope="module")
def server(kb):
    """The real server's tools and resources on the real data, built once (the SDK takes a second)."""
    pytest.importorskip("mcp.server.mcpserver", reason="the mcp extra (MCP SDK 2) is not installed")
    from icscli.server import mcp as mcp_server

    return mcp_server.build(kb)


@pytest.fixture(scope="module")
def in_process(server):
    """Serve one client session on byte streams in this process: lines in, ([answer, ...], notes) out."""
    import io

    import anyio

    from icscli.server import stdio

    def session(data):
        out, log = io.BytesIO(), io.StringIO()
        anyio.run(stdio.serve, server, io.BytesIO(data), out, log)
        return messages(out.getvalue()), log.getvalue()

    return session


@settings(max_examples=100 * SCALE, **FUZZ)  # sessions of 1 to 20 lines: about 1,000 lines, 10,000 in CI
@given(session=sessions())
def test_every_generated_request_gets_exactly_one_answer(in_process, session):
    initialise, lines = session
    start = line(INIT) + line(INITIALIZED) if initialise else b""
    answers, log = in_process(start + b"".join(sent for sent, _owed, _ids in lines)
                              + line({"jsonrpc": "2.0", "id": "end", "method": "ping"}))
    single = [a for a in answers if isinstance(a, dict)] + [a for batch in answers if isinstance(batch, list)
                                                            for a in batch]
    for answer in single:
        assert answer["jsonrpc"] == "2.0" and ("result" in answer) != ("error" in answer), answer
        assert "error" not in answer or isinstance(answer["error"]["code"], int), answer
    counts = Counter(json.dumps(a["id"]) for a in single if a["id"] is not None)
    sent = {json.dumps(i) for _sent, _owed, ids in lines for i in ids} | {'"init"', '"end"'}
    assert set(counts) <= sent, set(counts) - sent
    assert max(counts.values()) == 1, counts.most_common(3)
    for _sent, owed, _ids in lines:
        assert owed is None or counts[json.dumps(owed)] == 1, (owed, answers)
    assert counts['"end"'] == 1  # still up
    assert "Traceback" not in log


def test_a_client_that_does_not_read_its_answers_is_not_read_ahead_of():
    """A client that sends many requests and reads no answer: once the output pipe is full the server
    stops reading (at most stdio.MAX_IN_FLIGHT answers owed), instead of answering every request it has
    read and holding all the answers it cannot write (300 MB in 15 s for 2,000 questions); when the client
    reads again, every request is answered."""
    import fcntl
    import time

    pytest.importorskip("mcp.server.mcpserver", reason="the mcp extra (MCP SDK 2) is not installed")
    pad = "x" * 4000  # each request some 4 KB, so that what the server has read shows in what it took
    requests = line(INIT) + b"".join(line({"jsonrpc": "2.0", "id": n, "method": "tools/list",
                                           "params": {"_meta": {"pad": pad}}}) for n in range(200))
    proc = subprocess.Popen([sys.executable, "-m", "icscli", "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=dict(os.environ))
    try:
        fcntl.fcntl(proc.stdin.fileno(), fcntl.F_SETFL, fcntl.fcntl(proc.stdin.fileno(), fcntl.F_GETFL) | os.O_NONBLOCK)
        taken, last_progress = 0, time.monotonic()
        while taken < len(requests) and time.monotonic() - last_progress < 1:
            try:
                taken += os.write(proc.stdin.fileno(), requests[taken:taken + 65536])
                last_progress = time.monotonic()
            except BlockingIOError:
                time.sleep(0.02)
        assert taken < len(requests) // 2, f"the server read {taken:,} of {len(requests):,} bytes without writing"
        fcntl.fcntl(proc.stdin.fileno(), fcntl.F_SETFL, fcntl.fcntl(proc.stdin.fileno(), fcntl.F_GETFL) & ~os.O_NONBLOCK)
        out, err = proc.communicate(requests[taken:], timeout=120)
    finally:
        proc.kill()
    ids = sorted(answer["id"] for answer in messages(out) if answer["id"] != "init")
    assert ids == list(range(200)) and b"Traceback" not in err, (proc.returncode, taken, err.decode()[-1500:])


def test_an_input_that_fails_mid_session_is_an_error_after_the_answers_owed(server):
    """A read of standard input that fails (an I/O error) ends the session like the end of input, then
    says so: an IcsError, which the command line shows as one line with exit 2."""
    import errno
    import io

    import anyio

    from icscli.errors import IcsError
    from icscli.server import stdio

    class Failing(io.BytesIO):
        def readline(self, limit=-1):
            data = super().readline(limit)
            if not data:
                raise OSError(errno.EIO, "Input/output error")
            return data

    out = io.BytesIO()
    with pytest.raises(IcsError, match="^cannot read the requests: Input/output error$"):
        anyio.run(stdio.serve, server, Failing(SESSION), out)
    assert sorted(str(answer["id"]) for answer in messages(out.getvalue())) == ["0", "1", "2", "init"]


def test_a_client_that_sends_and_closes_gets_every_answer(in_process):
    """The client writes its questions and closes its end at once (the last without its newline): each
    answer still comes, though the input ended while they were being worked out."""
    answers, _log = in_process((line(INIT) + line(INITIALIZED) + b"".join(
        line(call(n, "explain", {"term": "icb"})) for n in range(8)))[:-1])
    assert sorted(str(answer["id"]) for answer in answers) == [*map(str, range(8)), "init"]
