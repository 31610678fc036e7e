"""Queries over the knowledge base: card, timeline, compare, tree, glossary, search.

Each returns plain data (dicts and lists) for the views and the JSON output; nothing here prints.
"""
from .. import dates
from ..base import changekinds, lifecycle
from ..base.records import public
from ..base.schema import ENDED, LEVELS, NOT_EXISTING
from ..base.words import has_word, in_context, key_match
from ..dates import today
from ..errors import BadValue
from ..store import model
from . import law, resolve


def parse_user_date(text, option="--as-of"):
    """A date typed by a user ('today', '1 July 2022', '1/7/2022', '2022-07') -> canonical, or BadValue."""
    try:
        return dates.parse_user(text)
    except ValueError as exc:
        raise BadValue(f"{option}: {exc}") from None


# --------------------------------------------------------------------------- explain


def card(kb, ident, as_of=None, match=None):
    """An entity as a card; with as_of, only what held on that date plus a note on its state then.

    match is resolve.resolve_term's answer: what was assumed of a typo, and which shared acronym this is
    the main sense of (the view then names the other senses first).
    """
    entity = kb.entities[ident]
    data = public(entity)
    if match and match.get("assumed"):
        data["assumed"] = match["assumed"]
    if match and match.get("main_sense_of"):
        data["main_sense_of"] = match["main_sense_of"]
    data["events"] = [public(kb.events[e]) for e in kb.entity_events.get(ident, [])]
    data["responsibility_changes"] = [
        public(r) for r in kb.responsibilities.values()
        if ident in (r.get("before") or []) or ident in (r.get("after") or [])
    ]
    data["responsibility_changes"].sort(key=lambda r: (dates.sort_key(r["effective"]), r["id"]))
    data["senses"] = [resolve.sense(kb, other) for other in shared_acronym_senses(kb, ident)]
    data["counts"] = model.counts_of(kb, entity)
    if not data["counts"]:
        del data["counts"]
    if data.get("counts"):
        data["counts_text"] = lifecycle.counts_text(data["counts"])
    if entity.get("counts_from"):
        from ..systems.dated_changes import by_date

        data["data_changes"] = by_date(kb, entity["counts_from"], dates.start(as_of) if as_of else today())
    if as_of:
        day = dates.start(as_of)
        data["as_of"] = as_of
        data["as_of_state"] = describe_state_on(kb, entity, day)
        if data.get("counts"):
            data["counts_as_of"] = counts_on(kb, entity, day)
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
        return _described_by_data(kb, entity, day)
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
        open_end = period is periods[-1] and not period.get("to")
        if state == "enacted":  # law, not yet in force: and from when it was, if the data says
            text = law.enacted(kb, periods, period)
        else:  # a proposal or plan: "only" while nothing is recorded after it
            later = law.followed(kb, period) if open_end else None
            text = ("" if later else "only ") + state + since
            names = [f["name"] for f in entity.get("former_names") or []]
            if names:
                text += " (then called " + " / ".join(f"'{n}'" for n in names) + ")"
            if open_end:
                text += later or _no_later_stage(kb)
        if pointers:
            text += "; see " + ", ".join(pointers)
        return {"exists": False, "text": text, "period": period}
    since = f" since {dates.human(period['from'])}" if period.get("from") else ""
    return {"exists": True, "text": f"{state}{since}{law.enacted_before(periods, period)}", "period": period}


def _described_by_data(kb, entity, day):
    """What an undated entity was on a date: the systems data's counts date some (sub-ICB locations
    began on 1 July 2022); for the rest no dates are recorded."""
    span = model.derived_span(kb, entity)
    if span is None:
        return {"exists": None, "text": "The sources give no dates for this; it is shown as described"}
    first, last = span
    if day < first:
        return {"exists": False, "text": f"did not exist yet; the first date in the data is {dates.human(first)}"}
    if last and day > last:
        return {"exists": False, "text": f"no longer in use after {dates.human(last)}"}
    return {"exists": True, "text": f"in use since {dates.human(first)}"}


