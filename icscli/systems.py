"""The ICBs, their sub-ICB locations (former CCGs) and local authorities, as dated versions.

`build_indexes` runs once at compile time; its result is cached with `marshal`, so it holds only plain
dicts, lists, strings and ints. The queries return plain data for `views_systems.py` and JSON.
Nothing here imports click or rich.
"""
from . import dates, resolve
from .errors import AmbiguousTerm, BadValue, UnknownTerm

_DROP_WORDS = {"nhs", "icb", "ccg"}
_DROP_PHRASES = ("integrated care board", "clinical commissioning group", "integrated care system")


def key(text):
    """A matching key: 'NHS Frimley Integrated Care Board' -> 'frimley'; codes -> lowercase code."""
    norm = " " + resolve.normalize(text) + " "
    for phrase in _DROP_PHRASES:
        norm = norm.replace(" " + resolve.normalize(phrase) + " ", " ")
    words = [w for w in norm.split() if w not in _DROP_WORDS]
    return " ".join(words)


# --------------------------------------------------------------------------- compile time


def build_indexes(tables):
    """Indexes over the systems tables, computed once at compile time and cached with the data."""
    versions = tables.get("system_versions") or {}
    icbs = tables.get("icbs") or {}
    locs = tables.get("sub_icb_locations") or {}
    order = sorted(versions, key=lambda v: (dates.start(versions[v]["date"]), v))
    position = {v: i for i, v in enumerate(order)}
    by_version = {v: [] for v in order}
    for ident in sorted(icbs, key=lambda i: (icbs[i]["short_name"].lower(), i)):
        by_version.setdefault(icbs[ident]["version"], []).append(ident)
    locs_by_version = {v: [] for v in order}
    icb_locs = {i: [] for i in icbs}
    loc_by_ods = {v: {} for v in order}
    for ident in sorted(locs, key=lambda i: (locs[i]["ods_code"], i)):
        loc = locs[ident]
        locs_by_version.setdefault(loc["version"], []).append(ident)
        icb_locs.setdefault(loc["icb"], []).append(ident)
        loc_by_ods.setdefault(loc["version"], {})[loc["ods_code"].upper()] = ident

    # Links between consecutive versions: formed_from where given, else through sub-ICB location codes.
    prev, nxt = {}, {i: [] for i in icbs}
    for ident, icb in icbs.items():
        p = position.get(icb["version"])
        if not p:
            prev[ident] = []
            continue
        before = order[p - 1]
        if icb.get("formed_from"):
            links = list(icb["formed_from"])
        else:
            links = []
            for loc_id in icb_locs.get(ident, []):
                old = loc_by_ods.get(before, {}).get(locs[loc_id]["ods_code"].upper())
                if old and locs[old]["icb"] not in links:
                    links.append(locs[old]["icb"])
        prev[ident] = links
    for ident in sorted(prev, key=lambda i: (position.get(icbs[i]["version"], 0), i)):
        for old in prev[ident]:
            if old in nxt and ident not in nxt[old]:
                nxt[old].append(ident)

    # Identities: chains of one-to-one continuations (same area under the same or a new code).
    identity, chains = {}, {}
    for v in order:
        for ident in by_version.get(v, []):
            p = prev.get(ident) or []
            if len(p) == 1 and len(nxt.get(p[0], [])) == 1 and p[0] in identity:
                identity[ident] = identity[p[0]]
            else:
                identity[ident] = ident
            chains.setdefault(identity[ident], []).append(ident)

    keys = {}

    def add(text, ident, how):
        k = key(text) if how not in ("ods code", "ons code") else str(text).lower()
        if not k:
            return
        hits = keys.setdefault(k, [])
        if not any(h[0] == ident for h in hits):
            hits.append([ident, how])

    for ident, icb in icbs.items():
        if icb.get("ods_code"):
            add(icb["ods_code"], ident, "ods code")
        add(icb["ons_code"], ident, "ons code")
        add(icb["short_name"], ident, "name")
        add(icb["name"], ident, "name")
        if icb.get("predecessor"):
            add(icb["predecessor"], ident, "2021 name")
        if icb.get("predecessor_ons_code"):
            add(icb["predecessor_ons_code"], ident, "2021 code")
        for la in icb.get("local_authorities") or []:
            add(la["name"], ident, "local authority")
            add(la["ons_code"], ident, "local authority")

    ccg_keys = {}
    first = order[0] if order else None

    def add_ccg(text, ident, code=False):
        k = str(text).lower() if code else key(text)
        if k:
            hits = ccg_keys.setdefault(k, [])
            if ident not in hits:
                hits.append(ident)

    for ident in locs_by_version.get(first, []):
        loc = locs[ident]
        add_ccg(loc["ods_code"], ident, True)
        add_ccg(loc["ons_code"], ident, True)
        if loc.get("former_ccg_ons_code"):
            add_ccg(loc["former_ccg_ons_code"], ident, True)
        if loc.get("former_ccg_name"):
            add_ccg(loc["former_ccg_name"], ident)
    for v in order[1:]:  # later ONS codes of the same location point at the 2022 record
        for ident in locs_by_version.get(v, []):
            old = loc_by_ods.get(first, {}).get(locs[ident]["ods_code"].upper())
            if old:
                add_ccg(locs[ident]["ons_code"], old, True)

    regions = {v: sorted({icbs[i]["region"] for i in by_version.get(v, []) if icbs[i].get("region")}) for v in order}

    search_rows = []
    for ident, chain in chains.items():
        last = icbs[chain[-1]]
        words, names = [], []
        for member in chain:
            icb = icbs[member]
            names += [icb["short_name"], icb["name"], icb.get("ods_code") or "", icb["ons_code"],
                      icb.get("predecessor") or ""]
            words += [icb.get("change_note") or ""]
            words += [la["name"] for la in icb.get("local_authorities") or []]
            for loc_id in icb_locs.get(member, []):
                loc = locs[loc_id]
                words += [loc["ods_code"], loc["ons_code"], loc.get("former_ccg_name") or "", loc.get("change_note") or ""]
        name_keys = sorted({resolve.normalize(n) for n in names if n})
        body = " ".join(name_keys + [resolve.normalize(w) for w in words if w])
        search_rows.append(["system", chain[-1], last["name"], name_keys, body])
    for ident in locs_by_version.get(first, []):
        loc = locs[ident]
        name_keys = sorted({resolve.normalize(t) for t in (loc.get("former_ccg_name") or "", loc["ods_code"],
                                                          loc.get("former_ccg_ons_code") or "", loc["ons_code"]) if t})
        body = " ".join(name_keys + [resolve.normalize(loc["name"]), resolve.normalize(loc.get("change_note") or "")])
        search_rows.append(["ccg", ident, loc.get("former_ccg_name") or loc["name"], name_keys, body])

    return {
        "sys_versions": [[v, dates.start(versions[v]["date"])] for v in order],
        "sys_by_version": by_version,
        "sys_locs_by_version": locs_by_version,
        "sys_icb_locs": icb_locs,
        "sys_loc_by_ods": loc_by_ods,
        "sys_prev": prev,
        "sys_next": nxt,
        "sys_identity": identity,
        "sys_chains": chains,
        "sys_keys": keys,
        "sys_ccg_keys": ccg_keys,
        "sys_regions": regions,
        "sys_search": search_rows,
    }


