"""The brief shape of each MCP answer: what the document says, in a few kB, read from its payload.

`brief(tool, payload)` returns (answer, items): `answer` keeps what an assistant needs to say and cite
(names, codes, dates, states, counts, the sentences of facts) with each claim's first source as an id;
`items` is the key of the answer's long list, which the caller pages (None: nothing to page). Long
prose (event descriptions, provenance notes, every local authority) is left to `detail="full"` and the
resources. Nothing here renders or parses JSON: it reads the payload the view made.
"""


CITED = 1  # the sources a brief answer gives for each claim (detail="full" gives every one)


def ids(sources):
    """The first source ids of a list of citations ({source, at, quote} or ids), once each, in order."""
    return list(dict.fromkeys(c["source"] if isinstance(c, dict) else c for c in sources or ()))[:CITED]


def _pick(record, keys):
    """The keys of a record that have a value (None, empty lists and empty text left out)."""
    return {k: record[k] for k in keys if record.get(k) not in (None, "", [], {})}


def _cited(record, keys):
    out = _pick(record, keys)
    if record.get("sources"):
        out["sources"] = ids(record["sources"])
    return out


def _icb(ref):
    """An ICB reference: its name and codes."""
    return _pick(ref or {}, ("name", "ods_code", "ons_code")) or None


def _explain(p):
    if "ccg_ods_code" in p:  # a former CCG's code: explain answers as `ccg` does
        return _ccg(p)
    if "ods_code" in p and "history" in p:  # an ICB's code or name: as `system` does
        return _system(p)
    answer = _cited(p, ("id", "name", "kind", "acronyms", "summary", "counts_text", "as_of", "counts_as_of",
                        "replaced", "became", "part_of", "accountable_to"))
    if answer.get("accountable_to"):  # each with its first source, as every claim of a brief answer
        answer["accountable_to"] = [_cited(a, ("entity", "note")) if isinstance(a, dict) else a
                                    for a in answer["accountable_to"]]
    state = p.get("as_of_state")
    if state:
        answer["as_of_state"] = dict(_pick(state, ("exists", "text")), sources=ids((state.get("period") or {})
                                                                                   .get("sources")))
    answer["status"] = [_cited(s, ("from", "to", "state")) for s in p.get("status") or ()]
    answer["counts"] = [_cited(c, ("what", "value", "from", "to")) for c in p.get("counts") or ()]
    answer["facts"] = [_cited(f, ("text", "from", "to")) for f in p.get("facts") or ()]
    # where sources disagree, every side (its sources with detail="full")
    answer["disagreements"] = [{"topic": c["topic"], "values": [_pick(v, ("value", "current")) for v in c["values"]]}
                               for c in p.get("claims") or ()]
    if p.get("senses"):
        answer["senses"] = p["senses"]
    answer["more"] = {k: len(p[k]) for k in ("responsibilities", "membership", "events", "related",
                                             "responsibility_changes")
                      if p.get(k)}  # with detail="full"; the duties also by `compare`, the events by `timeline`
    return {k: v for k, v in answer.items() if v not in ([], {})}, None


def _search(p):
    results = [_cited(r, ("type", "id", "name", "date", "snippet")) for r in p.get("results") or ()]
    return {"query": p.get("query"), "total": p.get("total"), "results": results}, "results"


def _timeline(p):
    events = [_cited(e, ("id", "date", "title", "status", "confidence")) for e in p.get("events") or ()]
    return dict(_pick(p, ("from", "to", "tags", "entity", "assumed")), events=events), "events"


def _compare(p):
    rows = [_cited(r, ("function", "part", "diff", "label", "effective", "status", "before_names", "after_names"))
            for r in p.get("rows") or ()]
    keys = ("a", "b", "a_name", "b_name", "mode", "transfer", "as_of", "counts", "later_counts", "in_common")
    return dict(_pick(p, keys), rows=rows), "rows"


def _systems(p):
    rows = [_cited(s, ("ods_code", "ons_code", "name", "region", "sub_icb_count", "predecessor"))
            for s in p.get("systems") or ()]
    version = _pick(p.get("version") or {}, ("date", "label"))
    return dict(_pick(p, ("as_of", "region", "count")), version=version, systems=rows), "systems"


def _system(p):
    answer = _cited(p, ("name", "ods_code", "ons_code", "region", "as_of", "state", "began", "ended", "match",
                        "sub_icb_count"))
    answer["history"] = [_cited(h, ("date", "label", "name", "ods_code", "ons_code", "region"))
                         for h in p.get("history") or ()]
    answer["sub_icb_locations"] = [_pick(s, ("ods_code", "ons_code", "name", "former_ccg_name"))
                                   for s in p.get("sub_icb_locations") or ()]
    for key in ("formed_from", "went_to"):
        answer[key] = [dict(_icb(s) or {}, **_pick(s, ("date",)), sources=ids(s.get("sources")))
                       for s in p.get(key) or ()]
    places = p.get("places") or {}
    answer["local_authorities"] = sorted({la["name"] for g in places.get("groups") or ()
                                          for la in g.get("local_authorities") or ()})
    return {k: v for k, v in answer.items() if v not in ([], {})}, None


def _ccg_row(c):
    now = c.get("now") or {}
    row = _pick(c, ("ccg_ods_code", "ccg_ons_code", "ccg_name", "sub_icb_ods_code", "sub_icb_name", "ended",
                    "changed_since_2022"))
    row["icb_2022"] = _icb(c.get("icb_2022"))
    if now:
        row["icb_now"] = dict(_icb(now.get("icb")) or {}, since=now.get("date"))
    row["sources"] = ids(c.get("sources"))
    return row


def _ccg(p):
    if "ccgs" in p:
        return dict(_pick(p, ("as_of", "count")), ccgs=[_ccg_row(c) for c in p["ccgs"]]), "ccgs"
    answer = dict(_ccg_row(p), **_pick(p, ("as_of", "boundary_change_2022", "before_icbs")))
    answer["history"] = [dict(_pick(h, ("date", "label", "sub_icb_ods_code", "region", "change_note")),
                              icb=_icb(h.get("icb")), sources=ids(h.get("sources"))) for h in p.get("history") or ()]
    return answer, None


def _map(p):
    keep = [c for c in p.get("columns") or () if c not in ("sub_icb_location_name",)]
    rows = [_cited(r, keep) for r in p.get("rows") or ()]
    return dict(_pick(p, ("as_of", "count")), rows=rows), "rows"


def _changes(p):
    rows = [_cited(c, ("date", "kind", "change", "text", "codes")) for c in p.get("changes") or ()]
    return dict(_pick(p, ("from", "to", "count", "counts")), changes=rows), "changes"


def _check(p):
    answer = _pick(p, ("statement", "subject", "property", "value", "on", "verdict", "until", "partly", "reason"))
    answer["about"] = p.get("about")
    answer["held"] = p.get("held") or []
    fact = p.get("fact")
    answer["fact"] = _cited(fact, ("from", "to", "value", "text")) if fact else None
    answer["evidence"] = [_pick(e, ("source", "at", "quote", "fact")) for e in p.get("evidence") or ()]
    return answer, None


BRIEF = {"explain": _explain, "search": _search, "timeline": _timeline, "compare": _compare,
         "systems": _systems, "system": _system, "ccg": _ccg, "map": _map, "changes": _changes, "check": _check}


def brief(tool, payload):
    """(the brief answer, the key of its list to page or None)."""
    return BRIEF[tool](payload if isinstance(payload, dict) else {"data": payload})
