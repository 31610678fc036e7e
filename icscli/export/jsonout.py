"""The export as one JSON document: the same fields the commands' own JSON gives, gathered together.

Top level: `ics`, `title`, `generated`, `glossary` (every entity card, as `ics explain --format json`
gives it), `structure` (`tree` plus the diagram's `edges`), `timeline`, `comparisons`, `systems`,
`ccgs`, `local_authorities` and `bibliography` (a numbered list of every source, each with `n` and
`cited`). Every record keeps its own `sources`.
"""
import json

from ..base.records import public


def render(ref):
    body = {
        "ics": ref.version,
        "title": "England's integrated care systems: the ics reference",
        "generated": ref.generated,
        "data_as_of": ref.data_as_of,
        "counts": {"entities": len(ref.cards), "events": len(ref.timeline["events"]),
                   "comparisons": len(ref.comparisons), "sources": len(ref.bibliography)},
        "glossary": [data for _ident, data, _doc in ref.cards],
        "structure": {"as_of": ref.tree["as_of"], "levels": ref.tree["levels"], "edges": ref.structure["edges"],
                      "nodes": [n for tier in ref.structure["levels"] for n in tier["nodes"]]},
        "timeline": ref.timeline["events"],
        "responsibilities": [public(r) for r in ref.kb.responsibilities.values()],
        "comparisons": [data for data, _doc in ref.comparisons],
        "systems": ref.systems,
        "ccgs": ref.ccgs,
        "local_authorities": ref.local_authorities,
        "bibliography": [dict(source, n=n, cited=cited) for n, source, cited in ref.bibliography],
    }
    if ref.systems is None:
        body["systems_note"] = ref.systems_missing
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