def _with_successors(kb, entity, text):
    successors = [kb.entities[i]["name"] for i in entity.get("became") or [] if i in kb.entities]
    successors += [kb.entities[i]["name"] for i in kb.replaced_by.get(entity["id"], [])
                   if kb.entities[i]["name"] not in successors]
    return text + ("; see " + ", ".join(successors) if successors else "")


def _no_later_stage(kb):
    from ..base import freshness

    as_of = freshness.data_as_of(kb)
    return f"; no later stage is recorded in the sources checked up to {dates.human(as_of)}" if as_of else ""


def counts_on(kb, entity, day):
    """{what: the count in force on a full date, or None} for an entity's dated counts (`model.counts_of`)."""
    found = {}
    rows = model.counts_of(kb, entity)
    for what in dict.fromkeys(row["what"] for row in rows):
        row = lifecycle.count_on(rows, day, what)
        found[what] = row["value"] if row else None
    return found


# --------------------------------------------------------------------------- timeline


def timeline(kb, date_from=None, date_to=None, tags=(), entity=None):
    date_from = parse_user_date(date_from, "--from") if date_from else None
    date_to = parse_user_date(date_to, "--to") if date_to else None
    frm = dates.start(date_from) if date_from else None
    to = dates.end(date_to) if date_to else None
    if frm and to and frm > to:
        raise BadValue(f"--from {dates.human(date_from)} is after --to {dates.human(date_to)}; swap them")
    match = resolve.resolve_term(kb, entity, exact_id_wins=True, main_sense=False) if entity else {}
    ident = match.get("id")
    wanted = set(tags)
    if ident:  # one entity's events: their records give the dates
        rows = (model.timeline_row(i, kb.events[i]) for i in kb.entity_events.get(ident, []))
    else:  # every event, by date
        rows = kb.timeline
    out = []
    for event_id, begins, ends, event_tags in rows:
        if frm and ends < frm:
            continue
        if to and begins > to:
            continue
        if wanted and not wanted.intersection(event_tags):
            continue
        out.append(public(kb.events[event_id]))
    return {"from": date_from, "to": date_to, "tags": sorted(wanted), "entity": ident, "events": out,
            "assumed": match.get("assumed")}


# --------------------------------------------------------------------------- compare

DIFF_ORDER = changekinds.SUCCESSION + changekinds.SIDE_BY_SIDE


