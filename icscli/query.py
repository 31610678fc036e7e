"""Queries over the knowledge base: card, timeline, compare, tree, glossary, search.

Each returns plain data (dicts and lists) for the views and the JSON output; nothing here prints.
"""
from . import dates, lifecycle, model, resolve
from .clock import today  # noqa: F401  (query.today() is the one "today" every command uses)
from .errors import BadValue
from .schema import ENDED, LEVELS, NOT_EXISTING


def parse_user_date(text, option="--as-of"):
    try:
        return dates.parse(text)
    except ValueError as exc:
        raise BadValue(f"{option}: {exc}") from None


def strip_private(record):
    """A record as shown to users: a shallow copy without loader bookkeeping (`_loc` and the like)."""
    return {k: v for k, v in record.items() if not k.startswith("_")}


# --------------------------------------------------------------------------- explain


def card(kb, ident, as_of=None):
    """An entity as a card; with as_of, only what held on that date plus a note on its state then."""
    entity = kb.entities[ident]
    data = strip_private(entity)
    data["events"] = [strip_private(kb.events[e]) for e in kb.entity_events.get(ident, [])]
    data["responsibility_changes"] = [
        strip_private(r) for r in kb.responsibilities.values()
        if ident in (r.get("before") or []) or ident in (r.get("after") or [])
    ]
    data["responsibility_changes"].sort(key=lambda r: (dates.sort_key(r["effective"]), r["id"]))
    data["senses"] = [resolve.sense(kb, other) for other in shared_acronym_senses(kb, ident)]
    if data.get("counts"):
        data["counts_text"] = lifecycle.counts_text(data["counts"])
    if as_of:
        day = dates.start(as_of)
        data["as_of"] = as_of
        data["as_of_state"] = describe_state_on(kb, entity, day)
        if data.get("counts"):
            data["counts_as_of"] = counts_on(entity, day)
        for field in ("responsibilities", "membership", "facts", "former_names"):
            if data.get(field):
                data[field] = [i for i in data[field] if model.item_in_force(i, day)]
        data["events"] = [e for e in data["events"] if dates.start(e["date"]) <= day]
        data["responsibility_changes"] = [
            r for r in data["responsibility_changes"] if dates.start(r["effective"]) <= day]
    return data


def shared_acronym_senses(kb, ident):
    """Other entities that share one of this entity's acronyms (the other 'ICP's)."""
    others = []
    for acronym in kb.entities[ident].get("acronyms") or []:
        for other, how in kb.index.get(resolve.normalize(acronym), []):
            if other != ident and how == "acronym" and other not in others:
                others.append(other)
    return others


def describe_state_on(kb, entity, day):
    """A sentence on what this was on a date: existing, proposed, not yet, or gone (and how it ended)."""
    periods = entity.get("status") or []
    if not periods:
        return {"exists": None, "text": "The sources give no dates for this; it is shown as described."}
    period = model.state_on(entity, day)
    pointers = [kb.entities[i]["name"] for i in entity.get("replaced") or [] if i in kb.entities]
    if period is None:
        first = periods[0]
        if first.get("from") and day < dates.start(first["from"]):
            text = "did not exist yet"
            if first["state"] in ("proposed", "planned"):
                names = [f["name"] for f in entity.get("former_names") or []]
                text += f"; it was first {first['state']} on {dates.human(first['from'])}"
                text += f" as the '{names[0]}'" if names else ""
            if pointers:
                text += "; see " + ", ".join(pointers)
            return {"exists": False, "text": text}
        last = periods[-1]
        if last.get("to") and day >= dates.start(last["to"]):
            event = kb.events.get(last.get("end_event") or "")
            text = f"ended on {dates.human(last['to'])}" + (f" ({event['title']})" if event else "")
            return {"exists": False, "text": _with_successors(kb, entity, text), "period": last}
        return {"exists": False, "text": f"no status is recorded for {dates.human(day)}"}
    state = period["state"]
    since = f" (from {dates.human(period['from'])})" if period.get("from") else ""
    if state in ENDED:
        return {"exists": False, "text": _with_successors(kb, entity, state + since), "period": period}
    if state in NOT_EXISTING:
        text = {"proposed": "only proposed", "planned": "only planned"}[state] + since
        names = [f["name"] for f in entity.get("former_names") or []]
        if names:
            text += " (then called " + " / ".join(f"'{n}'" for n in names) + ")"
        if period is periods[-1] and not period.get("to"):
            text += _no_later_stage(kb)
        if pointers:
            text += "; see " + ", ".join(pointers)
        return {"exists": False, "text": text, "period": period}
    since = f" since {dates.human(period['from'])}" if period.get("from") else ""
    return {"exists": True, "text": f"{state}{since}", "period": period}


