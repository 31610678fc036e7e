"""The one resolver for codes and exact names of every kind and vintage.

CCG ODS codes 2013-2021, CCG and sub-ICB location ONS codes (E38) of every vintage, sub-ICB location ODS
codes, ICB ODS (Q..) and ONS (E54) codes of every version, April 2021 STP/ICS codes, local authorities,
and exact names of all of these: matched after trimming spaces and ignoring case (names also ignore
'NHS', 'CCG', 'ICB' and punctuation, as `key()` does). `map`, `ccg`, `system` and `explain` all use it.
"""
from ..store.systems_index import index, key

KINDS = ("ccg", "loc", "icb", "stp", "la")


def lookup(kb, text):
    """[(kind, id)] for a code or an exact name; kinds: ccg, loc (sub-ICB location), icb, stp, la."""
    codes = index(kb).codes
    raw = str(text).strip().lower()
    hits = codes.get(raw)
    if hits is None:
        k = key(text)
        hits = codes.get(k) if k else None
    return [(kind, ident) for kind, ident in hits or []]


def is_code_like(text):
    """True for a single token with a digit (02Q, E38000008, QYG is not): used to split `ics ccg A B`."""
    text = str(text).strip()
    return bool(text) and " " not in text and any(ch.isdigit() for ch in text)
