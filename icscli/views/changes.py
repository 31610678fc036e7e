"""`ics changes` as a document: counts on the dates that matter, then each dated, cited change, one sentence
each (its kind and label are columns of the table, for CSV and the other table formats)."""
from .. import dates
from . import doc
from .doc import Line, Row
from .reference import cite_text


def changes(kb, data):
    title = f"What changed from {dates.human(data['from'])} to {dates.human(data['to'])}"
    counts = [Row([dates.human(c["date"]), str(c["ccgs"]), str(c["icbs"]), str(c["sub_icb_locations"])])
              for c in data["counts"]]
    blocks = [doc.Table("Counts", ["date", "CCGs", "ICBs", "sub-ICB locations"], counts, key="counts")]
    lines, rows = [], []
    for item in data["changes"]:
        lines.append(Line(item["text"], item["sources"], ids=[c for c in item["codes"] if c in kb.entities],
                          lead=dates.human(item["date"])))
        rows.append([item["date"], item["kind"], item["change"], item["label"], item["text"], " ".join(item["codes"]),
                     cite_text(item["sources"])])
    blocks.append(doc.Items(f"Changes ({data['count']})", lines, key="changes", lead="Date") if lines
                  else doc.Note("No changes in that period."))
    columns = ["date", "kind", "change", "label", "text", "codes", "sources"]
    return doc.Doc(title, blocks, (columns, rows), data, kb)
