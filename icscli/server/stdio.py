"""`ics mcp`'s standard input and output: the lines between a client and the MCP SDK's server.

In place of the SDK's own stdio transport, which drops what it cannot parse (the client waits for
ever), reads a line of any length, stops answering when the input ends and ends in a traceback when
the output fails. Here:
- a line is at most jsonrpc.MAX_LINE bytes: a longer one is answered as soon as it passes the limit and
  the rest of it is skipped; a blank line is skipped;
- each line is read and checked (server/jsonrpc.py) and validated with the SDK's own model, and what
  the SDK would drop is answered here, so every request gets exactly one answer;
- no further line is read while MAX_IN_FLIGHT answers are owed, so a client that sends and does not
  read cannot make the server hold every answer;
- when the input ends, the answers still owed are written before the server stops;
- the first failed write of the output stops the server: that OSError is raised (entry.py makes it one
  line, exit 2), except a broken pipe (the client has gone: nobody to tell, exit 0); a failed read of
  the input is an IcsError (exit 2).
"""
import errno
import json
import sys
from collections import Counter

from ..errors import IcsError
from . import jsonrpc

DRAIN_SECONDS = 60  # the longest wait at the end of input for answers in flight (a question takes < 1 s)
MAX_IN_FLIGHT = 16  # requests read and not yet answered: past this, the next line waits (memory stays bounded)
_TOO_LONG = object()


class Wire:
    """One client's connection: `source` (binary, readline) in, `sink` (binary, write and flush) out,
    `log` (text) for one-line notes about what was ignored."""

    def __init__(self, source, sink, log=None):
        self.source, self.sink, self.log = source, sink, log
        self.owed = Counter()  # requests handed to the SDK and not answered yet, by their id's JSON
        self.in_flight = 0  # their number
        self.failed = None  # the OSError that stopped the output
        self.unreadable = None  # the OSError that stopped the input
        self.skipping = False  # the rest of an over-long line is being skipped
        self.scope = self.lock = None

    def read(self):
        """The next line without its line ending (blocking: run in a worker thread); None at the end of
        the input; _TOO_LONG for a line past the limit (once, as soon as the limit is passed)."""
        limit = jsonrpc.MAX_LINE + 2  # the line, "\r\n", and nothing more
        while True:
            try:
                data = self.source.readline(limit)
            except OSError as exc:
                self.unreadable = exc
                return None
            if not data:
                return None
            if self.skipping:
                self.skipping = not data.endswith(b"\n")
                continue
            if not data.endswith(b"\n"):
                if len(data) == limit:
                    self.skipping = True
                    return _TOO_LONG
                return data if len(data) <= jsonrpc.MAX_LINE else _TOO_LONG  # the last line, no newline
            data = data[:-2] if data.endswith(b"\r\n") else data[:-1]
            return data if len(data) <= jsonrpc.MAX_LINE else _TOO_LONG

    async def messages(self):
        """The SDK's input: each message it can take, as JSON text; the rest answered or noted here."""
        import anyio
        from mcp_types import jsonrpc_message_adapter
        from pydantic import ValidationError

        while True:
            while self.in_flight >= MAX_IN_FLIGHT and not self.failed:
                await anyio.sleep(0.002)
            data = await anyio.to_thread.run_sync(self.read, abandon_on_cancel=True)
            if data is None:
                break
            if data is _TOO_LONG:
                await self.send(jsonrpc.too_long())
                continue
            if not data.strip():
                continue
            message, why = jsonrpc.parse(data)
            verdict = jsonrpc.check(message) if why is None else jsonrpc.Verdict(answer=jsonrpc.unreadable(why))
            if verdict.forward is not None:
                try:
                    jsonrpc_message_adapter.validate_python(verdict.forward, by_name=False)
                except ValidationError:
                    verdict = jsonrpc.refused(verdict.forward)
            if verdict.answer is not None:
                await self.send(verdict.answer)
            elif verdict.ignored:
                self.note(f"ignored {verdict.ignored}")
            else:
                self._count(verdict.forward)
                yield json.dumps(verdict.forward, ensure_ascii=False)
        with anyio.move_on_after(DRAIN_SECONDS):
            while self.in_flight and not self.failed:
                await anyio.sleep(0.005)

    def _count(self, message):
        """Keep count of the answers owed: a request owes one; a cancelled request no longer does."""
        if "id" in message and "method" in message:
            self.owed[json.dumps(message["id"])] += 1
            self.in_flight += 1
        elif message.get("method") == "notifications/cancelled":
            params = message.get("params") or {}
            self._paid(json.dumps(params.get("requestId")))

    def _paid(self, key):
        if self.owed.get(key):
            self.owed[key] -= 1
            self.in_flight -= 1
            if not self.owed[key]:
                del self.owed[key]

    async def write(self, text):
        """The SDK's output: one message as JSON text and a newline (the SDK's stdio contract)."""
        await self.send(text)

    async def flush(self):
        """Each message is flushed as it is written (`send`)."""

    async def send(self, message):
        """Write one message (JSON text, or an object to write as JSON) and flush it; the first failure
        stops the server."""
        import anyio

        text = message if isinstance(message, str) else json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n"
        if self.failed:
            return
        async with self.lock:
            await anyio.to_thread.run_sync(self._write, text.encode("utf-8"), abandon_on_cancel=True)
        if self.failed:
            self.scope.cancel()
        elif isinstance(message, str):
            ident = _answered(text)
            if ident is not _NOT_AN_ANSWER:
                self._paid(json.dumps(ident))

    def _write(self, data):
        try:
            self.sink.write(data)
            self.sink.flush()
        except OSError as exc:
            self.failed = exc

    def note(self, words):
        if self.log is not None:
            try:
                self.log.write(f"ics mcp: {words}\n")
                self.log.flush()
            except (OSError, ValueError):  # a closed standard error swallows notes
                pass


