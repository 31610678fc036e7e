"""The ICBs, their sub-ICB locations and the CCGs of 2013-2022, as dated records, and the queries on them.

One typed index (`index.py`), one resolver for every code and exact name (`codes.py`), and plain-data
queries for the views, the JSON output and library callers: the ICB tables and cards, former CCGs,
re-coding a column to a date (`mapping.py`) and what changed between two dates (`changes.py`).
Nothing here imports click or rich.
"""
from .base import version_on, version_record, places  # noqa: F401
from .card import system_card  # noqa: F401
from .ccgs import all_ccgs, ccg_lookup, ccg_table, historic_card, historic_ccg, resolve_ccg  # noqa: F401
from .changes import changes  # noqa: F401
from .mapping import map_code  # noqa: F401
from .index import build_indexes, index, key  # noqa: F401
from .resolving import resolve_system, suggest  # noqa: F401
from .search import completion_items, completion_words, search_systems  # noqa: F401
from .tables import all_regions, regions, systems  # noqa: F401
