"""The systems index: built once at compile time from the ICB, sub-ICB location and CCG tables.

`build_indexes` returns one part per index (`systems_index.NAME`), cached with `marshal` (plain dicts,
lists, strings and ints); `index(kb)` gives them back as a typed `Index` that decodes each part on first
use, so `ics systems` never decodes the code table and `ics ccg` never the search rows.
"""
import itertools

from .. import dates

_DROP_WORDS = {"nhs", "icb", "ccg"}
_DROP_PHRASES = ("integrated care board", "clinical commissioning group", "integrated care system")


def _dropped_phrases(found=[]):  # noqa: B006 - computed once, on first use
    if not found:
        from ..base import words as resolve

        found.extend(" " + resolve.normalize(phrase) + " " for phrase in _DROP_PHRASES)
    return found


def key(text):
    """A matching key: 'NHS Frimley Integrated Care Board' -> 'frimley'; codes -> lowercase code."""
    from ..base import (
        words as resolve,  # here, not at the top: `ics systems` needs it only for --region
    )

    norm = " " + resolve.normalize(text) + " "
    for phrase in _dropped_phrases():
        norm = norm.replace(phrase, " ")
    words = [w for w in norm.split() if w not in _DROP_WORDS]
    return " ".join(words)


# --------------------------------------------------------------------------- compile time


def build_indexes(tables):
    """Indexes over the systems tables, computed once at compile time and cached with the data."""
    from ..base import words as resolve

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

    flow_next, spans, sizes = _flows(tables, order, versions, locs_by_version, loc_by_ods)
    flow_prev = {}
    for node, edges in flow_next.items():
        for target, lsoas, of in edges:
            flow_prev.setdefault(target, []).append([node, lsoas, of])
    return {PREFIX + name: value for name, value in {
        "versions": [[v, dates.start(versions[v]["date"])] for v in order],
        "by_version": by_version, "locs_by_version": locs_by_version, "icb_locs": icb_locs,
        "loc_by_ods": loc_by_ods, "prev": prev, "next": nxt, "identity": identity, "chains": chains,
        "keys": keys, "ccg_keys": ccg_keys, "regions": regions, "search": search_rows,
        "codes": _codes(tables), "flow_next": flow_next, "flow_prev": flow_prev, "spans": spans, "sizes": sizes,
        "ccg_order": sorted(tables.get("ccgs") or {}, key=lambda c: (tables["ccgs"][c]["valid_from"], c)),
        "stps": _stps(tables, locs_by_version.get(first, [])),
        "former": _former(locs, order, locs_by_version, loc_by_ods), "recoded": _recoded(versions, icbs),
    }.items()}


def _former(locs, order, locs_by_version, loc_by_ods):
    """{sub-ICB location id: the July 2022 location (the former CCG) with the same ODS code}."""
    first = loc_by_ods.get(order[0], {}) if order else {}
    out = {}
    for v in order:
        for ident in locs_by_version.get(v, []):
            old = first.get(locs[ident]["ods_code"].upper())
            if old:
                out[ident] = old
    return out


def _recoded(versions, icbs):
    """[[ODS code, old ONS code, new ONS code, version]] for every ICB that kept its ODS code but got a new
    ONS code from one data version to the next, found from the codes themselves."""
    order = sorted(versions, key=lambda v: versions[v]["date"])
    codes = {}
    for icb in icbs.values():
        if icb.get("ods_code"):
            codes.setdefault(icb["ods_code"], {})[icb["version"]] = icb["ons_code"]
    out = []
    for ods, by_version in codes.items():
        seen = [(v, by_version[v]) for v in order if v in by_version]
        for (_, old), (version, new) in itertools.pairwise(seen):
            if old != new:
                out.append([ods, old, new, version])
    return out


ICBS_START = "2022-07-01"


def _flows(tables, order, versions, locs_by_version, loc_by_ods):
    """Where each area went next: {node: [[node, lsoas or None, of or None]]}, with each node's dates.

    Nodes are CCG record ids (2013 to June 2022) and sub-ICB location record ids (one per version).
    A split edge carries the LSOA counts the data holds; a whole-area edge carries None.
    """
    ccgs = tables.get("ccgs") or {}
    locs = tables.get("sub_icb_locations") or {}
    by_code = {c["ods_code"].upper(): i for i, c in ccgs.items()}
    spans, sizes, flow = {}, {}, {}
    for ident, ccg in ccgs.items():
        spans[ident] = [ccg["valid_from"], ccg.get("valid_to") or (ICBS_START if order else None)]
        sizes[ident] = (ccg.get("vintages") or [{}])[-1].get("lsoa_count")
    starts = [dates.start(versions[v]["date"]) for v in order]
    for n, v in enumerate(order):
        for ident in locs_by_version.get(v, []):
            spans[ident] = [starts[n], starts[n + 1] if n + 1 < len(order) else None]
            sizes[ident] = locs[ident].get("lsoa_count")

    def onward(code, version_index, of):
        """Edges from an area (code, size `of`) into the version at version_index."""
        v = order[version_index]
        edges, taken = [], 0
        for ident in locs_by_version.get(v, []):
            for part in locs[ident].get("took") or []:
                if part["ods_code"].upper() == code:
                    edges.append([ident, part["lsoa_count"], part["of"]])
                    taken += part["lsoa_count"]
                    of = part["of"]
        same = loc_by_ods.get(v, {}).get(code)
        if same:
            edges.insert(0, [same, of - taken, of] if edges else [same, None, None])
        return edges

    for ident, ccg in ccgs.items():
        if ccg.get("split"):
            flow[ident] = [[by_code[p["ods_code"].upper()], p["lsoa_count"], p["of"]] for p in ccg["split"]]
        elif ccg.get("successions"):
            flow[ident] = [[by_code[ccg["successions"][0]["ods_code"].upper()], None, None]]
        elif order:
            flow[ident] = onward(ccg["ods_code"].upper(), 0, sizes[ident])
    for n, v in enumerate(order[:-1]):
        for ident in locs_by_version.get(v, []):
            flow[ident] = onward(locs[ident]["ods_code"].upper(), n + 1, sizes[ident])
    return flow, spans, sizes


