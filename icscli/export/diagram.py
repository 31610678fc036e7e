"""The structure as a diagram: levels, who is part of what, who is accountable to whom, who produces
which plan. `structure()` returns plain data; `mermaid()` and `dot()` turn it into text.

Built on `query.tree` (so `--as-of` means what it means for `ics tree`), plus each entity's `part_of`,
`accountable_to` and `produces`. Nothing here imports click or rich.
"""
import re

from .. import dates
from ..base.schema import LEVELS
from ..queries import reference as query
from ..store import model


def structure(kb, as_of=None):
    """{as_of, levels: [{level, nodes}], edges: [{from, to, kind, note, sources}]} on a date (default today).

    Nodes are the bodies `ics tree` shows on that date, plus the plans and other things they produce
    and the bodies they answer to, where those existed then (or are undated).
    """
    shape = query.tree(kb, as_of)
    day = shape["as_of"]
    nodes = {}

    def add(n, parent=None):
        nodes[n["id"]] = {"id": n["id"], "name": n["name"], "acronyms": n["acronyms"], "kind": n["kind"],
                          "level": n["level"], "state": n["state"], "dated": n["dated"], "structural": True}
        for child in n["children"]:
            add(child)

    for tier in shape["levels"]:
        for n in tier["entities"]:
            add(n)

    def include(ident):
        """Add a non-structural target (a plan, say) when it existed on the day or is undated."""
        if ident in nodes:
            return True
        entity = kb.entities.get(ident)
        if entity is None:
            return False
        exists = model.exists_on(kb, entity, day)
        if exists is False:
            return False
        nodes[ident] = {"id": ident, "name": entity["name"], "acronyms": entity.get("acronyms") or [],
                        "kind": entity["kind"], "level": entity["level"][0],
                        "state": (model.state_on(entity, day) or {}).get("state"), "dated": exists is not None,
                        "structural": False}
        return True

    edges = []
    for ident in sorted(nodes, key=lambda i: (LEVELS.index(nodes[i]["level"]), nodes[i]["name"].lower())):
        entity = kb.entities[ident]
        for parent in entity.get("part_of") or []:
            if parent in nodes:
                edges.append({"from": ident, "to": parent, "kind": "part of", "note": "", "sources": []})
        for link in entity.get("accountable_to") or []:
            if include(link["entity"]):
                edges.append({"from": ident, "to": link["entity"], "kind": "accountable to",
                              "note": link.get("note") or "", "sources": link.get("sources") or []})
        for product in entity.get("produces") or []:
            if include(product):
                edges.append({"from": ident, "to": product, "kind": "produces", "note": "", "sources": []})
    levels = []
    for level in LEVELS:
        members = sorted((n for n in nodes.values() if n["level"] == level),
                         key=lambda n: (not n["structural"], n["name"].lower(), n["id"]))
        levels.append({"level": level, "nodes": members})
    return {"as_of": day, "levels": levels, "edges": edges}


def label(node):
    text = node["name"] + (f" ({', '.join(node['acronyms'])})" if node["acronyms"] else "")
    if node["state"] and node["state"] != "statutory":
        text += f" [{node['state']}]"
    return text


# --------------------------------------------------------------------------- Mermaid


def node_id(ident):
    """A Mermaid node id for an entity id: 'n_' + the id with hyphens as underscores (never a keyword)."""
    return "n_" + re.sub(r"[^A-Za-z0-9_]", "_", ident)


def _mermaid_text(text):
    """Text inside a quoted Mermaid label: quotes and markup characters as entity codes, on one line
    (a line break would end the label and start a statement, such as a `click` link). `%` too: Mermaid
    reads `%%{init: ...}%%` anywhere in the text, inside a label as well, as a directive that
    reconfigures the diagram (`securityLevel: loose` lets labels run script)."""
    out = " ".join(text.split()).replace("#", "#35;").replace('"', "#quot;")
    for char, code in (("<", "#lt;"), (">", "#gt;"), ("`", "#96;"), ("%", "#37;")):
        out = out.replace(char, code)
    return out


def mermaid(data):
    """A Mermaid flowchart: one subgraph per level, bottom to top; edges point to the higher body."""
    out = ["flowchart BT",
           f"  %% England's integrated care structure on {dates.human(data['as_of'])} (ics diagram)"]
    for tier in data["levels"]:
        if not tier["nodes"]:
            continue
        out.append(f'  subgraph level_{tier["level"]}["{tier["level"].capitalize()}"]')
        for n in tier["nodes"]:
            text = _mermaid_text(label(n))
            shape = f'["{text}"]' if n["structural"] else f'(["{text}"])'
            out.append(f"    {node_id(n['id'])}{shape}")
        out.append("  end")
    for e in data["edges"]:
        a, b = node_id(e["from"]), node_id(e["to"])
        if e["kind"] == "part of":
            out.append(f"  {a} -->|part of| {b}")
        elif e["kind"] == "accountable to":
            out.append(f"  {a} ==>|accountable to| {b}")
        else:
            out.append(f"  {a} -.->|produces| {b}")
    plans = [node_id(n["id"]) for t in data["levels"] for n in t["nodes"] if not n["structural"]]
    out.append("  classDef plan fill:#fff8e1,stroke:#b28704")
    if plans:
        out.append(f"  class {','.join(plans)} plan")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- Graphviz DOT


def _dot_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def dot(data):
    """A Graphviz digraph: one cluster per level, bottom to top; edges point to the higher body."""
    out = ["digraph ics {",
           "  label=" + _dot_string("England's integrated care structure on " + dates.human(data["as_of"])) + ";",
           "  labelloc=t; rankdir=BT; newrank=true; compound=true;",
           '  node [shape=box, style="rounded,filled", fillcolor="#e8f1fb", fontname="Helvetica", fontsize=10];',
           '  edge [fontname="Helvetica", fontsize=8];']
    for tier in data["levels"]:
        if not tier["nodes"]:
            continue
        out.append(f"  subgraph cluster_{tier['level']} {{")
        out.append(f"    label={_dot_string(tier['level'].capitalize())}; style=dashed; color=\"#888888\";")
        for n in tier["nodes"]:
            extra = "" if n["structural"] else ', shape=note, fillcolor="#fff8e1"'
            out.append(f"    {_dot_string(n['id'])} [label={_dot_string(label(n))}{extra}];")
        out.append("  }")
    style = {"part of": "", "accountable to": ", style=bold, color=\"#1f4e79\"",
             "produces": ", style=dashed, color=\"#b28704\""}
    for e in data["edges"]:
        out.append(f"  {_dot_string(e['from'])} -> {_dot_string(e['to'])} "
                   f"[label={_dot_string(e['kind'])}{style[e['kind']]}];")
    out.append("}")
    return "\n".join(out) + "\n"
