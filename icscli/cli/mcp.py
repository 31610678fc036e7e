"""`ics mcp`: serve `ics` to AI assistants over the Model Context Protocol (stdio).

The MCP SDK is imported only when the command runs, so it costs other commands nothing; the server's
tools answer through answers/commands.py, as the commands do (server/mcp.py).
"""
import gc

import click

from ..errors import BadValue
from . import run
from .options import data_option


@click.command("mcp")
@data_option
def mcp_command(data_dir):
    """Run a Model Context Protocol server on standard input/output for AI assistants.

    Tools: explain, search, timeline, compare, systems, system, ccg, map, changes, check; resources: the
    glossary, the bibliography, and one ICB, CCG, term or span of changes by template; prompts. Answers
    are brief and typed, with their sources, dates and the next known change; detail="full" gives the
    JSON of the matching command.
    Needs the mcp extra: pip install 'icscli[mcp]'. Register it in the assistant's configuration
    as the command `ics mcp` (see the README).

    \b
    Examples:
      claude mcp add ics -- ics mcp
      npx @modelcontextprotocol/inspector ics mcp
      ics mcp --data ./my-overlay
    """
    try:
        import mcp.server.mcpserver  # noqa: F401  (the optional SDK, loaded only here)
    except ImportError:
        raise BadValue("ics mcp needs the MCP SDK (mcp 2 or later): pip install 'icscli[mcp]'") from None
    from ..server import (
        mcp as mcp_server,  # the server module imports the SDK: only here
    )

    gc.enable()  # a server runs for as long as its client: its cycles must be collected as it goes
    mcp_server.serve(run.knowledge(data_dir))
