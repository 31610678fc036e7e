"""`ics changes`: what changed between two dates, from the data's own dated fields.

CCG mergers and boundary changes (2013-2021), the 1 July 2022 switch from CCGs to ICBs, each later ICB and
sub-ICB location version (merged, split, re-coded, renamed), bodies created, renamed and abolished (the
entities' status periods and former names) and responsibilities that moved. Every item is dated and
carries its sources; counts of CCGs, ICBs and sub-ICB locations are given on the dates that matter.
Plain JSON-able data (library and MCP callers use `changes(kb, from, to)` directly).
"""
from .. import dates
from ..base.schema import NOT_EXISTING
from ..errors import BadValue
from ..store.systems_index import index

KIND_ORDER = ("body", "responsibility", "ccg merger", "ccg boundary", "icb", "sub-icb location")


def counts_on(kb, day):
    """{'date', 'ccgs', 'icbs', 'sub_icb_locations'} in force on a full date."""
    ix = index(kb)
    ccgs = sum(1 for i in ix.ccg_order if ix.spans[i][0] <= day < (ix.spans[i][1] or "9999"))
    version = None
    for v, begins in ix.versions:
        if begins <= day:
            version = v
    return {"date": day, "ccgs": ccgs, "icbs": len(ix.by_version.get(version, [])) if version else 0,
            "sub_icb_locations": len(ix.locs_by_version.get(version, [])) if version else 0}


def changes(kb, start, end):
    """Changes dated from `start` to `end` (full dates, both included), oldest first."""
    if start > end:
        raise BadValue(f"--from {start} is after --to {end}")
    items = _ccg_items(kb) + _version_items(kb) + _body_items(kb) + _responsibility_items(kb)
    items = [i for i in items if start <= dates.start(i["date"]) <= end]
    items.sort(key=lambda i: (dates.start(i["date"]), KIND_ORDER.index(i["kind"]), i["text"]))
    before = _day_before(start)
    days = [before] + sorted({dates.start(i["date"]) for i in items}) + [end]
    counts = []
    for n, day in enumerate(days):  # a row where a count changed, plus the first and the last
        row = counts_on(kb, day)
        same = counts and all(row[k] == counts[-1][k] for k in ("ccgs", "icbs", "sub_icb_locations"))
        if not same or n == len(days) - 1:
            if counts and counts[-1]["date"] == day:
                continue
            counts.append(row)
    return {"from": start, "to": end, "count": len(items), "counts": counts, "changes": items}


def _day_before(day):
    import datetime

    if day <= "0001-01-01":  # no day before it in datetime's calendar (year 0 is none of its years either);
        return day  # nothing is dated that early, so the counts on the day itself are the same
    return (datetime.date.fromisoformat(day) - datetime.timedelta(days=1)).isoformat()


def _item(date, kind, change, text, codes, sources):
    return {"date": date, "kind": kind, "change": change, "text": text, "codes": codes, "sources": sources}


def _ccg_items(kb):
    ix = index(kb)
    ccgs = kb.ccgs if ix.ccg_order else {}
    by_code = {c["ods_code"]: c for c in ccgs.values()}
    groups = {}
    for ident in ix.ccg_order:
        ccg = ccgs[ident]
        if ccg.get("successions"):
            step = ccg["successions"][0]
            groups.setdefault((step["date"], step["ods_code"]), []).append(ccg)
    out = []
    for (day, code), olds in sorted(groups.items()):
        new = by_code[code]
        formed = new["valid_from"] == day
        names = "; ".join(f"{c['ods_code']} {c['name']}" for c in olds)
        verb = "formed from" if formed else "took in"
        text = f"{code} {new['name']} {verb} {len(olds)} CCG{'s' if len(olds) > 1 else ''}: {names}"
        for c in olds:
            if c.get("split"):
                parts = ", ".join(f"{p['lsoa_count']} to {p['ods_code']}" for p in c["split"])
                text += f" ({c['ods_code']}'s {c['split'][0]['of']} LSOAs: {parts})"
        sources = [s for c in olds + [new] for s in c["sources"] if s.get("source") == "ods-succ"][:1] or olds[0]["sources"]
        out.append(_item(day, "ccg merger", "merged", text, [c["ods_code"] for c in olds] + [code], sources))
    for ccg in ccgs.values():
        for b in ccg.get("boundary_changes") or []:
            bits = []
            for part in b.get("lost") or []:
                bits.append(f"lost {part['lsoa_count']} LSOAs to {part['ods_code']}")
            for part in b.get("gained") or []:
                bits.append(f"gained {part['lsoa_count']} LSOAs from {part['ods_code']}")
            if b.get("ons_from") != b.get("ons_to"):
                bits.append(f"ONS code {b['ons_from']} \u2192 {b['ons_to']}")
            if b.get("name_from") != b.get("name_to"):
                bits.append(f"renamed from \u201c{b['name_from']}\u201d to \u201c{b['name_to']}\u201d")
            out.append(_item(b["date"], "ccg boundary", "boundary", f"{ccg['ods_code']} {b['name_to']}: " + "; ".join(bits),
                             [ccg["ods_code"]], b["sources"]))
    return out


