"""The export as one self-contained HTML file.

Everything is inline: styles, the small filter script, the structure diagram (HTML and CSS) and the
timeline overview (SVG). A Content-Security-Policy forbids the page from loading anything at all, so
no request leaves it; links to source pages in the bibliography are ordinary links. It reads on a
phone (one column, tables scroll sideways) and in print (no search box, cards kept whole).
"""
from .. import dates
from ..render.html import HtmlLayout, esc, text_lines
from .document import TITLE, anchor, document, search_terms

CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'none'")

STYLE = """
:root{--ink:#1b1b1b;--muted:#555;--line:#d0d7de;--accent:#005eb8;--soft:#eef4fb;--plan:#fff8e1;--warn:#8a4b00}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--ink);background:#fff}
main,header.page,footer.page{max-width:60rem;margin:0 auto;padding:0 1rem}
header.page{padding-top:1rem}
h1{font-size:1.7rem;line-height:1.2;margin:.5rem 0}
h2{font-size:1.35rem;border-bottom:2px solid var(--accent);padding-bottom:.2rem;margin-top:2.5rem}
h3{font-size:1.1rem;margin:1.5rem 0 .5rem}
a{color:var(--accent)}
.muted,.meta{color:var(--muted);font-size:.9rem}
nav.toc{background:var(--soft);border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
nav.toc ol{margin:.2rem 0;padding-left:1.4rem}
.search{position:sticky;top:0;background:#fff;padding:.5rem 0;z-index:2;border-bottom:1px solid var(--line)}
.search input{width:100%;font:inherit;padding:.5rem .7rem;border:2px solid var(--accent);border-radius:6px}
.az{columns:16rem;padding-left:1.2rem;margin:1rem 0}
.az li{break-inside:avoid}
.card{border:1px solid var(--line);border-radius:8px;padding:.2rem 1rem .6rem;margin:1rem 0;break-inside:avoid}
.card h3{margin-top:.7rem}
.card dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.4rem 0}
.card dt{font-weight:600}
.card dd{margin:0;min-width:0}
.card>*{min-width:0}
.card h4{font-size:.95rem;margin:.8rem 0 .2rem}
.card ul{margin:.2rem 0;padding-left:1.2rem}
.note{border-left:4px solid var(--warn);background:#fff6ea;padding:.3rem .7rem;margin:.5rem 0}
sup.cite{font-size:.7rem}
sup.cite a{white-space:nowrap}
.table-wrap{overflow-x:auto;margin:.5rem 0}
table{border-collapse:collapse;font-size:.85rem;min-width:100%}
th,td{border:1px solid var(--line);padding:.25rem .4rem;vertical-align:top;text-align:left}
th{background:var(--soft)}
.diagram{display:flex;flex-direction:column;gap:.3rem;margin:1rem 0}
.level{border:1px dashed #888;border-radius:8px;padding:.3rem .6rem .6rem}
.level>h3{margin:.2rem 0 .4rem;font-size:.95rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.boxes{display:flex;flex-wrap:wrap;gap:.5rem}
.box{background:var(--soft);border:1px solid #9bb8d9;border-radius:6px;padding:.35rem .55rem;flex:1 1 13rem;max-width:100%}
.box.plan{background:var(--plan);border-color:#d9b45a;border-style:dashed}
.box .kids{display:flex;flex-wrap:wrap;gap:.4rem;margin-top:.35rem}
.box .kids .box{background:#fff;flex-basis:10rem}
.box a.name{font-weight:600;text-decoration:none}
.box ul{list-style:none;margin:.2rem 0 0;padding:0;font-size:.8rem;color:var(--muted)}
.up{text-align:center;color:var(--muted);font-size:.85rem;line-height:1}
.legend{font-size:.85rem;color:var(--muted)}
.overview{width:100%;height:auto;display:block;margin:.5rem 0 1rem}
ol.timeline{list-style:none;margin:0;padding:0 0 0 1.4rem;border-left:3px solid var(--accent)}
ol.timeline li{position:relative;margin:0 0 .9rem}
ol.timeline li.event::before{content:"";position:absolute;left:-1.4rem;top:.45rem;width:.8rem;height:.8rem;margin-left:-.55rem;border-radius:50%;background:var(--accent);border:2px solid #fff}
ol.timeline li.event.pending::before{background:#fff;border:2px solid var(--warn)}
ol.timeline li.year{font-weight:700;font-size:1.2rem;margin:1.2rem 0 .4rem -1.4rem;padding-left:.4rem;background:#fff}
.when{font-weight:600}
.status{font-size:.75rem;border:1px solid var(--warn);color:var(--warn);border-radius:3px;padding:0 .25rem;margin-left:.3rem}
ol.bibliography li{margin:.3rem 0;overflow-wrap:anywhere}
[hidden]{display:none!important}
@media (max-width:40rem){body{font-size:15px}.card dl{grid-template-columns:1fr}.card dt{margin-top:.3rem}h1{font-size:1.4rem}}
@media print{
 body{font-size:10.5pt}.search,.no-print{display:none!important}
 main,header.page,footer.page{max-width:none;padding:0}
 a{color:inherit;text-decoration:none}
 h2{break-after:avoid}.card,.box,ol.timeline li,tr{break-inside:avoid}
 .table-wrap{overflow:visible}
}
"""

