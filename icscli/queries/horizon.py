"""How long an answer holds: the next known dated change after a date that affects its subject.

One function for `ics check` and every MCP answer. The candidates, earliest first:
- a later row of the subject's own dated values (a count, a state, the ICB a code lies in: `rows`);
- the next version of the ICB code data after the date (`versions`: an answer about ICBs or CCG codes);
- an event about one of the subject's entities dated after the date that is not yet done (planned,
  announced or proposed: the ICB mergers planned for 1 April 2027), or, for a date in the past, done.
A later row of the subject's own values wins over the rest: it is the subject's own next value.
"""
from .. import dates

AHEAD = ("planned", "announced", "proposed")


def next_change(kb, day, entities=(), rows=None, versions=False):
    """{date, text, status[, event]} of the next known change after `day` (YYYY-MM-DD), or None."""
    later = [r for r in rows or () if dates.start(r["from"]) > day]
    if later:
        return {"date": later[0]["from"], "text": later[0]["text"], "status": "recorded"}
    found = []
    if versions:
        from ..store.systems_index import index

        for version, begins in index(kb).versions:
            if begins > day:
                record = kb.system_versions[version]
                found.append({"date": record["date"], "text": f"ICB code data: {record.get('label') or version}",
                              "status": "recorded"})
                break
    for ident in dict.fromkeys(entities):
        for event_id in kb.entity_events.get(ident, ()):
            event = kb.events[event_id]
            status = event.get("status")
            if dates.start(event["date"]) > day and (status in AHEAD or status == "done" and day < dates.today()):
                found.append({"date": event["date"], "text": event["title"], "status": status, "event": event_id})
    return min(found, key=lambda c: dates.start(c["date"])) if found else None
