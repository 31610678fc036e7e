"""CSV and TSV: the document's table, one record per row, with a header row."""
import csv
import io


def render(document, cite, delimiter=","):
    columns, rows = document.table
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        cells = [str(c) for c in row]
        if delimiter == "\t":  # TSV has no quoting: keep each record on one line
            cells = [c.replace("\t", " ").replace("\n", " ") for c in cells]
        writer.writerow(cells)
    return buffer.getvalue()
