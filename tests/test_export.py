"""`ics export` (markdown, html, json, sqlite) and `ics diagram` (mermaid, dot) on the real data."""
import json
import os
import re
import shutil
import sqlite3
import subprocess
from html.parser import HTMLParser

import pytest
from conftest import invoke

from icscli.systems import index

SECTIONS = ("Contents", "Glossary", "Structure", "Timeline", "Before and after", "Systems", "Bibliography")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Each format exported once for the module: {fmt: text or path}."""
    out = {}
    for fmt in ("markdown", "html", "json"):
        result = invoke("export", "--format", fmt)
        assert result.exit_code == 0, result
        out[fmt] = result.output
    path = tmp_path_factory.mktemp("sqlite") / "ics.sqlite"
    result = invoke("export", "--format", "sqlite", "-o", path)
    assert result.exit_code == 0, result
    out["sqlite"] = path
    return out


# --------------------------------------------------------------------------- markdown


@pytest.fixture(scope="module")
def markdown_tokens(exported):
    """The markdown export parsed once for the module (parsing 2 MB takes seconds); tests only read it."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").parse(exported["markdown"])


def _walk(tokens):
    for token in tokens:
        yield token
        yield from _walk(token.children or [])


def test_markdown_headings_and_sections(exported, markdown_tokens, kb):
    tokens = markdown_tokens
    headings = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            text = "".join(c.content for c in tokens[i + 1].children if c.type == "text")
            headings.append((token.tag, text))
    assert headings[0][0] == "h1"
    assert [t for tag, t in headings if tag == "h2"] == list(SECTIONS)
    cards = [t for tag, t in headings if tag == "h3"]
    assert len(cards) >= len(kb.entities), "one h3 per entity card (plus the comparisons and systems tables)"


def test_markdown_tables_have_the_headers_column_count(exported, markdown_tokens):
    tokens = markdown_tokens
    tables, widths = 0, None
    for token in tokens:
        if token.type == "table_open":
            tables, widths, row = tables + 1, [], 0
        elif token.type == "tr_open":
            row = 0
        elif token.type in ("th_open", "td_open"):
            row += 1
        elif token.type == "tr_close":
            widths.append(row)
        elif token.type == "table_close":
            assert len(set(widths)) == 1, f"table {tables}: rows of {sorted(set(widths))} cells"
            assert len(widths) >= 2
    assert tables >= 3, "glossary, systems and local-authority tables at least"
    # A pipe in a cell must not split it: every source line of a table has as many cells as its header.
    for block in re.split(r"\n\n", exported["markdown"]):
        lines = [l for l in block.split("\n") if l.startswith("|")]
        if len(lines) >= 2:
            counts = {len(re.findall(r"(?<!\\)\|", l)) for l in lines}
            assert len(counts) == 1, lines[:3]


def test_markdown_internal_links_resolve(markdown_tokens, kb):
    tokens = list(_walk(markdown_tokens))
    anchors = set()
    for token in tokens:
        if token.type in ("html_inline", "html_block"):
            anchors.update(re.findall(r'id="([^"]+)"', token.content))
    links = [t.attrs["href"] for t in tokens if t.type == "link_open" and t.attrs["href"].startswith("#")]
    assert len(links) > len(kb.entities)
    missing = sorted({l for l in links if l[1:] not in anchors})
    assert not missing, f"links to no anchor: {missing[:10]}"
    for ident in kb.entities:
        assert f"entity-{ident}" in anchors
    for ident in kb.sources:
        assert f"source-{ident}" in anchors
    for ident in kb.events:
        assert f"event-{ident}" in anchors


def test_markdown_bibliography_is_numbered_and_cards_cite_it(exported, kb):
    text = exported["markdown"]
    bibliography = text.split('## <a id="bibliography"></a>Bibliography', 1)[1]
    numbers = [int(n) for n in re.findall(r"^(\d+)\. <a id=\"source-", bibliography, re.MULTILINE)]
    assert numbers == list(range(1, len(kb.sources) + 1))
    card = text.split('<a id="entity-icb"></a>', 1)[1].split("\n### ", 1)[0]
    assert re.search(r"\\\[\[\d+\]\(#source-[a-z0-9-]+", card), "the ICB card cites by number"
    assert "```mermaid\nflowchart BT\n" in text


# --------------------------------------------------------------------------- html


