"""Checking a claim against the data on a date: is "there are 42 ICBs" true on 6 December 2026?

A claim is a subject, a property and a value (or a sentence read into them: `read_statement`). Each
property gives the subject's value over time as dated rows (`{from, to, value, text, sources}`, `to` the
last day, inclusive, None while it still holds), from the same model every command reads: counts from
`model.counts_of` (the code data's own counts first), states from the status periods, the ICB of a code
from `ics map`. The verdict compares the value with the row in force on the date:

- true: the row on the date has the value (`until` says when it stops, where the data knows);
- false: it has another value (`held` lists when the value was or will be true, if ever);
- not yet true: nothing, or another value, holds on the date, and a later row has the value;
- not recorded: the data has no row for this subject and property, so it cannot say.
"""
import re

from .. import dates
from ..base import lifecycle
from ..base.safe import quoted
from ..base.schema import CHECK_PROPERTIES, NOT_EXISTING
from ..errors import BadValue, IcsError
from ..store import model
from . import resolve
from .horizon import next_change

PROPERTIES = CHECK_PROPERTIES
LONGEST = 300  # characters in a statement, subject or value: the longest names in the data are far shorter
VERDICTS = ("true", "false", "not yet true", "not recorded")
STATES = {"statutory": "statutory", "in force": "statutory", "on a statutory footing": "statutory",
          "non-statutory": "non-statutory", "abolished": "abolished", "repealed": "repealed",
          "dropped": "dropped", "superseded": "superseded", "planned": "planned", "proposed": "proposed",
          "enacted": "enacted", "law": "enacted", "amended": "amended", "in effect": "in effect"}

_COUNT = re.compile(r"^(?:there\s+(?:are|were|is|was|will\s+be)\s+|england\s+(?:has|had)\s+)?(?:now\s+)?"
                    r"(\d[\d,]*)\s+(.+?)(?:\s+in\s+england)?(?:\s+(?:now|today))?$")
_STATE = re.compile(r"^(?:the\s+)?(.+?)\s+(?:is|are|was|were|became|has\s+been|have\s+been)\s+(?:now\s+)?"
                    r"(?:(?:a|an)\s+)?(" + "|".join(sorted(STATES, key=len, reverse=True)) + r")(?:\s+bodies?)?$")
_EXISTS = re.compile(r"^(?:the\s+)?(.+?)\s+(?:still\s+)?(?:exists?|existed|(?:is|are|was|were)\s+in\s+existence)$")
_ICB = re.compile(r"^(.+?)\s+(?:is|was|lies|lay)\s+(?:in|part\s+of|covered\s+by|under)\s+(?:the\s+)?(.+?)"
                  r"(?:\s+(?:icb|integrated\s+care\s+board))?$")


def read_statement(text):
    """(subject, property, value) a sentence states, or BadValue naming the forms that can be checked."""
    plain = " ".join(text.strip().rstrip(".!").split()).lower().replace("\u2019", "'")
    for pattern, prop in ((_COUNT, "count"), (_STATE, "state"), (_ICB, "icb")):
        m = pattern.match(plain)
        if m:
            value = m.group(1).replace(",", "") if prop == "count" else m.group(2)
            subject = m.group(2) if prop == "count" else m.group(1)
            return subject, prop, STATES.get(value, value)
    m = _EXISTS.match(plain)
    if m:
        return m.group(1), "state", "exists"
    raise BadValue(f"cannot read {quoted(text)} as a claim ics can check: say it as a count (\"there are 42 ICBs\"), "
                   "a state (\"CCGs are abolished\", \"ICPs exist\") or where a code lies (\"02Q is in QT1\"), "
                   "or give subject, property (count, state, icb) and value")


def check(kb, statement=None, subject=None, prop=None, value=None, on=None):
    """The verdict on a claim on a date (default today), with the fact as it stands and its evidence."""
    day = dates.start(on) if on else dates.today()
    for given in (statement, subject, value):
        if given is not None and len(str(given)) > LONGEST:
            raise BadValue(f"a claim is at most {LONGEST} characters: {quoted(given)}")
    if statement:
        subject, prop, value = read_statement(statement)
    if prop not in PROPERTIES:
        raise BadValue(f"property: {quoted(prop)} is not one of: {', '.join(PROPERTIES)}")
    if not subject or value in (None, ""):
        raise BadValue("a claim needs a subject and a value (or a statement)")
    about, rows = _ROWS[prop](kb, subject, str(value))
    wanted = _wanted(prop, str(value))
    out = {"statement": statement, "subject": subject, "property": prop, "value": value, "about": about,
           "on": day, "fact": None, "held": [], "evidence": []}
    if not rows:
        return dict(out, verdict="not recorded", reason=f"the data records no {prop} for {about['name']}")
    now = next((r for r in rows if _holds(r, day)), None)
    matching = [r for r in rows if _same(prop, r["value"], wanted)]
    out["held"] = [{"from": r["from"], "to": r.get("to")} for r in matching]
    if now:
        out["fact"] = {k: now.get(k) for k in ("from", "to", "value", "text", "sources")}
    if now and _same(prop, now["value"], wanted):
        verdict = "true"
        out["until"] = now.get("to")
        out["partly"] = now.get("parts", 1) > 1  # a split area: the claim holds for part of it
    elif now and _same(prop, now.get("unknown") or [], wanted):  # enacted, the day in force not given
        verdict = "not recorded"
        out["reason"] = (f"the data records {about['name']} as {now['text']}, not the day it came into force"
                         if now["value"][0] == "enacted" else
                         f"the data records {about['name']} as {now['text']}, not under what legal form")
    elif any(dates.start(r["from"]) > day for r in matching):
        verdict = "not yet true"
    elif now is None and not matching:
        verdict = "not recorded"
        out["reason"] = f"the data records no {prop} for {about['name']} on {dates.human(day)}"
    else:
        verdict = "false"
    out["verdict"] = verdict
    cited = [now] if now else []
    cited += [r for r in matching if r is not now]
    for row in cited:
        out["evidence"] += [c for c in _cites(row["sources"]) if c not in out["evidence"]]
    out["evidence"] += [c for c in _quoted(kb, about, value) if c not in out["evidence"]]
    out["next_change"] = next_change(kb, day, [about["id"]] if about["type"] == "entity" else (), rows,
                                     versions=about["type"] == "code")
    return out


