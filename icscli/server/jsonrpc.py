"""JSON-RPC 2.0 for `ics mcp`: every line a client sends, read and checked before the MCP SDK sees it.

The SDK drops a line it cannot parse or validate without a word, and a client waits for ever for the
answer. Here a line is answered at once when it is not a message the SDK can take, as JSON-RPC 2.0
says: -32700 (parse error) for what is not JSON (not UTF-8, cut short, nested past what Python can
read), -32600 (invalid request) for JSON that is not a request (a batch, which MCP does not take; no
`"jsonrpc": "2.0"`; an id that is not a string or an integer; a method that is not a string; `params`
that is not an object), -32602 (invalid params) for parameters no method can take (an array, a value
Python's json reads but JSON cannot carry: NaN, an integer past Python's digit limit, a number past a
float's range, a lone surrogate, nesting deeper than MAX_DEPTH). The answer carries the request's id
when it could be read, else `null`. A notification (no id) is never answered, but a line that is not
even a notification is, with `id: null`. A blank line is no message and is skipped.

No SDK here: `check` is plain Python, so every rule is tested without a server (tests/test_mcp_wire.py).
"""
import json
import sys

from ..base.safe import visible

PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS = -32700, -32600, -32602
MAX_LINE = 1024 * 1024  # bytes in one message, its newline not counted (as `ics map`'s longest line)
MAX_DEPTH = 64  # objects and arrays inside one another; MCP's own messages need a handful
_MEMBERS = ("jsonrpc", "id", "method", "params", "result", "error")  # what JSON-RPC 2.0 defines


class _NotJSON:
    """A value Python's json reads that JSON cannot carry, kept so the message's id can still be read."""

    __slots__ = ("why",)

    def __init__(self, why):
        self.why = why


def _integer(text):
    limit = getattr(sys, "get_int_max_str_digits", lambda: 0)()  # 0: no limit (before Python 3.10.7)
    digits = len(text) - text.startswith("-")
    if limit and digits > limit:
        return _NotJSON(f"an integer of {digits:,} digits (Python reads at most {limit:,})")
    return int(text)


def _number(text):
    value = float(text)
    if value in (float("inf"), float("-inf")):
        return _NotJSON(f"a number past a float's range ({text[:20]}{'...' if len(text) > 20 else ''})")
    return value


def _constant(text):
    return _NotJSON(f"{text}, which is not a JSON number")


def parse(data):
    """The message in one line of bytes: (value, None), or (None, why it is not JSON)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
    try:
        return json.loads(text, parse_int=_integer, parse_float=_number, parse_constant=_constant), None
    except RecursionError:
        return None, "not JSON that can be read: nested too deeply"
    except ValueError as exc:  # json.JSONDecodeError among them
        return None, f"not JSON: {str(exc)[:200]}"


def _flaw(value, where):
    """Where `value` holds something JSON cannot carry or nests past MAX_DEPTH, and what: (where, why)."""
    stack = [(value, where, 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, _NotJSON):
            return path, item.why
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                return path, f"a lone surrogate (\\u{ord(item[exc.start]):04x}), which is not text"
        elif isinstance(item, (dict, list)):
            if depth >= MAX_DEPTH:
                return path, f"nested more than {MAX_DEPTH} deep"
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, inner in pairs:
                if isinstance(key, str):
                    flaw = _flaw(key, path)
                    if flaw:
                        return path, "a key with " + flaw[1]
                stack.append((inner, f"{path}.{_shown(key)}" if isinstance(key, str) else f"{path}[{key}]", depth + 1))
    return None


class Verdict:
    """What to do with one message: hand it on to the SDK, answer it with an error, or drop it."""

    __slots__ = ("answer", "forward", "ignored")

    def __init__(self, forward=None, answer=None, ignored=None):
        self.forward, self.answer, self.ignored = forward, answer, ignored


def _shown(key):
    """A key as an error message names it: one line, at most 40 characters."""
    return visible(key if len(key) <= 40 else key[:40] + "...")


def _error(ident, code, message):
    return {"jsonrpc": "2.0", "id": ident, "error": {"code": code, "message": message}}


def _usable_id(message):
    """The message's id when a reply can carry it back: a string or an integer (not true or false)."""
    ident = message.get("id") if isinstance(message, dict) else None
    if isinstance(ident, str) and not _flaw(ident, "id") or isinstance(ident, int) and not isinstance(ident, bool):
        return ident
    return None