def completion_words(kb, prefix):
    """Codes and names of systems and CCGs that start with a prefix, for shell completion."""
    return [word for word, _what in completion_items(kb, prefix)]


def completion_items(kb, prefix):
    """(word, what it is) for codes and names of systems and CCGs that start with a prefix."""
    if not hasattr(kb, "sys_keys"):
        return []
    prefix = prefix.lower()
    out = {}
    for icb in kb.icbs.values():
        for text in (icb.get("ods_code"), icb["ons_code"]):
            if text and text.lower().startswith(prefix):
                out.setdefault(text, icb["name"])
        if icb["short_name"].lower().startswith(prefix) and " " not in icb["short_name"]:
            out.setdefault(icb["short_name"].lower(), icb["name"])
    for ident in kb.sys_locs_by_version.get(_first_version(kb), []):
        loc = kb.sub_icb_locations[ident]
        if loc["ods_code"].lower().startswith(prefix):
            out.setdefault(loc["ods_code"], loc.get("former_ccg_name") or "former CCG")
    return sorted(out.items())


# --------------------------------------------------------------------------- versions


def _first_version(kb):
    return kb.sys_versions[0][0] if getattr(kb, "sys_versions", None) else None


def version_record(kb, version):
    record = kb.system_versions[version]
    return {k: v for k, v in record.items() if not k.startswith("_")}