class _Page(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.hrefs, self.loads, self.stack, self.problems = set(), [], [], [], []
        self.styles, self.scripts, self.tags = [], [], []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "id" in attrs:
            if attrs["id"] in self.ids:
                self.problems.append(f"duplicate id {attrs['id']}")
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
        for name in ("src", "srcset", "data", "poster", "background"):
            if attrs.get(name):
                self.loads.append((tag, name, attrs[name]))
        if tag == "link" and attrs.get("href"):
            self.loads.append((tag, "href", attrs["href"]))
        if tag in ("style", "script"):
            self._in = tag
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()
        self._in = None

    def handle_data(self, data):
        if self._in == "style":
            self.styles.append(data)
        elif self._in == "script":
            self.scripts.append(data)


@pytest.fixture(scope="module")
def page(exported):
    parser = _Page()
    parser.feed(exported["html"])
    parser.close()
    return parser


def test_html_is_self_contained(exported, page):
    html = exported["html"]
    assert html.startswith("<!DOCTYPE html>")
    assert not page.problems, page.problems[:5]
    assert not page.stack, f"unclosed: {page.stack}"
    assert not page.loads, f"the page loads resources: {page.loads[:5]}"
    assert not [a for t, a in page.tags if t == "script" and a.get("src")]
    css = "\n".join(page.styles)
    assert "@import" not in css and not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert not re.search(r"url\(\s*['\"]?https?:", html)
    csp = [a for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]["content"], "a CSP forbids every request"
    assert any(t == "meta" and a.get("name") == "viewport" for t, a in page.tags), "readable on a phone"
    assert "@media print" in css


def test_html_has_toc_anchors_search_diagram_and_timeline(exported, page, kb):
    nav = [a for t, a in page.tags if t == "nav"]
    assert nav and nav[0].get("id") == "contents"
    for section in ("glossary", "structure", "timeline", "before-and-after", "systems", "bibliography"):
        assert section in page.ids and f"#{section}" in page.hrefs
    for ident in kb.entities:
        assert f"entity-{ident}" in page.ids
    for ident in kb.sources:
        assert f"source-{ident}" in page.ids
    for ident in kb.events:
        assert f"event-{ident}" in page.ids
    internal = [h for h in page.hrefs if h.startswith("#")]
    assert not sorted({h for h in internal if h[1:] not in page.ids})
    assert any(t == "input" and a.get("id") == "glossary-search" and a.get("type") == "search" for t, a in page.tags)
    assert sum(1 for t, a in page.tags if t == "article" and "data-terms" in a) == len(kb.entities)
    assert 'class="diagram"' in exported["html"] and "<svg" in exported["html"]
    assert 'class="timeline"' in exported["html"]


# --------------------------------------------------------------------------- json


def test_json_export_keeps_every_source(exported, kb):
    doc = json.loads(exported["json"])
    assert doc["counts"]["entities"] == len(kb.entities) == len(doc["glossary"])
    assert len(doc["timeline"]) == len(kb.events)
    assert [b["n"] for b in doc["bibliography"]] == list(range(1, len(kb.sources) + 1))
    known = {b["id"] for b in doc["bibliography"]}
    for record in doc["glossary"] + doc["timeline"] + doc["responsibilities"]:
        assert record["sources"] and all(c["source"] in known for c in record["sources"])
    from icscli import export

    assert len(doc["comparisons"]) == len(export.comparison_pairs(kb))
    assert bool(doc["comparisons"]) == any(r.get("before") and r.get("after") for r in kb.responsibilities.values())
    assert all(row["sources"] for c in doc["comparisons"] for row in c["rows"])


# --------------------------------------------------------------------------- sqlite


def test_sqlite_keys_counts_and_joins(exported, kb):
    con = sqlite3.connect(exported["sqlite"])
    try:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # the full-text indexes (<table>_fts and SQLite's own _fts_* tables behind them) are not data tables
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE '%\\_fts%' ESCAPE '\\'")]
        for table in ("sources", "entities", "aliases", "entity_sources", "events", "event_entities",
                      "responsibilities", "responsibility_holders", "icbs", "sub_icb_locations",
                      "local_authorities", "system_versions"):
            assert table in tables
        for table in tables:
            assert any(col[5] for col in con.execute(f"PRAGMA table_info({table})")), f"{table} has no primary key"
        count = lambda t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        assert count("entities") == len(kb.entities)
        assert count("events") == len(kb.events)
        assert count("responsibilities") == len(kb.responsibilities)
        assert count("sources") == len(kb.sources)
        assert count("icbs") == len(kb.icbs)
        assert count("sub_icb_locations") == len(kb.sub_icb_locations)
        # Every entity, event and responsibility keeps its sources.
        for table, key in (("entities", "entity"), ("events", "event"), ("responsibilities", "responsibility")):
            bare = con.execute(f"SELECT COUNT(*) FROM {table} t WHERE NOT EXISTS "
                               f"(SELECT 1 FROM {key}_sources s WHERE s.{key}_id = t.id)").fetchone()[0]
            assert bare == 0, f"{bare} {table} without sources"
        # The README's example: what moved from CCGs to ICBs, with the publisher of each source.
        rows = con.execute("""
            SELECT r.function, r.change, s.publisher
            FROM responsibilities r
            JOIN responsibility_holders b ON b.responsibility_id = r.id AND b.role = 'before' AND b.entity_id = 'ccg'
            JOIN responsibility_holders a ON a.responsibility_id = r.id AND a.role = 'after' AND a.entity_id = 'icb'
            JOIN responsibility_sources rs ON rs.responsibility_id = r.id
            JOIN sources s ON s.id = rs.source_id
            ORDER BY r.effective_start, r.function""").fetchall()
        moved = [r for r in kb.responsibilities.values()
                 if "ccg" in (r.get("before") or []) and "icb" in (r.get("after") or [])]
        assert {r[0] for r in rows} == {r["function"] for r in moved}
        first = sorted(kb.system_versions.values(), key=lambda v: v["date"])[0]["id"]
        per_icb = con.execute("SELECT i.id, COUNT(l.id) FROM icbs i JOIN sub_icb_locations l ON l.icb_id = i.id "
                              "WHERE i.version_id = ? GROUP BY i.id", (first,)).fetchall()
        assert len(per_icb) == len(index(kb).by_version[first])
        assert count("local_authorities") > 0
    finally:
        con.close()


def test_sqlite_needs_an_output_file(run):
    result = run("export", "--format", "sqlite")
    assert result.exit_code == 2
    assert result.stderr.startswith("ics: error: ") and result.stderr.count("\n") == 1
    assert result.output == ""


# --------------------------------------------------------------------------- atomic -o


def _leftovers(directory, keep):
    return sorted(p.name for p in directory.iterdir() if p.name != keep)


def test_output_replaces_an_existing_file_only_on_success(run, tmp_path):
    target = tmp_path / "ics.md"
    target.write_text("OLD")
    result = run("export", "-o", target)
    assert result.exit_code == 0, result
    assert target.read_text().startswith("# ")
    assert _leftovers(tmp_path, "ics.md") == []


def test_failed_rename_leaves_the_old_file_and_no_temporary(run, tmp_path, monkeypatch):
    from icscli.base import atomic

    target = tmp_path / "ics.html"
    target.write_text("OLD")

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    result = run("export", "--format", "html", "-o", target)
    assert result.exit_code == 2, result
    assert result.stderr.startswith("ics: error: cannot write") and result.stderr.count("\n") == 1
    assert target.read_text() == "OLD"
    assert _leftovers(tmp_path, "ics.html") == []


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()])
def test_interrupted_export_leaves_the_old_file_and_no_temporary(kb, tmp_path, monkeypatch, error):
    from icscli import export
    from icscli.export import sqlite

    target = tmp_path / "ics.sqlite"
    target.write_bytes(b"OLD")
    real_fill = sqlite._fill

    def half(con, ref, kb_):
        real_fill(con, ref, kb_)  # the tables are written, then the export is interrupted
        raise error

    monkeypatch.setattr(sqlite, "_fill", half)
    with pytest.raises(type(error)):
        export.write(kb, "sqlite", str(target))
    assert target.read_bytes() == b"OLD"
    assert _leftovers(tmp_path, "ics.sqlite") == []