_NOT_AN_ANSWER = object()
_ANSWER_HEAD = '{"jsonrpc":"2.0","id":'  # how the SDK writes an answer: its id read from here, not the whole


def _answered(text):
    """The id of the request the SDK's message answers, or _NOT_AN_ANSWER (a request or notification of
    the server's own)."""
    if text.startswith(_ANSWER_HEAD):
        ident, end = json.JSONDecoder().raw_decode(text, len(_ANSWER_HEAD))
        if text.startswith((',"result":', ',"error":'), end):
            return ident
    message = json.loads(text)  # written some other way: read it whole
    if isinstance(message, dict) and "method" not in message and ("result" in message or "error" in message):
        return message.get("id")
    return _NOT_AN_ANSWER


async def serve(server, source, sink, log=None):
    """Serve one client on `source` and `sink` with the MCP SDK's `server` until the input ends."""
    import anyio
    from mcp.server.stdio import stdio_server

    wire = Wire(source, sink, log)
    wire.lock = anyio.Lock()
    lowlevel = server._lowlevel_server  # MCPServer serves its own streams only on the SDK's stdio
    with anyio.CancelScope() as wire.scope:
        async with stdio_server(stdin=wire.messages(), stdout=wire) as (read, write):
            await lowlevel.run(read, write, lowlevel.create_initialization_options())
    if wire.failed is not None and wire.failed.errno != errno.EPIPE:  # EPIPE: the client has gone
        raise wire.failed
    if wire.unreadable is not None:
        raise IcsError(f"cannot read the requests: {wire.unreadable.strerror or wire.unreadable}")


def serve_stdio(server):
    """Serve the client on standard input and output. Python's own standard output is standard error
    meanwhile: a stray print must not land in the protocol."""
    import anyio

    if getattr(sys.stdin, "buffer", None) is None:
        raise IcsError("standard input is closed: ics mcp reads its requests there")
    out = sys.stdout
    sys.stdout = sys.stderr
    try:
        anyio.run(serve, server, sys.stdin.buffer, out.buffer, sys.stderr)
    finally:
        sys.stdout = out