def version_on(kb, day):
    """The id of the version in force on a full date (YYYY-MM-DD), or None before the first."""
    found = None
    for version, begins in kb.sys_versions:
        if begins <= day:
            found = version
    return found


def _day(as_of):
    if not as_of:
        from .query import today

        return today()
    return dates.start(as_of)


def _need_version(kb, day):
    if not getattr(kb, "sys_versions", None):
        raise BadValue("no ICB data is loaded (data/systems is missing)")
    version = version_on(kb, day)
    if version is None:
        first = kb.system_versions[kb.sys_versions[0][0]]
        raise BadValue(f"--as-of {day}: ICBs were set up on {dates.human(first['date'])}; the data starts then "
                       f"(before that, each area's April 2021 ICS/STP is shown by `ics system NAME`)")
    return version


def _position(kb, version):
    return [v for v, _ in kb.sys_versions].index(version)


def _strip(record):
    return {k: v for k, v in record.items() if not k.startswith("_")}


def _provenance(kb, icb):
    """Provenance of a record for JSON: official/derived, and what is missing or derived."""
    version = kb.system_versions[icb["version"]]
    derived = version["provenance"] == "derived" or (icb.get("provenance") or "").startswith("derived")
    out = {"rows": "derived" if derived else "official", "version": icb["version"],
           "version_provenance": version["provenance"], "ods_code": "official" if icb.get("ods_code") else "missing"}
    if icb.get("region_note"):
        out["region"] = "derived" if icb["region_note"].startswith("Derived") else "mapped from ODS code"
    if icb.get("provenance"):
        out["note"] = icb["provenance"]
    return out


def _brief(kb, ident):
    icb = kb.icbs[ident]
    return {"id": ident, "version": icb["version"], "short_name": icb["short_name"], "name": icb["name"],
            "ods_code": icb.get("ods_code"), "ons_code": icb["ons_code"]}


def _former_ccg(kb, loc):
    """The 2022 record of a sub-ICB location (the CCG it continues), by ODS code."""
    first = _first_version(kb)
    old = kb.sys_loc_by_ods.get(first, {}).get(loc["ods_code"].upper())
    return kb.sub_icb_locations[old] if old else None


def _lineage_2022(kb, ident):
    """The 2022 ICB records an ICB's area came from: [(2022 id, whole?)]."""
    first = _first_version(kb)
    frontier = [(ident, True)]
    while frontier and kb.icbs[frontier[0][0]]["version"] != first:
        step = []
        for member, whole in frontier:
            parents = kb.sys_prev.get(member, [])
            for p in parents:
                part = whole and len(kb.sys_next.get(p, [])) == 1
                if all(p != s for s, _ in step):
                    step.append((p, part))
        frontier = step
    return frontier


def places(kb, ident):
    """The local authorities of an ICB: its own (July 2022) or those of the 2022 ICBs it came from."""
    icb = kb.icbs[ident]
    first = _first_version(kb)
    if icb["version"] == first:
        return {"as_of": kb.system_versions[first]["date"], "groups": [
            {"from": None, "whole": True, "local_authorities": icb.get("local_authorities") or []}]}
    groups = []
    for old, whole in _lineage_2022(kb, ident):
        groups.append({"from": _brief(kb, old), "whole": whole,
                       "same": whole and kb.sys_identity.get(old) == kb.sys_identity.get(ident),
                       "local_authorities": kb.icbs[old].get("local_authorities") or []})
    return {"as_of": kb.system_versions[first]["date"], "groups": groups}


def _la_count(kb, ident):
    """Local authorities (July 2022) when the area is one 2022 ICB's whole area under the same ODS code."""
    icb = kb.icbs[ident]
    if icb["version"] == _first_version(kb):
        return len(icb.get("local_authorities") or [])
    lineage = _lineage_2022(kb, ident)
    if len(lineage) == 1 and lineage[0][1] and kb.sys_identity.get(ident) == kb.sys_identity.get(lineage[0][0]):
        return len(kb.icbs[lineage[0][0]].get("local_authorities") or [])
    return None


