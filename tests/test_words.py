"""No output carries the maintainers' notes: readers see answers and caveats, provenance on request.

Every command (each card, each comparison, the whole timeline, every source) and every export format is
rendered and searched for words that belong to the maintainers' notes: the reading copies ("seed",
"blog 004"), the research catalogues and what a search did or did not find ("one page was found").
Web addresses are left out of the search: an address is what the reader follows, whatever it spells.

Issue 21 found more classes, each caught here by a pattern for the class, not only by its examples:
the research process ("the month is given by three pages", "the exact day was not found", "the row
stays planned", "(see claims)"), bare document numbers ("(000, 001)"), reviewers' verdicts on sources
("Correct but less precise.", "Four pages against one"), and, in what a reader reads (the plain and
markdown answers, the markdown and HTML exports), internal record ids ("per later-s-derived", "Cited by
3 records: icb, event:icbs-established") and provenance labels ("Data: April 2025: derived"): those
live behind --cite, -f json and `ics sources ID`. Command hints ("(and 8 more: --section board)") are
for a screen: the plain and rich answers may show them, a document (markdown, CSV, HTML, JSON, the
exports) never does.
"""
import csv
import html
import io
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
# What the research did, found or failed to find, and the data's own bookkeeping (rows, records).
RESEARCH_PROCESS = re.compile(
    r"\b(?:one|two|three|four|five|six|several|other|both|each|a single|single|only one|the other|all other"
    r"|these|those)(?: independent)?(?: web)? pages?\b"
    r"|\bpages? (?:give|gives|gave|giving|agree|agrees|differ|differs|disagree|confirm|confirms|say|says|put|puts"
    r"|place|places|written)\b|\bthe page'?s\b|\b(?:in|on) a web page\b"
    r"|\bnot (?:been )?found\b|\b(?:sources?|files?|cop(?:y|ies)|pages?) (?:was |were )?found\b|\bfound no\b"
    r"|\bnot (?:been |yet )?(?:re-?)?checked\b|\b(?:checked|confirmed|verified) here\b|\bto be checked\b"
    r"|\bcheck (?:before|against)\b"
    r"|\b(?:the|this|that) (?:row|rows|record)\b(?! high)|\brows below\b|\bcard holds\b|\bholds only\b"
    r"|\bsee (?:the )?claims?\b",
    re.IGNORECASE,
)
# A reading copy's number standing alone: "(000, 001)", "002 also says".
DOCUMENT_NUMBER = re.compile(r"(?<![\w.,/\u00a3-])0\d\d(?![\w/%-])")
# A reviewer's verdict on a source, or an instruction to the maintainers ("Use '...'", "Prefer 211.").
VERDICT = re.compile(
    r"\b(?:correct|incorrect|accurate|inaccurate)\b|\b(?:less|more) precise\b"
    r"|(?<!not )\b(?:an?|the) (?:source )?(?:error|mistake|misprint|slip|typo)\b|\bmisprints?\b|\bloose(?:r|ly)?\b"
    r"|\b\w+ (?:sources|pages) against \w+\b|\bbest supported\b|\bbetter source\b|\bcontradicted by\b"
    r"|\bclashes with\b|\btoo (?:high|low)\b|\bpreferred\b|\bshould not be read\b|\bdo not read\b"
    r"|(?-i:\b(?:Use|Prefer) [\'\"\u2018\u201c\d])",
    re.IGNORECASE,
)
# Where the rows come from: shown with --cite and in JSON, not in a plain answer.
PROVENANCE = re.compile(r"(?<![\w-])derived\b|;\s*official\b|\bofficial file\b", re.IGNORECASE)
# A command to type: for a screen, never in a document.
HINT = re.compile(r"--section\b|\bmore: --|\bics (?:explain|systems?|ccg|sources|compare|timeline|tree|map|search"
                  r"|glossary|changes|export|diagram|validate)\b")
