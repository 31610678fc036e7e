"""Views: query results -> `Doc`s. One function per command; no formatting of any particular output.

Every block carries a section key (`--section board`); relations carry entity ids; statuses are fields.
"""
from .. import dates
from ..base import changekinds, freshness, lifecycle
from ..queries import reference as query
from . import doc
from .doc import Change, Field, Line, cite_text

# The sections of a card, in order, with what each holds (for `ics explain --section` and its help).
EXPLAIN_SECTIONS = {
    "short": "the answer in a few lines: what it is, level, since when, membership, who it answers to",
    "about": "other names, former names, what it is part of, produces, replaced, became, related",
    "summary": "the full description",
    "status": "legal status over time",
    "duties": "responsibilities",
    "board": "membership and board",
    "accountability": "who it answers to",
    "facts": "facts and figures",
    "disagreements": "where the sources disagree",
    "changes": "responsibility changes that touch it",
    "timeline": "events that involve it",
    "meanings": "other meanings of its acronym",
    "sources": "the sources of the card",
}


def names(kb, ids):
    known = kb.entity_names  # {id: name}: a card lists dozens of bodies without decoding their records
    return ", ".join(known[i] for i in ids if i in known)


def span(item):
    """' [1 July 2022 to 1 April 2023]', ' [from ...]', ' [until ...]' or ''."""
    frm, to = item.get("from"), item.get("to")
    if frm and to:
        return f"{dates.human(frm)} to {dates.human(to)}"
    if frm:
        return f"from {dates.human(frm)}"
    return f"until {dates.human(to)}" if to else ""


def _dated(item):
    """A dated statement: its text, its span as a tag and its note as the detail."""
    when = span(item)
    return Line(item["text"] + (f" [{when}]" if when else ""), item.get("sources"), detail=item.get("note") or "")


def short_fields(kb, data):
    """The card's opening lines, from data fields: what it is, level, since when, board, who it answers to."""
    fields = [Field("What", f"{data['kind']} at {' and '.join(data['level'])} level")]
    if data.get("status"):
        now = query.describe_state_on(kb, kb.entities[data["id"]], query.today())
        fields.append(Field("Today", now["text"], (now.get("period") or {}).get("sources", [])))
    if data.get("membership"):  # who sits on it, in one line: the first entry short enough (or the only one),
        board = data["membership"]  # else how many; labelled as its section is: members as well as boards
        more = f"(and {len(board) - 1} more: --section board)" if len(board) > 1 else ""
        shown = next((item for item in board if len(item["text"] + more) < 70), board[0] if len(board) == 1 else None)
        if shown:
            fields.append(Field("Membership", shown["text"], shown.get("sources"), hint=more))
        else:
            fields.append(Field("Membership", f"{len(board)} entries", hint=f"(ics explain {data['id']} --section board)"))
    if data.get("accountable_to"):
        ids = [a["entity"] for a in data["accountable_to"]]
        fields.append(Field("Answers to", names(kb, ids), [c for a in data["accountable_to"]
                                                           for c in a.get("sources") or []], ids=ids))
    return fields


_SENTENCE_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ\"'(")


def first_sentence(text):
    r"""The first sentence of a summary, for the short answer (the whole text when it has one sentence):
    up to the first '.', '!' or '?' from the 31st character on that is followed by white space and a
    capital, a quote or '(' (as `(.{30,}?[.!?])\s+(?=[A-Z"'(])`, without importing `re`)."""
    ends = []
    for mark in ".!?":
        at = text.find(mark, 30)
        while at != -1:
            after = at + 1
            while after < len(text) and text[after].isspace():
                after += 1
            if after > at + 1 and text[after:after + 1] in _SENTENCE_START:
                ends.append(at)
                break
            at = text.find(mark, at + 1)
    return text[: min(ends) + 1] if ends else text