def _version_items(kb):
    ix = index(kb)
    out = []
    for n, (version, begins) in enumerate(ix.versions):
        record = kb.system_versions[version]
        when = record["date"]  # as the data gives it: 'April 2023' is not '1 April 2023'
        icbs = ix.by_version.get(version, [])
        if n == 0:
            ccgs = counts_on(kb, _day_before(begins))["ccgs"]
            out.append(_item(when, "icb", "created", f"{len(icbs)} integrated care boards established; the {ccgs} "
                             f"CCGs were abolished and became {len(ix.locs_by_version.get(version, []))} sub-ICB locations "
                             "of the ICBs, under the same codes", [], record["sources"]))
            out += _first_version_moves(kb, version, when)
            continue
        out += _icb_changes(kb, version, when)
    return out


def _first_version_moves(kb, version, begins):
    ix = index(kb)
    out = []
    for ident in ix.locs_by_version.get(version, []):
        loc = kb.sub_icb_locations[ident]
        icb = kb.icbs[loc["icb"]]
        for part in loc.get("took") or []:
            out.append(_item(begins, "sub-icb location", "boundary",
                             f"{loc['ods_code']} took {part['lsoa_count']} of the {part['of']} LSOAs of CCG "
                             f"{part['ods_code']}", [loc["ods_code"], part["ods_code"]], loc["sources"]))
        if loc.get("stp21_ons_code") and loc["stp21_ons_code"] != icb.get("predecessor_ons_code"):
            out.append(_item(begins, "sub-icb location", "moved",
                             f"{loc['ods_code']} ({loc.get('former_ccg_name')}) moved from the {loc['stp21_name']} "
                             f"STP/ICS ({loc['stp21_ons_code']}) to {icb['name']} ({icb.get('ods_code')})",
                             [loc["ods_code"], loc["stp21_ons_code"], icb.get("ods_code") or icb["ons_code"]],
                             loc["sources"]))
    return out


def _label(icb):
    return f"{icb['short_name']} ({icb.get('ods_code') or '-'}, {icb['ons_code']})"


def _icb_changes(kb, version, begins):
    ix = index(kb)
    out, split_from = [], {}
    for ident in ix.by_version.get(version, []):
        for old in kb.icbs[ident].get("formed_from") or []:
            split_from.setdefault(old, []).append(ident)
    for ident in ix.by_version.get(version, []):
        icb = kb.icbs[ident]
        prev = ix.prev.get(ident) or []
        if icb.get("formed_from"):
            olds = [kb.icbs[o] for o in icb["formed_from"]]
            text = f"{_label(icb)} formed from " + "; ".join(
                _label(o) + ("" if len(split_from.get(o["id"], [])) == 1 else " (part)") for o in olds)
            out.append(_item(begins, "icb", "merged", text, [o.get("ods_code") or o["ons_code"] for o in olds]
                             + [icb.get("ods_code") or icb["ons_code"]], icb["sources"]))
        elif len(prev) == 1:
            old = kb.icbs[prev[0]]
            if old["ons_code"] != icb["ons_code"]:
                out.append(_item(begins, "icb", "re-coded", f"{_label(old)} took ONS code {icb['ons_code']}",
                                 [old["ons_code"], icb["ons_code"]], icb["sources"]))
            if old["name"] != icb["name"]:
                out.append(_item(begins, "icb", "renamed", f"{_label(old)} renamed {icb['name']}",
                                 [icb.get("ods_code") or icb["ons_code"]], icb["sources"]))
    for old, news in split_from.items():
        if len(news) > 1:
            o = kb.icbs[old]
            out.append(_item(begins, "icb", "split", f"{_label(o)} split between "
                             + ", ".join(_label(kb.icbs[n]) for n in news),
                             [o.get("ods_code") or o["ons_code"]] + [kb.icbs[n].get("ods_code") or "" for n in news],
                             kb.icbs[news[0]]["sources"]))
    previous = ix.versions[[v for v, _ in ix.versions].index(version) - 1][0]
    old_locs = {kb.sub_icb_locations[i]["ods_code"]: kb.sub_icb_locations[i] for i in ix.locs_by_version[previous]}
    for ident in ix.locs_by_version.get(version, []):
        loc = kb.sub_icb_locations[ident]
        old = old_locs.pop(loc["ods_code"], None)
        if old is None:
            out.append(_item(begins, "sub-icb location", "created", f"new sub-ICB location {loc['ods_code']} "
                             f"({loc['ons_code']}) {loc['name']}", [loc["ods_code"]], loc["sources"]))
        elif old["ons_code"] != loc["ons_code"]:
            out.append(_item(begins, "sub-icb location", "re-coded", f"{loc['ods_code']} took ONS code "
                             f"{loc['ons_code']} (was {old['ons_code']})", [loc["ods_code"]], loc["sources"]))
        for part in loc.get("took") or []:
            out.append(_item(begins, "sub-icb location", "boundary", f"{loc['ods_code']} took {part['lsoa_count']} "
                             f"of the {part['of']} LSOAs of {part['ods_code']}", [loc["ods_code"], part["ods_code"]],
                             loc["sources"]))
    for code, old in old_locs.items():
        out.append(_item(begins, "sub-icb location", "abolished", f"sub-ICB location {code} ({old['name']}) ended",
                         [code], old["sources"]))
    return out


