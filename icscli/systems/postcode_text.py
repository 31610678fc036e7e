"""A postcode as people type it and as the postcode directories key it: any case and spacing in, the
7-character key out (`SW1A1AA`, `B1  1AA`: the outward code padded to four, then the inward code).

The shape only, checked without regular expressions (`ics postcode` answers without loading `re`); it
says nothing of whether a postcode exists.
"""
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")


def is_shaped(compact):
    """True for an upper-case postcode without spaces: [A-Z]{1,2}[0-9][0-9A-Z]? then [0-9][A-Z]{2}."""
    if not 5 <= len(compact) <= 7:
        return False
    outward, inward = compact[:-3], compact[-3:]
    if inward[0] not in _DIGITS or inward[1] not in _LETTERS or inward[2] not in _LETTERS:
        return False
    if outward[0] not in _LETTERS:
        return False
    rest = outward[2:] if outward[1] in _LETTERS else outward[1:]
    if not rest or rest[0] not in _DIGITS or len(rest) > 2:
        return False
    return len(rest) == 1 or rest[1] in _DIGITS or rest[1] in _LETTERS


def normalise(text):
    """The 7-character key of a postcode in any case and spacing, or None when it is not shaped like one."""
    compact = "".join(str(text).split()).upper()
    if not is_shaped(compact):
        return None
    return compact[:-3].ljust(4) + compact[-3:]


def display(key):
    """The 7-character key as people write it: outward code, one space, inward code."""
    return f"{key[:-3].strip()} {key[-3:]}"


def _outward(text):
    return 2 <= len(text) <= 4 and is_shaped(text.upper() + "0AA")


def _inward(text):
    return len(text) == 3 and text[0] in _DIGITS and text[1].upper() in _LETTERS and text[2].upper() in _LETTERS


def join_parts(texts):
    """`ics postcode SW1A 1AA` without quotes gives two words: an outward code followed by an inward
    code is one postcode."""
    out, i = [], 0
    while i < len(texts):
        if i + 1 < len(texts) and _outward(texts[i]) and _inward(texts[i + 1]):
            out.append(f"{texts[i]} {texts[i + 1]}")
            i += 2
        else:
            out.append(texts[i])
            i += 1
    return out
