"""Views: query results -> `Doc`s. One function per command; no formatting of any particular output."""
from . import dates, doc, freshness, query
from .doc import Line


def cite_text(sources):
    """Compact inline citation for tables: 'kf-ics-explained-2021 (What are ICSs?); ...'."""
    parts = []
    for cite in sources or []:
        part = cite["source"]
        if cite.get("at"):
            part += f" ({cite['at']})"
        parts.append(part)
    return "; ".join(parts)


def _names(kb, ids):
    return ", ".join(kb.entities[i]["name"] for i in ids if i in kb.entities)


def _period_text(period, now="now"):
    frm = dates.human(period.get("from")) if period.get("from") else "?"
    to = dates.human(period.get("to")) if period.get("to") else now
    text = f"{frm} to {to}: {period['state']}"
    if period.get("basis"):
        text += f" ({period['basis']})"
    if period.get("note"):
        text += f". {period['note']}"
    return text


def _dated(item):
    frm, to = item.get("from"), item.get("to")
    span = ""
    if frm and to:
        span = f" [{dates.human(frm)} to {dates.human(to)}]"
    elif frm:
        span = f" [from {dates.human(frm)}]"
    elif to:
        span = f" [until {dates.human(to)}]"
    return item["text"] + span + (f" ({item['note']})" if item.get("note") else "")


def explain(kb, data):
    title = data["name"] + (f" ({', '.join(data['acronyms'])})" if data.get("acronyms") else "")
    blocks = []
    if data.get("as_of"):
        blocks.append(doc.note(f"As of {dates.human(data['as_of'])}: {data['as_of_state']['text']}."))
    about = [("Kind", data["kind"], []), ("Level", ", ".join(data["level"]), [])]
    current = kb and data.get("status")
    if current:
        now = query.describe_state_on(kb, kb.entities[data["id"]], query.today())
        about.append(("Today", now["text"], (now.get("period") or {}).get("sources", [])))
    if data.get("aliases"):
        about.append(("Also called", "; ".join(data["aliases"]), []))
    for former in data.get("former_names") or []:
        about.append(("Formerly", former["name"] + (f" ({former['note']})" if former.get("note") else ""),
                      former.get("sources")))
    for label, field in (("Part of", "part_of"), ("Produces", "produces"), ("Replaced", "replaced"),
                         ("Became", "became"), ("Related", "related")):
        if data.get(field):
            about.append((label, _names(kb, data[field]), []))
    about.append(("Term", data["id"], []))
    blocks.append(doc.fields("", about))
    blocks.append(doc.para(data["summary"], data["sources"], title="Summary"))
    if data.get("status"):
        now = freshness.now_words(kb, query.today()) if kb else "now"
        blocks.append(doc.items("Status over time", [Line(_period_text(p, now), p.get("sources")) for p in data["status"]]))
    if data.get("counts"):
        blocks.append(doc.items("Counts over time", [Line(data["counts_text"], [c for r in data["counts"] for c in r["sources"]])]))
    for heading, field in (("Responsibilities", "responsibilities"), ("Membership and board", "membership")):
        if data.get(field):
            blocks.append(doc.items(heading, [Line(_dated(i), i["sources"]) for i in data[field]]))
    if data.get("accountable_to"):
        blocks.append(doc.items("Accountable to", [
            Line(kb.entities[a["entity"]]["name"] + (f": {a['note']}" if a.get("note") else ""), a.get("sources"))
            for a in data["accountable_to"]]))
    if data.get("facts"):
        blocks.append(doc.items("Facts and figures", [Line(_dated(i), i["sources"]) for i in data["facts"]]))
    blocks += claim_blocks(data.get("claims"))
    if data.get("responsibility_changes"):
        blocks.append(doc.items("Responsibility changes", [
            Line(f"{dates.human(r['effective'])}: {r['change']}: {r['function']} "
                 f"({_names(kb, r.get('before') or []) or 'new'} \u2192 {_names(kb, r.get('after') or []) or 'none'})"
                 + ("" if r.get("status", "done") == "done" else f" [{r['status']}]"), r["sources"])
            for r in data["responsibility_changes"]]))
    if data.get("events"):
        blocks.append(doc.items("Timeline", [
            Line(f"{dates.human(e['date'])}: {e['title']}" + _status_tag(e), e["sources"]) for e in data["events"]]))
    if data.get("senses"):
        acronyms = "/".join(data.get("acronyms") or [])
        blocks.append(doc.items(f"Other meanings of {acronyms}", [
            Line(f"{s['name']}: {s['summary']} (ics explain \"{s['type']}\")") for s in data["senses"]]))
    blocks.append(doc.items("Sources", [Line(doc.describe_source(kb, c["source"], c.get("at") or ""))
                                         for c in data["sources"]]))
    rows = [[block.title or "About", line.text, cite_text(line.sources)] for block in blocks for line in block.lines]
    return doc.Doc(title, blocks, (["section", "text", "sources"], rows), data, kb)


