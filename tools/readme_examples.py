"""Regenerate the "## Commands" section of README.md from real output (tests/test_readme.py checks it).

    python tools/readme_examples.py     # after changing output or data; review the diff before committing
"""
import os
import pathlib
import shlex

os.environ["ICS_TODAY"] = "2026-12-01"  # the day the tests pin, so the examples match them
from click.testing import CliRunner

from icscli.cli.app import ics

EX = [
 ("### `ics explain TERM [--as-of DATE]`", "A card for one body or term: kind, level, legal status over time, responsibilities, board, accountability, what it produces, what it replaced, every place the sources disagree, the responsibility changes and timeline that touch it, and its sources. TERM can be an id, an acronym, a name, an alias or a former name; case, punctuation, hyphens, `&`/`and`, plurals and British/American spelling do not matter. A term that names no body but names an ICB, a place in one or a former CCG (`ics explain frimley`, `ics explain 02Q`) gets that system's card, as `ics system` shows it. Names as `ics` prints them are accepted back (`ics explain \"Integrated care board (ICB)\"`); a full name with one typo is answered, with one line on standard error saying what was assumed (`ics: note: read 'intergrated care board' as Integrated care board (icb)`). A shared acronym shows its main current sense first, then the others. The card opens with the short answer (what it is, level, since when, who sits on it, who it answers to); `--short` prints only that and `--section NAME` one section (short, about, summary, status, duties, board, accountability, facts, disagreements, changes, timeline, meanings, sources).", ["ics explain icb --short", "ics explain icb --section board", "ics explain icb | head -n 24", "ics explain \"ICS NHS body\" --as-of 2019-06-01 | head -n 3", "ics explain icp | head -n 4"]),
 ("", "An unknown term exits 2 with suggestions:", []),
 ("### `ics timeline [--from DATE] [--to DATE] [--tag TAG] [--entity TERM]`", "Dated events from the Health and Social Care Act 2012 to 2026, in date order, each marked when it was only announced, planned or in progress. DATE may be `2021`, `2021-02`, `2021-02-11`, `11 February 2021`, `11/2/2021` (day first) or `today`, here and wherever a command takes a date; `--to` includes the whole period it names, and `--from` after `--to` is a usage error.", ["ics timeline --from 2021-02 --to 2022-07 --tag legislation", "ics timeline --entity ccg --format csv | head -n 4"]),
 ("### `ics compare A B`", "Responsibilities as a diff. For a successor (CCG to ICB, STP to ICS, NHS England to ICB, health and wellbeing board to ICP) it shows what was carried over, changed, new and dropped; for two bodies that exist side by side (ICB and ICP) it shows what each holds or held. A pair given the other way round (`ics compare icb ccg`) is read as the succession it is, and says so; a body compared with itself is a usage error.", ["ics compare ccg icb | head -n 12", "ics compare icb ccg | head -n 3", "ics compare stp ics"]),
 ("### `ics tree [--as-of DATE]`", "The structure as it stood on a date (default today): national, regional, system, place and neighbourhood, with only what existed then.", ["ics tree --as-of 2019-06-01"]),
 ("### `ics glossary` and `ics search TEXT`", "Every term A to Z, one line each; and ranked matches across names, aliases, summaries, board membership, facts, disputed values, the timeline, ICBs and former CCGs. Any word may match: records holding every word come first, names before summaries before the rest, rarer words weigh more and a phrase counts extra. Words like `who` and `the` are ignored, and simple word forms match (`dentists` finds `dental`, `commissions` finds `commissioning`).", ["ics glossary | head -n 6", "ics search who commissions dentists --limit 3", "ics search bassetlaw"]),
 ("### `ics systems`, `ics system NAME-OR-CODE`, `ics ccg NAME-OR-CODE`", "The integrated care boards on any date from 1 July 2022 (42, then 36 after the April 2026 mergers), one system's card, and what became of a former CCG. They accept ODS codes (QYG, 02Q), ONS codes (E54000008), names and unique fragments. Where rows come from a table that copies an official lookup rather than from the file itself, `--cite` says so and `-f json` marks them (`provenance`). `ics ccg` knows every CCG code of April 2013 to March 2021 (248 codes: what each became and which ICB covers it on a date), and takes several codes, or `-` to read them from standard input, as one table.", ["ics systems --as-of 2022-07-01 --region London", "ics system frimley --as-of 2026-06-01 | head -n 16", "ics ccg 02Q --as-of 2026-06-01 | head -n 8", "ics ccg --all --as-of 2026-06-01 --format csv | head -n 3", "ics ccg 00D | head -n 9", "ics ccg 00D 02Q 09G --format csv"]),
("### `ics map [FILE|-] --column NAME [--to DATE] [-o OUT]`", "Re-codes a whole CSV or TSV column to the structure in force on a date (default today). The column may hold CCG ODS codes of any vintage 2013-2021, CCG and sub-ICB location ONS codes (E38), sub-ICB location ODS codes, ICB ODS (Q..) and ONS (E54) codes of any version, April 2021 STP/ICS codes, or exact names (spaces and case do not matter). Every row comes back in order with every column, the delimiter, the line endings, the encoding and a UTF-8 byte-order mark kept, plus: for a date from 1 July 2022 the sub-ICB location (ODS, ONS, name), ICB (ODS, ONS, name) and NHS region; before that, the CCG in force that day and, from April 2021, its STP/ICS footprint; then `change`, `share` and `note`. An ICB or STP code maps to ICBs (or STPs, or CCGs before April 2021).\n\n`change` is `unchanged` (the value still names the area), `renamed` (same body, new code or name), `merged` (the area is part of another body on that date), `split` (one row per part, `share` = its share of the area by LSOA count: 2011 LSOAs up to July 2022, 2021 LSOAs after; the share is blank, and the note says so, when the area was merged before the larger area was split, since the data cannot say which part holds it), `ended` or `unknown` (blanks, totals and anything else pass through). `--split largest` keeps the largest part, `--split error` stops. A code of April 2021 (the 106 CCGs whose codes live on as sub-ICB locations) is read as the sub-ICB location on dates from 1 July 2022. A summary goes to standard error; `--strict` exits 1 when any value is unknown. Errors are one line: a missing column lists the columns, a file that is not UTF-8 says so and suggests `--encoding`. With `-o`, nothing is written unless the whole run succeeds. Big files are fine: the memory it needs does not grow with the file. `--excel` writes a UTF-8 byte-order mark so that Excel opens the CSV as UTF-8. An `.xlsx` workbook (its first sheet) is read when the optional `excel` extra is installed (`pip install 'icscli[excel]'`, which adds openpyxl); with `-o OUT.xlsx` the result is a workbook too.\n\n```sh\n$ ics map extract.csv --column ccg_code --to 2026-04-01 -o mapped.csv   # summary on stderr\n$ ics map waits.tsv -c sicbl --to 2019-06-01 --split largest --strict > by-ccg-2019.tsv\n```", []),
 ("### `ics changes [--from DATE] [--to DATE]`", "What changed between two dates (default: 1 July 2022 to today), dated and cited, in every format: CCG mergers and boundary changes before 2022, the switch from CCGs to ICBs, ICBs merged, split, re-coded or renamed (with their codes), sub-ICB locations created, ended or re-coded, bodies created, renamed and abolished, and responsibilities that moved; with the number of CCGs, ICBs and sub-ICB locations before, at each change and at the end.", ["ics changes --from 2019-04-01 --to 2021-04-01 | head -n 14", "ics changes --from 2026-04-01 --to 2026-04-01 --format csv | head -n 4"]),
 ("### `ics check STATEMENT [--as-of DATE]`", "Whether the data supports a claim on a date (default today), before you repeat it: a count (\"there are 42 ICBs\"), a state (\"CCGs are abolished\", \"ICPs exist\") or where a code lay (\"02Q is in QT1\"), or the same as `--subject`, `--property` (count, state, icb) and `--value`. The verdict is `true` (and until when, where the data knows), `false` (with the dates the claim held, if ever), `not yet true` or `not recorded`, with the fact as it stands on the date, its sources and the next known dated change. A claim it cannot read is a usage error that says which forms it reads.", ["ics check 'There are 42 ICBs'", "ics check '02Q is in QT1' --as-of 2022-06-30 --format csv"]),
 ("### `ics sources [ID]` and `ics validate [DIR]`", "The bibliography with how often each source is cited; with an ID, one source with its full reference, its public address (or, where none exists, how to find it) and every record that cites it. Every source has a web address or a full reference. `ics validate` checks the bundled data (or your own overlay), lists every problem (exit 1 if any) and lists stub cards, which have too little sourced content yet, as warnings that do not fail.", ["ics sources | head -n 4", "ics sources nhsp-glossary-2021 | head -n 12", "ics validate"]),
 ("### `ics diagram [--format mermaid|dot] [--as-of DATE]` and `ics export`", "The structure as a Mermaid or Graphviz diagram, and the whole reference as one markdown, HTML, JSON or SQLite file (for Datasette, see [below](#datasette-ready-sqlite)).\n\n```sh\n$ ics diagram > structure.mmd                                       # Mermaid: GitHub shows it as a picture\n$ ics diagram -f dot --as-of 2019-06-01 | dot -Tsvg > 2019.svg      # needs Graphviz\n$ ics export > ics.md                                               # markdown\n$ ics export -f html -o ics.html                                    # one self-contained web page\n$ ics export -f sqlite -o ics.db                                    # a SQLite database\n```", ["ics diagram --as-of 2019-06-01 | head -n 8"]),
]

def run(cmd):
    words = shlex.split(cmd)
    head = None
    if "|" in words:
        at = words.index("|"); head = int(words[at+3]); words = words[:at]
    r = CliRunner().invoke(ics, words[1:])
    out = r.stdout
    if head is not None:
        out = "".join(out.splitlines(keepends=True)[:head])
    return out

parts = []
for title, text, cmds in EX:
    if title: parts.append(title + "\n")
    parts.append(text + "\n")
    if title == "" :
        r = CliRunner().invoke(ics, ["explain", "icbb"])
        parts.append("```console\n$ ics explain icbb\n" + r.stderr + "```\n")
    for c in cmds:
        parts.append("```console\n$ " + c + "\n" + run(c) + "```\n")
text = "\n".join(parts)
README = pathlib.Path(__file__).resolve().parent.parent / "README.md"
readme = README.read_text(encoding="utf-8")
start = readme.index("## Commands\n") + len("## Commands\n\n")
end = readme.index("## Output formats")
readme = readme[:start] + text + "\n" + readme[end:]
README.write_text(readme, encoding="utf-8")
