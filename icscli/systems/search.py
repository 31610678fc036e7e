"""Search hits and shell completion for systems and former CCGs."""
from .. import dates
from ..base.words import has_word, key_match, normalize
from ..store.systems_index import completion_items, index  # noqa: F401  (systems.completion_items)


def search_systems(kb, text):
    """Hits shaped like query.search's: {type, id, name, score, date, snippet, sources}."""
    query = normalize(text)
    words = query.split()
    if not words or not index(kb).search:
        return []

    hits = []
    for kind, ident, name, keys, body in index(kb).search:
        if not all(has_word(body, w) for w in words):
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
