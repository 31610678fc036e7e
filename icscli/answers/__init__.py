"""Each question `ics` answers, as a document (`questions.py`), and the one table of commands that the
command line, its fast path and the MCP server derive from (`commands.py`)."""
from .questions import (  # noqa: F401  (the answers' face)
    ccg,
    ccg_names,
    changes,
    compare,
    date_the_data,
    explain,
    glossary,
    map_codes,
    search,
    sources,
    system,
    systems_list,
    timeline,
    tree,
)
