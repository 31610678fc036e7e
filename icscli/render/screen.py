"""The pieces of the terminal format that rich does not have as such: styles, web addresses as links,
and text with a hanging indent whose web addresses are never cut.

rich draws everything here (its Text wraps at word boundaries and measures cells, its Style carries
the OSC 8 link, its Console writes the escape codes); this module only says where each part goes.
Only render/terminal.py imports it, and only the terminal format imports that.
"""
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from ..base.changekinds import KINDS
from ..base.safe import strip_controls

STYLES = {
    "title": "bold cyan", "rule": "cyan", "heading": "bold", "label": "bold green", "bullet": "cyan",
    "note": "italic yellow", "detail": "dim", "refs": "dim", "status": "bold magenta", "strong": "bold",
    "link": "underline", "hint": "dim", "header": "bold", "guide": "cyan",
}
# One colour per tone of change (each kind's tone is in base/changekinds.py).
TONES = {"same": "bold white", "changed": "bold yellow", "added": "bold green", "removed": "bold red",
         "in": "bold cyan", "a": "bold blue", "b": "bold magenta"}
SCHEMES = ("https://", "http://")


def change_style(kind):
    return TONES.get(KINDS[kind].tone, "bold") if kind in KINDS else "bold"


def clean(text):
    return strip_controls(str(text))


def styled(text, style=""):
    """A rich Text of data: never read as markup; its web addresses become links."""
    out = Text(end="")
    add(out, text, style)
    return out


def add(out, text, style=""):
    """Append `text` to the rich Text `out` in `style`, each web address in it as a link (OSC 8, which a
    terminal that knows it makes clickable and one that does not ignores)."""
    text = clean(text)
    start = 0
    while True:
        at = min((i for i in (text.find(s, start) for s in SCHEMES) if i != -1), default=-1)
        if at == -1:
            out.append(text[start:], style or None)
            return out
        end = at
        while end < len(text) and not text[end].isspace():
            end += 1
        while end > at and text[end - 1] in ".,;:)]'\u201d":  # the sentence's mark, not the address's
            end -= 1
        out.append(text[start:at], style or None)
        link = Style(link=text[at:end])
        out.append(text[at:end], Style.parse(STYLES["link"] + (" " + style if style else "")) + link)
        start = end


def has_link(text):
    return any(s in text.plain for s in SCHEMES)


class Hang:
    """Text wrapped to the width at word boundaries, with a hanging indent: the `lead` (a bullet, a label)
    at `indent`, the text after it, later lines at `hang`. A word too long for a line is cut, except a web
    address: it keeps a line of its own, longer than the screen if it must be, so that it can be clicked
    and copied whole (print it with crop=False)."""

    def __init__(self, text, indent=0, lead=None, hang=None):
        self.text, self.indent, self.lead = text, indent, lead or Text("")
        self.first = indent + self.lead.cell_len
        self.hang = self.first if hang is None else hang

    def __rich_console__(self, console, options):
        width = options.max_width
        room = max(10, width - self.hang)
        text = self.text
        pad = self.first - self.hang
        first_word = (text.plain.split() or [""])[0]
        alone = pad > 0 and (width - self.first < min(10, room) or len(first_word) > width - self.first)
        text = Text(" " * pad, end="") + text if pad > 0 and not alone else text.copy()
        text.overflow = "ignore" if has_link(text) else "fold"  # see the class's docstring
        lines = _cut_long_words(text.wrap(console, room), room) if text.plain else [Text("")]
        new_line = Segment.line()
        if alone:  # the lead has the first line to itself; the text starts under the column
            yield from self._indent(console, self.indent, self.lead)
            yield new_line
        for number, line in enumerate(lines):
            if number == 0 and not alone:
                if pad > 0:
                    line = line[pad:]
                yield from self._indent(console, self.indent, self.lead)
            elif line.cell_len <= room or not line.plain.startswith(SCHEMES):
                yield Segment(" " * self.hang)
            # else: a web address longer than the line starts at the edge, to wrap as little as it can
            line.rstrip()
            yield from line.render(console)
            yield new_line

    @staticmethod
    def _indent(console, indent, lead):
        if indent:
            yield Segment(" " * indent)
        yield from lead.render(console)


def _cut_long_words(lines, room):
    """Lines of wrapped text (addresses left whole) with any other word longer than a line cut, as rich
    cuts it (overflow 'fold')."""
    out = []
    for line in lines:
        if line.cell_len <= room or line.plain.strip().startswith(SCHEMES):
            out.append(line)
            continue
        copy = line.copy()
        copy.overflow = "fold"
        out.extend(copy.wrap(None, room))
    return out
