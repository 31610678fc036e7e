"""Making untrusted text inert in each output: one place for every rule.

Overlay text comes from colleagues, shared drives and downloads; outputs go to terminals, Excel,
wikis and browsers. The loader rejects control characters in text fields; these functions are the
second line, applied by the renderers where the text leaves the program.
"""
# C0 controls other than tab and newline, DEL, C1 controls (ESC sequences, OSC 52 and the like), and
# bidirectional embeddings, overrides and isolates (they reorder what is shown): (first, last) code points.
# The loader refuses them (and lone surrogates) in text; the renderers delete them on the way out.
_CONTROL_RANGES = ((0x00, 0x08), (0x0b, 0x1f), (0x7f, 0x9f), (0x202a, 0x202e), (0x2066, 0x2069))
_SURROGATES = (0xd800, 0xdfff)  # no output encoding can hold a lone one


def _char_class(ranges):
    """A regular-expression character class of code point ranges (the pattern text: `re` is imported
    only by those who use it)."""
    return "[" + "".join(f"\\u{first:04x}-\\u{last:04x}" for first, last in ranges) + "]"


FORBIDDEN_IN_TEXT = _char_class(_CONTROL_RANGES + (_SURROGATES,))  # the loader's rule
# A str.translate table that deletes the controls (no regular expression: importing `re` costs every
# run milliseconds).
_CONTROLS = dict.fromkeys(code for first, last in _CONTROL_RANGES for code in range(first, last + 1))
# What an error message writes as an escape: the controls, tab and newline too (errors are one line)
_SHOWN = _char_class(((0x00, 0x1f),) + _CONTROL_RANGES[2:] + (_SURROGATES,))
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SAFE_SCHEMES = ("http://", "https://")


def strip_controls(text):
    """Text with terminal control characters removed (tab and newline kept)."""
    if not isinstance(text, str) or text.isprintable():  # printable: none of them (the common case)
        return text
    return text.translate(_CONTROLS)


def visible(text):
    """Text with every control character, tab and newline included, and every lone surrogate written
    as an escape ("\\x1b", "\\n"): for error messages, which quote what the user wrote, go straight
    to a terminal, and must stay on one line."""
    if not isinstance(text, str):
        return text
    import re

    return re.sub(_SHOWN, lambda m: m.group().encode("unicode_escape").decode("ascii")
                  if not 0xD800 <= ord(m.group()) <= 0xDFFF else f"\\u{ord(m.group()):04x}", text)


def quoted(text, limit=60):
    """What the user typed, quoted for a message: `visible`, and past `limit` characters only its start
    and end with "..." between (plain ASCII, for any terminal), then its length, so a pasted file or a runaway argument stays one
    readable line: 'xxxxxxxx...xxx' (100,000 characters)."""
    text = str(text)
    if len(text) <= limit:
        return f"'{visible(text)}'"
    end = limit // 4
    return f"'{visible(text[:limit - end])}...{visible(text[-end:])}' ({len(text):,} characters)"


def neutralise_cell(text):
    """A spreadsheet cell that cannot run as a formula: a leading = + - @ gets a quote mark first."""
    text = strip_controls(text)
    if isinstance(text, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def is_safe_url(url):
    """Only plain web addresses become links."""
    return isinstance(url, str) and url.strip().lower().startswith(_SAFE_SCHEMES) and strip_controls(url) == url
