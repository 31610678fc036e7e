"""The ICBs, their sub-ICB locations and the CCGs of 2013-2022, as dated records, and the queries on them.

One typed index (`index.py`), one resolver for every code and exact name (`codes.py`), and plain-data
queries for the views, the JSON output and library callers: the ICB tables and cards, former CCGs,
re-coding a column to a date (`mapping.py`) and what changed between two dates (`dated_changes.py`).
Nothing here imports click or rich.

Most names below are imported from their modules on first use, so `ics systems` loads only what the
table needs, not the resolving, card and mapping code.
"""
from ..store.systems_index import build_indexes, index, key

_WHERE = {
    "base": ("version_on", "version_record", "places"),
    "card": ("system_card",),
    "ccgs": ("all_ccgs", "ccg_lookup", "ccg_table", "ccgs_on", "historic_card", "historic_ccg", "resolve_ccg"),
    "codes": (),
    "dated_changes": ("changes",),
    "mapahead": (),
    "mapfile": (),
    "mapping": ("map_code",),
    "mapsinks": (),
    "mapxlsx": (),
    "resolving": ("resolve_system", "suggest"),
    "search": ("completion_items", "search_systems"),
    "tables": ("all_regions", "regions", "systems"),
}
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}
__all__ = [*sorted(_MODULE_OF), "build_indexes", "index", "key"]  # noqa: PLE0604  (all strings: the lazy table's names)


def __getattr__(name):
    """A name of the list above, or a module of this package, imported on first use."""
    if name in _WHERE:
        return __import__(f"{__name__}.{name}", fromlist=["_"])
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(__import__(f"{__name__}.{module}", fromlist=[name]), name)
    globals()[name] = value
    return value
