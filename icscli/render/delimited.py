"""CSV and TSV: the document's table, one record per row, with a header row.

Every text cell goes through `safe.neutralise_cell`: control characters are dropped and a cell that
starts with = + - @ (or tab, CR) gets a leading ' so that a spreadsheet shows it instead of running it.
No bundled table has a text cell that starts that way, so only hostile overlay text is changed; numbers
stay numbers. TSV is not CSV with tabs: fields are never quoted, and a tab or line break inside a
field becomes a space, so each record stays on one line.
"""
import csv
import io

from ..base.safe import neutralise_cell


def _cell(value):
    return neutralise_cell(value) if isinstance(value, str) else str(value)


def render(document, cite, delimiter=","):
    columns, rows = document.table
    table = [[_cell(c) for c in columns]] + [[_cell(c) for c in row] for row in rows]
    if delimiter == "\t":
        return "".join("\t".join(_one_line(c) for c in row) + "\n" for row in table)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(table)
    return buffer.getvalue()


def _one_line(cell):
    return cell.replace("\r\n", " ").replace("\t", " ").replace("\n", " ").replace("\r", " ")
