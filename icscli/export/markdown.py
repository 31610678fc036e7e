"""The export as one GitHub-flavoured markdown document, with explicit anchors and numbered citations.

Every heading that is linked to carries an `<a id="...">` anchor, so links work on GitHub, GitLab and
in any CommonMark renderer that passes inline HTML; citations link to the numbered bibliography.
"""
from .. import dates, diagram
from ..render import markdown as md
from ..render.markdown import escape, table
from . import TITLE, anchor, bibliography_entry

RELATION_FIELDS = {"Part of": "part_of", "Produces": "produces", "Replaced": "replaced", "Became": "became",
                   "Related": "related"}


def _title_attr(text):
    return text.replace("\\", "").replace('"', "'").replace("|", "/").replace("\n", " ")


def cites(ref, sources):
    """' \\[[3](#source-x "at: Section"), [5](#source-y)\\]' or ''."""
    found = ref.cite(sources)
    if not found:
        return ""
    links = []
    for n, source, at in found:
        title = f' "{_title_attr("at: " + at)}"' if at else ""
        links.append(f"[{n}](#{anchor('source', source)}{title})")
    return " \\[" + ", ".join(links) + "\\]"


def entity_link(ref, ident):
    return f"[{escape(ref.entity_name(ident))}](#{anchor('entity', ident)})"


def blocks(ref, document, data=None, skip=("Sources",)):
    """A view's blocks as markdown lines, citations as numbered links, relations as internal links."""

    def field(line):
        label, _, value = line.text.partition(": ")
        relation = RELATION_FIELDS.get(label)
        if data is not None and relation and data.get(relation):
            value_md = ", ".join(entity_link(ref, i) for i in data[relation] if i in ref.kb.entities)
        else:
            value_md = escape(value)
        return f"- **{escape(label)}:** {value_md}{cites(ref, line.sources)}"

    return md.blocks(document.blocks, refs=lambda line: cites(ref, line.sources), title="**{}**", field=field,
                     table_lines=lambda b: cited_table(ref, b.columns, b.rows, [line.sources for line in b.lines]),
                     skip=skip)


def cited_table(ref, columns, rows, row_sources):
    """render.markdown.table plus a Sources column of numbered links."""
    lines = table(list(columns) + ["Sources"], [])
    body = table(columns, rows)[2:]
    for line, sources in zip(body, row_sources):
        lines.append(line + " " + (cites(ref, sources).strip() or " ") + " |")
    return lines


def heading(level, text, ident=None):
    mark = f'<a id="{ident}"></a>' if ident else ""
    return ["#" * level + f" {mark}{escape(text)}", ""]


SECTIONS = (("glossary", "Glossary"), ("structure", "Structure"), ("timeline", "Timeline"),
            ("before-and-after", "Before and after"), ("systems", "Systems"), ("bibliography", "Bibliography"))