def explain(kb, data):
    title = data["name"] + (f" ({', '.join(data['acronyms'])})" if data.get("acronyms") else "")
    blocks = []
    if data.get("as_of"):
        state = data["as_of_state"]["text"].rstrip()
        state += "" if state.endswith((".", "!", "?")) else "."  # the state's own sentence, ended once
        blocks.append(doc.Note(f"As of {dates.human(data['as_of'])}: {state}", key="short"))
    if data.get("main_sense_of") and data.get("senses"):  # an ambiguous acronym: its main sense, then the others
        also = f"{data['main_sense_of']} also means: "
        blocks.append(doc.Note(also + "; ".join(s["name"] for s in data["senses"]) + ".", key="short",
                               screen=also + "; ".join(f"{s['name']} (ics explain \"{s['type']}\")"
                                                       for s in data["senses"]) + "."))
    blocks.append(doc.Prose("", [Line(first_sentence(data["summary"]), data["sources"])], key="short"))
    blocks.append(doc.Fields("", short_fields(kb, data), key="short"))
    about = []
    if data.get("aliases"):
        about.append(Field("Also called", "; ".join(data["aliases"])))
    for former in data.get("former_names") or []:
        about.append(Field("Formerly", former["name"], former.get("sources"), detail=former.get("note") or ""))
    for label, field in (("Part of", "part_of"), ("Produces", "produces"), ("Replaced", "replaced"), ("Became", "became"),
                         ("Related", "related")):
        if data.get(field):
            ids = [i for i in data[field] if i in kb.entities]
            about.append(Field(label, names(kb, ids), ids=ids))
    about.append(Field("Term", data["id"]))
    blocks.append(doc.Fields("About", about, key="about"))
    blocks.append(doc.Prose("Summary", [Line(data["summary"], data["sources"])], key="summary"))
    if data.get("status"):
        now = freshness.now_words(kb, query.today()) if kb else "now"  # past data_as_of, "now" is not known
        blocks.append(doc.Items("Status over time", [_period(p, now) for p in data["status"]], key="status"))
    if data.get("counts"):
        blocks.append(doc.Items("Counts over time", [Line(lifecycle.counts_text([r]), r["sources"], detail=r.get("note") or "")
                                                     for r in data["counts"]], key="status"))
    if data.get("data_changes"):
        blocks.append(doc.Items("Changes in the code data", [Line(f"{dates.human(c['date'])}: {c['text']}", c["sources"])
                                                             for c in data["data_changes"]], key="status"))
    for heading, field, key in (("Responsibilities", "responsibilities", "duties"),
                                ("Membership and board", "membership", "board")):
        if data.get(field):
            blocks.append(doc.Items(heading, [_dated(i) for i in data[field]], key=key))
    if data.get("accountable_to"):
        blocks.append(doc.Items("Accountable to", [
            Line(kb.entities[a["entity"]]["name"], a.get("sources"), detail=a.get("note") or "", ids=[a["entity"]])
            for a in data["accountable_to"]], key="accountability"))
    if data.get("facts"):
        blocks.append(doc.Items("Facts and figures", [_dated(i) for i in data["facts"]], key="facts"))
    blocks += claim_blocks(kb, data.get("claims"))
    if data.get("responsibility_changes"):
        blocks.append(doc.Items("Responsibility changes", [_change_line(kb, r) for r in data["responsibility_changes"]],
                                key="changes"))
    if data.get("events"):
        blocks.append(doc.Items("Timeline", [
            Line(e["title"], _with_outcome_sources(e), detail=outcome(e), status=e.get("status"),
                 lead=dates.human(e["date"]))
            for e in data["events"]], key="timeline", lead="Date"))
    if data.get("senses"):
        acronyms = "/".join(data.get("acronyms") or [])
        blocks.append(doc.Items(f"Other meanings of {acronyms}", [
            Line(f"{s['name']}: {s['summary']}", hint=f"\u2192 ics explain \"{s['type']}\"")
            for s in data["senses"]], key="meanings"))
    blocks.append(doc.Items("Sources", [Line(doc.describe_source(kb, c["source"], c.get("at") or ""))
                                        for c in data["sources"]], key="sources"))
    return doc.Doc(title, blocks, None, data, kb)  # the table: one row per line, by section


def _period(period, now="now"):
    frm = dates.human(period.get("from")) if period.get("from") else "?"
    to = dates.human(period.get("to")) if period.get("to") else now
    text = f"{frm} to {to}: {period['state']}" + (f" ({period['basis']})" if period.get("basis") else "")
    detail = " ".join(t for t in (period.get("note") or "", outcome(period)) if t)  # what became of a plan
    return Line(text, _with_outcome_sources(period), detail=detail)


def _change_line(kb, r):
    known = kb.entity_names
    holders = changekinds.holders(*([known[i] for i in r.get(side) or [] if i in known] for side in ("before", "after")))
    return Line(f"{dates.human(r['effective'])}: {changekinds.label(r['change'])}: {r['function']} ({holders})",
                _with_outcome_sources(r), detail=outcome(r), status=r.get("status"))