def is_response(message):
    """A client's answer to a request of the server's: never itself answered."""
    return isinstance(message, dict) and "method" not in message and ("result" in message or "error" in message)


def check(message):
    """What to do with one parsed message: a Verdict with one of `forward` (the message, for the SDK),
    `answer` (the error to send back) and `ignored` (why a message owed no answer is dropped) set."""
    if isinstance(message, list):
        answers = _batch(message)
        return Verdict(answer=answers) if answers else Verdict(ignored="a batch of notifications")
    if not isinstance(message, dict):
        return Verdict(answer=_error(None, INVALID_REQUEST, "invalid request: a message is a JSON object"))
    message = {key: message[key] for key in _MEMBERS if key in message}  # nothing reads any other member
    ident = _usable_id(message)
    if is_response(message):  # never answered, even when malformed: the client is not waiting
        fine = message.get("jsonrpc") == "2.0" and ident is not None and not _flaw(message, "message")
        return Verdict(forward=message) if fine else Verdict(ignored="a malformed response")
    if message.get("jsonrpc") != "2.0":
        return Verdict(answer=_error(ident, INVALID_REQUEST, 'invalid request: "jsonrpc" must be "2.0"'))
    if "id" in message and ident is None:
        return Verdict(answer=_error(None, INVALID_REQUEST, "invalid request: an id is a string or an integer"))
    method = message.get("method")
    if not isinstance(method, str) or _flaw(method, "method"):
        return Verdict(answer=_error(ident, INVALID_REQUEST, "invalid request: the method is a string"))
    problem = _params_problem(message)
    if not problem:
        return Verdict(forward=message)
    code, words = problem
    if "id" in message or code == INVALID_REQUEST:
        return Verdict(answer=_error(ident, code, words))
    return Verdict(ignored=f"a notification ({method[:80]}) with {words}")


def _params_problem(message):
    if "params" not in message:
        return None
    params = message["params"]
    if isinstance(params, list):
        return INVALID_PARAMS, "invalid params: MCP's params are an object, not an array"
    if not isinstance(params, dict):
        return INVALID_REQUEST, "invalid request: params, when given, are an object"
    flaw = _flaw(params, "params")
    if flaw:
        return INVALID_PARAMS, f"invalid params: {flaw[0]}: {flaw[1]}"
    return None


def _batch(messages):
    """A batch, which MCP does not take: one error per request in it (JSON-RPC's answer to a batch is an
    array); none for an array of notifications; one error for an empty array."""
    if not messages:
        return _error(None, INVALID_REQUEST, "invalid request: an empty batch")
    words = "invalid request: MCP takes no batches; send one message a line"
    answers = [_error(_usable_id(m), INVALID_REQUEST, words) for m in messages
               if not (isinstance(m, dict) and "id" not in m and "method" in m) and not is_response(m)]
    return answers or None


def refused(message):
    """What to do with a message that passed `check` but not the SDK's own model: answer a request, drop
    anything else (a response, say, with an error code that is not a number)."""
    if "id" in message and "method" in message:
        return Verdict(answer=_error(message["id"], INVALID_REQUEST, "invalid request: not a message MCP can read"))
    return Verdict(ignored="a message MCP cannot read")


def too_long():
    """The answer to a line longer than MAX_LINE (its id cannot be read without reading all of it)."""
    return _error(None, INVALID_REQUEST, f"invalid request: longer than {MAX_LINE:,} bytes")


def unreadable(why):
    """The answer to a line that is not JSON."""
    return _error(None, PARSE_ERROR, f"parse error: {why}")
