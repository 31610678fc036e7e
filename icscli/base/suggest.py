"""The one "did you mean": the closest known words to a word someone typed.

Every suggestion `ics` makes (a command, a term, a code, a CCG name, a source id, a reference in a data
file) goes through `suggest`, so they all judge closeness the same way; callers choose what to compare
(normalised keys, ids) and how many to offer.
"""


def suggest(word, choices, limit=1, cutoff=0.6):
    """The closest of `choices` to `word`, best first, at most `limit` of them (none under `cutoff`)."""
    from difflib import get_close_matches

    return get_close_matches(word, list(choices), n=limit, cutoff=cutoff)