def outcome(record):
    """What became of a planned, proposed or announced item, when the data records it: a reader must
    not take an old "planned" for a plan still pending."""
    found = lifecycle.outcome_text(record)
    return f"Outcome: {found}" if found else ""


def _with_outcome_sources(record):
    """A record's sources, then those of its outcome that it does not already cite."""
    cited = list(record.get("sources") or [])
    for source in (record.get("outcome") or {}).get("sources") or []:
        if source not in cited:
            cited.append(source)
    return cited


def claim_blocks(kb, claims):
    """One block per disagreement: every value with who gives it (--cite numbers its sources), the current
    one marked."""
    blocks = []
    for claim in claims or []:
        lines = []
        for value in claim["values"]:
            text = f"{value['value']}, per {doc.who_says(kb, value['sources'])}"
            lines.append(Line(text, value["sources"], detail=value.get("note") or "",
                              status="current" if value.get("current") else ""))
        if claim.get("note"):
            lines.append(Line(f"Note: {claim['note']}"))
        blocks.append(doc.Items(f"Sources disagree: {claim['topic']}", lines, key="disagreements"))
    return blocks


def senses(kb, term, candidates):
    title = f"'{term}' has {len(candidates)} meanings"
    lines = [Line(f"{c['name']}: {c['summary']}", hint=f"\u2192 ics explain \"{c['type']}\"")
             for c in candidates]
    blocks = [doc.Items("Which one do you mean?", lines, key="senses")]
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
        detail = " ".join(text for text in (e["description"], outcome(e)) if text)
        lines.append(Line(e["title"], _with_outcome_sources(e), detail=detail, status=e.get("status"), lead=when))
        rows.append([e["date"], e.get("end") or "", e.get("status") or "done", e["title"], e["description"],
                     lifecycle.outcome_text(e) or "", ", ".join(e.get("entities") or []),
                     ", ".join(e.get("tags") or []), cite_text(_with_outcome_sources(e))])
    blocks = [doc.Items("", lines, key="events", lead="Date")] if lines else [doc.Note("No events match.")]
    columns = ["date", "end", "status", "title", "description", "outcome", "entities", "tags", "sources"]
    return doc.Doc(title, blocks, (columns, rows), data, kb)


def compare(kb, data):
    """The diff as of its date, then the later rows apart (dated after it, or not done), each dated."""
    a, b = data["a_name"], data["b_name"]
    succession = data["mode"] == "succession"
    day = dates.human(data["as_of"])
    arrow = "\u2192" if succession else "vs"
    title = f"{a} {arrow} {b}: responsibilities as of {day}"
    blocks = []
    if data.get("reversed"):
        blocks.append(doc.Note(f"Read as the succession {a} \u2192 {b}: responsibilities passed that way, "
                               "so the pair is shown in that order."))
    if not data["rows"]:
        blocks.append(doc.Note(f"{a} and {b} have no responsibilities in common in the data."))
    elif not data["in_common"]:
        blocks.append(doc.Note(f"{a} and {b} share no responsibilities; each one's own are listed."))
    parts = {"diff": [], "later": []}
    for r in data["rows"]:
        parts[r["part"]].append(r)
    if data["rows"]:
        blocks.append(doc.Note(_compare_scope(data, parts)))
    for part, heading, counts in (("diff", "", data["counts"]),
                                  ("later", f"Later changes (after {day}, or not in force on that date)",
                                   data["later_counts"])):
        if parts[part]:
            legend = [(changekinds.KINDS[k].sign, k, changekinds.label(k, a, b), n) for k, n in counts.items()]
            blocks.append(doc.Diff(heading, [_diff_change(r) for r in parts[part]], legend, key=part))
    rows = [[r["diff"], r["label"], r["function"], ", ".join(r.get("before") or []), ", ".join(r.get("after") or []),
             r["effective"], r.get("status") or "done", r["part"], r.get("note") or "",
             lifecycle.outcome_text(r) or "", cite_text(_with_outcome_sources(r))] for r in data["rows"]]
    columns = ["diff", "label", "function", "before", "after", "effective", "status", "part", "note", "outcome",
               "sources"]
    return doc.Doc(title, blocks, (columns, rows), data, kb)