def _formed_from(kb, ident):
    icb = kb.icbs[ident]
    return [_brief(kb, i) for i in icb.get("formed_from") or []]


# --------------------------------------------------------------------------- ics systems


def systems(kb, as_of=None, region=None):
    """One row per ICB as it stood on a date (default today)."""
    day = _day(as_of)
    version = _need_version(kb, day)
    valid = kb.sys_regions.get(version) or []
    if region:
        wanted = next((r for r in valid if key(r) == key(region)), None)
        if wanted is None:
            raise BadValue(f"--region: '{region}' is not a region in the {version} data; "
                           f"use one of: {', '.join(valid)}")
        region = wanted
    rows = []
    for ident in kb.sys_by_version.get(version, []):
        icb = kb.icbs[ident]
        if region and icb.get("region") != region:
            continue
        locs = [kb.sub_icb_locations[i] for i in kb.sys_icb_locs.get(ident, [])]
        ccgs = [c for c in (_former_ccg(kb, loc) for loc in locs) if c]
        rows.append({
            "id": ident, "short_name": icb["short_name"], "name": icb["name"],
            "ods_code": icb.get("ods_code"), "ons_code": icb["ons_code"],
            "region": icb.get("region"), "region_ods_code": icb.get("region_ods_code"),
            "region_note": icb.get("region_note"),
            "local_authority_count": _la_count(kb, ident),
            "sub_icb_count": icb.get("sub_icb_count", len(locs)),
            "former_ccg_count": len(ccgs),
            "formed_from": _formed_from(kb, ident),
            "predecessor": icb.get("predecessor"), "predecessor_ons_code": icb.get("predecessor_ons_code"),
            "change_note": icb.get("change_note"),
            "provenance": _provenance(kb, icb), "sources": icb["sources"],
        })
    return {"as_of": day, "version": version_record(kb, version), "region": region, "regions": valid,
            "count": len(rows), "systems": rows}


def regions(kb, as_of=None):
    day = _day(as_of)
    return kb.sys_regions.get(_need_version(kb, day)) or []


def all_regions(kb):
    out = []
    for version, _ in getattr(kb, "sys_versions", []):
        for r in kb.sys_regions.get(version) or []:
            if r not in out:
                out.append(r)
    return sorted(out)


# --------------------------------------------------------------------------- resolving a system


_CODES = ("ods code", "ons code", "2021 code")


def _matches(kb, text):
    """([(icb id, how)] exact, [(icb id, how)] fragment) for a code, a name or a fragment of a name."""
    k = key(text)
    raw = str(text).strip().lower()
    exact, fragment = [], []
    for candidate in (raw, k):
        for ident, how in kb.sys_keys.get(candidate, []):
            if all(ident != h[0] for h in exact):
                exact.append((ident, how))
    if k:
        padded = f" {k} "
        for name, found in kb.sys_keys.items():
            if name != k and padded in f" {name} ":
                for ident, how in found:
                    if how not in _CODES and all(ident != h[0] for h in exact + fragment):
                        fragment.append((ident, how))
    return exact, fragment


def _project(kb, ident, version):
    """Where an ICB record's area is in another version: [icb ids] (following the version links)."""
    pos, target = _position(kb, kb.icbs[ident]["version"]), _position(kb, version)
    frontier = [ident]
    while pos != target:
        step = []
        for member in frontier:
            for other in (kb.sys_next if target > pos else kb.sys_prev).get(member, []):
                if other not in step:
                    step.append(other)
        frontier = step
        pos += 1 if target > pos else -1
    return frontier