SCRIPT = """
(function(){
  var box=document.getElementById('glossary-search');
  if(!box)return;
  var items=Array.prototype.slice.call(document.querySelectorAll('[data-terms]'));
  var count=document.getElementById('glossary-count');
  var cards=items.filter(function(el){return el.classList.contains('card');});
  function run(){
    var words=box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown=0;
    items.forEach(function(el){
      var text=el.getAttribute('data-terms');
      var ok=words.every(function(w){return text.indexOf(w)>=0;});
      el.hidden=!ok;
      if(ok&&el.classList.contains('card'))shown++;
    });
    count.textContent=words.length?shown+' of '+cards.length+' terms match':cards.length+' terms';
  }
  box.addEventListener('input',run);
  box.hidden=false;
  run();
})();
"""


class ExportLayout(HtmlLayout):
    """The HTML walk with numbered citation links, entity links and the export's own figures."""

    def __init__(self, ref):
        super().__init__(level=4)
        self.ref = ref

    def refs(self, line):
        return cites(self.ref, line.sources)

    def value(self, line):
        if line.ids and not line.anchor:
            return ", ".join(entity_link(self.ref, i) for i in line.ids)
        return text_lines(line.text)

    def body(self, line):
        text = super().body(line)
        if line.anchor and line.ids:
            text += '<br><span class="meta">Involves ' + ", ".join(entity_link(self.ref, i) for i in line.ids) \
                + "</span>"
        return text

    def node_label(self, node):
        return entity_link(self.ref, node["ids"][0]) if node.get("ids") else esc(node["label"])

    def cell(self, row, index):
        if index == 0 and row.ids:
            return entity_link(self.ref, row.ids[0])
        return super().cell(row, index)

    def visit_figure(self, block):
        if block.name == "structure":
            self.out += structure_diagram(self.ref)
            self.out.append("<details><summary>The same as a list</summary>")
            block.fallback.accept(self)
            self.out.append("</details>")
        elif block.name == "timeline":
            self.out += timeline(self.ref)
        elif block.name == "glossary-index":
            self.out += glossary_index(self.ref)
        else:
            super().visit_figure(block)



def cites(ref, sources):
    found = ref.cite(sources)
    if not found:
        return ""
    grouped = {}  # one link per source, its locators together (a change citing one file many times)
    for n, source, at in found:
        places = grouped.setdefault((n, source), [])
        if at and at not in places:
            places.append(at)
    links = []
    for (n, source), places in grouped.items():
        title = f' title="{esc("at: " + "; ".join(places))}"' if places else ""
        links.append(f'<a href="#{anchor("source", source)}"{title}>{n}</a>')
    return f' <sup class="cite">[{", ".join(links)}]</sup>'