def test_read_only_directory_is_a_one_line_error(run, tmp_path):
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("running as root: a read-only directory is still writable")
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "ics.md").write_text("OLD")
    folder.chmod(0o555)
    try:
        result = run("export", "-o", folder / "ics.md")
        assert result.exit_code == 2 and result.stderr.startswith("ics: error: cannot write")
        assert (folder / "ics.md").read_text() == "OLD"
        assert _leftovers(folder, "ics.md") == []
    finally:
        folder.chmod(0o755)


# --------------------------------------------------------------------------- diagram

_MERMAID_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_RESERVED = {"end", "graph", "subgraph", "flowchart", "class", "classDef", "click", "style", "linkStyle",
             "direction"}
_EDGE = re.compile(r"^(\S+) (-->|==>|-\.->)\|([^|\"]+)\| (\S+)$")
_NODE = re.compile(r'^(\S+?)(\["[^"]*"\]|\(\["[^"]*"\]\))$')


def check_mermaid(text):
    """Well-formed Mermaid flowchart: header, valid node ids, defined edge ends, balanced subgraphs."""
    lines = [l.strip() for l in text.strip().split("\n")]
    assert re.match(r"^flowchart (TB|TD|BT|LR|RL)$", lines[0]), lines[0]
    nodes, edges, depth, subgraphs = set(), [], 0, set()
    for line in lines[1:]:
        if not line or line.startswith("%%"):
            continue
        if line.startswith("subgraph "):
            m = re.match(r'^subgraph ([A-Za-z][A-Za-z0-9_]*)\["[^"]*"\]$', line)
            assert m, line
            assert m.group(1) not in subgraphs
            subgraphs.add(m.group(1))
            depth += 1
        elif line == "end":
            depth -= 1
            assert depth >= 0, "an 'end' without its subgraph"
        elif line.startswith(("classDef ", "class ")):
            continue
        elif _EDGE.match(line):
            a, _arrow, _label, b = _EDGE.match(line).groups()
            edges.append((a, b))
        else:
            m = _NODE.match(line)
            assert m, f"not a node, edge or subgraph line: {line!r}"
            ident = m.group(1)
            assert _MERMAID_ID.match(ident) and ident not in _RESERVED, ident
            assert ident not in nodes, f"node {ident} defined twice"
            nodes.add(ident)
    assert depth == 0, "every subgraph is closed"
    for a, b in edges:
        assert a in nodes and b in nodes, f"edge {a} -> {b} has an undefined end"
    return nodes, edges


