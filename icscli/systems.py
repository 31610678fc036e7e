"""The ICBs, their sub-ICB locations (former CCGs) and local authorities, as dated versions."""


def build_indexes(tables):
    """Indexes over the systems tables, computed once at compile time and cached with the data."""
    return {}


def completion_words(kb, prefix):
    """Codes and names of systems and CCGs that start with a prefix, for shell completion."""
    return []