def resolve_system(kb, text, as_of=None):
    """The ICB record a user means, for a date: {'id', 'how', 'status', ...}; raises Ambiguous/UnknownTerm.

    A name or code picks the system it belongs to: its record on the date when it existed then, its last
    record when it had ended (Frimley after April 2026), its first when it was formed later. Names beat
    local authorities; a local authority (July 2022) leads to the ICBs covering it on the date.
    """
    day = _day(as_of)
    version = _need_version(kb, day)
    target = _position(kb, version)
    exact, fragment = _matches(kb, text)
    # Fragments of CCG names are not used: several CCG names name areas that moved in July 2022
    # ("Tameside and Glossop", "Black Country and West Birmingham"), so a fragment could mislead.
    ccg_exact, _ = _ccg_matches(kb, text)
    steps = [
        [(i, h) for i, h in exact if h != "local authority"],
        [(i, "former CCG") for i in ccg_exact],
        [(i, h) for i, h in exact if h == "local authority"],
        [(i, h) for i, h in fragment if h not in ("local authority", "2021 name")],
        [(i, h) for i, h in fragment if h == "local authority"],
    ]
    fallback = None
    for number, step in enumerate(steps):
        groups = {"current": [], "ended": [], "not yet": []}
        how_of = {}
        for ident, how in step:
            for member, status in _place_on(kb, ident, how, version, target):
                how_of.setdefault(member, how)
                if member not in groups[status]:
                    groups[status].append(member)
        if groups["ended"]:  # of several ended systems, the most recent ones
            latest = max(_position(kb, kb.icbs[i]["version"]) for i in groups["ended"])
            groups["ended"] = [i for i in groups["ended"] if _position(kb, kb.icbs[i]["version"]) == latest]
        if groups["not yet"]:
            earliest = min(_position(kb, kb.icbs[i]["version"]) for i in groups["not yet"])
            groups["not yet"] = [i for i in groups["not yet"] if _position(kb, kb.icbs[i]["version"]) == earliest]
        if groups["current"]:
            return _resolved(kb, text, groups["current"], "current", how_of, number >= 3, day, version)
        if fallback is None and (groups["ended"] or groups["not yet"]):
            status = "ended" if groups["ended"] else "not yet"
            fallback = (groups[status], status, how_of, number >= 3)
    if fallback:
        group, status, how_of, partial = fallback
        return _resolved(kb, text, group, status, how_of, partial, day, version)
    raise UnknownTerm(text, suggest(kb, text), what="system")


def _place_on(kb, ident, how, version, target):
    """[(icb id, status)] for a match: the system on the date, or its last / first record."""
    if how == "former CCG":
        loc = kb.sub_icb_locations[ident]
        here = kb.sys_loc_by_ods.get(version, {}).get(loc["ods_code"].upper())
        if here:
            return [(kb.sub_icb_locations[here]["icb"], "current")]
        seen = [v for v, _ in kb.sys_versions if loc["ods_code"].upper() in kb.sys_loc_by_ods.get(v, {})]
        before = [v for v in seen if _position(kb, v) < target]
        v = before[-1] if before else seen[0]
        parent = kb.sub_icb_locations[kb.sys_loc_by_ods[v][loc["ods_code"].upper()]]["icb"]
        return [(parent, "ended" if before else "not yet")]
    if how == "local authority":
        return [(member, "current") for member in _project(kb, ident, version)]
    chain = kb.sys_chains[kb.sys_identity[ident]]
    positions = [_position(kb, kb.icbs[m]["version"]) for m in chain]
    if target in positions:
        return [(chain[positions.index(target)], "current")]
    if positions[-1] < target:
        return [(chain[-1], "ended")]
    return [(chain[0], "not yet")]


def _resolved(kb, text, group, status, how_of, partial, day, version):
    if len(group) > 1:
        raise AmbiguousTerm(text, [_candidate(kb, i) for i in group])
    return {"id": group[0], "how": how_of[group[0]], "mode": "fragment" if partial else "exact",
            "status": status, "as_of": day, "version": version}


def _candidate(kb, ident):
    icb = kb.icbs[ident]
    code = icb.get("ods_code") or icb["ons_code"]
    region = f", {icb['region']}" if icb.get("region") else ""
    return {"id": ident, "type": code, "name": f"{icb['name']} ({code}{region}; {kb.system_versions[icb['version']]['label']})",
            "summary": icb["name"], "short_name": icb["short_name"], "ods_code": icb.get("ods_code"),
            "ons_code": icb["ons_code"], "version": icb["version"]}


