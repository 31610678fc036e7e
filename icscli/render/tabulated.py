"""Named tabulate formats (github, grid, latex, html, ...) of the document's table.

With a width (the terminal's, for the box-drawn formats shown on one) the cells of the long columns wrap
at word boundaries so that the table fits: tabulate's maxcolwidths, the widths worked out here.
"""


def render(document, cite, tablefmt, width=None):
    from tabulate import tabulate

    columns, rows = document.table
    text = tabulate(rows, headers=columns, tablefmt=tablefmt, disable_numparse=True)
    widest = max((len(line) for line in text.split("\n")), default=0)
    if width and widest > width and columns:
        natural = [max(len(line) for cell in column for line in (str(cell).split("\n") or [""]))
                   for column in zip(columns, *rows)]
        room = width - (widest - sum(natural))
        for _ in range(3):  # tabulate's own padding can differ once cells wrap: narrow again if so
            limits = fitted(natural, room)
            if not limits:
                break
            text = tabulate(rows, headers=columns, tablefmt=tablefmt, disable_numparse=True,
                            maxcolwidths=limits, maxheadercolwidths=limits)
            over = max(len(line) for line in text.split("\n")) - width
            if over <= 0:
                break
            room -= over
    return text.rstrip("\n") + "\n"


def fitted(natural, room, least=6):
    """Widths for columns of `natural` widths that add up to at most `room`: the narrow ones whole, the
    rest sharing what is left; None if not even `least` columns each would fit."""
    if room < least * len(natural):
        return None
    widths, left = list(natural), room
    order = sorted(range(len(natural)), key=lambda i: natural[i])
    for done, i in enumerate(order):
        share = left // (len(order) - done)
        widths[i] = min(natural[i], share)
        left -= widths[i]
    return widths