def render(ref):
    kb = ref.kb
    out = [f"# {escape(TITLE)}", ""]
    out += [escape(f"Exported by ics {ref.version} on {dates.human(ref.generated)}; data as of "
                   f"{dates.human(ref.data_as_of) or 'an unknown date'} (when the sources were last checked). It covers {len(ref.cards)} "
                   f"terms, {len(ref.timeline['events'])} events, {len(ref.comparisons)} before/after comparisons "
                   f"and {len(ref.bibliography)} sources.") + " Numbers in square brackets cite the "
            "[bibliography](#bibliography); hover over a number for the section of the source.", ""]
    out += heading(2, "Contents", "contents")
    out += [f"- [{title}](#{ident})" for ident, title in SECTIONS] + [""]

    # Glossary: an A to Z table, then every card.
    out += heading(2, "Glossary", "glossary")
    rows = [[t["name"], ", ".join(t["acronyms"]), t["kind"], ", ".join(t["level"]), t["summary"]]
            for t in ref.glossary]
    lines = table(["Term", "Acronyms", "Kind", "Level", "Summary"], rows)
    lines = lines[:2] + [f"| {entity_link(ref, t['id'])} |" + line.split(" |", 1)[1]
                         for t, line in zip(ref.glossary, lines[2:])]
    out += lines + [""]
    for ident, data, document in ref.cards:
        out += heading(3, document.title, anchor("entity", ident))
        out += blocks(ref, document, data)
        out += [f"**Sources:**{cites(ref, data['sources']) or ' none'}", ""]

    # Structure: a Mermaid diagram (drawn by GitHub), the tree and who answers to whom.
    out += heading(2, "Structure", "structure")
    out += [escape(f"The structure on {dates.human(ref.tree['as_of'])}: national, regional, system, place and "
                   "neighbourhood bodies; arrows point from a body to the one it is part of, accountable to, "
                   "or the plan it produces."), ""]
    out += ["```mermaid", diagram.mermaid(ref.structure).rstrip("\n"), "```", ""]
    out += blocks(ref, ref.tree_doc)
    answer = [e for e in ref.structure["edges"] if e["kind"] == "accountable to"]
    if answer:
        out += ["**Who is accountable to whom**", ""]
        for e in answer:
            note = f": {escape(e['note'])}" if e["note"] else ""
            out.append(f"- {entity_link(ref, e['from'])} is accountable to {entity_link(ref, e['to'])}{note}"
                       f"{cites(ref, e['sources'])}")
        out.append("")
    makes = [e for e in ref.structure["edges"] if e["kind"] == "produces"]
    if makes:
        out += ["**Who produces which plan**", ""]
        out += [f"- {entity_link(ref, e['from'])} produces {entity_link(ref, e['to'])}" for e in makes] + [""]

    # Timeline.
    out += heading(2, "Timeline", "timeline")
    if not ref.timeline["events"]:
        out += ["No events in the data.", ""]
    for event in ref.timeline["events"]:
        when = dates.human(event["date"]) + (f" to {dates.human(event['end'])}" if event.get("end") else "")
        status = "" if (event.get("status") or "done") == "done" else f" [{event['status']}]"
        involved = ", ".join(entity_link(ref, i) for i in event.get("entities") or [] if i in kb.entities)
        out.append(f'- <a id="{anchor("event", event["id"])}"></a>**{escape(when)}**: {escape(event["title"])}'
                   f"{escape(status)}{cites(ref, event['sources'])}  ")
        out.append(f"  {escape(event['description'])}" + (f" (involves {involved})" if involved else ""))
    out.append("")

    # Before and after.
    out += heading(2, "Before and after", "before-and-after")
    if not ref.comparisons:
        out += ["No responsibilities moved between bodies in the data.", ""]
    else:
        out += [f"- [{escape(d.title)}](#{anchor('compare', data['a'] + '--' + data['b'])})"
                for data, d in ref.comparisons] + [""]
    for data, document in ref.comparisons:
        out += heading(3, document.title, anchor("compare", data["a"] + "--" + data["b"]))
        out += blocks(ref, document)

    # Systems.
    out += heading(2, "Systems", "systems")
    if ref.systems_doc is None:
        out += [escape(ref.systems_missing), ""]
    else:
        out += heading(3, ref.systems_doc.title, "systems-icbs")
        out += blocks(ref, ref.systems_doc)
        if ref.ccgs_doc is not None:
            out += heading(3, ref.ccgs_doc.title, "systems-ccgs")
            out += blocks(ref, ref.ccgs_doc)
        if ref.local_authorities:
            out += heading(3, "Local authorities and their ICBs on 1 July 2022", "systems-local-authorities")
            rows, sources = [], []
            for la in ref.local_authorities:
                for cover in la["icbs"]:
                    rows.append([la["name"], la["ons_code"], la["type"], cover["short_name"],
                                 cover["ods_code"] or cover["ons_code"], cover["coverage"]])
                    sources.append(cover["sources"])
            out += cited_table(ref, ["Local authority", "ONS code", "Type", "ICB", "ICB code", "Coverage"],
                               rows, sources) + [""]

    # Bibliography.
    out += heading(2, "Bibliography", "bibliography")
    for n, source, cited in ref.bibliography:
        text, note, uses = bibliography_entry(source, cited)
        where = ""
        if source.get("url"):
            where = f" <{source['url']}>"
        elif source.get("file"):
            where = f" `shared/{source['file']}`"
        note = f" {escape(note)}" if note else ""
        out.append(f'{n}. <a id="{anchor("source", source["id"])}"></a>{escape(text)}{where}.{note}{escape(uses)}')
    out.append("")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"