def suggest(kb, text, limit=5):
    from difflib import get_close_matches

    k = key(text)
    if not k or not getattr(kb, "sys_keys", None):
        return []
    names = [n for n, hits in kb.sys_keys.items() if any(h[1] in ("name", "2021 name") for h in hits)]
    found = get_close_matches(k, names, n=limit, cutoff=0.6)
    words = k.split()
    if len(found) < limit:
        found += [n for n in names if any(w[:4] in n for w in words if len(w) >= 4) and n not in found][: limit - len(found)]
    out = []
    for n in found:
        for ident, how in kb.sys_keys[n]:
            short = kb.icbs[ident]["short_name"] if how == "name" else n
            if short not in out:
                out.append(short)
    return out[:limit]


# --------------------------------------------------------------------------- ics system (a card)


def system_card(kb, ident, as_of=None, how=None, status=None):
    """A card for one ICB record: codes and names over time, places, sub-ICB locations, changes, sources."""
    day = _day(as_of)
    version = version_on(kb, day)
    icb = kb.icbs[ident]
    chain = kb.sys_chains[kb.sys_identity[ident]]
    history = []
    for member in chain:
        rec = kb.icbs[member]
        vrec = kb.system_versions[rec["version"]]
        history.append({"version": rec["version"], "date": vrec["date"], "label": vrec["label"], "name": rec["name"],
                        "short_name": rec["short_name"], "ods_code": rec.get("ods_code"), "ons_code": rec["ons_code"],
                        "region": rec.get("region"), "sub_icb_count": rec.get("sub_icb_count"),
                        "change_note": rec.get("change_note"), "provenance": _provenance(kb, rec),
                        "sources": rec["sources"]})
    first, last = kb.icbs[chain[0]], kb.icbs[chain[-1]]
    locs = []
    for loc_id in kb.sys_icb_locs.get(ident, []):
        loc = kb.sub_icb_locations[loc_id]
        ccg = _former_ccg(kb, loc)
        locs.append({"id": loc_id, "ods_code": loc["ods_code"], "ons_code": loc["ons_code"], "name": loc["name"],
                     "former_ccg_name": (ccg or {}).get("former_ccg_name"),
                     "former_ccg_ons_code": (ccg or {}).get("former_ccg_ons_code"),
                     "lsoa_count": loc.get("lsoa_count"), "change_note": loc.get("change_note"),
                     "provenance": loc.get("provenance"), "sources": loc["sources"]})
    formed_from = []
    for old in kb.sys_prev.get(chain[0], []) if first.get("formed_from") else []:
        formed_from.append(dict(_brief(kb, old), parts=_parts(kb, old, chain[0])))
    went_to = []
    for new in kb.sys_next.get(chain[-1], []):
        if kb.sys_identity.get(new) != kb.sys_identity[ident]:
            went_to.append(dict(_brief(kb, new), parts=_parts(kb, chain[-1], new),
                                date=kb.system_versions[kb.icbs[new]["version"]]["date"],
                                provenance=_provenance(kb, kb.icbs[new]), sources=kb.icbs[new]["sources"]))
    ended = kb.system_versions[kb.icbs[went_to[0]["id"]]["version"]]["date"] if went_to else None
    begun = kb.system_versions[first["version"]]["date"]
    state = "current"
    if version is not None and _position(kb, version) > _position(kb, last["version"]):
        state = "ended"
    elif version is None or _position(kb, version) < _position(kb, first["version"]):
        state = "not yet"
    sources = []
    for rec in history:
        for c in rec["sources"]:
            if c not in sources:
                sources.append(c)
    data = _strip(icb)
    data.update({
        "as_of": day, "as_of_version": version, "match": how, "state": state, "began": begun, "ended": ended,
        "version_record": version_record(kb, icb["version"]), "history": history,
        "sub_icb_locations": locs, "places": places(kb, ident), "formed_from": formed_from, "went_to": went_to,
        "provenance": _provenance(kb, icb), "all_sources": sources,
    })
    data["formed_from_ids"] = icb.get("formed_from") or []
    return data


