"""Plain text: no colour, no box drawing, no wrapping; each record stays on one line (render/text.py)."""
from ..views.doc import walk
from .text import TextLayout


def render(document, cite):
    return walk(document, TextLayout(cite), cite)
