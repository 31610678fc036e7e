"""Whole-data rules, checked once every file is loaded: references resolve, nothing loops, periods run
forwards, and nothing that an output (the SQLite export above all) would refuse gets past `validate`.

Part of the loader: `loader.compile_sources` calls `references` and `records`.
"""
from .. import dates
from ..base.schema import RECORD_TABLES
from ..errors import Problem

HINTS = 25  # "did you mean" for the first this many unknown references; each hint scans every id


def _where(record):
    file, line = record["_loc"].rsplit(":", 1)
    return file, int(line)


def references(tables, refs):
    """A problem for each reference to an id that is not loaded, with a suggestion for the first few."""
    problems = []
    known = dict(tables, **{table.kind: tables[table.name] for table in RECORD_TABLES})  # by name or kind
    nouns = {key: table.noun for table in RECORD_TABLES for key in (table.name, table.kind)}
    hints, indexes = {}, {}
    for kind, ident, file, line, field in refs:
        if ident in known[kind]:
            continue
        if (kind, ident) not in hints and len(hints) < HINTS:
            if kind not in indexes:
                indexes[kind] = _trigram_index(known[kind])
            near = _suggest(ident, indexes[kind])
            hints[(kind, ident)] = f"; did you mean '{near}'?" if near else ""
        problems.append(Problem(file, line, field, f"unknown {nouns[kind]} '{ident}'{hints.get((kind, ident), '')}"))
    return problems


def _trigrams(text):
    padded = f"  {text} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def _trigram_index(ids):
    index = {}
    for ident in ids:
        for gram in _trigrams(ident):
            index.setdefault(gram, []).append(ident)
    return index


def _suggest(ident, index, pool=40):
    """The closest known id (`suggest`), looking only at the `pool` ids sharing most trigrams with it:
    comparing with every id costs seconds per reference once there are thousands of ids."""
    from collections import (
        Counter,  # here: only an unknown reference needs a hint (start-up speed)
    )

    from ..base.suggest import suggest

    shared = Counter()
    for gram in _trigrams(ident):
        shared.update(index.get(gram, ()))
    near = suggest(ident, [i for i, _n in shared.most_common(pool)])
    return near[0] if near else None


def records(tables):
    """Every whole-data rule, over every record of every layer."""
    return (_entities(tables) + _sources_and_events(tables) + _systems(tables) + _ccg_chains(tables)
            + _typed_counts(tables))


def _typed_counts(tables):
    """A typed count (`counts`) of something the systems data counts (CCGs, ICBs, ...) must agree with
    the data on every day it shares with it: the data is the one truth, and the typed row goes."""
    from ..base.schema import DERIVED_COUNTS
    from . import derived

    given = derived.build(tables)
    labels = {label: kind for kind, label in DERIVED_COUNTS.items()}
    problems = []
    for table in ("entities", "events"):
        for record in tables[table].values():
            mine = dict(labels, **{s["what"]: s["count"] for s in record.get("counts_from") or [] if s.get("what")})
            for i, row in enumerate(record.get("counts") or []):
                kind = mine.get(row.get("what"))
                frm, to = dates.start(row["from"]), dates.end(row["to"]) if row.get("to") else "9999-12-31"
                for other in given.get(kind) or []:
                    o_from, o_to = dates.start(other["from"]), other.get("to") or "9999-12-31"
                    if o_from <= to and frm <= o_to and other["value"] != row.get("value"):
                        file, line = _where(record)
                        span = f"from {dates.human(other['from'])}" + (f" to {dates.human(other['to'])}" if other.get("to") else "")
                        problems.append(Problem(file, line, f"counts[{i}]", (
                            f"{row.get('value')} {row['what']} disagrees with the systems data, which gives "
                            f"{other['value']} {span}; remove the typed count (the data gives it)")))
                        break
    return problems


def _ccg_chains(tables):
    """A CCG's successions never lead back to itself (the area flows would never end)."""
    problems = []
    ccgs = tables.get("ccgs") or {}
    by_code = {str(c.get("ods_code")).upper(): ident for ident, c in ccgs.items()}

    def next_ids(ident):
        steps = [s.get("ods_code") for s in ccgs[ident].get("successions") or []]
        return [by_code[str(code).upper()] for code in steps if code and str(code).upper() in by_code]

    for ident in sorted(ccgs):
        seen, stack = set(), next_ids(ident)
        while stack:
            other = stack.pop()
            if other == ident:
                file, line = _where(ccgs[ident])
                problems.append(Problem(file, line, "successions",
                                        f"'{ccgs[ident].get('ods_code')}' is its own successor through its successions (a cycle)"))
                break
            if other not in seen:
                seen.add(other)
                stack.extend(next_ids(other))
    return problems


