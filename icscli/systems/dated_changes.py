"""`ics changes`: what changed between two dates, from the data's own dated fields.

CCG mergers and boundary changes (2013-2021), the 1 July 2022 switch from CCGs to ICBs, each later ICB and
sub-ICB location version (merged, split, re-coded, renamed), bodies created, renamed and abolished (the
entities' status periods and former names) and responsibilities that moved. Every item is dated and
carries its sources; counts of CCGs, ICBs and sub-ICB locations are given on the dates that matter.
Each change is one sentence that names the body beside its codes ("NHS Bassetlaw CCG (02Q) moved ...");
its `change` is a kind of base/changekinds.py, with that kind's `label`. Changes sort as the timeline does:
a year- or month-only date at the end of the period it names, after the exact dates inside it.
Plain JSON-able data (library and MCP callers use `changes(kb, from, to)` directly).
"""
from .. import dates
from ..base import changekinds
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
    items.sort(key=lambda i: (dates.sort_key(i["date"]), KIND_ORDER.index(i["kind"]), i["text"]))
    before = dates.day_before(start)
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


def _item(date, kind, change, text, codes, sources):
    return {"date": date, "kind": kind, "change": change, "label": changekinds.label(change), "text": text,
            "codes": codes, "sources": sources}


def _and(parts, sep=", "):
    """'a', 'a and b', 'a, b and c' (sep '; ' for parts that hold commas themselves)."""
    parts = list(parts)
    return sep.join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def _lsoas(count):
    return f"{count} LSOA{'' if count == 1 else 's'}"


