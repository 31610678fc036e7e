"""The brief shape of the places answers (practice, pcn, lsoa, trust, postcode), read from the document the
CLI's command makes: what the place is, where it lay on the date asked and in each official file, with
each file's date, provenance (official or derived) and sources with their locators, and the document's
own sentences (the dated answer, what the files do not say). A PCN's practices and the postcodes asked
are the long lists, paged; `detail="full"` gives the CLI's whole document.

`brief_place(tool, document)` returns (answer, key of the list to page or None), as brief.brief does.
"""
from .brief import _pick

LEVELS = {"ccg": "ccg", "stp": "stp", "loc": "sub_icb_location", "icb": "icb", "region": "region"}
AREAS_SHOWN = 10  # a PCN's sub-ICB locations and ICBs listed in a brief answer (the rest are counted)
CATCHMENT_SHOWN = 0.01  # a trust's catchment shares of at least 1% are listed; the rest are counted


def _area(record, keys=("ods_code", "ons_code", "name", "patients")):
    """An area's codes and name, with its registered patients where the file gives them."""
    return _pick(record or {}, keys) or None


def _areas(areas, keys=("ods_code", "ons_code", "name", "patients")):
    """{ccg|stp|sub_icb_location|icb|region: the area} of a chain of areas, in the data's order."""
    return {LEVELS[level]: _area(a, keys) for level, a in (areas or {}).items() if level in LEVELS and a}


def _file(vintage):
    """A file (vintage): its id, date, label and provenance (official, derived or third-party)."""
    return _pick(vintage or {}, ("id", "date", "label", "provenance")) or None


def _notes(document):
    """The document's remarks (the dated answer first, then what the data does and does not say)."""
    return [b.text for b in document.blocks if b.kind == "note" and not b.provenance and b.text]


def _systems(found):
    """A sub-ICB location's ICB on the date asked, from the ICB lists (systems data)."""
    return {"list_of": found["version_date"], "sub_icb_location": _area(found["loc"]), "icb": _area(found["icb"]),
            "region": found.get("region"), "sources": found.get("sources") or []}


def _practice(p):
    files = {}
    for key in ("jan2022", "aug2026"):
        e = p.get(key)
        files[key] = None if e is None else dict(
            file=e["vintage"]["id"], date=e["vintage"]["date"], label=e["vintage"]["label"], name=e["name"],
            postcode=e["postcode"], pcn=e["pcn"], **_areas(e["areas"]), sources=e["sources"])
    answer = _pick(p, ("code", "name", "postcode", "as_of", "when"))
    answer.update(files=files, change=p.get("change"))
    on_date = {k: _systems(v) for k, v in (p.get("systems_on_date") or {}).items() if v}
    if on_date:
        answer["icb_on_date"] = on_date
    return answer, None


def _pcn(p):
    answer = dict(_pick(p, ("code", "name", "unallocated")), patients=p.get("patients"), file=_file(p.get("vintage")))
    answer["practice_count"] = len(p.get("practices") or ())
    answer["locations"] = [{"sub_icb_location": _area(loc["areas"].get("loc"), ("ods_code", "ons_code", "name")),
                            "icb": _area(loc["areas"].get("icb"), ("ods_code", "ons_code")),
                            "practices": loc.get("practices"), "patients": loc.get("patients"),
                            "share": loc.get("share"), "patients_basis": loc.get("patients_basis")}
                           for loc in p.get("locations") or ()]
    answer["icbs"] = [{"icb": _area(i["area"], ("ods_code", "ons_code", "name")), "practices": i.get("practices"),
                       "patients": i.get("patients"), "share": i.get("share"), "patients_basis": i.get("patients_basis")}
                      for i in p.get("icbs") or ()]
    more = {key: len(answer[key]) - AREAS_SHOWN for key in ("locations", "icbs") if len(answer[key]) > AREAS_SHOWN}
    if more:  # the unallocated practices (code U) lie in dozens: the rest with detail="full"
        answer.update({key: answer[key][:AREAS_SHOWN] for key in more}, more=more)
    answer.update(also_in=p.get("also_in") or [], sources=p.get("sources") or [])
    answer["practices"] = [dict(_pick(x, ("code", "name", "postcode")),
                                sub_icb_location=((x.get("areas") or {}).get("loc") or {}).get("ods_code"))
                           for x in p.get("practices") or ()]
    return answer, "practices"


