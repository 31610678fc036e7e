"""`ics check` as a document: the verdict on a claim on a date, the fact as it stands, and the evidence."""
from .. import dates
from . import doc
from .doc import Field, Line
from .reference import cite_text

COLUMNS = ["claim", "on", "verdict", "fact", "true_from", "true_to", "next_change", "sources"]


def _span(held):
    return f"from {dates.human(held['from'])}" + (f" to {dates.human(held['to'])}" if held.get("to") else "")


def verdict_text(data):
    """'true until 31 March 2026', 'not yet true (from 1 April 2026)', 'false', 'not recorded: why'."""
    text = data["verdict"]
    if data["verdict"] == "true" and data.get("until"):
        text = f"true until {dates.human(data['until'])}"
    if data["verdict"] == "true" and data.get("partly"):
        text += ", for part of the area (it was split)"
    elif data["verdict"] == "not yet true":
        later = [h for h in data["held"] if h["from"] > data["on"]]
        text += f" ({_span(later[0])})" if later else ""
    elif data["verdict"] == "not recorded":
        text += f": {data.get('reason')}"
    return text


def check(kb, data):
    claim = data["statement"] or f"{data['subject']} {data['property']} {data['value']}"
    title = f"Check: {claim} (on {dates.human(data['on'])})"
    fields = [Field("Verdict", verdict_text(data), (data.get("fact") or {}).get("sources") or [])]
    if data.get("fact"):
        fields.append(Field("The data says", data["fact"]["text"], data["fact"].get("sources") or []))
    if data["held"] and data["verdict"] != "true":
        fields.append(Field("The claim holds", "; ".join(_span(h) for h in data["held"])))
    elif not data["held"] and data["verdict"] == "false":
        fields.append(Field("The claim holds", "on no date in the data"))
    nxt = data.get("next_change")
    if nxt:
        fields.append(Field("Next known change", f"{dates.human(nxt['date'])}: {nxt['text']}"
                            + (f" ({nxt['status']})" if nxt["status"] not in ("recorded", *nxt["text"].lower().split())
                               else "")))
    blocks = [doc.Fields("", fields, key="verdict")]
    quoted = [Line(f"“{c['quote']}” ({c['fact']})", [c]) for c in data["evidence"] if c.get("quote") and c.get("fact")]
    if quoted:
        blocks.append(doc.Items("In the sources' words", quoted, key="evidence"))
    first = (data["held"] or [{}])[0]
    row = [claim, data["on"], data["verdict"], (data.get("fact") or {}).get("text") or "", first.get("from") or "",
           first.get("to") or "", (nxt or {}).get("date") or "", cite_text(data["evidence"])]
    return doc.Doc(title, blocks, (COLUMNS, [row]), data, kb)