def entity_link(ref, ident):
    return f'<a href="#{anchor("entity", ident)}">{esc(ref.entity_name(ident))}</a>'


def glossary_index(ref):
    """The filter box and the A to Z list of terms (the filter script hides what does not match)."""
    out = [('<div class="search"><label for="glossary-search" class="muted">Filter the glossary</label>'
           '<input type="search" id="glossary-search" placeholder="Type a term, acronym or word, e.g. ICB" '
           'autocomplete="off" hidden><div id="glossary-count" class="muted" aria-live="polite">'
           f"{len(ref.cards)} terms</div></div>"), '<ul class="az">']
    for ident, _data, card in ref.cards:
        out.append(f'<li data-terms="{esc(search_terms(ref.kb.entities[ident]))}">'
                   f'<a href="#{anchor("entity", ident)}">{esc(card.title)}</a></li>')
    out.append("</ul>")
    return out


# --------------------------------------------------------------------------- structure diagram


def structure_diagram(ref):
    """Level bands, top (national) to bottom (neighbourhood); boxes nest what is part of them."""
    data = ref.structure
    nodes = {n["id"]: n for tier in data["levels"] for n in tier["nodes"]}
    relations = {}
    for e in data["edges"]:
        relations.setdefault(e["from"], []).append(e)
    tree_children = {}

    def walk(n):
        tree_children[n["id"]] = [c["id"] for c in n["children"]]
        for c in n["children"]:
            walk(c)

    for tier in ref.tree["levels"]:
        for n in tier["entities"]:
            walk(n)
    nested = {c for kids in tree_children.values() for c in kids}

    def box(ident):
        n = nodes[ident]
        from .diagram import label

        lines = []
        for e in relations.get(ident, []):
            if e["kind"] == "part of" and ident in tree_children.get(e["to"], []):
                continue  # drawn by nesting
            arrow = {"part of": "\u2191 part of", "accountable to": "\u21d1 accountable to",
                     "produces": "\u2192 produces"}[e["kind"]]
            lines.append(f"<li>{arrow} {entity_link(ref, e['to'])}{cites(ref, e['sources'])}</li>")
        kids = "".join(box(c) for c in tree_children.get(ident, []) if c in nodes)
        cls = "box" if n["structural"] else "box plan"
        return (f'<div class="{cls}"><a class="name" href="#{anchor("entity", ident)}">{esc(label(n))}</a>'
                + (f"<ul>{''.join(lines)}</ul>" if lines else "")
                + (f'<div class="kids">{kids}</div>' if kids else "") + "</div>")

    out = ['<div class="diagram" role="figure" aria-label="Structure diagram">']
    first = True
    for tier in data["levels"]:
        if not tier["nodes"]:
            continue
        if not first:
            out.append('<div class="up" aria-hidden="true">\u25b2</div>')
        first = False
        boxes = "".join(box(n["id"]) for n in tier["nodes"] if n["id"] not in nested)
        out.append(f'<section class="level level-{tier["level"]}"><h3>{esc(tier["level"].capitalize())}</h3>'
                   f'<div class="boxes">{boxes}</div></section>')
    out.append("</div>")
    out.append('<p class="legend">Bands run from national (top) to neighbourhood (bottom); a box inside another '
               "is part of it. \u2191 part of, \u21d1 accountable to, \u2192 produces; dashed boxes are plans and "
               "other things a body produces.</p>")
    return out


# --------------------------------------------------------------------------- timeline