def _entities(tables):
    """No part_of cycles, a period's `bill` is legislation, no former name twice in one entity (the rest of
    the status periods: `lifecycle.py`)."""
    problems = []
    entities = tables["entities"]
    for ident in entities:
        entity = entities[ident]
        file, line = _where(entity)
        seen, stack = set(), list(entity.get("part_of") or [])
        while stack:
            parent = stack.pop()
            if parent == ident:
                problems.append(Problem(file, line, "part_of", f"'{ident}' is part of itself (a cycle)"))
                break
            if parent in seen or parent not in entities:
                continue
            seen.add(parent)
            stack.extend(entities[parent].get("part_of") or [])
        for i, period in enumerate(entity.get("status") or []):
            bill = entities.get(period.get("bill"))
            if bill and bill.get("kind") != "legislation":
                problems.append(Problem(file, line, f"status[{i}].bill",
                                        f"'{bill['id']}' is a {bill.get('kind')}, not legislation (the Bill that "
                                        "carried the proposal)"))
        names = [f.get("name") for f in entity.get("former_names") or []]
        for i, name in enumerate(names):
            if name in names[:i]:
                problems.append(Problem(file, line, f"former_names[{i}]", f"'{name}' is listed twice"))
    return problems


def _sources_and_events(tables):
    problems = []
    for source in tables["sources"].values():
        if not source.get("url") and not source.get("reference"):
            file, line = _where(source)
            problems.append(Problem(file, line, "url", "a source needs a public url, or a reference saying how to find it"))
    for event in tables["events"].values():
        if event.get("end") and dates.start(event["end"]) < dates.start(event["date"]):
            file, line = _where(event)
            problems.append(Problem(file, line, "end", f"ends ({event['end']}) before it starts ({event['date']})"))
    return problems


def _systems(tables):
    """ICBs are formed only from ICBs of an earlier version (so `formed_from` can never loop); codes
    are unique within a version; a sub-ICB location belongs to an ICB of its own version."""
    problems = []
    versions, icbs, locs = tables["system_versions"], tables["icbs"], tables["sub_icb_locations"]

    def when(record):
        version = versions.get(record.get("version"))
        return dates.start(version["date"]) if version else None

    seen = {}
    for ident, icb in sorted(icbs.items()):
        file, line = _where(icb)
        mine = when(icb)
        for i, old in enumerate(icb.get("formed_from") or []):
            theirs = when(icbs[old]) if old in icbs else None
            if old == ident:
                problems.append(Problem(file, line, f"formed_from[{i}]", f"'{ident}' is formed from itself (a cycle)"))
            elif mine and theirs and theirs >= mine:
                problems.append(Problem(file, line, f"formed_from[{i}]",
                                        f"'{old}' (version {icbs[old]['version']}) is not from a version earlier "
                                        f"than this ICB's ({icb['version']}); an ICB is formed only from older ones"))
        _unique(problems, seen, ("ICB ONS code", icb.get("version"), icb.get("ons_code")), icb, "ons_code")
        if icb.get("ods_code"):
            _unique(problems, seen, ("ICB ODS code", icb.get("version"), icb["ods_code"]), icb, "ods_code")
    for ident, loc in sorted(locs.items()):
        _unique(problems, seen, ("sub-ICB location ODS code", loc.get("version"), loc.get("ods_code")), loc, "ods_code")
        owner = icbs.get(loc.get("icb"))
        if owner and owner.get("version") != loc.get("version"):
            file, line = _where(loc)
            problems.append(Problem(file, line, "icb", f"'{loc['icb']}' is an ICB of version {owner['version']}, "
                                                       f"not of this location's version {loc.get('version')}"))
    return problems


def _unique(problems, seen, key, record, field):
    what, version, code = key
    key = (what, version, str(code).upper())
    first = seen.setdefault(key, record["_loc"])
    if first != record["_loc"]:
        file, line = _where(record)
        problems.append(Problem(file, line, field, f"{what} '{code}' appears twice in version {version} "
                                                   f"(first at {first})"))
