"""The `ics` command line. app.py: the group and its COMMANDS table; one module a family of commands
(reference.py, systems.py, map.py, export.py, tools.py, mcp.py); options.py, types.py: what they share
to read the command line; run.py, output.py, terminal.py, errors.py: what they share to answer and print;
fast.py and spec.py: the click-free path for the common answers; complete.py: shell completion.

Importing this package imports nothing (the fast path, fast.py, must not load click)."""