def overview_svg(ref):
    """A one-line SVG of every event on a year axis; each dot links to its entry."""
    events = ref.timeline["events"]
    if not events:
        return []
    first = int(dates.start(events[0]["date"])[:4])
    last = max(int(dates.end(e.get("end") or e["date"])[:4]) for e in events)
    years = max(1, last - first + 1)
    width, left, right, axis = 1000, 30, 20, 60
    span = width - left - right

    def x(day):
        y, m, d = (int(p) for p in day.split("-"))
        return left + span * ((y - first) + (m - 1) / 12 + (d - 1) / 365) / years

    parts = [(f'<svg class="overview" viewBox="0 0 {width} 90" role="img" '
             f'aria-label="Events from {first} to {last}">'),
             f'<line x1="{left}" y1="{axis}" x2="{width - right}" y2="{axis}" stroke="#005eb8" stroke-width="2"/>']
    step = 1 if years <= 16 else 2
    for year in range(first, last + 2, step):
        px = left + span * (year - first) / years
        parts.append(f'<line x1="{px:.1f}" y1="{axis - 4}" x2="{px:.1f}" y2="{axis + 4}" stroke="#555"/>'
                     f'<text x="{px:.1f}" y="{axis + 20}" font-size="13" text-anchor="middle" fill="#555">{year}</text>')
    stacks = {}
    for e in events:
        px = x(dates.start(e["date"]))
        slot = round(px / 8)
        level = stacks.get(slot, 0)
        stacks[slot] = level + 1
        cy = axis - 8 - 9 * min(level, 5)
        pending = (e.get("status") or "done") != "done"
        fill = "#fff" if pending else "#005eb8"
        parts.append(f'<a href="#{anchor("event", e["id"])}"><circle cx="{px:.1f}" cy="{cy}" r="4" fill="{fill}" '
                     f'stroke="#005eb8" stroke-width="1.5"><title>{esc(dates.human(e["date"]) + ": " + e["title"])}'
                     f"</title></circle></a>")
    parts.append("</svg>")
    return ["".join(parts)]


def timeline(ref):
    kb = ref.kb
    out = overview_svg(ref)
    out.append('<ol class="timeline">')
    year = None
    for e in ref.timeline["events"]:
        this = e["date"][:4]
        if this != year:
            out.append(f'<li class="year" aria-hidden="true">{this}</li>')
            year = this
        when = dates.human(e["date"]) + (f" to {dates.human(e['end'])}" if e.get("end") else "")
        status = e.get("status") or "done"
        tag = "" if status == "done" else f'<span class="status">{esc(status)}</span>'
        involved = ", ".join(entity_link(ref, i) for i in e.get("entities") or [] if i in kb.entities)
        cls = "event" if status == "done" else "event pending"
        out.append(f'<li class="{cls}" id="{anchor("event", e["id"])}"><span class="when">{esc(when)}</span>: '
                   f'{esc(e["title"])}{tag}{cites(ref, e["sources"])}<br>{esc(e["description"])}'
                   + (f'<br><span class="meta">Involves {involved}</span>' if involved else "") + "</li>")
    out.append("</ol>")
    return out


# --------------------------------------------------------------------------- the page


def render(ref):
    layout = ExportLayout(ref)
    for section in document(ref):
        section.accept(layout)
    intro = (f"Exported by ics {ref.version} on {dates.human(ref.generated)}; data as of "
             f"{dates.human(ref.data_as_of) or 'an unknown date'} (when the sources were last checked): {len(ref.cards)} terms, "
             f"{len(ref.timeline['events'])} events, {len(ref.comparisons)} before/after comparisons and "
             f"{len(ref.bibliography)} sources. Numbers in square brackets cite the bibliography; hover over a "
             "number for the section of the source.")
    head = ["<!DOCTYPE html>", '<html lang="en-GB">', "<head>", '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name="referrer" content="no-referrer">',
            f"<title>{esc(TITLE)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
            f'<header class="page"><h1>{esc(TITLE)}</h1><p class="muted">{esc(intro)}</p></header>', "<main>"]
    tail = ["</main>", (f'<footer class="page"><p class="muted">ics {esc(ref.version)}. '
            f'<a href="#contents">Back to contents</a></p></footer>'), f"<script>{SCRIPT}</script>", "</body>", "</html>"]
    return "\n".join(head + layout.out + tail) + "\n"