def test_mermaid_is_well_formed_and_follows_as_of(run, kb):
    today = run("diagram")
    assert today.exit_code == 0, today
    nodes, edges = check_mermaid(today.output)
    assert "n_icb" in nodes and "n_nhs_england" in nodes
    assert ("n_icb", "n_nhs_england") in edges, "the ICB is accountable to NHS England"
    then = run("diagram", "--format", "mermaid", "--as-of", "2019-06-01")
    old_nodes, _ = check_mermaid(then.output)
    assert "n_ccg" in old_nodes and "n_icb" not in old_nodes, "2019: CCGs, no ICBs yet"
    assert "n_ccg" not in nodes


def test_diagram_edges_cover_accountability_and_plans(kb):
    from icscli.export import diagram

    data = diagram.structure(kb)
    present = {n["id"] for tier in data["levels"] for n in tier["nodes"]}
    kinds = {e["kind"] for e in data["edges"]}
    assert {"part of", "accountable to", "produces"} <= kinds
    for ident in present:
        for link in kb.entities[ident].get("accountable_to") or []:
            if link["entity"] in present:
                assert any(e["from"] == ident and e["to"] == link["entity"] and e["kind"] == "accountable to"
                           for e in data["edges"])


def test_dot_is_accepted_by_graphviz(run):
    result = run("diagram", "--format", "dot", "--as-of", "2023-01-01")
    assert result.exit_code == 0, result
    text = result.output
    assert text.startswith("digraph ics {") and text.rstrip().endswith("}")
    assert text.count("{") == text.count("}")
    if not shutil.which("dot"):
        pytest.skip("Graphviz 'dot' is not installed (Debian package graphviz; .ci/run installs it)")
    done = subprocess.run(["dot", "-Tsvg"], input=text.encode(), capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    assert b"<svg" in done.stdout


def test_diagram_rejects_an_unknown_format(run):
    result = run("diagram", "--format", "png")
    assert result.exit_code == 2


def test_html_cites_each_source_once_per_statement(exported):
    """A statement citing one file at many places (a change of many CCGs in the ODS successions file)
    links the source once, its places together in the link's title, not '[252, 252, 252, ...]'."""
    groups = re.findall(r'<sup class="cite">\[(.*?)\]</sup>', exported["html"])
    assert groups
    many = [g for g in groups if g.count("title=") and "; " in g]
    assert many, "a statement citing one source at several places keeps every place"
    for group in groups:
        anchors = re.findall(r'href="#([^"]+)"', group)
        assert len(anchors) == len(set(anchors)), group[:300]
