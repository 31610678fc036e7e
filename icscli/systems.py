"""The ICBs, their sub-ICB locations (former CCGs) and local authorities, as dated versions."""


def build_indexes(tables):
    """Indexes over the systems tables, computed once at compile time and cached with the data."""
    return {}