def claim_blocks(claims):
    """One block per disagreement: every value with its own sources, the current one marked."""
    blocks = []
    for claim in claims or []:
        lines = []
        for value in claim["values"]:
            mark = " [current]" if value.get("current") else ""
            text = f"{value['value']}{mark}, per {cite_text(value['sources'])}"
            if value.get("note"):
                text += f": {value['note']}"
            lines.append(Line(text, value["sources"]))
        if claim.get("note"):
            lines.append(Line(f"Note: {claim['note']}"))
        blocks.append(doc.items(f"Sources disagree: {claim['topic']}", lines))
    return blocks


def _status_tag(record):
    status = record.get("status") or "done"
    return "" if status == "done" else f" [{status}]"


def senses(kb, term, candidates):
    title = f"'{term}' has {len(candidates)} meanings"
    lines = [Line(f"{c['name']}: {c['summary']}  \u2192  ics explain \"{c['type']}\"") for c in candidates]
    blocks = [doc.items("Which one do you mean?", lines)]
    rows = [[c["type"], c["name"], c["summary"]] for c in candidates]
    payload = {"term": term, "ambiguous": True, "senses": candidates}
    return doc.Doc(title, blocks, (["type", "name", "summary"], rows), payload, kb)


def timeline(kb, data):
    bits = []
    if data["entity"]:
        bits.append(f"for {kb.entities[data['entity']]['name']}")
    if data["from"] or data["to"]:
        bits.append(f"from {data['from'] or 'the start'} to {data['to'] or 'today'}")
    if data["tags"]:
        bits.append("tagged " + ", ".join(data["tags"]))
    title = "Timeline" + (" " + "; ".join(bits) if bits else "")
    lines, rows = [], []
    for e in data["events"]:
        when = dates.human(e["date"]) + (f" to {dates.human(e['end'])}" if e.get("end") else "")
        text = f"{when}: {e['title']}{_status_tag(e)}\n{e['description']}"
        lines.append(Line(text, e["sources"]))
        rows.append([e["date"], e.get("end") or "", e.get("status") or "done", e["title"], e["description"],
                     ", ".join(e.get("entities") or []), ", ".join(e.get("tags") or []), cite_text(e["sources"])])
    blocks = [doc.items("", lines)] if lines else [doc.note("No events match.")]
    columns = ["date", "end", "status", "title", "description", "entities", "tags", "sources"]
    return doc.Doc(title, blocks, (columns, rows), data, kb)


_DIFF_TITLES = {
    "carried over": "Carried over", "changed": "Changed", "new": "New", "abolished": "Dropped (abolished)",
    "moved elsewhere": "Dropped here (moved to another body)", "kept": "Kept by {a} (not taken over)", "from elsewhere": "Taken on from another body",
    "shared": "Held by both", "only in A": "Only {a}", "only in B": "Only {b}",
}
_DIFF_MARK = {"carried over": "=", "changed": "~", "new": "+", "kept": "=", "abolished": "-", "moved elsewhere": ">",
              "from elsewhere": "<", "shared": "=", "only in A": "A", "only in B": "B"}


def compare(kb, data):
    a, b = data["a_name"], data["b_name"]
    arrow = "\u2192" if data["mode"] == "succession" else "vs"
    title = f"{a} {arrow} {b}: responsibilities"
    blocks = []
    if not data["rows"]:
        blocks.append(doc.note(f"{a} and {b} have no responsibilities in common in the data."))
    elif not data["in_common"]:
        blocks.append(doc.note(f"{a} and {b} share no responsibilities; each one's own are listed."))
    counts = ", ".join(f"{n} {k}" for k, n in data["counts"].items())
    if counts:
        blocks.append(doc.note(f"{data['mode'].capitalize()}: {counts}."))
    groups = {}
    for r in data["rows"]:
        groups.setdefault(r["diff"], []).append(r)
    rows = []
    for kind, group in groups.items():
        lines = []
        for r in group:
            who = f"{', '.join(r['before_names']) or 'nobody'} \u2192 {', '.join(r['after_names']) or 'nobody'}"
            text = f"{_DIFF_MARK[kind]} {r['function']} ({who}, {dates.human(r['effective'])}){_status_tag(r)}"
            if r.get("note"):
                text += f"\n{r['note']}"
            lines.append(Line(text, r["sources"]))
            rows.append([kind, r["function"], ", ".join(r.get("before") or []), ", ".join(r.get("after") or []),
                         r["effective"], r.get("status") or "done", r.get("note") or "", cite_text(r["sources"])])
        blocks.append(doc.items(_DIFF_TITLES[kind].format(a=a, b=b), lines))
    columns = ["diff", "function", "before", "after", "effective", "status", "note", "sources"]
    return doc.Doc(title, blocks, (columns, rows), data, kb)