def compare(kb, term_a, term_b, as_of=None):
    """What B took over from A (a succession), or what A and B each hold (side by side), as of a date.

    A row is part of the diff ("diff") when it was done by the date, and "later" otherwise: dated after
    it, or only planned or proposed. The date is `as_of`, else, for a succession, the first day a
    responsibility passed from A to B (the transfer: 1 July 2022 for CCGs to ICBs), else today.
    """
    matches = [resolve.resolve_term(kb, t, exact_id_wins=True, main_sense=False) for t in (term_a, term_b)]
    a, b = matches[0]["id"], matches[1]["id"]
    if a == b:
        raise BadValue(f"compare needs two different bodies; '{term_a}' and '{term_b}' are both "
                       f"{kb.entities[a]['name']}")
    as_of = dates.start(parse_user_date(as_of)) if as_of else None  # a day: "2024" is 1 January 2024, as in cards
    rows = list(kb.responsibilities.values())
    reversed_pair = not _succeeds(rows, a, b) and _succeeds(rows, b, a)
    if reversed_pair:  # `compare icb ccg`: the succession runs the other way, so answer that one
        a, b = b, a
    succession = [r for r in rows if a in (r.get("before") or []) and b in (r.get("after") or [])]
    result = {"a": a, "b": b, "a_name": kb.entities[a]["name"], "b_name": kb.entities[b]["name"],
              "reversed": reversed_pair, "assumed": [m["assumed"] for m in matches if m["assumed"]]}
    names = (result["a_name"], result["b_name"])
    diff = []
    if succession:
        result["mode"] = "succession"
        result["transfer"] = min((dates.start(r["effective"]) for r in succession if _done(r)), default=None)
        for r in rows:
            kind = _succession_kind(r, a, b)
            if kind:
                diff.append(_diff_row(kb, r, kind, names))
    else:
        result["mode"] = "side by side"
        result["transfer"] = None
        for r in rows:  # what each held: before a change (until then) or after it (from then)
            holders = (r.get("before") or []) + (r.get("after") or [])
            if a in holders and b in holders:
                diff.append(_diff_row(kb, r, "shared", names))
            elif a in holders:
                diff.append(_diff_row(kb, r, "only in A", names))
            elif b in holders:
                diff.append(_diff_row(kb, r, "only in B", names))
    result["as_of"] = day = as_of or result["transfer"] or today()
    for d in diff:
        d["part"] = "diff" if _done(d) and dates.start(d["effective"]) <= day else "later"
    order = {k: i for i, k in enumerate(DIFF_ORDER)}
    diff.sort(key=lambda d: (d["part"] != "diff", order[d["diff"]], dates.sort_key(d["effective"]), d["function"]))
    result["rows"] = diff
    result["counts"], result["later_counts"] = {}, {}
    for d in diff:
        counts = result["counts"] if d["part"] == "diff" else result["later_counts"]
        counts[d["diff"]] = counts.get(d["diff"], 0) + 1
    result["in_common"] = bool(diff) and (result["mode"] == "succession" or any(d["diff"] == "shared" for d in diff))
    return result


def _succession_kind(r, a, b):
    """What a row is to the succession a -> b: its own change when it passed from a to b or stayed with b;
    else kept, abolished or moved elsewhere (a's), new or taken on from elsewhere (b's); None when
    neither holds it."""
    before, after = r.get("before") or [], r.get("after") or []
    if a in before and b in after:
        return r["change"]
    if a in before:
        return "abolished" if not after else "kept" if a in after else "moved elsewhere"
    if b in after:
        if b in before:  # b held it already: a change in place, not something taken on
            return r["change"]
        return "new" if r["change"] == "new" else "from elsewhere"
    return None


def _done(row):
    return (row.get("status") or "done") == "done"


def _succeeds(rows, old, new):
    """Whether some responsibility passed from `old` to `new`."""
    return any(old in (r.get("before") or []) and new in (r.get("after") or []) for r in rows)


def _diff_row(kb, row, diff, names):
    out = public(row)
    out["diff"] = diff
    out["before_names"] = [kb.entities[i]["name"] for i in row.get("before") or []]
    out["after_names"] = [kb.entities[i]["name"] for i in row.get("after") or []]
    out["label"] = changekinds.label(diff, *names)
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
        exists = model.exists_on(kb, entity, day)
        if exists is False:
            continue
        present[ident] = {"id": ident, "name": entity["name"], "acronyms": entity.get("acronyms") or [],
                          "kind": entity["kind"], "level": top,
                          "state": (model.state_on(entity, day) or {}).get("state"),
                          "dated": exists is not None, "children": []}
        counts = {w: v for w, v in counts_on(kb, entity, day).items() if v is not None}
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


STOP_WORDS = frozenset(
    ["a", "about", "an", "and", "any", "are", "as", "at", "be", "by", "can", "did", "do", "doe", "does", "for", "from", "had", "has", "have", "how", "i", "in", "into", "is", "it", "its", "me", "my", "non", "of", "on", "or", "that", "the", "their", "them", "then", "there", "these", "they", "this", "to", "was", "what", "when", "where", "which", "who", "whom", "whose", "why", "will", "with"])
_SUFFIXES = ("ing", "ist", "ion", "al", "ed", "er")