def _compare_scope(data, parts):
    """What the diff is: the transfer, or the holdings, on its date; what follows it apart."""
    a, b, day = data["a_name"], data["b_name"], dates.human(data["as_of"])
    transfer = data.get("transfer")
    if data["mode"] != "succession":
        text = f"What each held as of {day}."
    elif transfer and transfer == data["as_of"]:
        text = f"The diff is what changed when responsibilities passed from {a} to {b}, on {day}."
    elif transfer and parts["diff"]:
        text = (f"The diff is what had changed by {day}; responsibilities first passed from {a} to {b} on "
                f"{dates.human(transfer)}.")
    elif transfer:
        text = f"No responsibility had passed from {a} to {b} by {day}; the first passed on {dates.human(transfer)}."
    else:
        text = f"No responsibility had passed from {a} to {b} by {day}."
    if parts["later"]:
        text += " Later changes, and those only planned or proposed, follow apart, each dated."
    return text


def _diff_change(r):
    kind = changekinds.KINDS[r["diff"]]
    return Change(r["diff"], kind.sign, r["label"], r["function"],
                  changekinds.holders(r["before_names"], r["after_names"]), dates.human(r["effective"]),
                  r["sources"], status=r.get("status"),
                  detail=" ".join(t for t in (r.get("note") or "", outcome(r)) if t))


def tree(kb, data):
    title = f"Structure on {dates.human(data['as_of'])}"
    rows = []

    def node(n, depth):
        label = n["name"] + (f" ({', '.join(n['acronyms'])})" if n["acronyms"] else "")
        if n.get("counts"):  # how many existed on the date, from the same dated counts as the cards
            label += " (" + "; ".join(f"{v} {w}" for w, v in n["counts"].items()) + ")"
        rows.append([n["level"], str(depth), n["id"], n["name"], n["state"] or ("" if n["dated"] else "undated")])
        return {"label": label, "tag": n["state"] or "", "ids": [n["id"]],
                "children": [node(c, depth + 1) for c in n["children"]]}

    levels = [(tier["level"].capitalize(), [node(n, 1) for n in tier["entities"]])
              for tier in data["levels"] if tier["entities"]]
    blocks = [doc.Tree("", levels, key="tree"),
              doc.Note("Levels run from national to neighbourhood; each sits inside the one above it. A body is "
                       "indented under the one it is part of. The tag is its legal status on that date, where "
                       "the sources give one.")]
    return doc.Doc(title, blocks, (["level", "depth", "id", "name", "state"], rows), data, kb)


def glossary(kb, data):
    lines, rows = [], []
    for t in data["terms"]:
        acr = f" ({', '.join(t['acronyms'])})" if t["acronyms"] else ""
        lines.append(Line(f"{t['name']}{acr}: {t['summary']}", t["sources"]))
        rows.append([t["name"], ", ".join(t["acronyms"]), t["kind"], ", ".join(t["level"]), t["id"], t["summary"]])
    blocks = [doc.Items("", lines, key="terms")]
    return doc.Doc("Glossary", blocks, (["name", "acronyms", "kind", "level", "id", "summary"], rows), data, kb)


def search(kb, data):
    title = f"Search: {data['query']} ({data['total']} match{'es' if data['total'] != 1 else ''})"
    lines, rows = [], []
    for h in data["results"]:
        command = {"entity": f"ics explain {h['id']}", "system": f"ics system {h['id']}",
                   "ccg": f"ics ccg {h['id']}"}.get(h["type"], "")
        said = f"\u2026 {h['context']} \u2026" if h.get("context") else ""  # where the words are, if not above
        when = "" if command else dates.human(h["date"] or "")
        lines.append(Line(f"{h['name']} ({h['type']}): {h['snippet']}", h["sources"],
                          detail="\n".join(t for t in (said, when) if t), hint=f"\u2192 {command}" if command else ""))
        rows.append([str(h["score"]), h["type"], h["id"], h["name"], h["date"] or "", h["snippet"]])
    blocks = [doc.Items("", lines, key="results")] if lines else [doc.Note("Nothing matches. Try fewer or shorter words.")]
    if data["total"] > len(data["results"]):
        blocks.append(doc.Note(f"Showing the best {len(data['results'])} of {data['total']}; use --limit for more."))
    return doc.Doc(title, blocks, (["score", "type", "id", "name", "date", "snippet"], rows), data, kb)


