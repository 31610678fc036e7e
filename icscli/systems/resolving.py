"""Which ICB record a user means by a code, a name or a place, on a date."""
from ..errors import AmbiguousTerm, UnknownTerm
from ..store.systems_index import index, key
from .base import _day, _need_version, _position, first_day, version_on
from .codes import lookup

_CODES = ("ods code", "ons code", "2021 code")


def _how(kb, ident, kind, text):
    """How a resolver hit on an ICB record matched: its codes, its names or its 2021 predecessor."""
    icb = kb.icbs[ident]
    raw = str(text).strip().lower()
    if raw == (icb.get("ods_code") or "").lower():
        return "ods code"
    if raw == icb["ons_code"].lower():
        return "ons code"
    return "name"


def _matches(kb, text):
    """([(icb id, how)] exact, [(icb id, how)] fragment, [2022 location ids] for former CCGs).

    Exact matches come from the one resolver (`codes.lookup`); fragments of names from the name keys.
    """
    ix = index(kb)
    first = ix.versions[0][0]
    exact, ccgs = [], []
    for kind, ident in lookup(kb, text):
        if kind == "icb":
            exact.append((ident, _how(kb, ident, kind, text)))
        elif kind == "la":
            exact.append((ident, "local authority"))
        elif kind == "stp":
            for loc_id in ix.stps.get(ident, {}).get("locs", []):
                icb = kb.sub_icb_locations[loc_id]["icb"]
                how = "2021 code" if str(text).strip().lower() == ident.lower() else "2021 name"
                if kb.icbs[icb].get("predecessor_ons_code") == ident and all(icb != h[0] for h in exact):
                    exact.append((icb, how))
        elif kind == "loc":
            old = ix.loc_by_ods.get(first, {}).get(kb.sub_icb_locations[ident]["ods_code"].upper())
            if old and old not in ccgs:
                ccgs.append(old)
        elif kind == "ccg":
            old = ix.loc_by_ods.get(first, {}).get(kb.ccgs[ident]["successor"].upper())
            if old and old not in ccgs and not kb.ccgs[ident].get("split"):
                ccgs.append(old)
    fragment = []
    k = key(text)
    if k:
        padded = f" {k} "
        for name, found in ix.keys.items():
            if name != k and padded in f" {name} ":
                for ident, how in found:
                    if how not in _CODES and all(ident != h[0] for h in exact + fragment):
                        fragment.append((ident, how))
    return exact, fragment, ccgs


def _project(kb, ident, version):
    """Where an ICB record's area is in another version: [icb ids] (following the version links)."""
    pos, target = _position(kb, kb.icbs[ident]["version"]), _position(kb, version)
    frontier = [ident]
    while pos != target:
        step = []
        for member in frontier:
            for other in (index(kb).next if target > pos else index(kb).prev).get(member, []):
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
    version = version_on(kb, day) or _need_version(kb, first_day(kb))  # before the ICBs: as they began
    target = _position(kb, version)
    # Fragments of CCG names are not used: several CCG names name areas that moved in July 2022
    # ("Tameside and Glossop", "Black Country and West Birmingham"), so a fragment could mislead.
    exact, fragment, ccg_exact = _matches(kb, text)
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
        here = index(kb).loc_by_ods.get(version, {}).get(loc["ods_code"].upper())
        if here:
            return [(kb.sub_icb_locations[here]["icb"], "current")]
        seen = [v for v, _ in index(kb).versions if loc["ods_code"].upper() in index(kb).loc_by_ods.get(v, {})]
        before = [v for v in seen if _position(kb, v) < target]
        v = before[-1] if before else seen[0]
        parent = kb.sub_icb_locations[index(kb).loc_by_ods[v][loc["ods_code"].upper()]]["icb"]
        return [(parent, "ended" if before else "not yet")]
    if how == "local authority":
        return [(member, "current") for member in _project(kb, ident, version)]
    chain = index(kb).chains[index(kb).identity[ident]]
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
    from ..base.suggest import suggest as close

    k = key(text)
    if not k or not index(kb).keys:
        return []
    names = [n for n, hits in index(kb).keys.items() if any(h[1] in ("name", "2021 name") for h in hits)]
    found = close(k, names, limit)
    words = k.split()
    if len(found) < limit:
        found += [n for n in names if any(w[:4] in n for w in words if len(w) >= 4) and n not in found][: limit - len(found)]
    out = []
    for n in found:
        for ident, how in index(kb).keys[n]:
            short = kb.icbs[ident]["short_name"] if how == "name" else n
            if short not in out:
                out.append(short)
    return out[:limit]
