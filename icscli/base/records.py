"""Records as users see them.

The loader keeps its bookkeeping in a record under keys that start with "_" (`_loc`, where the record
was read; `_name` for a `private:` field of the schema). Every output shows a record through `public`.
"""


def public(record):
    """A shallow copy of a record without its private keys (those that start with "_")."""
    return {k: v for k, v in record.items() if not k.startswith("_")}