def _with_successors(kb, entity, text):
    successors = [kb.entities[i]["name"] for i in entity.get("became") or [] if i in kb.entities]
    successors += [kb.entities[i]["name"] for i in kb.replaced_by.get(entity["id"], [])
                   if kb.entities[i]["name"] not in successors]
    return text + ("; see " + ", ".join(successors) if successors else "")


def _no_later_stage(kb):
    from . import freshness

    as_of = freshness.data_as_of(kb)
    return f"; no later stage is recorded in the sources checked up to {dates.human(as_of)}" if as_of else ""


def counts_on(entity, day):
    """{what: the count row in force on a full date} for an entity's dated counts."""
    found = {}
    for what in dict.fromkeys(row["what"] for row in entity.get("counts") or []):
        row = lifecycle.count_on(entity["counts"], day, what)
        found[what] = row["value"] if row else None
    return found


# --------------------------------------------------------------------------- timeline


def timeline(kb, date_from=None, date_to=None, tags=(), entity=None):
    frm = dates.start(parse_user_date(date_from, "--from")) if date_from else None
    to = dates.end(parse_user_date(date_to, "--to")) if date_to else None
    ident = resolve.resolve_entity(kb, entity, exact_id_wins=True) if entity else None
    wanted = set(tags)
    order = kb.entity_events.get(ident, []) if ident else kb.event_order
    out = []
    for event_id in order:
        begins, ends, event_tags = kb.event_dates[event_id]
        if frm and ends < frm:
            continue
        if to and begins > to:
            continue
        if wanted and not wanted.intersection(event_tags):
            continue
        out.append(strip_private(kb.events[event_id]))
    return {"from": date_from, "to": date_to, "tags": sorted(wanted), "entity": ident, "events": out}


# --------------------------------------------------------------------------- compare

DIFF_ORDER = ("carried over", "changed", "new", "kept", "abolished", "moved elsewhere", "from elsewhere", "shared",
              "only in A", "only in B")


def compare(kb, term_a, term_b):
    """What B took over from A (a succession), or what A and B each hold (side by side)."""
    a = resolve.resolve_entity(kb, term_a, exact_id_wins=True)
    b = resolve.resolve_entity(kb, term_b, exact_id_wins=True)
    rows = list(kb.responsibilities.values())
    succession = [r for r in rows if a in (r.get("before") or []) and b in (r.get("after") or [])]
    result = {"a": a, "b": b, "a_name": kb.entities[a]["name"], "b_name": kb.entities[b]["name"]}
    if succession or any(b in (r.get("after") or []) and a in (r.get("before") or []) for r in rows):
        result["mode"] = "succession"
        diff = []
        for r in succession:
            diff.append(_diff_row(kb, r, r["change"]))
        for r in rows:
            before, after = r.get("before") or [], r.get("after") or []
            if r in succession:
                continue
            if a in before and not after:
                diff.append(_diff_row(kb, r, "abolished"))
            elif a in before and a in after:
                diff.append(_diff_row(kb, r, "kept"))
            elif a in before and b not in after:
                diff.append(_diff_row(kb, r, "moved elsewhere"))
            elif b in after and a not in before and r["change"] == "new":
                diff.append(_diff_row(kb, r, "new"))
            elif b in after and a not in before:
                diff.append(_diff_row(kb, r, "from elsewhere"))
    else:
        result["mode"] = "side by side"
        diff = []
        for r in rows:
            after = r.get("after") or []
            if r["change"] == "abolished":
                continue
            if a in after and b in after:
                diff.append(_diff_row(kb, r, "shared"))
            elif a in after:
                diff.append(_diff_row(kb, r, "only in A"))
            elif b in after:
                diff.append(_diff_row(kb, r, "only in B"))
    order = {k: i for i, k in enumerate(DIFF_ORDER)}
    diff.sort(key=lambda d: (order.get(d["diff"], 99), dates.start(d["effective"]), d["function"]))
    result["rows"] = diff
    result["counts"] = {}
    for d in diff:
        result["counts"][d["diff"]] = result["counts"].get(d["diff"], 0) + 1
    result["in_common"] = bool(diff) and (result["mode"] == "succession" or "shared" in result["counts"])
    return result


def _diff_row(kb, row, diff):
    out = strip_private(row)
    out["diff"] = diff
    out["before_names"] = [kb.entities[i]["name"] for i in row.get("before") or []]
    out["after_names"] = [kb.entities[i]["name"] for i in row.get("after") or []]
    return out


# --------------------------------------------------------------------------- tree

STRUCTURAL_KINDS = ("statutory body", "partnership", "committee", "network", "geography", "organisation")


