"""No output names the project's working material: readers see sources, never the research behind them.

Every command (each card, each comparison, the whole timeline, every source) and every export format is
rendered and searched for words that belong to the maintainers' notes: the reading copies ("seed",
"blog 004"), the research catalogues and what a search did or did not find ("one page was found").
Web addresses are left out of the search: an address is what the reader follows, whatever it spells.
"""
import re
import sqlite3

import pytest

WORKING_WORDS = re.compile(
    r"\bseeds?\b|\bseed \d|\bblog 00\d|\(seed|\bpages? (?:was |were )?found\b|\bpages found\b"
    r"|\bstaging\b|\bcatalog(?:ue)?s?\b|facts\.md|timeline-sources"
    r"|\bshared/|\b(?:reading|research) cop(?:y|ies)\b|OUTSIDE KNOWLEDGE|\bUNSOURCED\b|\breference compiler\b"
    r"|\bmaintainer_note\b|\breference/(?:later/)?\w+\.csv|\bnot in the (?:copy|excerpt)\b|\bexcerpt\b",
    re.IGNORECASE,
)
URL = re.compile(r"https?://\S+")


# Every branch of WORKING_WORDS contains one of these (lowercase): only a line holding one can match, and
# `in` finds them far faster than the regex scans a 2 MB export.
CLUES = ("seed", "blog 00", "page", "staging", "catalog", "facts.md", "timeline-sources", "shared/", " cop",
         "outside knowledge", "unsourced", "reference", "maintainer_note", "not in the ", "excerpt")


def working_words(text):
    """Each line of `text` that names working material, with its line number."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        lowered = line.lower()
        if not any(clue in lowered for clue in CLUES):
            continue
        match = WORKING_WORDS.search(URL.sub("", line))
        if match:
            found.append(f"{number}: {match.group(0)!r} in {line.strip()[:160]}")
    return found


def assert_clean(text, what):
    found = working_words(text)
    assert not found, f"{what}: {len(found)} lines name working material, e.g. {found[:5]}"


def test_every_branch_of_the_check_has_a_clue():
    branches = WORKING_WORDS.pattern.split("|")
    for sample in ("seed", "seeds", "seed 4", "(seed", "blog 004", "page found", "pages were found", "staging",
                   "catalogue", "facts.md", "timeline-sources", "shared/x", "reading copy", "research copies",
                   "OUTSIDE KNOWLEDGE", "UNSOURCED", "reference compiler", "maintainer_note",
                   "reference/later/x.csv", "not in the copy", "excerpt"):
        assert working_words(f"a {sample} here"), sample
    assert len(branches) == 23  # alternatives, inner ones included: a new one needs a sample above (and a clue)


def test_the_check_catches_working_words():
    assert working_words("as the seed says") and working_words("Both pages found are copies")
    assert working_words("(per blog 004)") and working_words("a staging copy") and working_words("the catalogue")
    assert not working_words("see https://staging.example.org/seed-catalogue for the address")
    assert not working_words("NHS England seeded the programme")


@pytest.mark.parametrize("fmt", ["markdown", "html", "json"])
def test_exports_name_no_working_material(run, fmt):
    result = run("export", "--format", fmt)
    assert result.exit_code == 0, result
    assert_clean(result.output, f"export --format {fmt}")


def test_sqlite_export_names_no_working_material(run, tmp_path):
    path = tmp_path / "ics.sqlite"
    assert run("export", "--format", "sqlite", "--output", path).exit_code == 0
    with sqlite3.connect(path) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        text = "\n".join(" | ".join(str(v) for v in row) for table in tables
                         for row in con.execute(f'SELECT * FROM "{table}"'))
    assert_clean(text, "export --format sqlite")


def test_every_card_names_no_working_material(run, kb):
    for ident in sorted(kb.entities):
        for fmt in ("plain", "json"):
            result = run("explain", ident, "--format", fmt)
            assert result.exit_code == 0, (ident, result)
            assert_clean(result.output, f"explain {ident} --format {fmt}")


def test_every_comparison_names_no_working_material(run, kb):
    pairs = {(a, b) for r in kb.responsibilities.values() for a in r.get("before") or []
             for b in r.get("after") or [] if a != b}
    for a, b in sorted(pairs):
        result = run("compare", a, b, "--format", "json")
        assert result.exit_code == 0, (a, b, result)
        assert_clean(result.output, f"compare {a} {b}")


@pytest.mark.parametrize("args", [
    ["timeline"], ["timeline", "--format", "json"], ["tree"], ["tree", "--as-of", "2019-06-01"], ["diagram"],
    ["glossary"], ["sources"], ["sources", "--format", "json"], ["sources", "nhsp-glossary-2021"],
    ["systems"], ["systems", "--as-of", "2022-07-01", "--format", "json"], ["system", "frimley"],
    ["ccg", "02Q"], ["ccg", "--all", "--format", "json"], ["search", "commissioning"], ["validate"],
    ["systems", "--as-of", "2026-06-01", "--format", "json"], ["system", "QYG", "--format", "json"],
    ["practice", "J82015", "--as-of", "2024-01-01", "-f", "json"], ["pcn", "U41591"], ["lsoa", "E01016180", "-f", "json"],
    ["trust", "RDU"], ["sources", "ons-lsoa21-sicbl24-icb24"],
], ids=lambda a: " ".join(a))
def test_commands_name_no_working_material(run, args):
    result = run(*args)
    assert result.exit_code == 0, result
    assert_clean(result.output, " ".join(args))


def test_maintainer_notes_and_reading_copies_are_never_shown(run, tmp_path):
    (tmp_path / "extra.yaml").write_text("""
sources:
  - id: test-private-source
    title: A test source
    publisher: Tester
    date: "2024"
    kind: publication
    reference: "Tester, A test source (2024), held by the tester"
    file: seeds/999_private.txt
    maintainer_note: "PRIVATE-NOTE-ON-SOURCE"
entities:
  - id: test-private-card
    name: Test private card
    kind: concept
    level: system
    summary: A card for the test.
    maintainer_note: "PRIVATE-NOTE-ON-CARD"
    facts:
      - text: A fact.
        maintainer_note: "PRIVATE-NOTE-ON-FACT"
        sources: [{source: test-private-source, at: "Part 1", maintainer_note: "PRIVATE-NOTE-ON-CITATION"}]
    sources: [test-private-source]
""", encoding="utf-8")
    outputs = [run("explain", "test-private-card", "--data", tmp_path, "--format", f).output for f in ("json", "plain")]
    outputs += [run("sources", "test-private-source", "--data", tmp_path, "--format", "json").output,
                run("export", "--format", "json", "--data", tmp_path).output]
    assert "A fact." in outputs[1] and "held by the tester" in outputs[2]
    for out in outputs:
        assert "PRIVATE-NOTE" not in out and "999_private" not in out


def test_a_card_on_a_date_ends_each_sentence_once(run, kb):
    """'As of DATE: ...' joins the state's own sentence: never a double full stop (issue 21 found one on a
    card whose sources give no dates: "it is shown as described..")."""
    for ident in sorted(kb.entities):
        for day in ("2016-04-01", "2022-07-01"):
            result = run("explain", ident, "--as-of", day, "--short", "--format", "plain")
            assert result.exit_code == 0, (ident, result)
            doubled = re.findall(r"[^.]\.\.(?!\.)", result.output)
            assert not doubled, (ident, day, doubled)
