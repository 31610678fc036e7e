"""Re-code one code or name to the structure in force on a date (the core of `ics map`).

A code resolves (through `codes.lookup`) to an area node: a CCG code (April 2013 to June 2022), a sub-ICB
location of one version, or a group of them (an ICB record, an April 2021 STP/ICS). The node is followed
forward or back through the area flows of the index until it reaches the nodes in force on the date; a
split carries its share of the area as LSOA counts (2011 LSOAs up to 2022, 2021 LSOAs after). Results are
plain JSON-able dicts.
"""
from .. import dates
from ..errors import BadValue, DateBeforeCoverage
from ..store.systems_index import ICBS_START, index
from .codes import lookup

CHANGES = ("unchanged", "renamed", "merged", "split", "ended", "unknown")
FIRST_DAY = "2013-04-01"
STP_START = "2021-04-01"
ICB_COLUMNS = ("sub_icb_location_ods_code", "sub_icb_location_ons_code", "sub_icb_location_name",
               "icb_ods_code", "icb_ons_code", "icb_name", "nhs_region")
CCG_COLUMNS = ("ccg_ods_code", "ccg_ons_code", "ccg_name", "stp_ons_code", "stp_name")
SHARE_BASIS = "share of the area by LSOA count (2011 LSOAs up to July 2022, 2021 LSOAs after)"


def check_day(day, option="--to"):
    if day < FIRST_DAY:
        raise DateBeforeCoverage(f"{option}: {day} is before 1 April 2013, when the data (CCGs) starts", FIRST_DAY)
    return day


def columns(day):
    """The columns `ics map` adds for a date: the ICB structure from 1 July 2022, the CCGs before."""
    return (ICB_COLUMNS if day >= ICBS_START else CCG_COLUMNS) + ("change", "share", "note")


def unknown(text, note):
    """The answer for a value that maps to nothing (its note says why): every mapper's, places' too."""
    return {"input": text, "change": "unknown", "note": note, "rows": []}


def _in(span, day):
    return span[0] <= day and (span[1] is None or day < span[1])


def _span(kb, ix, kind, ident):
    if kind in ("ccg", "loc"):
        return ix.spans[ident]
    if kind == "icb":
        locs = ix.icb_locs.get(ident) or []
        return ix.spans[locs[0]] if locs else ["9999", None]
    return [STP_START, ICBS_START]  # an April 2021 STP/ICS footprint


def _start_nodes(kb, ix, kind, ident):
    """[(node, weight)] of an input: itself, or the locations / April 2021 CCGs of a group."""
    if kind in ("ccg", "loc"):
        return [(ident, 1.0)]
    if kind == "icb":
        members = ix.icb_locs.get(ident) or []
    else:
        members = ["ccg-" + kb.sub_icb_locations[i]["ods_code"].lower() for i in ix.stps[ident]["locs"]]
        members = [m for m in members if m in ix.spans]
    sizes = [ix.sizes.get(m) or 0 for m in members]
    total = sum(sizes)
    return [(m, (s / total) if total else None) for m, s in zip(members, sizes)]


def project(ix, nodes, day):
    """{node in force on `day`: share} reached from [(node, share)]; share None when the data cannot say.

    LSOA counts say how a split divided the area that was split. Once an area has been merged into a larger
    one (forward) or traced back through a partial transfer (backward), a later split of the larger area
    does not say where this part went: every part is listed with an unknown share.
    """
    out, stack, steps = {}, [(node, share, True) for node, share in nodes], 0
    while stack:
        steps += 1
        if steps > 100000:  # the flows are acyclic; this only guards against bad data
            raise BadValue("the area flows do not end (check data/systems)")
        node, share, exact = stack.pop()
        span = ix.spans[node]
        if _in(span, day):
            out[node] = None if share is None or out.get(node, 0) is None else out.get(node, 0) + share
            continue
        if span[1] is not None and day >= span[1]:
            edges = ix.flow_next.get(node) or []
            for target, lsoas, of in edges:
                part = share if lsoas is None else (None if share is None or not exact else share * lsoas / of)
                stack.append((target, part, exact and len(ix.flow_prev.get(target) or []) <= 1))
        else:
            edges = ix.flow_prev.get(node) or []
            weights = [lsoas if lsoas is not None else ix.sizes.get(src) for src, lsoas, _ in edges]
            total = None if None in weights or not exact else sum(weights)
            for (src, lsoas, _), w in zip(edges, weights):
                part = share if len(edges) == 1 else (None if share is None or not total else share * w / total)
                stack.append((src, part, exact and lsoas is None))
    return out


def _ccg_fields(kb, ix, ident, day):
    ccg = kb.ccgs[ident]
    name, ons = ccg["name"], ""
    for v in ccg.get("vintages") or []:  # the ONS vintage in force on the day (else the first one)
        if v["date"] <= day or not ons:
            name, ons = v["name"], v["ons_code"]
    stp_code = stp_name = ""
    if day >= STP_START and not ccg.get("valid_to"):
        loc = ix.loc_by_ods.get(ix.versions[0][0], {}).get(ccg["ods_code"].upper()) if ix.versions else None
        if loc:
            stp_code = kb.sub_icb_locations[loc].get("stp21_ons_code") or ""
            stp_name = kb.sub_icb_locations[loc].get("stp21_name") or ""
    return [ccg["ods_code"], ons, name, stp_code, stp_name]


