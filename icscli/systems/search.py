"""Search hits and shell completion for systems and former CCGs."""
from .. import dates, resolve
from .base import _first_version
from .index import index


def completion_words(kb, prefix):
    """Codes and names of systems and CCGs that start with a prefix, for shell completion."""
    return [word for word, _what in completion_items(kb, prefix)]


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
    for ident in index(kb).locs_by_version.get(_first_version(kb), []):
        loc = kb.sub_icb_locations[ident]
        if loc["ods_code"].lower().startswith(prefix):
            out.setdefault(loc["ods_code"], loc.get("former_ccg_name") or "former CCG")
    for ident in index(kb).ccg_order:  # the CCG codes of 2013-2021
        code = kb.ccgs[ident]["ods_code"]
        if code.lower().startswith(prefix):
            out.setdefault(code, kb.ccgs[ident]["name"])
    return sorted(out.items())


def search_systems(kb, text):
    """Hits shaped like query.search's: {type, id, name, score, date, snippet, sources}."""
    query = resolve.normalize(text)
    words = query.split()
    if not words or not index(kb).search:
        return []
    from ..query import _has_word, key_match

    hits = []
    for kind, ident, name, keys, body in index(kb).search:
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
