"""Counts the systems data gives on every date: CCGs, STPs, ICBs, sub-ICB locations and NHS regions.

Worked out once at compile time from the CCG, ICB and sub-ICB location tables, so no count that the data
covers is ever typed: a card, `ics tree`, `ics changes`, the exports and the MCP server all read these
rows. Each row is a span `{what, value, from, to, sources, derived}` (`to` is the last day it held,
inclusive, as for typed counts); equal neighbouring spans are one row. An entity names the kinds it is
counted by in `counts_from`; `checks.py` refuses a typed count that disagrees with these.
"""
from .. import dates
from ..base.schema import DERIVED_COUNTS
from .systems_index import ICBS_START

PART = "derived_counts"


def _cites(records, at):
    """The sources the counted records cite (bare ids, most cited first), each with what was counted."""
    seen = {}
    for record in records:
        for cite in record.get("sources") or []:
            ident = cite if isinstance(cite, str) else cite.get("source")
            seen[ident] = seen.get(ident, 0) + 1
    return [{"source": s, "at": at} for s in sorted(seen, key=lambda s: (-seen[s], s))]


def _spans(kind, points):
    """[(from, value, sources)] in date order -> merged count rows of one kind (nothing for a zero)."""
    rows = []
    for n, (frm, value, sources) in enumerate(points):
        to = dates.day_before(points[n + 1][0]) if n + 1 < len(points) else None
        if rows and rows[-1]["value"] == value and rows[-1]["to"] == dates.day_before(frm):
            rows[-1]["to"] = to
            rows[-1]["sources"] += [s for s in sources if s not in rows[-1]["sources"]]
            continue
        if value:
            rows.append({"what": DERIVED_COUNTS[kind], "value": value, "from": frm, "to": to,
                         "sources": list(sources), "derived": kind})
    for row in rows:
        if row["to"] is None:
            del row["to"]
    return rows


def build(tables):
    """{kind: [count row]} for every kind in DERIVED_COUNTS the tables can give."""
    ccgs = tables.get("ccgs") or {}
    versions = tables.get("system_versions") or {}
    icbs = tables.get("icbs") or {}
    locs = tables.get("sub_icb_locations") or {}
    order = sorted(versions, key=lambda v: (dates.start(versions[v]["date"]), v))
    out = {}
    if ccgs:
        end = dates.start(versions[order[0]]["date"]) if order else ICBS_START
        spans = [(c["valid_from"], c.get("valid_to") or end) for c in ccgs.values()]
        cites = _cites(ccgs.values(), "CCGs in force on each date")
        points = sorted({d for span in spans for d in span})
        out["ccgs"] = _spans("ccgs", [(d, sum(1 for a, b in spans if a <= d < b), cites) for d in points])
        first_locs = [loc for loc in locs.values() if order and loc["version"] == order[0]]
        stps = {loc["stp21_ons_code"] for loc in first_locs if loc.get("stp21_ons_code")}
        if stps:  # the STP each CCG was in on the day before the ICBs began: from the CCGs' latest start
            live = [a for a, b in spans if a < end <= b]
            cites = _cites(first_locs, "STPs of the CCGs in force before 1 July 2022")
            out["stps"] = _spans("stps", [(max(live), len(stps), cites), (end, 0, [])])
    by_version = {v: [i for i in icbs.values() if i["version"] == v] for v in order}
    locs_by_version = {v: [loc for loc in locs.values() if loc["version"] == v] for v in order}
    for kind, count in (("icbs", len), ("sub-icb-locations", len), ("regions", _regions)):
        records = locs_by_version if kind == "sub-icb-locations" else by_version
        points = [(versions[v]["date"], count(records[v]), _version_cites(versions[v])) for v in order]
        if any(p[1] for p in points):
            out[kind] = _spans(kind, points)
    return out


def _regions(icbs):
    return len({i["region"] for i in icbs if i.get("region")})


def _version_cites(version):
    return [c if isinstance(c, dict) else {"source": c, "at": f"data version {version['label']}"}
            for c in version.get("sources") or []]


def rows_for(derived, entity):
    """An entity's count rows: those of the kinds it is counted by (`counts_from`, relabelled with its
    `what` where given, merged where equal spans meet), then its typed rows, in date order."""
    rows = []
    for spec in entity.get("counts_from") or []:
        for row in derived.get(spec["count"]) or []:
            row = dict(row, what=spec.get("what") or row["what"])
            last = rows[-1] if rows else None
            if last and last["what"] == row["what"] and last["value"] == row["value"] and last.get("to") \
                    and dates.day_before(row["from"]) == last["to"]:
                last.update(to=row.get("to"), sources=last["sources"] + row["sources"])
                if last["to"] is None:
                    del last["to"]
                continue
            rows.append(row)
    rows += entity.get("counts") or []
    return sorted(rows, key=lambda r: dates.start(r["from"]))


def span(derived, entity):
    """(first day, last day or None) over which an entity's derived counts are above zero, or None when
    it is counted by none: the dates the systems data says it existed."""
    rows = [r for spec in entity.get("counts_from") or [] for r in derived.get(spec["count"]) or []]
    if not rows:
        return None
    first = min(dates.start(r["from"]) for r in rows)
    last = None if any(not r.get("to") for r in rows) else max(r["to"] for r in rows)
    return first, last
