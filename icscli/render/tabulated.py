"""Named tabulate formats (github, grid, latex, html, ...) of the document's table."""


def render(document, cite, tablefmt):
    from tabulate import tabulate

    columns, rows = document.table
    text = tabulate(rows, headers=columns, tablefmt=tablefmt, disable_numparse=True)
    return text.rstrip("\n") + "\n"