URL = re.compile(r"https?://\S+")
EVERYWHERE = {"working material": WORKING_WORDS, "research process": RESEARCH_PROCESS,
              "document number": DOCUMENT_NUMBER, "reviewer's verdict": VERDICT}
# Each class's clues (lowercase): every branch of its pattern contains one, so only a text (and then a line)
# holding one can match, and `in` finds them far faster than the patterns scan a card or a 2 MB export.
CLUES = {
    "working material": ("seed", "blog 00", "page", "staging", "catalog", "facts.md", "timeline-sources", "shared/",
                         " cop", "outside knowledge", "unsourced", "reference", "maintainer_note", "not in the ",
                         "excerpt"),
    "research process": ("page", "found", "checked", "check ", "row", "record", "card holds", "holds only", "claim",
                         "confirmed here", "verified here"),
    "document number": ("0",),
    "reviewer's verdict": ("correct", "accurate", "precise", "error", "mistake", "misprint", "slip", "typo", "loose",
                           " against ", "best supported", "better source", "contradicted", "clashes", "too high",
                           "too low", "preferred", "not be read", "do not read", "use ", "prefer "),
    "command hint": ("--section", "more: --", "ics "),
    "provenance label": ("derived", "official"),
}


def record_ids(kb):
    """Every id a reader must not meet in an answer: sources, events, responsibility rows, and the hyphenated
    entity ids (one-word ids such as `icb` are words, and an entity is always named by its name)."""
    return (set(kb.sources) | set(kb.events) | set(kb.responsibilities),
            {i for i in kb.entities if "-" in i})


ID_TOKEN = re.compile(r"(?<![\w/#.-])(?:(?:event|responsibility|entity):)?[a-z0-9]+(?:-[a-z0-9]+)+(?![\w-])")
# Where an id is what the reader types or looks up: a bibliography key [id], a command, the Term field, the
# key that opens a line of `ics sources`.
ALLOWED_ID = re.compile(r"\[[a-z0-9-]+\]|\bics \w+ (?:\"[^\"]*\"|\S+)|\bTerm: \S+|^(?:#+ |- |\d+\. )?[a-z0-9][a-z0-9-]*: ",
                        re.MULTILINE)


def internal_ids(line, ids):
    """The record ids in a line of reading text."""
    records, entities = ids
    line = ALLOWED_ID.sub(" ", line)
    found = []
    for m in ID_TOKEN.finditer(line):
        token = m.group(0)
        if ":" in token or token in records:
            found.append(token)
        elif token in entities and not re.match(r" [a-z]", line[m.end():m.end() + 2]):
            found.append(token)  # 'see triple-aim.', not the adjective in 'the triple-aim duty'
    return found


def visible(text, kind):
    """The text a reader sees: markup and link targets removed, escapes undone, web addresses left out."""
    if kind == "html":
        text = re.sub(r"Term</dt><dd>", "Term: ", text)
        text = html.unescape(re.sub(r"<[^>]*>", " ", text))
    elif kind == "markdown":
        text = re.sub(r"(?m)^\s*%%.*$", "", text)  # a Mermaid comment: not drawn
        text = re.sub(r"\]\(#[^)]*\)|<a id=\"[^\"]*\"></a>", "]", text)
        text = re.sub(r"\*\*Term:\*\*", "Term:", text)
        text = re.sub(r"\\([\\`*_\[\]<>|~&!#.+=-])", r"\1", text)
    return URL.sub("", text)


