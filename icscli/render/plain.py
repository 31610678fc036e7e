"""Plain text: no colour, no box drawing. Into a pipe or file each record stays on one line; on a
terminal (a width is given) lines wrap at word boundaries with hanging indents."""
from ..views.doc import walk
from .text import TextLayout


def render(document, cite, width=None):
    return walk(document, TextLayout(cite, width), cite)