def _parts(kb, old, new):
    """Which sub-ICB locations (or LSOAs of an ended one) went from ICB record `old` to record `new`."""
    new_locs = {kb.sub_icb_locations[i]["ods_code"]: kb.sub_icb_locations[i] for i in kb.sys_icb_locs.get(new, [])}
    old_locs = {kb.sub_icb_locations[i]["ods_code"]: kb.sub_icb_locations[i] for i in kb.sys_icb_locs.get(old, [])}
    moved = sorted(c for c in old_locs if c in new_locs)
    out = [{"ods_code": c, "whole": True, "name": old_locs[c]["name"]} for c in moved]
    for code, loc in old_locs.items():
        if code in new_locs or not kb.sys_next.get(old):
            continue
        nxt_version = kb.icbs[new]["version"]
        if code in kb.sys_loc_by_ods.get(nxt_version, {}):
            continue
        for target in new_locs.values():  # an ended location: the notes say which locations took its LSOAs
            note = target.get("change_note") or ""
            marker = f"LSOAs of sub-ICB location {code} "
            if marker in note:
                took = note.split(marker)[0].rsplit("took ", 1)[-1]
                out.append({"ods_code": code, "whole": False, "name": loc["name"], "lsoas": took.split(" of ")[0],
                            "of": loc.get("lsoa_count"), "into": target["ods_code"]})
    return out


# --------------------------------------------------------------------------- ics ccg


def _ccg_matches(kb, text):
    """(exact, fragment) lists of 2022 sub-ICB location ids for a former CCG's code or name."""
    if not getattr(kb, "sys_ccg_keys", None):
        return [], []
    raw = str(text).strip().lower()
    k = key(text)
    exact = list(kb.sys_ccg_keys.get(raw) or kb.sys_ccg_keys.get(k) or [])
    fragment = []
    if k and not exact:
        padded = f" {k} "
        for name, found in kb.sys_ccg_keys.items():
            if padded in f" {name} ":
                fragment += [h for h in found if h not in fragment]
    return exact, fragment


def resolve_ccg(kb, text):
    """The 2022 sub-ICB location record for a former CCG's code or name; raises Ambiguous/UnknownTerm."""
    if not getattr(kb, "sys_ccg_keys", None):
        raise BadValue("no ICB data is loaded (data/systems is missing)")
    exact, fragment = _ccg_matches(kb, text)
    hits = exact or fragment
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise AmbiguousTerm(text, [{"id": h, "type": kb.sub_icb_locations[h]["ods_code"],
                                    "name": f"{kb.sub_icb_locations[h].get('former_ccg_name')} "
                                            f"({kb.sub_icb_locations[h]['ods_code']})",
                                    "summary": kb.sub_icb_locations[h]["name"]} for h in hits])
    raise UnknownTerm(text, _suggest_ccg(kb, text), what="CCG")


def _suggest_ccg(kb, text, limit=5):
    from difflib import get_close_matches

    k = key(text)
    if not k:
        return []
    names = [n for n in kb.sys_ccg_keys if not n[:1].isdigit() and " " in n or n.isalpha()]
    found = get_close_matches(k, names, n=limit, cutoff=0.6)
    out = []
    for n in found:
        for h in kb.sys_ccg_keys[n]:
            name = kb.sub_icb_locations[h].get("former_ccg_name") or n
            if name not in out:
                out.append(name)
    return out[:limit]


def ccg_lookup(kb, text, as_of=None):
    """A former CCG: the sub-ICB location and ICB of 1 July 2022, and the ICB on a date (default today)."""
    return _ccg_row(kb, resolve_ccg(kb, text), as_of, full=True)