def maintainer_words(text, kind="data", ids=None, provenance=False):
    """Each line of `text` that carries a maintainer's word, with its class. kind: 'plain' (a screen:
    hints allowed), 'markdown' or 'html' (documents a reader reads), 'data' (CSV, JSON, SQLite: ids and
    provenance are fields there, hints are not). provenance: the text is where provenance belongs (`ics
    sources`, a bibliography), so it may say where a value comes from."""
    text = visible(text, kind)
    classes = dict(EVERYWHERE)
    if kind != "plain":
        classes["command hint"] = HINT
    if kind != "data" and not provenance:
        classes["provenance label"] = PROVENANCE
    lowered = text.lower()
    classes = {name: pattern for name, pattern in classes.items() if any(c in lowered for c in CLUES[name])}
    if not classes and (ids is None or kind == "data"):
        return []
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        lowered = line.lower()
        for name, pattern in classes.items():
            match = any(c in lowered for c in CLUES[name]) and pattern.search(line)
            if match:
                found.append(f"{number}: {name} {match.group(0)!r} in {line.strip()[:160]}")
        if ids is not None and kind != "data":
            found += [f"{number}: internal id {i!r} in {line.strip()[:160]}" for i in internal_ids(line, ids)]
    return found


def assert_for_readers(text, what, kind="data", ids=None, provenance=False):
    found = maintainer_words(text, kind, ids, provenance)
    assert not found, f"{what}: {len(found)} lines carry maintainers' words, e.g. {found[:6]}"


def test_each_class_catches_its_examples_and_their_kind():
    """The phrases issue 21 quoted, and others of the same class; and the reader's words that must pass."""
    caught = {
        "working material": ["as the seed says", "Both pages found are copies", "(per blog 004)", "a staging copy",
                             "the catalogue", "facts.md A15", "OUTSIDE KNOWLEDGE", "not in the excerpt"],
        "research process": ["The month is given by three pages; the day by one", "Each figure comes from a single page",
                             "the exact day of the announcement was not found", "Four independent pages give 1 July",
                             "Pages differ on whether", "the year is inferred from the page's date",
                             "No source found confirms it took effect, so the row stays planned", "(see claims)",
                             "see the claim on funding", "so this card holds only the name",
                             "the exact figure was not re-checked here", "Check before relying on it",
                             "has not been checked against a source here", "neither is confirmed here",
                             "The dated steps follow in the rows below", "No copy of an official 2025 file was found"],
        "document number": ["Only the 2021 sources (000, 001) add", "002 also says ICBs contract"],
        "reviewer's verdict": ["Correct but less precise.", "An error in the glossary.", "Four pages against one.",
                               "Five sources against one.", "Loose wording", "Use 'early May 2025'.", "Prefer 211.",
                               "Burges Salmon misprints the target", "The Hansard record is the better source",
                               "Do not read the figures as counts", "the lower bound is too high"],
        "command hint": ["A chair and a chief executive (and 8 more: --section board)",
                         "1 entry: ics explain ccg --section board", "Details: ics system NAME-OR-CODE."],
        "provenance label": ["Data: April 2025: derived", "ODS QNQ; ONS E54000034; South East; official",
                             "come from a derived table, not from a copy of an official file"],
    }
    for name, samples in caught.items():
        for sample in samples:
            found = maintainer_words(sample, "markdown")
            assert any(f" {name} " in f for f in found), (name, sample, found)
    readers = ["It found the NHS in serious trouble.", "2 stub cards (not an error)",
               "the sources used here (checked to 1 December 2026) do not confirm that it took effect", "a record high of more than 6 million",
               "The King's Fund found they still focused on single organisations.", "Covid-19 pandemic",
               "Date uncertain: the sources give only the month.", "Only one source gives the day.",
               "the 2021 White Paper (CP 381)", "Code 00L and E38000008 on 1 April 2013", "£0.5bn in 2015/16",
               "An NHS England web page listing the leaders of integrated care systems",
               "see https://staging.example.org/seed-catalogue for the address", "NHS England seeded the programme"]
    for text in readers:
        assert not maintainer_words(text, "markdown"), text
    assert maintainer_words("(and 8 more: --section board)", "markdown")
    assert not maintainer_words("(and 8 more: --section board)", "plain")  # a screen may show a hint


