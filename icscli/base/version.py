"""The version of `ics`: read by setup.cfg, the package face, the cache keys, the exports and the MCP server."""
__version__ = "0.1.0"