def _holds(row, day):
    return dates.start(row["from"]) <= day and (not row.get("to") or day <= dates.end(row["to"]))


def _wanted(prop, value):
    if prop == "count":
        try:
            return int(value.replace(",", ""))
        except ValueError:
            raise BadValue(f"value: a count is a whole number, not {quoted(value)}") from None
    if prop == "icb":
        return _wanted_icb_key(value)
    return resolve.normalize(value)


def _same(prop, got, wanted):
    if prop == "count":
        return got == wanted
    if isinstance(got, (list, tuple)):
        return wanted in [resolve.normalize(g) for g in got]
    return resolve.normalize(got) == wanted


def _cites(sources):
    return [{"source": c} if isinstance(c, str) else dict(c) for c in sources or []]


def _entity(kb, subject):
    try:
        ident = resolve.resolve_term(kb, subject)["id"]
    except IcsError:
        singular = re.sub(r"s$", "", subject.strip())
        ident = resolve.resolve_term(kb, singular)["id"]
    entity = kb.entities[ident]
    return {"type": "entity", "id": ident, "name": entity["name"]}, entity


def _count_rows(kb, subject, value):
    about, entity = _entity(kb, subject)
    rows = model.counts_of(kb, entity)
    what = rows[0]["what"] if rows else None
    return about, [dict(r, text=lifecycle.counts_text([r])) for r in rows if r["what"] == what]


def _state_rows(kb, subject, value):
    about, entity = _entity(kb, subject)
    rows = []
    periods = entity.get("status") or []
    for n, period in enumerate(periods):
        exists = period["state"] not in NOT_EXISTING
        to = period.get("to")
        last = dates.day_before(to) if to else None  # a status period's `to` is the first day of the next
        values = [period["state"]] + (["exists"] if exists else [])
        since = f" from {dates.human(period['from'])}" if period.get("from") else ""
        # what the data leaves open: law whose day of coming into force no later period gives (in force, or
        # existing, is not recorded), or a change that took effect with no legal form given (statutory or not)
        unknown = (["exists", "statutory"] if period["state"] == "enacted" and n + 1 == len(periods)
                   else ["statutory", "non-statutory"] if period["state"] == "in effect" else [])
        rows.append({"from": period.get("from") or "0001-01-01", "to": last, "value": values, "unknown": unknown,
                     "text": f"{period['state']}{since}" + (f" to {dates.human(last)}" if last else ""),
                     "sources": period.get("sources") or []})
    if not rows:
        span = model.derived_span(kb, entity)
        if span:
            rows.append({"from": span[0], "to": span[1], "value": ["exists"],
                         "text": f"in use from {dates.human(span[0])}", "sources": []})
    return about, rows


def _icb_rows(kb, subject, value):
    """The ICB a code (a CCG or sub-ICB location code of any vintage) lay in, for each data version."""
    from ..store.systems_index import index, key
    from ..systems.mapping import map_code

    versions = index(kb).versions
    rows = []
    for n, (version, begins) in enumerate(versions):
        found = map_code(kb, subject, begins)
        if found["change"] == "unknown":
            raise BadValue(f"{quoted(subject)} is not a code or name ics can place in an ICB")
        names = []
        for r in found["results"]:
            names += [resolve.normalize(r.get("icb_ods_code") or ""), resolve.normalize(r.get("icb_ons_code") or ""),
                      resolve.normalize(key(r.get("icb_name") or ""))]
        ends = dates.day_before(versions[n + 1][1]) if n + 1 < len(versions) else None
        several = len(found["results"]) > 1  # a split area: each part with its share of the area
        label = "; ".join(f"{r['icb_name']} ({r.get('icb_ods_code') or r['icb_ons_code']})"
                          + (f", {round(100 * r['share'])}% of the area" if several and r.get("share") else "")
                          for r in found["results"])
        record = kb.system_versions[version]
        rows.append({"from": record["date"], "to": ends, "value": [n for n in names if n],
                     "text": ("split between " if several else "") + label, "parts": len(found["results"]),
                     "sources": record.get("sources") or []})
    merged = []
    for row in rows:  # one row while the answer stays the same
        if merged and merged[-1]["text"] == row["text"]:
            merged[-1]["to"] = row["to"]
        else:
            merged.append(row)
    return {"type": "code", "id": subject.upper(), "name": subject.upper()}, merged


_ROWS = {"count": _count_rows, "state": _state_rows, "icb": _icb_rows}


def _wanted_icb_key(value):
    from ..store.systems_index import key

    return resolve.normalize(key(value))


def _quoted(kb, about, value):
    """Citations with a quoted sentence from the subject's own facts that state the value."""
    if about["type"] != "entity":
        return []
    entity = kb.entities[about["id"]]
    out = []
    for item in entity.get("facts") or []:
        if re.search(rf"\b{re.escape(str(value))}\b", item["text"]):
            out += [dict(c, fact=item["text"]) for c in _cites(item["sources"]) if c.get("quote")]
    return out