def test_every_branch_of_the_working_material_check_has_a_sample():
    for sample in ("seed", "seeds", "seed 4", "(seed", "blog 004", "page found", "pages were found", "staging",
                   "catalogue", "facts.md", "timeline-sources", "shared/x", "reading copy", "research copies",
                   "OUTSIDE KNOWLEDGE", "UNSOURCED", "reference compiler", "maintainer_note",
                   "reference/later/x.csv", "not in the copy", "excerpt"):
        assert any(" working material " in f for f in maintainer_words(f"a {sample} here")), sample
    assert len(WORKING_WORDS.pattern.split("|")) == 23  # a new alternative needs a sample above (and a clue)


def test_ids_are_caught_where_a_reader_reads_them(kb):
    ids = record_ids(kb)
    for line in ("NHS West and North London ICB, per later-s-derived [current]", "see the separate entry triple-aim.",
                 "Cited by 3 records: icb, event:icbs-established, responsibility:ccg-staff-to-icb"):
        assert internal_ids(line, ids), line
    for line in ("- The King's Fund, \u201cTitle\u201d (2021). [kf-ics-explained-2021] https://x", "Term: triple-aim",
                 "the shared triple-aim duty", "a local-authority lookup", "\u2192 ics explain \"icp-contract\"",
                 "- kf-ics-explained-2021: The King's Fund, \u201cTitle\u201d (2021)."):
        assert not internal_ids(line, ids), line


@pytest.mark.parametrize("fmt", ["markdown", "html", "json"])
def test_exports_carry_no_maintainers_words(run, kb, fmt):
    """The bibliography is where provenance belongs: a source's note may say how its table was made."""
    result = run("export", "--format", fmt)
    assert result.exit_code == 0, result
    kind = fmt if fmt != "json" else "data"
    marker = {"markdown": '<a id="bibliography"></a>', "html": 'id="bibliography"'}.get(fmt)
    text, bibliography = result.output.split(marker, 1) if marker else (result.output, "")
    assert marker is None or bibliography, fmt
    assert_for_readers(text, f"export --format {fmt}", kind, record_ids(kb))
    assert_for_readers(bibliography, f"export --format {fmt}, bibliography", kind, record_ids(kb), provenance=True)


def test_sqlite_export_carries_no_maintainers_words(run, tmp_path):
    path = tmp_path / "ics.sqlite"
    assert run("export", "--format", "sqlite", "--output", path).exit_code == 0
    with sqlite3.connect(path) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        text = "\n".join(" | ".join(str(v) for v in row) for table in tables
                         for row in con.execute(f'SELECT * FROM "{table}"'))
    assert_for_readers(text, "export --format sqlite")


def test_every_card_is_written_for_readers(run, kb):
    ids = record_ids(kb)
    for ident in sorted(kb.entities):
        for fmt, kind in (("plain", "plain"), ("markdown", "markdown"), ("csv", "data"), ("json", "data")):
            result = run("explain", ident, "--format", fmt)
            assert result.exit_code == 0, (ident, result)
            assert_for_readers(result.output, f"explain {ident} --format {fmt}", kind, ids)


def test_every_comparison_is_written_for_readers(run, kb):
    pairs = {(a, b) for r in kb.responsibilities.values() for a in r.get("before") or []
             for b in r.get("after") or [] if a != b}
    for a, b in sorted(pairs):
        result = run("compare", a, b, "--format", "json")
        assert result.exit_code == 0, (a, b, result)
        assert_for_readers(result.output, f"compare {a} {b}")


COMMANDS = [
    ["timeline"], ["tree"], ["tree", "--as-of", "2019-06-01"], ["glossary"], ["sources"],
    ["sources", "nhsp-glossary-2021"], ["sources", "later-s-derived"], ["systems"], ["systems", "--as-of", "2022-07-01"],
    ["systems", "--as-of", "2026-06-01"], ["system", "frimley"], ["system", "QYG"], ["ccg", "02Q"], ["ccg", "--all"],
    ["changes"], ["changes", "--from", "2013-04-01", "--to", "2026-12-01"], ["compare", "ccg", "icb"],
    ["search", "commissioning"], ["practice", "J82015", "--as-of", "2024-01-01"], ["pcn", "U41591"],
    ["lsoa", "E01016180"], ["trust", "RDU"], ["sources", "ons-lsoa21-sicbl24-icb24"],
]
# Where a label saying where a value comes from is the answer's own: `ics sources` is provenance on request,
# and the places answers (issue 23) mark each value that is not read from an official file as derived.
SAYS_WHERE_FROM = ("sources", "practice", "pcn", "lsoa", "trust")