def tree(kb, as_of=None):
    """Levels nested national > regional > system > place > neighbourhood, with what existed then.

    A body is shown when it is part of the structure: it sits in something, something sits in it,
    something answers to it, it works at system level or below, or its status is dated (so every body whose
    card says it existed on the date is here; undated publishers and the like are not). Existence and counts
    come from `lifecycle`, the same model the cards and `ics systems` read.
    """
    day = dates.start(as_of) if as_of else today()
    structural = {i: e for i, e in kb.entities.items() if e["kind"] in STRUCTURAL_KINDS}
    linked = set()
    for ident, entity in structural.items():
        linked.update(entity.get("part_of") or [])
        linked.update(a["entity"] for a in entity.get("accountable_to") or [])
    present = {}
    for ident, entity in structural.items():
        top = min(entity["level"], key=LEVELS.index)
        if not (entity.get("part_of") or ident in linked or entity.get("status")
                or top in ("system", "place", "neighbourhood")):
            continue
        exists = model.existed_on(entity, day)
        if exists is False:
            continue
        present[ident] = {"id": ident, "name": entity["name"], "acronyms": entity.get("acronyms") or [],
                          "kind": entity["kind"], "level": top,
                          "state": (model.state_on(entity, day) or {}).get("state"),
                          "dated": exists is not None, "children": []}
        counts = {w: v for w, v in counts_on(entity, day).items() if v is not None}
        if counts:
            present[ident]["counts"] = counts
    for ident, node in present.items():
        parent = next((p for p in kb.entities[ident].get("part_of") or []
                       if p in present and present[p]["level"] == node["level"]), None)
        node["parent"] = parent
    levels = []
    for level in LEVELS:
        nodes = [n for n in present.values() if n["level"] == level]
        for n in nodes:
            if n["parent"]:
                present[n["parent"]]["children"].append(n)
        roots = sorted((n for n in nodes if not n["parent"]), key=lambda n: n["name"].lower())
        for n in nodes:
            n["children"].sort(key=lambda c: c["name"].lower())
        levels.append({"level": level, "entities": roots})
    for n in present.values():
        n.pop("parent", None)
    return {"as_of": day, "levels": levels}


# --------------------------------------------------------------------------- glossary and search


def glossary(kb):
    terms = []
    for ident, entity in kb.entities.items():
        terms.append({"id": ident, "name": entity["name"], "acronyms": entity.get("acronyms") or [],
                      "kind": entity["kind"], "level": entity["level"],
                      "summary": resolve.first_sentence(entity["summary"]),
                      "sources": entity["sources"]})
    terms.sort(key=lambda t: (t["name"].lower(), t["id"]))
    return {"terms": terms}


def search(kb, text, limit=25):
    """Ranked matches across entity names, aliases, summaries and the timeline."""
    query = resolve.normalize(text)
    words = query.split()
    if not words:
        raise BadValue("search: give some words to look for")
    hits = []
    for kind, ident, name, keys, summary, body in kb.search_index:
        if not all(_has_word(body, w) for w in words):
            continue
        tier = key_match(query, words, keys)
        if kind == "event":
            score = 50 if all(_has_word(summary, w) for w in words) else 15
        elif tier is not None:
            score = (100, 80, 60)[tier]
        elif all(_has_word(summary, w) for w in words):
            score = 40
        else:
            score = 20
        hits.append((-score, kind != "entity", name.lower(), kind, ident, score))
    from . import systems

    hits.sort()
    extra = systems.search_systems(kb, text)
    results = []
    for _neg, _order, _name, kind, ident, score in hits[:limit]:
        record = kb.entities[ident] if kind == "entity" else kb.events[ident]
        results.append({"type": kind, "id": ident, "name": record.get("name") or record["title"], "score": score,
                        "date": record.get("date"),
                        "snippet": resolve.first_sentence(record.get("summary") or record["description"]),
                        "sources": record["sources"]})
    ranked = sorted(results + extra, key=lambda h: (-h["score"], h["type"] != "entity", h["name"].lower()))
    return {"query": text, "total": len(hits) + len(extra), "results": ranked[:limit]}


def key_match(query, words, keys):
    """How well a query matches a record's names: 0 exactly, 1 as a prefix, 2 word by word, else None."""
    if query in keys:
        return 0
    if any(k.startswith(query) for k in keys):
        return 1
    if any(all(_has_word(k, w) for w in words) for k in keys):
        return 2
    return None


def _has_word(body, word):
    """A query word matches a whole word or the start of one ('commission' finds 'commissioning')."""
    start = 0
    while True:
        at = body.find(word, start)
        if at < 0:
            return False
        if at == 0 or body[at - 1] == " ":
            return True
        start = at + 1