def sources(kb, data):
    lines, rows = [], []
    for s in data["sources"]:
        where = doc.source_where(s)
        cited = f"Cited by {s['cited']} record{'s' if s['cited'] != 1 else ''}." if s["cited"] else "Not cited."
        lines.append(Line(f"{s['id']}: {s['publisher']}, \u201c{s['title']}\u201d ({dates.human(s['date'])}). {where}",
                          detail=cited))  # which records: `ics sources ID` and -f json
        rows.append([s["id"], s["publisher"], s["title"], s["date"], s.get("kind") or "", where, str(s["cited"]),
                     "; ".join(s["cited_by"])])
    columns = ["id", "publisher", "title", "date", "kind", "where", "cited", "cited_by"]
    as_of = freshness.data_as_of(kb)
    checked = [doc.Note(f"Data as of {dates.human(as_of)}: the date these sources were last checked.")] if as_of else []
    return doc.Doc("Sources", checked + [doc.Items("", lines, key="sources")], (columns, rows), data, kb)


def source(kb, row):
    """One source: the full reference, where to find it, and every record that cites it."""
    fields = [doc.Field("Publisher", row["publisher"]), doc.Field("Title", row["title"]),
              doc.Field("Date", dates.human(row["date"])), doc.Field("Kind", row.get("kind") or "")]
    if row.get("url"):
        fields.append(doc.Field("Address", row["url"], link=row["url"]))
    if row.get("reference"):
        fields.append(doc.Field("Reference", row["reference"]))
    if row.get("note"):
        fields.append(doc.Field("Note", row["note"]))
    if row.get("sha256"):
        fields.append(doc.Field("SHA-256", row["sha256"]))
    citing = [Line(_citing_label(kb, c), hint=_citing_command(kb, c)) for c in row["cited_by"]]
    blocks = [doc.Fields("", fields, key="source"),
              doc.Items(f"Cited by {row['cited']} record{'s' if row['cited'] != 1 else ''}", citing, key="cited_by")
              if citing else doc.Note("Not cited by any record.")]
    rows = [[row["id"], c, _citing_label(kb, c)] for c in row["cited_by"]]
    return doc.Doc(f"{row['id']}: {row['title']}", blocks, (["source", "cited_by", "record"], rows), row, kb)


def _citing_label(kb, ref):
    """'Integrated care board' for an entity id; events and rows by their titles."""
    kind, _, ident = ref.partition(":") if ":" in ref else ("entity", "", ref)
    if kind == "entity" and ident in kb.entities:
        return kb.entities[ident]["name"]
    if kind == "event" and ident in kb.events:
        event = kb.events[ident]
        return f"Timeline, {dates.human(event['date'])}: {event['title']}"
    if kind == "responsibility" and ident in kb.responsibilities:
        return f"Responsibility change: {kb.responsibilities[ident]['function']}"
    if kind == "place_vintage" and ident in kb.place_vintages:
        return f"Places data: {kb.place_vintages[ident]['label']}"
    return ref


def _citing_command(kb, ref):
    """'(ics explain icb)' for an entity that cites the source: the screen's hint."""
    return f"(ics explain {ref})" if ref in kb.entities else ""


def problems(problem_list, what, stubs=()):
    """Problems (each fails `ics validate`) and stub cards (listed as warnings; they do not)."""
    lines = [Line(str(p)) for p in problem_list]
    title = f"{what}: {len(problem_list)} problem{'s' if len(problem_list) != 1 else ''}" if problem_list \
        else f"{what}: no problems found"
    rows = [[p.file, str(p.line), p.field, p.message] for p in problem_list]
    rows += [["", "", "stub", f"warning: '{s}' is a stub card (too little sourced content)"] for s in stubs]
    payload = {"ok": not problem_list, "problems": [
        {"file": p.file, "line": p.line, "field": p.field, "message": p.message} for p in problem_list],
        "stubs": list(stubs)}
    blocks = [doc.Items("", lines, key="problems")] if lines else []
    if stubs:
        blocks.append(doc.Items(f"Warning: {len(stubs)} stub card{'s' if len(stubs) != 1 else ''} with too little "
                                "sourced content (not an error)", [Line(f"ics explain {s}") for s in stubs],
                                key="stubs"))
    return doc.Doc(title, blocks, (["file", "line", "field", "message"], rows), payload)