def _lsoa_file(h):
    """Where the LSOA lay in one lookup file: its areas (by code), population, and whether derived."""
    parts = [dict(_areas(part["areas"], ("ods_code", "ons_code", "name")), population=part.get("population"),
                  **_pick(part, ("basis",))) for part in h.get("parts") or ()]
    return {"file": _file(h["vintage"]), "derived": h["vintage"].get("provenance") == "derived", "via": h.get("via"),
            "parts": parts, "sources": h.get("sources") or []}


def _lsoa(p):
    answer = _pick(p, ("code", "name", "as_of"))
    for year in ("lsoa11", "lsoa21"):
        r = p.get(year)
        answer[year] = None if not r else dict(
            _pick(r, ("code", "name", "population", "population_vintage", "change", "loc2026_basis")),
            local_authority=_area(r.get("local_authority"), ("ons_code", "name")),
            counterparts=[c["code"] for c in r.get("counterparts") or ()])
    answer["on_date"] = _lsoa_file(p["on_date"]) if p.get("on_date") else None
    found = [_systems(s) for s in p.get("systems_on_date") or () if s]
    if found:
        answer["icb_on_date"] = found
    answer["next_file"] = _file(p.get("next"))
    answer["history"] = [{"file": h["vintage"]["id"], "date": h["vintage"]["date"],
                          "provenance": h["vintage"]["provenance"],
                          "parts": [{LEVELS[level]: a.get("ods_code") or a.get("ons_code")
                                     for level, a in part["areas"].items() if level in LEVELS and level != "region"}
                                    for part in h.get("parts") or ()]}
                         for h in p.get("history") or ()]  # each file's sources: with detail="full"
    answer["split"] = p.get("split") or []
    return answer, None


def _icb(record):
    return dict(_pick(record or {}, ("ods_code", "ons_code", "name", "version_label")),
                sources=record.get("sources") or [])


def _trust(p):
    answer = _pick(p, ("code", "name", "as_of", "postcode", "opened", "closed", "status", "region_ods_code", "region",
                       "icb_ods_code"))
    answer["in_file"] = p.get("in_file")
    host = p.get("host")
    if host:
        answer["host"] = dict(status=host.get("status"), icbs=[_icb(i) for i in host.get("icbs") or ()],
                              **({"from": _icb(host["from"])} if host.get("from") else {}))
    answer.update(predecessors=p.get("predecessors") or [], successors=p.get("successors") or [],
                  successions_file=_file(p.get("successions_vintage")))
    catchment = p.get("catchment") or []
    shown = 0
    while shown < len(catchment) and (catchment[shown].get("share") or 0) >= CATCHMENT_SHOWN:
        shown += 1
    answer["catchment"] = [dict(_pick(c["icb"], ("ods_code", "ons_code", "short_name")), share=c.get("share"))
                           for c in catchment[:shown]]
    if catchment[shown:]:
        answer["catchment_others"] = {"count": len(catchment) - shown,
                                      "share": sum(c.get("share") or 0 for c in catchment[shown:])}
    if catchment:
        answer["catchment_file"] = _file(p.get("catchment_vintage"))
    answer["sources"] = p.get("sources") or []
    return answer, None


def _postcode_row(r):
    out = _pick(r, ("input", "postcode", "status", "introduced", "terminated", "lsoa", "ward", "local_authority",
                    "local_authority_name", "note"))
    for key, prefix in (("sub_icb_location", "sub_icb_location_"), ("icb", "icb_")):
        out[key] = _pick({k: r.get(prefix + k) for k in ("ods_code", "ons_code", "name")},
                         ("ods_code", "ons_code", "name")) or None
    out["nhs_region"] = _pick({"ons_code": r.get("nhs_region_code"), "name": r.get("nhs_region")},
                              ("ons_code", "name")) or None
    out.update(on_date=r.get("on_date"), sources=r.get("sources") or [])
    return out


def _postcode(p):
    directory = _pick(p.get("directory") or {}, ("kind", "label", "edition", "rows", "imported"))
    return ({"as_of": p.get("as_of"), "edition_day": p.get("edition_day"), "directory": directory,
             "postcodes": [_postcode_row(r) for r in p.get("postcodes") or ()]}, "postcodes")


PLACES = {"practice": _practice, "pcn": _pcn, "lsoa": _lsoa, "trust": _trust, "postcode": _postcode}


def brief_place(tool, document):
    """(the brief answer of a places tool, with the document's remarks as `notes`; the key of its list)."""
    answer, key = PLACES[tool](document.payload)
    notes = _notes(document)
    if notes:
        answer["notes"] = notes
    return answer, key