def tree(kb, data):
    title = f"Structure on {dates.human(data['as_of'])}"
    rows = []

    def node(n, depth):
        label = n["name"] + (f" ({', '.join(n['acronyms'])})" if n["acronyms"] else "")
        if n.get("counts"):
            label += " (" + "; ".join(f"{v} {w}" for w, v in n["counts"].items()) + ")"
        if n["state"]:
            label += f" [{n['state']}]"
        elif not n["dated"]:
            label += " [undated]"
        rows.append([n["level"], str(depth), n["id"], n["name"], n["state"] or ("" if n["dated"] else "undated")])
        return {"label": label, "children": [node(c, depth + 1) for c in n["children"]]}

    root = {"label": "England", "children": []}
    parent = root
    for tier in data["levels"]:
        tier_node = {"label": tier["level"].capitalize(), "children": [node(n, 1) for n in tier["entities"]]}
        parent["children"].append(tier_node)
        parent = tier_node
    blocks = [doc.tree("", root),
              doc.note("Each level sits inside the one above it. [undated] marks things the sources give no dates for.")]
    return doc.Doc(title, blocks, (["level", "depth", "id", "name", "state"], rows), data, kb)


def glossary(kb, data):
    lines, rows = [], []
    for t in data["terms"]:
        acr = f" ({', '.join(t['acronyms'])})" if t["acronyms"] else ""
        lines.append(Line(f"{t['name']}{acr}: {t['summary']}", t["sources"]))
        rows.append([t["name"], ", ".join(t["acronyms"]), t["kind"], ", ".join(t["level"]), t["id"], t["summary"]])
    blocks = [doc.items("", lines)]
    return doc.Doc("Glossary", blocks, (["name", "acronyms", "kind", "level", "id", "summary"], rows), data, kb)


def search(kb, data):
    title = f"Search: {data['query']} ({data['total']} match{'es' if data['total'] != 1 else ''})"
    lines, rows = [], []
    for h in data["results"]:
        where = {"entity": f"ics explain {h['id']}", "system": f"ics system {h['id']}",
                 "ccg": f"ics ccg {h['id']}"}.get(h["type"]) or dates.human(h["date"] or "")
        lines.append(Line(f"{h['name']} ({h['type']}, {where}): {h['snippet']}", h["sources"]))
        rows.append([str(h["score"]), h["type"], h["id"], h["name"], h["date"] or "", h["snippet"]])
    blocks = [doc.items("", lines)] if lines else [doc.note("Nothing matches. Try fewer or shorter words.")]
    if data["total"] > len(data["results"]):
        blocks.append(doc.note(f"Showing the best {len(data['results'])} of {data['total']}; use --limit for more."))
    return doc.Doc(title, blocks, (["score", "type", "id", "name", "date", "snippet"], rows), data, kb)


def sources(kb, data):
    lines, rows = [], []
    for s in data["sources"]:
        where = s.get("url") or (f"shared/{s['file']}" if s.get("file") else "")
        by = ", ".join(s["cited_by"]) or "nothing"
        lines.append(Line(f"{s['id']}: {s['publisher']}, \u201c{s['title']}\u201d ({dates.human(s['date'])}). {where}\n"
                          f"Cited by {s['cited']} record{'s' if s['cited'] != 1 else ''}: {by}"))
        rows.append([s["id"], s["publisher"], s["title"], s["date"], s.get("kind") or "", where, str(s["cited"]),
                     "; ".join(s["cited_by"])])
    columns = ["id", "publisher", "title", "date", "kind", "where", "cited", "cited_by"]
    as_of = freshness.data_as_of(kb)
    checked = [doc.note(f"Data as of {dates.human(as_of)}: the date these sources were last checked.")] if as_of else []
    return doc.Doc("Sources", checked + [doc.items("", lines)], (columns, rows), data, kb)


def problems(problem_list, what):
    lines = [Line(str(p)) for p in problem_list]
    title = f"{what}: {len(problem_list)} problem{'s' if len(problem_list) != 1 else ''}" if problem_list \
        else f"{what}: no problems found"
    rows = [[p.file, str(p.line), p.field, p.message] for p in problem_list]
    payload = {"ok": not problem_list, "problems": [
        {"file": p.file, "line": p.line, "field": p.field, "message": p.message} for p in problem_list]}
    return doc.Doc(title, [doc.items("", lines)] if lines else [], (["file", "line", "field", "message"], rows),
                   payload)