def _ccg_items(kb):
    ix = index(kb)
    ccgs = kb.ccgs if ix.ccg_order else {}
    by_code = {c["ods_code"]: c for c in ccgs.values()}

    def named(code):  # 'NHS Bassetlaw CCG (02Q)': the name beside the code
        return f"{by_code[code]['name']} ({code})" if code in by_code else code

    groups = {}
    for ident in ix.ccg_order:
        ccg = ccgs[ident]
        if ccg.get("successions"):
            step = ccg["successions"][0]
            groups.setdefault((step["date"], step["ods_code"]), []).append(ccg)
    out = []
    for (day, code), olds in sorted(groups.items()):
        new = by_code[code]
        verb = "was formed from" if new["valid_from"] == day else "took in"
        text = (f"{named(code)} {verb} {len(olds)} CCG{'s' if len(olds) > 1 else ''}: "
                + "; ".join(named(c["ods_code"]) for c in olds))
        for c in olds:
            if c.get("split"):
                parts = _and(f"{p['lsoa_count']} to {named(p['ods_code'])}" for p in c["split"])
                text += f" (of the {c['split'][0]['of']} LSOAs of {c['ods_code']}, {parts})"
        sources = [s for c in olds + [new] for s in c["sources"] if s.get("source") == "ods-succ"][:1] or olds[0]["sources"]
        out.append(_item(day, "ccg merger", "merged", text + ".", [c["ods_code"] for c in olds] + [code], sources))
    for ccg in ccgs.values():
        for b in ccg.get("boundary_changes") or []:
            bits = []
            for part in b.get("lost") or []:
                bits.append(f"lost {_lsoas(part['lsoa_count'])} to {named(part['ods_code'])}")
            for part in b.get("gained") or []:
                bits.append(f"gained {_lsoas(part['lsoa_count'])} from {named(part['ods_code'])}")
            if b.get("ons_from") != b.get("ons_to"):
                bits.append(f"took ONS code {b['ons_to']} (was {b['ons_from']})")
            if b.get("name_from") != b.get("name_to"):
                bits.append(f"was renamed from \u201c{b['name_from']}\u201d")
            change = "boundary" if b.get("lost") or b.get("gained") else \
                "re-coded" if b.get("ons_from") != b.get("ons_to") else "renamed"  # what it was: 04H was only renamed
            out.append(_item(b["date"], "ccg boundary", change, f"{b['name_to']} ({ccg['ods_code']}) {_and(bits)}.",
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
            ccgs = counts_on(kb, dates.day_before(begins))["ccgs"]
            out.append(_item(when, "icb", "created", f"{len(icbs)} integrated care boards were established; the "
                             f"{ccgs} CCGs were abolished and became {len(ix.locs_by_version.get(version, []))} sub-ICB "
                             "locations of the ICBs, under the same codes.", [], record["sources"]))
            out += _first_version_moves(kb, version, when)
            continue
        out += _icb_changes(kb, version, when)
    return out


def _first_version_moves(kb, version, begins):
    ix = index(kb)
    ccg_names = {c["ods_code"]: c["name"] for c in kb.ccgs.values()} if ix.ccg_order else {}
    out = []
    for ident in ix.locs_by_version.get(version, []):
        loc = kb.sub_icb_locations[ident]
        icb = kb.icbs[loc["icb"]]
        for part in loc.get("took") or []:
            code = part["ods_code"]
            ccg = f"{ccg_names[code]} ({code})" if code in ccg_names else f"CCG {code}"
            out.append(_item(begins, "sub-icb location", "boundary",
                             f"Sub-ICB location {loc['name']} took {part['lsoa_count']} of the {part['of']} LSOAs of "
                             f"{ccg}.", [loc["ods_code"], code], loc["sources"]))
        if loc.get("stp21_ons_code") and loc["stp21_ons_code"] != icb.get("predecessor_ons_code"):
            out.append(_item(begins, "sub-icb location", "moved",
                             f"{loc.get('former_ccg_name')} ({loc['ods_code']}) moved from the {loc['stp21_name']} "
                             f"STP/ICS ({loc['stp21_ons_code']}) to {icb['name']} ({icb.get('ods_code')}).",
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
            text = f"{_label(icb)} was formed from " + _and(
                ("" if len(split_from.get(o["id"], [])) == 1 else "part of ") + _label(o) for o in olds) + "."
            out.append(_item(begins, "icb", "merged", text, [o.get("ods_code") or o["ons_code"] for o in olds]
                             + [icb.get("ods_code") or icb["ons_code"]], icb["sources"]))
        elif len(prev) == 1:
            old = kb.icbs[prev[0]]
            if old["ons_code"] != icb["ons_code"]:
                out.append(_item(begins, "icb", "re-coded", f"{_label(old)} took ONS code {icb['ons_code']}.",
                                 [old["ons_code"], icb["ons_code"]], icb["sources"]))
            if old["name"] != icb["name"]:
                out.append(_item(begins, "icb", "renamed", f"{_label(old)} was renamed {icb['name']}.",
                                 [icb.get("ods_code") or icb["ons_code"]], icb["sources"]))
    for old, news in split_from.items():
        if len(news) > 1:
            o = kb.icbs[old]
            out.append(_item(begins, "icb", "split", f"{_label(o)} was split between "
                             + _and(_label(kb.icbs[n]) for n in news) + ".",
                             [o.get("ods_code") or o["ons_code"]] + [kb.icbs[n].get("ods_code") or "" for n in news],
                             kb.icbs[news[0]]["sources"]))
    previous = ix.versions[[v for v, _ in ix.versions].index(version) - 1][0]
    old_locs = {kb.sub_icb_locations[i]["ods_code"]: kb.sub_icb_locations[i] for i in ix.locs_by_version[previous]}
    old_names = {code: old["name"] for code, old in old_locs.items()}
    for ident in ix.locs_by_version.get(version, []):
        loc = kb.sub_icb_locations[ident]
        old = old_locs.pop(loc["ods_code"], None)
        if old is None:
            out.append(_item(begins, "sub-icb location", "created", f"Sub-ICB location {loc['name']} "
                             f"({loc['ons_code']}) was created.", [loc["ods_code"]], loc["sources"]))
        elif old["ons_code"] != loc["ons_code"]:
            out.append(_item(begins, "sub-icb location", "re-coded", f"Sub-ICB location {loc['name']} took ONS code "
                             f"{loc['ons_code']} (was {old['ons_code']}).", [loc["ods_code"]], loc["sources"]))
        for part in loc.get("took") or []:
            out.append(_item(begins, "sub-icb location", "boundary", f"Sub-ICB location {loc['name']} took "
                             f"{part['lsoa_count']} of the {part['of']} LSOAs of "
                             f"{old_names.get(part['ods_code'], part['ods_code'])}.",
                             [loc["ods_code"], part["ods_code"]], loc["sources"]))
    for code, old in old_locs.items():
        out.append(_item(begins, "sub-icb location", "ended", f"Sub-ICB location {old['name']} ended.",
                         [code], old["sources"]))
    return out


# What a body, law or duty did, by the kind of its change: the verb of its sentence.
_BODY_VERBS = {"created": "came into being", "enacted": "was enacted", "in force": "came into force",
               "made statutory": "became statutory", "abolished": "was abolished"}
_LAWS = ("legislation", "duty")  # kinds of entity (base/schema.py KINDS) that are themselves enacted


def _body_change(was, now):
    """The kind of change from one status to the next (base/schema.py STATES), or None for none listed."""
    if now == "abolished":
        return "abolished"
    if now == "enacted" and (was is None or was in NOT_EXISTING):
        return "enacted"
    if now == "statutory" and was == "enacted":
        return "in force"
    if now not in NOT_EXISTING and (was is None or was in NOT_EXISTING):
        return "created"
    if now == "statutory" and was == "non-statutory":
        return "made statutory"
    return None


def _body_items(kb):
    out = []
    for ident, entity in kb.entities.items():
        periods = [p for p in entity.get("status") or [] if p.get("from")]
        for n, period in enumerate(periods):
            change = _body_change(periods[n - 1]["state"] if n else None, period["state"])
            if change is None:
                continue
            basis = (period.get("basis") or "").rstrip(".")
            subject = entity["name"]
            if change in ("enacted", "in force") and entity["kind"] not in _LAWS:
                subject = f"The law providing for {subject}"  # a body is not enacted; the law that provides for it is
            text = f"{subject} {_BODY_VERBS[change]}" + (f" ({basis})" if basis else "")
            out.append(_item(period["from"], "body", change, text + ".", [ident],
                             period.get("sources") or entity["sources"]))
        for former in entity.get("former_names") or []:
            if former.get("to"):
                out.append(_item(former["to"], "body", "renamed", f"{former['name']} was renamed {entity['name']}.",
                                 [ident], former.get("sources") or entity["sources"]))
    return out


def _responsibility_items(kb):
    out = []
    for ident, r in kb.responsibilities.items():
        if r.get("status") not in (None, "done") or r["change"] == "carried over":
            continue
        before, after = ([kb.entities[e]["name"] for e in r.get(side) or [] if e in kb.entities]
                         for side in ("before", "after"))
        function = f"\u201c{r['function']}\u201d"
        if r["change"] == "new":
            text = f"{function} was new, held by {_and(after)}"
        elif r["change"] == "abolished":
            text = f"{function} was abolished, held until then by {_and(before)}"
        elif before == after:
            text = f"{function} changed, held by {_and(before)} before and after"
        else:
            text = f"{function} changed: held by {_and(before)} before, by {_and(after)} after"
        out.append(_item(r["effective"], "responsibility", r["change"], text + ".", [ident], r["sources"]))
    return out


# What the systems data records for each kind a card is counted by (`counts_from`): the kinds of change.
COUNTED_KINDS = {"ccgs": ("ccg merger", "ccg boundary"), "icbs": ("icb",), "sub-icb-locations": ("sub-icb location",)}


_FIRST_CODE = ("boundary", "split", "moved")  # the change's first code names what changed; else its last


def by_date(kb, counted, end):
    """[{date, text, codes, sources}] per date: what the systems data records of the kinds an entity is
    counted by, up to `end` ('1 April 2026: Ended: D4U1Y; ...; Created: U2G6B': each kind by its label, as
    `ics changes` labels it, with the codes it changed), oldest first."""
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
                parts.append(group[0]["text"].rstrip("."))  # one change the data states whole (the ICBs established)
                continue
            parts.append(f"{changekinds.label(change)}: {', '.join(codes)}")
            sources += [s for i in group for s in i["sources"] if s not in sources]
        out.append({"date": day, "text": "; ".join(parts), "sources": sources})
    return out
