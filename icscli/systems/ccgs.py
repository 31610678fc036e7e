"""`ics ccg`: what became of a former CCG."""
from .. import dates
from ..errors import AmbiguousTerm, BadValue, DateBeforeCoverage, UnknownTerm
from ..store.systems_index import index, key
from .base import (
    _brief,
    _day,
    _first_version,
    _need_version,
    _position,
    _provenance,
    first_day,
    version_on,
)
from .card import _parts


def _ccg_matches(kb, text):
    """(exact, fragment) lists of 2022 sub-ICB location ids for a former CCG's code or name."""
    if not index(kb).ccg_keys:
        return [], []
    from .codes import lookup

    ix = index(kb)
    first = _first_version(kb)
    k = key(text)
    exact = []
    for kind, ident in lookup(kb, text):  # the one resolver: 2021 CCG codes and every sub-ICB location code
        code = kb.sub_icb_locations[ident]["ods_code"] if kind == "loc" else \
            kb.ccgs[ident]["ods_code"] if kind == "ccg" and not kb.ccgs[ident].get("valid_to") else None
        loc = ix.loc_by_ods.get(first, {}).get(code.upper()) if code else None
        if loc and loc not in exact:
            exact.append(loc)
    fragment = []
    if k and not exact:
        padded = f" {k} "
        for name, found in index(kb).ccg_keys.items():
            if padded in f" {name} ":
                fragment += [h for h in found if h not in fragment]
    return exact, fragment


def resolve_ccg(kb, text):
    """The 2022 sub-ICB location record for a former CCG's code or name; raises Ambiguous/UnknownTerm."""
    if not index(kb).ccg_keys:
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
    from ..base.suggest import suggest as close

    k = key(text)
    if not k:
        return []
    names = [n for n in index(kb).ccg_keys if not n[:1].isdigit() and " " in n or n.isalpha()]
    found = close(k, names, limit)
    out = []
    for n in found:
        for h in index(kb).ccg_keys[n]:
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
    for v, _ in index(kb).versions:
        other = index(kb).loc_by_ods.get(v, {}).get(loc["ods_code"].upper())
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
    before = None
    if version_on(kb, day) is None:  # before the ICBs: the CCG on the day, as `ics map` gives it
        from .mapping import map_code

        before = map_code(kb, loc["ods_code"], day)
        last = None
    if last and last["version"] == version:
        now = last
    elif last:
        # The location ended: say where its area went.
        gone_icb = last["icb"]["id"]
        ended = {"after": last["version"], "went_to": []}
        for new in index(kb).next.get(gone_icb, []):
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
        "as_of": day, "as_of_version": version if before is None else None, "now": now, "ended": ended,
        "before_icbs": before, "changed_since_2022": changed,
        "provenance": {"2022": "official", "now": (now or {}).get("provenance")},
        "sources": loc["sources"],
    }
    if full:
        row["history"] = history
    return row


def all_ccgs(kb, as_of=None):
    """All former CCGs (the sub-ICB locations of 1 July 2022) with their ICB then and on a date."""
    if not index(kb).versions:
        raise BadValue("no ICB data is loaded (data/systems is missing)")
    day = _day(as_of)
    _need_version(kb, day)
    rows = [_ccg_row(kb, i, as_of) for i in index(kb).locs_by_version.get(_first_version(kb), [])]
    rows.sort(key=lambda r: (r["ccg_name"] or "").lower())
    return {"as_of": day, "as_of_version": version_on(kb, day), "count": len(rows), "ccgs": rows}


def ccgs_on(kb, as_of):
    """The CCGs in force on a day before the ICBs (`ics ccg --all --as-of 2019`): each with the code,
    ONS code, name and STP that `ics map` gives it on that day (the STP where the data gives one), the
    same set that `counts_of` counts; a day before the first CCG is refused."""
    from ..store.systems_index import ICBS_START
    from .mapping import CCG_COLUMNS, STP_START, _ccg_fields

    day = _day(as_of)
    end = first_day(kb) or ICBS_START
    live = [i for i, c in kb.ccgs.items() if c["valid_from"] <= day < (c.get("valid_to") or end)]
    if not live:
        first = min((c["valid_from"] for c in kb.ccgs.values()), default=None)
        if first is None:
            raise BadValue("no CCG data is loaded (data/systems/ccgs.yaml is missing)")
        raise DateBeforeCoverage(f"--as-of {day}: CCGs were set up on {dates.human(first)}, so there were none "
                                 "then", first)
    rows = []
    for ident in live:
        ccg = kb.ccgs[ident]
        rows.append(dict(zip(CCG_COLUMNS, _ccg_fields(kb, index(kb), ident, day)), valid_from=ccg["valid_from"],
                         valid_to=dates.day_before(ccg.get("valid_to") or end),
                         provenance=ccg.get("provenance"), sources=ccg["sources"]))
    rows.sort(key=lambda r: (r["ccg_name"].lower(), r["ccg_ods_code"]))
    return {"as_of": day, "count": len(rows), "columns": list(CCG_COLUMNS), "stp_from": STP_START, "ccgs": rows}


