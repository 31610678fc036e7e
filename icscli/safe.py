"""Making untrusted text inert in each output: one place for every rule.

Overlay text comes from colleagues, shared drives and downloads; outputs go to terminals, Excel,
wikis and browsers. The loader rejects control characters in text fields; these functions are the
second line, applied by the renderers where the text leaves the program.
"""
# C0 controls other than tab and newline, DEL, C1 controls (ESC sequences, OSC 52 and the like), and
# bidirectional embeddings, overrides and isolates (they reorder what is shown); as a str.translate
# table that deletes them (no regular expression: importing `re` costs every run milliseconds).
_CONTROLS = dict.fromkeys([*range(0x00, 0x09), *range(0x0b, 0x20), *range(0x7f, 0xa0), *range(0x202a, 0x202f),
                           *range(0x2066, 0x206a)])
_SHOWN = r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"  # tab and newline too: errors are one line
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


def neutralise_cell(text):
    """A spreadsheet cell that cannot run as a formula: a leading = + - @ gets a quote mark first."""
    text = strip_controls(text)
    if isinstance(text, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def is_safe_url(url):
    """Only plain web addresses become links."""
    return isinstance(url, str) and url.strip().lower().startswith(_SAFE_SCHEMES) and strip_controls(url) == url