def search_terms(text):
    """A query's words to look for: without words like 'who' and 'the', each cut to a stem that finds its
    simple forms by prefix ('dentists' -> 'dent', which also finds 'dental')."""
    words = resolve.normalize(text).split()
    content = [w for w in words if w not in STOP_WORDS] or words
    return list(dict.fromkeys(stem(w) for w in content))


def stem(word):
    """Drop one common ending (-ing, -ist, -ion after s or t, -al, -ed, -er) when 4 letters remain;
    'planning' -> 'plan'. Numbers are kept whole."""
    if word.isdigit():
        return word
    for suffix in _SUFFIXES:
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= 4 and (suffix != "ion" or base[-1] in "st"):
            if base[-1] == base[-2] and base[-1] not in "ls" and len(base) > 4:
                base = base[:-1]
            return base
    return word


def search(kb, text, limit=25):
    """Ranked matches across entity names, aliases, summaries, facts, claims and the timeline.

    Any word may match. Records holding every word rank by where they hold them (name, summary, body);
    below them come records holding some words, weighted by how rare each word is.
    """
    import math

    query = resolve.normalize(text)
    terms = search_terms(text)
    if not terms:
        raise BadValue("search: give some words to look for")
    content = [w for w in query.split() if w not in STOP_WORDS]
    phrases = [p for p in {query, " ".join(content)} if len(p.split()) > 1]
    found = []
    for row in kb.search_index:  # see resolve.search_row
        kind, ident, name, keys, summary, body = row[:6]
        levels = [0 if t not in body or not has_word(body, t)
                  else 3 if any(has_word(k, t) for k in keys) else 2 if has_word(summary, t) else 1 for t in terms]
        if any(levels):
            found.append((kind, ident, name, keys, summary, body, levels, row))
    rarity = [math.log((len(kb.search_index) + 1) / (1 + sum(1 for f in found if f[6][i]))) + 1
              for i in range(len(terms))]
    hits = []
    for kind, ident, name, keys, summary, body, levels, row in found:
        weight = sum(r * level for r, level in zip(rarity, levels)) / (3 * sum(rarity))
        score = _score(kind, query, terms, keys, levels, weight)
        if any(f" {p} " in f" {body} " for p in phrases):
            score += 5  # the words as a phrase: "3 million", "non executive"
        hits.append((-score, -weight, kind != "entity", name.lower(), kind, ident, score, row))  # kind, id: unique
    from .. import systems

    hits.sort()
    extra = systems.search_systems(kb, text)
    results = []
    for _neg, _weight, _order, _name, kind, ident, score, row in hits[:limit]:
        date, snippet, sources = row[6:9]  # what the hit shows, computed with the index
        said = in_context(kind, (kb.entities if kind == "entity" else kb.events)[ident], phrases, terms)
        results.append({"type": kind, "id": ident, "name": row[2], "score": score, "date": date,
                        "snippet": snippet, "context": said if said != snippet else None, "sources": sources})
    order = {(r["type"], r["id"]): n for n, r in enumerate(results)}
    ranked = sorted(results + extra, key=lambda h: (-h["score"], order.get((h["type"], h["id"]), 0),
                                                    h["type"] != "entity", h["name"].lower()))
    return {"query": text, "terms": terms, "total": len(hits) + len(extra), "results": ranked[:limit]}


def _score(kind, query, terms, keys, levels, weight):
    """100/80/60 a name matches exactly, by prefix or word by word; 40 every word in the summary; 20 in
    the text (events: 50 in the title, 15 in the text); below 15, only some words, by their weight."""
    if not all(levels):
        return 1 + int(13 * weight)
    if kind == "event":
        return 50 if all(level >= 2 for level in levels) else 15
    tier = key_match(query, terms, keys)
    if tier is not None:
        return (100, 80, 60)[tier]
    return 40 if all(level >= 2 for level in levels) else 20