def _body_items(kb):
    out = []
    for ident, entity in kb.entities.items():
        periods = [p for p in entity.get("status") or [] if p.get("from")]
        for n, period in enumerate(periods):
            was = periods[n - 1]["state"] if n else None
            now = period["state"]
            if now == "abolished":
                change = "abolished"
            elif now not in NOT_EXISTING and (was is None or was in NOT_EXISTING):
                change = "created"
            elif now == "statutory" and was == "non-statutory":
                change = "made statutory"
            else:
                continue
            text = f"{entity['name']} {change}" + (f" ({period['basis']})" if period.get("basis") else "")
            out.append(_item(period["from"], "body", change, text, [ident], period.get("sources") or entity["sources"]))
        for former in entity.get("former_names") or []:
            if former.get("to"):
                out.append(_item(former["to"], "body", "renamed", f"{former['name']} renamed {entity['name']}",
                                 [ident], former.get("sources") or entity["sources"]))
    return out


def _responsibility_items(kb):
    out = []
    for ident, r in kb.responsibilities.items():
        if r.get("status") not in (None, "done") or r["change"] == "carried over":
            continue
        before = ", ".join(kb.entities[e]["name"] for e in r.get("before") or [] if e in kb.entities) or "none"
        after = ", ".join(kb.entities[e]["name"] for e in r.get("after") or [] if e in kb.entities) or "none"
        out.append(_item(r["effective"], "responsibility", r["change"], f"{r['function']} ({before} \u2192 {after})",
                         [ident], r["sources"]))
    return out



# What the systems data records for each kind a card is counted by (`counts_from`): the kinds of change.
COUNTED_KINDS = {"ccgs": ("ccg merger", "ccg boundary"), "icbs": ("icb",), "sub-icb-locations": ("sub-icb location",)}
_WORDS = {"created": "new", "abolished": "ended", "merged": "formed by a merger", "split": "split",
          "boundary": "took part of another's area", "re-coded": "given a new ONS code", "moved": "moved to another ICB"}


_FIRST_CODE = ("boundary", "split", "moved")  # the change's first code names what changed; else its last


def by_date(kb, counted, end):
    """[{date, text, codes, sources}] per date: what the systems data records of the kinds an entity is
    counted by, up to `end` ('1 April 2026: 1 new (U2G6B); 1 ended (D4U1Y); ...'), oldest first."""
    kinds = {k for spec in counted for k in COUNTED_KINDS.get(spec["count"], ())}
    if not kinds:
        return []
    found = {}
    for item in changes(kb, "0001-01-01", end)["changes"]:
        if item["kind"] in kinds:
            found.setdefault(item["date"], []).append(item)
    out = []
    for day, items in found.items():
        groups = {}
        for item in items:
            groups.setdefault(item["change"], []).append(item)
        parts, sources = [], []
        for change, group in groups.items():
            codes = list(dict.fromkeys(c for i in group for c in i["codes"][:1] if change in _FIRST_CODE)) or \
                list(dict.fromkeys(c for i in group for c in i["codes"][-1:]))
            if len(group) == 1 and not codes:
                parts.append(group[0]["text"])  # one change the data states whole (the ICBs established)
                continue
            parts.append(f"{len(group)} {_WORDS.get(change, change)}" + (f" ({', '.join(codes)})" if codes else ""))
            sources += [s for i in group for s in i["sources"] if s not in sources]
        out.append({"date": day, "text": "; ".join(parts), "sources": sources})
    return out