def _ccg_row(kb, loc_id, as_of=None, full=False):
    loc = kb.sub_icb_locations[loc_id]
    day = _day(as_of)
    version = version_on(kb, day) or _first_version(kb)
    icb = kb.icbs[loc["icb"]]
    history, last = [], None
    for v, _ in kb.sys_versions:
        other = kb.sys_loc_by_ods.get(v, {}).get(loc["ods_code"].upper())
        if other is None:
            continue
        rec = kb.sub_icb_locations[other]
        parent = kb.icbs[rec["icb"]]
        history.append({"version": v, "date": kb.system_versions[v]["date"], "label": kb.system_versions[v]["label"],
                        "sub_icb_ods_code": rec["ods_code"], "sub_icb_ons_code": rec["ons_code"],
                        "sub_icb_name": rec["name"], "icb": _brief(kb, rec["icb"]), "region": parent.get("region"),
                        "change_note": rec.get("change_note"), "provenance": _provenance(kb, parent),
                        "sources": rec["sources"]})
        if _position(kb, v) <= _position(kb, version):
            last = history[-1]
    now = None
    ended = None
    if last and last["version"] == version:
        now = last
    elif last:
        # The location ended: say where its area went.
        gone_icb = last["icb"]["id"]
        ended = {"after": last["version"], "went_to": []}
        for new in kb.sys_next.get(gone_icb, []):
            for part in _parts(kb, gone_icb, new):
                if part["ods_code"] == loc["ods_code"]:
                    ended["went_to"].append(dict(_brief(kb, new), lsoas=part.get("lsoas"), of=part.get("of"),
                                                 into=part.get("into")))
    changed = bool(now) and now["icb"]["short_name"] != icb["short_name"] or ended is not None \
        or (bool(now) and now["icb"]["ons_code"] != icb["ons_code"])
    row = {
        "id": loc_id, "ccg_name": loc.get("former_ccg_name"), "ccg_ods_code": loc["ods_code"],
        "ccg_ons_code": loc.get("former_ccg_ons_code"),
        "sub_icb_ods_code": loc["ods_code"], "sub_icb_ons_code": loc["ons_code"], "sub_icb_name": loc["name"],
        "icb_2022": _brief(kb, loc["icb"]), "region_2022": icb.get("region"),
        "boundary_change_2022": loc.get("change_note"),
        "as_of": day, "as_of_version": version, "now": now, "ended": ended, "changed_since_2022": changed,
        "provenance": {"2022": "official", "now": (now or {}).get("provenance")},
        "sources": loc["sources"],
    }
    if full:
        row["history"] = history
    return row


def all_ccgs(kb, as_of=None):
    """All former CCGs (the 106 sub-ICB locations of 1 July 2022) with their ICB then and on a date."""
    if not getattr(kb, "sys_versions", None):
        raise BadValue("no ICB data is loaded (data/systems is missing)")
    day = _day(as_of)
    _need_version(kb, day)
    rows = [_ccg_row(kb, i, as_of) for i in kb.sys_locs_by_version.get(_first_version(kb), [])]
    rows.sort(key=lambda r: (r["ccg_name"] or "").lower())
    return {"as_of": day, "as_of_version": version_on(kb, day), "count": len(rows), "ccgs": rows}


# --------------------------------------------------------------------------- search


def search_systems(kb, text):
    """Hits shaped like query.search's: {type, id, name, score, date, snippet, sources}."""
    query = resolve.normalize(text)
    words = query.split()
    if not words or not getattr(kb, "sys_search", None):
        return []
    from .query import _has_word, key_match

    hits = []
    for kind, ident, name, keys, body in kb.sys_search:
        if not all(_has_word(body, w) for w in words):
            continue
        tier = key_match(query, words, keys)
        score = 25 if tier is None else (95, 75, 55)[tier]
        if kind == "system":
            icb = kb.icbs[ident]
            version = kb.system_versions[icb["version"]]
            code = icb.get("ods_code") or icb["ons_code"]
            snippet = f"ICB {code} ({icb['ons_code']}), {icb.get('region') or 'region not given'}; " \
                      f"as of {version['label']}. " + (icb.get("change_note") or "")
            hits.append({"type": "system", "id": code, "name": icb["name"], "score": score,
                         "date": version["date"], "snippet": snippet.strip(), "sources": icb["sources"]})
        else:
            loc = kb.sub_icb_locations[ident]
            parent = kb.icbs[loc["icb"]]
            version = kb.system_versions[loc["version"]]
            snippet = f"Former CCG {loc['ods_code']}: on {dates.human(version['date'])} sub-ICB location " \
                      f"{loc['ods_code']} of {parent['name']} ({parent.get('ods_code') or parent['ons_code']}). " \
                      + (loc.get("change_note") or "")
            hits.append({"type": "ccg", "id": loc["ods_code"], "name": name, "score": score,
                         "date": version["date"], "snippet": snippet.strip(), "sources": loc["sources"]})
    hits.sort(key=lambda h: (-h["score"], h["name"].lower()))
    return hits
