"""The kinds of change, declared once, for `ics compare`, `ics changes`, the cards, every format and `--help`.

Each kind has a key (what JSON and CSV carry: `diff` in compare, `change` in changes, and the data's own
`change` field of a responsibility), the sign a diff marks it with, the label every format shows, what it
means (the help is written from it) and a tone (how a terminal colours it). A label or a meaning may name
the two bodies compared: {a} and {b}. Nothing here prints; no other module names a kind's label.
"""


class Kind:
    __slots__ = ("key", "label", "meaning", "sign", "tone")

    def __init__(self, key, sign, label, meaning, tone):
        self.key, self.sign, self.label, self.meaning, self.tone = key, sign, label, meaning, tone


KINDS = {kind.key: kind for kind in (
    # a responsibility's own change (data/SCHEMA.md: the `change` of a responsibility row)
    Kind("carried over", "=", "Carried over", "passed on as it was", "same"),
    Kind("changed", "~", "Changed", "passed on, or kept, and changed", "changed"),
    Kind("new", "+", "New", "no body held it before", "added"),
    Kind("abolished", "-", "Abolished", "it ended", "removed"),
    # what a comparison finds about the two bodies compared
    Kind("from elsewhere", "<", "Taken on from another body", "{b} took it on from a body other than {a}", "in"),
    Kind("moved elsewhere", ">", "Moved to another body", "{a} passed it to a body other than {b}", "removed"),
    Kind("kept", "=", "Kept by {a}", "{a} kept it; {b} did not take it over", "same"),
    Kind("shared", "=", "Held by both", "both held it, before or after a change", "same"),
    Kind("only in A", "A", "Only {a}", "held by {a}, never by {b}", "a"),
    Kind("only in B", "B", "Only {b}", "held by {b}, never by {a}", "b"),
    # what `ics changes` finds about bodies, laws and the systems data
    Kind("created", "+", "Created", "a body, plan or programme came into being", "added"),
    Kind("enacted", "+", "Enacted", "passed into law (Royal Assent), or the law providing for a body did", "added"),
    Kind("in force", "~", "In force", "an enacted law (or the law providing for a body) came into force", "changed"),
    Kind("made statutory", "~", "Made statutory", "a body put on a statutory footing", "changed"),
    Kind("renamed", "~", "Renamed", "took a new name", "changed"),
    Kind("merged", "~", "Merged", "formed from others, or took others in", "changed"),
    Kind("split", "~", "Split", "its area divided between others", "changed"),
    Kind("boundary", "~", "Boundary changed", "areas moved between bodies", "changed"),
    Kind("moved", "~", "Moved", "an area moved to another system", "changed"),
    Kind("re-coded", "~", "Re-coded", "took a new code", "changed"),
    Kind("ended", "-", "Ended", "a sub-ICB location ended", "removed"),
)}

# The data's `change` values (data/SCHEMA.md), in the order a diff lists them.
RESPONSIBILITY_CHANGES = ("carried over", "changed", "new", "abolished")
# The kinds of a comparison, in the order it lists them: a succession, then two bodies side by side.
SUCCESSION = ("carried over", "changed", "new", "kept", "abolished", "moved elsewhere", "from elsewhere")
SIDE_BY_SIDE = ("shared", "only in A", "only in B")
# The kinds `ics changes` dates (a responsibility carried over is no change).
DATED = ("created", "enacted", "in force", "made statutory", "abolished", "renamed", "merged", "split",
         "boundary", "moved", "re-coded", "ended", "changed", "new")

NOBODY = "nobody"  # the holder of a responsibility before it was new, or after it was abolished


def label(key, a="A", b="B"):
    """The label of a kind, naming the bodies compared."""
    return KINDS[key].label.format(a=a, b=b)


def holders(before, after):
    """'A, B \u2192 C', 'nobody \u2192 C', or, when the holders are the same before and after, 'held by A
    before and after' (never 'A \u2192 A'). `before` and `after` are lists of names."""
    if before and list(before) == list(after):
        return f"held by {', '.join(before)} before and after"
    return f"{', '.join(before) or NOBODY} \u2192 {', '.join(after) or NOBODY}"


def help_lines(keys, a="A", b="B"):
    """One line a kind for a command's --help: sign, label and meaning."""
    return [f"  {KINDS[k].sign} {label(k, a, b)}: {KINDS[k].meaning.format(a=a, b=b)}" for k in keys]
