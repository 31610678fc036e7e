"""The knowledge base itself: complete, cited, checkable against the seed documents."""
import pathlib
import re
import unicodedata

import pytest

from icscli import dates

SHARED = pathlib.Path(__file__).resolve().parent.parent.parent / "shared"
needs_shared = pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/ (the seed documents) is not beside the project")


def _flat(text):
    """Compare text as a reader would: quotes, dashes and spacing folded."""
    text = unicodedata.normalize("NFKC", text)
    for a, b in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u2013", "-"), ("\u2014", "-")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip().lower()


def _all_citations(kb):
    for table in (kb.entities, kb.events, kb.responsibilities):
        for ident, record in table.items():
            for cite in _walk_cites(record):
                yield ident, cite


def _walk_cites(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "sources" and isinstance(inner, list):
                yield from (c for c in inner if isinstance(c, dict))
            else:
                yield from _walk_cites(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _walk_cites(inner)


def test_every_record_is_complete(kb):
    assert len(kb.entities) >= 80
    for ident, entity in kb.entities.items():
        assert entity["summary"] and entity["level"] and entity["kind"] and entity["sources"], ident
        for period in entity.get("status") or []:
            assert period["sources"], f"{ident}: every status period cites a source"
    for table in (kb.events, kb.responsibilities):
        for ident, record in table.items():
            assert record["sources"], ident


def test_every_source_is_cited_and_every_citation_resolves(kb):
    cited = kb.citing_record_counts()
    assert set(cited) <= set(kb.sources)
    unused = sorted(set(kb.sources) - set(cited))
    assert not [s for s in unused if kb.sources[s].get("kind") != "data"], f"sources never cited: {unused}"


@pytest.fixture(scope="module")
def seeds(kb):
    """Each seed source's text, flattened for comparison."""
    return {s: _flat((SHARED / kb.sources[s]["_file"]).read_text(encoding="utf-8"))
            for s in kb.sources if kb.sources[s].get("_file", "").startswith("seeds/")}


@needs_shared
def test_seed_quotes_are_verbatim(kb, seeds):
    wrong = []
    for ident, cite in _all_citations(kb):
        if cite["source"] in seeds and cite.get("quote"):
            if _flat(cite["quote"]).strip(".\u2026 ") not in seeds[cite["source"]]:
                wrong.append((ident, cite["source"], cite["quote"]))
    assert not wrong, f"{len(wrong)} quotes not found word for word in their seed: {wrong[:5]}"


@needs_shared
def test_seed_locators_are_real_headings(kb, seeds):
    wrong = []
    for ident, cite in _all_citations(kb):
        if cite["source"] in seeds and cite.get("at"):
            at = _flat(cite["at"]).strip(" \"'")
            heading = re.sub(r"\s*\([^)]*\)$", "", at)  # "Heading (page footer)" names a part of a section
            if at not in seeds[cite["source"]] and heading not in seeds[cite["source"]]:
                wrong.append((ident, cite["source"], cite["at"]))
    assert not wrong, f"{len(wrong)} 'at' locators are not text in their seed: {wrong[:5]}"


@needs_shared
def test_every_catalogued_entity_resolves(run):
    facts = (SHARED / "reference" / "facts.md").read_text(encoding="utf-8")
    index = facts[facts.index("**Entity index**"):facts.index("### 1.A")]
    publishers = re.search(r"^- E79 Publishers and authors .*$", index, re.MULTILINE).group(0)
    ids = [i for i in re.findall(r"`([a-z0-9-]+)`", index) if f"`{i}`" not in publishers]
    assert len(ids) >= 85
    missing = [i for i in ids if run("explain", i, "--format", "json").exit_code != 0]
    assert not missing, f"facts.md entities that `ics explain` does not know: {missing}"


def test_publishers_and_authors_are_sources_not_cards(run):
    publishers = {s["publisher"] for s in run("sources", "--format", "json").json()["sources"]}
    for name in ("The King's Fund", "The Health Foundation", "NHS Providers", "Kevin McDonnell (blog)"):
        assert name in publishers
    for term in ("King's Fund", "Health Foundation", "Kevin McDonnell"):
        assert run("explain", term, "--format", "json").exit_code == 2, term


def test_every_shared_acronym_lists_all_senses(run, kb):
    by_acronym = {}
    for ident, entity in kb.entities.items():
        for acronym in entity.get("acronyms") or []:
            by_acronym.setdefault(acronym.lower(), set()).add(ident)
    shared = {a: ids for a, ids in by_acronym.items() if len(ids) > 1}
    assert "icp" in shared and len(shared["icp"]) >= 3
    for acronym, ids in shared.items():
        doc = run("explain", acronym, "--format", "json").json()
        main = {doc["id"]} if doc.get("main_sense_of") else set()  # a card for the main sense, or a list
        assert main | {s["id"] for s in doc["senses"]} == ids, acronym


def test_dates_are_valid_and_ordered(kb):
    for ident, event in kb.events.items():
        dates.parse(event["date"])
    order = [dates.sort_key(kb.events[i]["date"]) for i in kb.event_order]
    assert order == sorted(order)  # a partial date sorts at the end of its period (see dates.sort_key)


def test_timeline_spans_2012_to_2026(run):
    events = run("timeline", "--format", "json").json()["events"]
    assert events[0]["date"].startswith("2012")
    assert events[-1]["date"] >= "2026"
    nhse = run("timeline", "--entity", "nhs-england", "--format", "json").json()["events"]
    assert nhse[-1]["date"] >= "2026"


def test_compare_covers_every_before_after_pair(run, kb):
    pairs = {(a, b) for r in kb.responsibilities.values() for a in r.get("before") or [] for b in r.get("after") or []
             if a != b}
    assert len(pairs) >= 5
    for a, b in sorted(pairs):
        doc = run("compare", a, b, "--format", "json").json()
        assert doc["mode"] == "succession" and doc["rows"], (a, b)


# Terms that the tool itself prints (systems tables, the timeline) must resolve to a card.
PRINTED_TERMS = ["sub-ICB location", "SICBL", "primary care trust", "strategic health authority", "Monitor",
                 "NHS Trust Development Authority", "accountable care system", "strategic authority",
                 "Healthwatch England", "Better Care Fund", "joint forward plan", "JFP"]


@pytest.mark.parametrize("term", PRINTED_TERMS)
def test_terms_the_tool_prints_resolve(run, term):
    result = run("explain", term, "--format", "json")
    assert result.exit_code == 0, result
    assert result.json().get("id"), f"{term!r} should lead to one card"


def test_one_plan_one_card(run):
    ids = {run("explain", t, "--format", "json").json()["id"]
           for t in ("jfp", "joint forward plan", "ICB five-year plan", "icb-five-year-plan")}
    assert ids == {"joint-forward-plan"}


def test_every_source_can_be_followed(kb):
    for ident, source in kb.sources.items():
        url, reference = source.get("url") or "", source.get("reference") or ""
        assert url.startswith(("http://", "https://")) or len(reference) > 20, ident
        assert "_file" not in {k for k in source if not k.startswith("_")}


def test_statutory_cards_cite_their_section_of_the_law(kb):
    def legal_locators(entity):
        return {c.get("at") for c in _walk_cites(entity) if kb.sources[c["source"]].get("kind") == "legislation"}

    expected = {"icb": "s.14Z25", "icp": "s.116ZA", "integrated-care-strategy": "s.116ZB",
                "joint-forward-plan": "s.14Z52", "hwb": "s.194", "monitor": "s.33"}
    for ident, section in expected.items():
        assert section in legal_locators(kb.entities[ident]), ident


def test_icb_card_states_the_legal_minimum_board(run, kb):
    items = run("explain", "icb", "--format", "json").json()["membership"]
    legal = [i for i in items if any(c.get("at") == "Sch. 1B para. 3" for c in i["sources"])]
    assert legal and re.search(r"\bchair\b", legal[0]["text"]) and re.search(r"\bchief executive\b", legal[0]["text"])
    assert re.search(r"\bat least three\b", legal[0]["text"])
    assert kb.sources[legal[0]["sources"][0]["source"]]["url"].startswith("https://www.legislation.gov.uk/")


def test_stub_cards_are_listed_by_validate_as_warnings(run):
    result = run("validate", "--format", "json")
    assert result.exit_code == 0 and result.json()["ok"]
    assert "csu" in result.json()["stubs"]