def _icb_fields(kb, icb_id):
    icb = kb.icbs[icb_id]
    return [icb.get("ods_code") or "", icb["ons_code"], icb["name"], icb.get("region") or ""]


class Mapper:
    """Maps codes to one date; remembers each distinct code it has seen (bounded), for big files."""

    CACHE_LIMIT = 200000

    def __init__(self, kb, day, weights="population", source_day=None):
        self.kb, self.ix, self.day = kb, index(kb), check_day(day)
        # --from: the date the input's codes are of (a code naming different areas is read as of then)
        self.source_day = check_day(source_day, "--from") if source_day else None
        if not self.ix.loaded or not self.ix.ccg_order:
            raise BadValue("no CCG/ICB data is loaded (data/systems is missing)")
        self.weights, self._apportioner = weights, None
        if weights != "population":
            self.apportioner  # noqa: B018  (a bad --weights fails before any output)
        self.icb_era = day >= ICBS_START
        self.columns = columns(day)
        self.width = len(self.columns) - 3
        self._cache = {}

    def map(self, text):
        """{'input', 'change', 'rows': [{'fields': [...], 'share': float|None, 'note': str}], 'note'}."""
        k = str(text).strip().lower()
        found = self._cache.get(k)
        if found is None:
            found = self._map(text)
            if len(self._cache) < self.CACHE_LIMIT:
                self._cache[k] = found
        return found

    def _map(self, text):
        if not str(text).strip():
            return unknown(text, "blank")
        hits = [(kind, ident) for kind, ident in lookup(self.kb, text) if kind != "la"]
        if not hits:
            return unknown(text, "not a code or name in the data")
        kind, ident = self._pick(hits, self.source_day or self.day)
        found = self.follow(kind, ident, text)
        if self.source_day and self._pick(hits, self.day) != (kind, ident):
            found["note"] = "; ".join(n for n in (self._reading(kind, ident), found["note"]) if n)
        return found

    def _reading(self, kind, ident):
        """The note's words when --from read a code as another area than the --to date would have."""
        span = _span(self.kb, self.ix, kind, ident)
        word = {"ccg": "CCG", "loc": "sub-ICB location", "icb": "ICB"}.get(kind, "STP/ICS of April 2021")
        if _in(span, self.source_day):
            return f"read as the {word} of {dates.human(self.source_day)}"
        return (f"read as the {word} of {dates.human(span[0])}: the code named no area on "
                f"{dates.human(self.source_day)}")

    def follow(self, kind, ident, text, nodes=None, exact=True):
        """The mapping of one area (kind ccg, loc, icb or stp; its record id) to the date, as `map` gives
        it; `text` is the code it was given as. `nodes` ([(node, share)]) start elsewhere than the area
        itself (places/mapcodes.py: a PCN's parts). A split area's shares come from the people of its
        LSOAs (exact_shares); a place inside it (a practice, a postcode: exact=False) is no share of them,
        and the data cannot say which part holds it."""
        starts = nodes or _start_nodes(self.kb, self.ix, kind, ident)
        reached, basis = project(self.ix, starts, self.day), None
        if exact and nodes is None and len(reached) > 1:
            reached, basis = self.exact_shares(kind, ident, starts, reached)
        rows = self._rows(kind, reached)
        change = self._change(text, kind, ident, rows)
        return {"input": text, "kind": kind, "change": change,
                "note": self._note(kind, ident, change, rows, basis), "rows": rows}

    @property
    def apportioner(self):
        """The shares of split areas (apportion.py), made on first use: the fast path never needs it."""
        if self._apportioner is None:
            from .apportion import Apportioner

            self._apportioner = Apportioner(self.kb, self.ix, self.day, self.weights, self.source_day)
        return self._apportioner

    def exact_shares(self, kind, ident, starts, reached):
        """({node: share}, words for their basis or None) of a split, from the LSOAs the area held
        (apportion.py), else the LSOA counts of the flows (project). A part none of the area's LSOAs
        lies in is no part of it: an area wholly in one part of a later split maps to that part."""
        found = self.apportioner.shares(starts, reached)
        if found is None:
            return reached, None
        shares, basis, held = found
        kept = {node: share for node, share in shares.items() if share > 0}
        if len(kept) == 1 and len(shares) > 1:
            basis = f"all of it lies in this part: {held}"
        return kept or shares, basis

    def _pick(self, hits, day):
        """The hit in force on `day` (the --from date, else the --to date), else the latest one before
        it, else the earliest after it."""
        spans = [(_span(self.kb, self.ix, k, i), k, i) for k, i in hits]
        now = [(k, i) for s, k, i in spans if _in(s, day)]
        if now:
            return now[0]
        before = sorted((s[1], k, i) for s, k, i in spans if s[1] is not None and s[1] <= day)
        if before:
            return before[-1][1:]
        return min((s[0], k, i) for s, k, i in spans)[1:]

    def _rows(self, kind, reached):
        group = kind in ("icb", "stp")
        rows = {}
        for node, share in reached.items():
            if self.icb_era:
                loc = self.kb.sub_icb_locations[node]
                if group:
                    key, fields = loc["icb"], ["", "", ""] + _icb_fields(self.kb, loc["icb"])
                else:
                    key, fields = node, [loc["ods_code"], loc["ons_code"], loc["name"]] + _icb_fields(self.kb, loc["icb"])
            else:
                fields = _ccg_fields(self.kb, self.ix, node, self.day)
                key = fields[3] if group and fields[3] else node
                if group and fields[3]:
                    fields = ["", "", "", fields[3], fields[4]]
            row = rows.setdefault(key, {"fields": fields, "share": 0.0, "node": node})
            row["share"] = None if share is None or row["share"] is None else row["share"] + share
        return sorted(rows.values(), key=lambda r: (-(r["share"] or 0), r["fields"]))

    def _change(self, text, kind, ident, rows):
        if not rows:
            return "ended"
        if len(rows) > 1:
            return "split"
        fields = [f.lower() for f in rows[0]["fields"] if f]
        raw = str(text).strip().lower()
        from ..store.systems_index import key as name_key

        if raw in fields or name_key(text) in {name_key(f) for f in fields}:
            return "unchanged"
        if self._same_body(kind, ident, rows[0]):
            return "renamed"
        return "merged"

    def _same_body(self, kind, ident, row):
        """True when the result continues the input's own code (same ODS code or same ICB identity)."""
        kb, ix = self.kb, self.ix
        node = row["node"]
        if kind == "ccg":
            code = kb.ccgs[ident]["ods_code"]
        elif kind == "loc":
            code = kb.sub_icb_locations[ident]["ods_code"]
        elif kind == "icb":
            if self.icb_era:
                target = kb.sub_icb_locations[node]["icb"]
                return ix.identity.get(target) == ix.identity.get(ident) or \
                    (kb.icbs[target].get("ods_code") or "-") == kb.icbs[ident].get("ods_code")
            return row["fields"][3] == kb.icbs[ix.chains[ix.identity[ident]][0]].get("predecessor_ons_code")
        else:
            return not self.icb_era and row["fields"][3] == ident
        own = kb.sub_icb_locations[node]["ods_code"] if self.icb_era else kb.ccgs[node]["ods_code"]
        return own == code and not (self.icb_era and kind == "icb")

    def _note(self, kind, ident, change, rows, basis=None):
        kb = self.kb
        bits = []
        if kind == "ccg":
            ccg = kb.ccgs[ident]
            steps = [s for s in ccg.get("successions") or [] if s["date"] <= self.day]
            if steps:
                bits.append("merged into " + ", then ".join(f"{s['ods_code']} ({dates.human(s['date'])})"
                                                            for s in steps))
            if ccg.get("boundary_changes"):
                bits.append("boundary changed " + ", ".join(dates.human(b["date"]) for b in ccg["boundary_changes"]))
            if ccg.get("provenance"):
                bits.append(ccg["provenance"])
        if kind == "loc" and self.icb_era:
            ccg = "ccg-" + kb.sub_icb_locations[ident]["ods_code"].lower()
            parts = [e for e in self.ix.flow_next.get(ccg) or [] if e[1] is not None]
            if len(parts) > 1:  # the April 2021 CCG of this code lost part of its area on 1 July 2022
                lost = [f"{e[1]} of its {e[2]} LSOAs to {kb.sub_icb_locations[e[0]]['ods_code']}" for e in parts[1:]]
                bits.append("read as the sub-ICB location; the CCG of this code lost " + ", ".join(lost)
                            + " on 1 July 2022")
        if change == "split":
            if basis and not any(r["share"] is None for r in rows):
                bits.append(f"split between {len(rows)}; {basis}")
            elif any(r["share"] is None for r in rows):
                bits.append(f"one of {len(rows)} possible parts: the data does not say which part holds this area "
                            "(it was merged before the larger area was split, or has no LSOA counts)")
            else:
                bits.append(f"split between {len(rows)}; {SHARE_BASIS}")
        elif basis and len(rows) == 1:
            bits.append(basis)
        if change == "ended":
            bits.append("nothing continues it on that date")
        if self.icb_era and kind == "ccg" and rows:
            bits.append("CCGs ended 30 June 2022; shown as sub-ICB locations")
        return "; ".join(bits)


def map_code(kb, text, day=None, source_day=None):
    """One code or name mapped to a date (default today), as JSON-able data (for library and MCP callers);
    `source_day`, when given, is the date the code is of (as `ics map --from`)."""
    from ..dates import today

    mapper = Mapper(kb, dates.parse(day) if day else today(), source_day=dates.parse(source_day) if source_day else None)
    found = mapper.map(text)
    names = mapper.columns[:-3]
    out = {"input": text, "to": mapper.day, "change": found["change"], "note": found["note"],
           "results": [dict(zip(names, r["fields"]), share=r["share"]) for r in found["rows"]]}
    if mapper.source_day:
        out["from"] = mapper.source_day
    return out
