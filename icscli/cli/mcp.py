"""`ics mcp`: serve `ics` to AI assistants over the Model Context Protocol (stdio).

`register(group, knowledge)` adds the command; cli.py calls it. The MCP SDK is imported only when the
command runs, so it costs other commands nothing.
"""
import click

from ..errors import BadValue


def register(group, knowledge):
    @group.command("mcp")
    @click.option("--data", "data_dir", metavar="DIR", envvar="ICS_DATA",
                  help="Directory of extra YAML files that add to or override the bundled data.")
    def mcp_command(data_dir):
        """Run a Model Context Protocol server on standard input/output for AI assistants.

        Tools: explain, search, timeline, compare, systems, system, ccg, map, changes; resources: the glossary and the
        bibliography. Every answer is the JSON of the matching command with its sources and dates.
        Needs the mcp extra: pip install 'icscli[mcp]'. Register it in the assistant's configuration
        as the command `ics mcp` (see the README).

        \b
        Examples:
          claude mcp add ics -- ics mcp
          npx @modelcontextprotocol/inspector ics mcp
          ics mcp --data ./my-overlay
        """
        try:
            import mcp.server.mcpserver  # noqa: F401
        except ImportError:
            raise BadValue("ics mcp needs the MCP SDK (mcp 2 or later): pip install 'icscli[mcp]'") from None
        import gc

        from ..server import mcp as mcp_server

        gc.enable()  # a server runs for as long as its client: its cycles must be collected as it goes
        mcp_server.serve(knowledge(data_dir))

    return group