# --------------------------------------------------------------------------- the CCG codes of 2013-2021


def historic_ccg(kb, text):
    """The CCG record (2013-2021) for a code or exact name, or None; several hits raise AmbiguousTerm."""
    from .codes import lookup

    hits = [ident for kind, ident in lookup(kb, text) if kind == "ccg"]
    if len(hits) > 1:
        raise AmbiguousTerm(text, [{"id": h, "type": kb.ccgs[h]["ods_code"], "name": kb.ccgs[h]["name"],
                                    "summary": f"{kb.ccgs[h]['valid_from']} to {kb.ccgs[h].get('valid_to') or '2022-06-30'}"}
                                   for h in hits])
    return hits[0] if hits else None


def historic_card(kb, ident, as_of=None):
    """A closed CCG code: validity, ONS codes by vintage, mergers, where it is on a date (through `map`)."""
    from .mapping import map_code

    ccg = kb.ccgs[ident]
    day = _day(as_of)
    successor = kb.ccgs.get("ccg-" + ccg["successor"].lower()) if ccg.get("successor") else None
    loc = index(kb).loc_by_ods.get(_first_version(kb), {}).get(ccg["successor"].upper()) if ccg.get("successor") else None
    return {
        "ccg_ods_code": ccg["ods_code"], "ccg_name": ccg["name"], "valid_from": ccg["valid_from"],
        "valid_to": ccg.get("valid_to"), "vintages": ccg.get("vintages") or [],
        "successions": ccg.get("successions") or [], "split": ccg.get("split") or [],
        "split_basis": ccg.get("split_basis"), "boundary_changes": ccg.get("boundary_changes") or [],
        "successor_2021": {"ods_code": successor["ods_code"], "name": successor["name"]} if successor else None,
        "in_2022": _ccg_row(kb, loc, as_of) if loc else None, "as_of": day, "on_date": map_code(kb, ccg["ods_code"], day),
        "name_source": ccg.get("name_source"), "provenance": ccg.get("provenance"), "sources": ccg["sources"],
    }


def ccg_table(kb, texts, as_of=None):
    """Several CCG codes or names at once: one row per input (per part when split), mapped to a date."""
    from .mapping import Mapper

    day = _day(as_of)
    mapper = Mapper(kb, day)
    names = list(mapper.columns[:-3])
    rows = []
    for text in texts:
        found = mapper.map(text)
        known = _name_of(kb, text)
        for r in found["rows"] or [{"fields": [""] * len(names), "share": None}]:
            rows.append(dict({"input": text, "ccg_name": known}, **dict(zip(names, r["fields"])),
                             change=found["change"], share=r["share"], note=found["note"],
                             sources=_row_sources(kb, text, r.get("node"))))
    return {"as_of": day, "columns": ["input", "ccg_name"] + names + ["change", "share", "note"], "count": len(texts),
            "rows": rows}


def _row_sources(kb, text, node):
    """The citations behind a mapped row: the input CCG's own record (its mergers), then the sub-ICB
    location or CCG it was mapped to; none for an unknown code."""
    from .codes import lookup

    records = [kb.ccgs[ident] for kind, ident in lookup(kb, text) if kind == "ccg"]
    records.append(kb.sub_icb_locations.get(node) if node in kb.sub_icb_locations else kb.ccgs.get(node))
    out = []
    for record in records:
        out += [c for c in (record or {}).get("sources") or [] if c not in out]
    return out


def _name_of(kb, text):
    from .codes import lookup

    for kind, ident in lookup(kb, text):
        if kind == "ccg":
            return kb.ccgs[ident]["name"]
    return ""