@pytest.mark.parametrize("fmt,kind", [("plain", "plain"), ("markdown", "markdown"), ("csv", "data"),
                                      ("html", "data"), ("json", "data")])
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_every_command_is_written_for_readers(run, kb, args, fmt, kind):
    result = run(*args, "--format", fmt)
    assert result.exit_code == 0, result
    # An ICB card's residents are a places value: its line says which lookup added them up (derived or not).
    figures = [line for line in result.output.splitlines() if PLACES_FIGURE.match(line)] if args[0] == "system" else []
    rest = "\n".join(line for line in result.output.splitlines() if line not in figures)
    assert_for_readers(rest, " ".join(args) + f" --format {fmt}", kind, record_ids(kb),
                       provenance=args[0] in SAYS_WHERE_FROM)
    assert_for_readers("\n".join(figures), " ".join(args) + f" --format {fmt}", kind, record_ids(kb), provenance=True)


PLACES_FIGURE = re.compile(r"(?:- \*\*)?Residents:(?:\*\*)? [\d,]+ \(Census ")


@pytest.mark.parametrize("args", [["diagram"], ["validate"]], ids=lambda a: " ".join(a))
def test_tool_output_carries_no_maintainers_words(run, args):
    """A diagram's source and `ics validate` are screens of their own: they may name commands."""
    result = run(*args)
    assert result.exit_code == 0, result
    assert_for_readers(result.output, " ".join(args), "plain")


def test_command_hints_are_for_the_screen_only(run):
    """The short card's hint is on the screen and in no document; the document keeps the entry itself."""
    screen = run("explain", "icb", "--short", "--format", "plain").output
    assert "--section board" in screen
    for fmt in ("markdown", "csv", "json", "html"):
        out = run("explain", "icb", "--short", "--format", fmt).output
        assert "--section" not in out and "ics explain" not in out, fmt
        assert "A chair and a chief executive" in out, fmt


def test_the_short_line_names_its_section_and_shows_an_entry(run, kb):
    """The one-line summary of a card's membership is labelled as its section is ("Membership and board"
    holds members as well as boards), and shows one of the section's own entries, or how many there are
    when none is short enough: never a command."""
    for ident in sorted(kb.entities):
        entries = [i["text"] for i in kb.entities[ident].get("membership") or []]
        if not entries:
            continue
        result = run("explain", ident, "--short", "--format", "csv")
        rows = list(csv.reader(io.StringIO(result.output)))
        short = [text for section, text, _sources in rows if text.startswith("Membership: ")]
        assert len(short) == 1, (ident, result.output)
        value = short[0].removeprefix("Membership: ")
        assert value in entries or (len(entries) > 1 and value == f"{len(entries)} entries"), (ident, short[0])
        assert not any(text.startswith("Board") for _section, text, _sources in rows), ident


def test_provenance_is_shown_on_request(run):
    """Frimley's April 2025 rows come from a table that copies the ONS lookup: a plain answer says nothing of
    it; --cite says it in words; JSON keeps the field."""
    plain = run("system", "frimley", "--format", "plain").output
    assert not PROVENANCE.search(plain)
    cited = run("system", "frimley", "--format", "plain", "--cite").output
    assert "April 2025" in cited and "copies the ONS" in cited
    assert_for_readers(cited, "system frimley --cite", "plain")
    data = run("system", "frimley", "--format", "json").json()
    assert data["version_record"]["provenance"] == "derived"


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
