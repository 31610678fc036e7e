"""Styled output for a terminal (the `rich` format): bold headings, coloured bullets, labels and diff
signs, dimmed details and citations, wrapped at word boundaries to the terminal's width.

It writes ANSI colour codes itself on top of the shared text layout: laying out with the rich library
cost more start-up time than the whole rest of a command (its table cell wrapping above all), and the
layout is the same one the plain format uses, so both read alike.
"""
from ..views.doc import walk
from .text import TextLayout

RESET = "\x1b[0m"
STYLES = {
    "title": "1;36", "rule": "36", "heading": "1", "label": "1;32", "bullet": "36", "note": "3;33",
    "detail": "2", "refs": "2", "status": "1;35", "strong": "1",
    # diff signs: one colour per tone of change (each kind's tone is in base/changekinds.py)
    "diff:same": "1;37", "diff:changed": "1;33", "diff:added": "1;32", "diff:removed": "1;31", "diff:in": "1;36",
    "diff:a": "1;34", "diff:b": "1;35",
}


class TerminalLayout(TextLayout):
    bullet = "\u2022 "
    rule = "\u2500"

    def __init__(self, cite, width, color):
        super().__init__(cite, width)
        self.color = color

    def paint(self, text, style):
        code = STYLES.get(style) if self.color and text.strip() else None
        return f"\x1b[{code}m{text}{RESET}" if code else text

    def title_suffix(self, title):
        return title


def render(document, cite, width=None, color=True):
    return walk(document, TerminalLayout(cite, width or terminal_width(), color), cite)


def terminal_width():
    """COLUMNS, else the width of the terminal that standard output, error or input is: piped into
    `head` or `less -R`, the output still lands on the terminal those share. Else 100."""
    import os
    import shutil

    columns = shutil.get_terminal_size((0, 0)).columns  # COLUMNS, or standard output's terminal
    for fd in (2, 0):
        if columns:
            break
        try:
            columns = os.get_terminal_size(fd).columns
        except (OSError, ValueError):
            pass
    return max(20, columns or 100)