def _stps(tables, first_locs):
    """{April 2021 STP/ICS ONS code: {name, locs: [2022 sub-ICB location ids]}}."""
    locs = tables.get("sub_icb_locations") or {}
    out = {}
    for ident in first_locs:
        loc = locs[ident]
        if loc.get("stp21_ons_code"):
            stp = out.setdefault(loc["stp21_ons_code"], {"name": loc["stp21_name"], "locs": []})
            stp["locs"].append(ident)
    return out


def _codes(tables):
    """The one table of codes and exact names: {matching key: [[kind, id]]}, kind ccg|loc|icb|stp|la.

    Codes are keyed by their lower-case text, names by `key()`; every vintage of every code is in it.
    """
    table = {}

    def add(text, kind, ident, code=True):
        k = str(text).strip().lower() if code else key(text)
        if k:
            hits = table.setdefault(k, [])
            if [kind, ident] not in hits:
                hits.append([kind, ident])

    for ident, ccg in (tables.get("ccgs") or {}).items():
        add(ccg["ods_code"], "ccg", ident)
        add(ccg["name"], "ccg", ident, code=False)
        for v in ccg.get("vintages") or []:
            add(v["ons_code"], "ccg", ident)
            add(v["name"], "ccg", ident, code=False)
    for ident, loc in (tables.get("sub_icb_locations") or {}).items():
        add(loc["ods_code"], "loc", ident)
        add(loc["ons_code"], "loc", ident)
        add(loc["name"], "loc", ident, code=False)
        if loc.get("stp21_ons_code"):
            add(loc["stp21_ons_code"], "stp", loc["stp21_ons_code"])
            add(loc["stp21_name"], "stp", loc["stp21_ons_code"], code=False)
    for ident, icb in (tables.get("icbs") or {}).items():
        if icb.get("ods_code"):
            add(icb["ods_code"], "icb", ident)
        add(icb["ons_code"], "icb", ident)
        add(icb["name"], "icb", ident, code=False)
        add(icb["short_name"], "icb", ident, code=False)
        for la in icb.get("local_authorities") or []:
            add(la["ons_code"], "la", ident)
            add(la["name"], "la", ident, code=False)
    return table


PREFIX = "systems_index."  # the parts of the compiled state that hold the systems indexes
LISTS = ("versions", "search", "ccg_order", "recoded")
NAMES = LISTS + ("by_version", "locs_by_version", "icb_locs", "loc_by_ods", "prev", "next", "identity", "chains",
                 "keys", "ccg_keys", "regions", "codes", "flow_next", "flow_prev", "spans", "sizes", "stps",
                 "former")


class Index:
    """The systems indexes as typed attributes (built once at compile time; see build_indexes), each
    decoded from its own part on first use."""

    def __init__(self, kb):
        self._kb = kb

    def __getattr__(self, name):
        if name == "icb_version":  # {ICB record id: its version}, from by_version (no record decoded)
            self.icb_version = {i: v for v, ids in self.by_version.items() for i in ids}
            return self.icb_version
        if name not in NAMES:
            raise AttributeError(name)
        value = getattr(self._kb, PREFIX + name, None)
        if value is None:  # no systems data: empty indexes
            value = [] if name in LISTS else {}
        setattr(self, name, value)
        return value

    @property
    def loaded(self):
        return bool(self.versions)


def index(kb):
    """The typed systems index of a knowledge base (one per run)."""
    found = kb.__dict__.get("_systems_index")
    if found is None:
        found = kb.__dict__["_systems_index"] = Index(kb)
    return found


# what shell completion offers of the systems (compiled with the layer: see completion.py)


def completion_items(kb, prefix):
    """(word, what it is) for codes and names of systems and CCGs that start with a prefix."""
    if not index(kb).loaded:
        return []
    prefix = prefix.lower()
    out = {}
    for icb in kb.icbs.values():
        for text in (icb.get("ods_code"), icb["ons_code"]):
            if text and text.lower().startswith(prefix):
                out.setdefault(text, icb["name"])
        if icb["short_name"].lower().startswith(prefix) and " " not in icb["short_name"]:
            out.setdefault(icb["short_name"].lower(), icb["name"])
    for ident in index(kb).locs_by_version.get((index(kb).versions[0][0] if index(kb).versions else None), []):
        loc = kb.sub_icb_locations[ident]
        if loc["ods_code"].lower().startswith(prefix):
            out.setdefault(loc["ods_code"], loc.get("former_ccg_name") or "former CCG")
    for ident in index(kb).ccg_order:  # the CCG codes of 2013-2021
        code = kb.ccgs[ident]["ods_code"]
        if code.lower().startswith(prefix):
            out.setdefault(code, kb.ccgs[ident]["name"])
    return sorted(out.items())


def all_regions(kb):
    out = []
    for version, _ in index(kb).versions:
        for r in index(kb).regions.get(version) or []:
            if r not in out:
                out.append(r)
    return sorted(out)
