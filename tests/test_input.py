"""Input that forgives, and help and errors people can use: through the real CLI and the real data."""
import re
import shlex

import pytest
from click.shell_completion import ShellComplete, ZshComplete

from icscli.cli.app import ics


def card_id(run, *args):
    result = run("explain", *args, "-f", "json")
    assert result.exit_code == 0, result
    return result.json()["id"]


def result_ids(run, *words, limit=10):
    result = run("search", *words, "--limit", limit, "-f", "json")
    assert result.exit_code == 0, result
    return [r["id"] for r in result.json()["results"]]


# --------------------------------------------------------------------------- names printed back


def test_names_the_tool_prints_are_accepted_back(run, kb):
    assert card_id(run, "Integrated care board (ICB)") == "icb"
    assert card_id(run, "NHS England (NHSE)") == "nhs-england"
    for ident, entity in kb.entities.items():  # every card title with brackets, as `explain` prints it
        if not entity.get("acronyms"):
            continue
        title = run("explain", ident, "-f", "json").json()["title"]
        assert card_id(run, title) == ident, title


def test_names_from_the_tree_and_search_are_accepted_back(run):
    tree = run("tree", "-f", "plain").output
    label = next(line.strip("- ").strip() for line in tree.splitlines() if "Integrated care board" in line)
    assert label.endswith("]") and card_id(run, label) == "icb"
    found = run("search", "icb", "-f", "plain", "--limit", "1").output.splitlines()[2]
    assert card_id(run, found.strip("- ").split(":")[0]) == "icb"
    assert card_id(run, "Integrated care partnership (place level)") == "icp-place-partnership"


def test_a_printed_name_with_the_wrong_acronym_is_not_guessed(run):
    result = run("explain", "NHS England (ICB)")
    assert result.exit_code == 2 and "unknown term" in result.stderr


def test_one_typo_in_a_full_name_is_answered_with_one_line_saying_so(run):
    result = run("explain", "intergrated care board", "-f", "json")
    assert result.exit_code == 0 and result.json()["id"] == "icb"
    assert result.json()["assumed"]
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ics: note: ") and "Integrated care board" in lines[0]
    assert card_id(run, "clinical comissioning group") == "ccg"


def test_typos_are_forgiven_wherever_a_term_is_taken(run):
    compared = run("compare", "clinical comissioning group", "icb", "-f", "json")
    assert compared.exit_code == 0 and compared.json()["a"] == "ccg"
    assert compared.stderr.startswith("ics: note: read 'clinical comissioning group' as")
    events = run("timeline", "--entity", "intergrated care board", "-f", "json")
    assert events.exit_code == 0 and events.json()["entity"] == "icb" and events.stderr.count("\n") == 1


def test_two_typos_or_a_short_term_are_not_guessed_and_suggestions_show_names(run):
    result = run("explain", "intergrated care bord")
    assert result.exit_code == 2 and not result.output
    assert "'icb' (Integrated care board)" in result.stderr
    assert run("explain", "icd").exit_code == 2  # one edit from ICB, but as likely another acronym


def test_ambiguous_acronym_shows_the_main_current_sense_then_also(run):
    plain = run("explain", "ICP", "-f", "plain")
    assert plain.exit_code == 0
    lines = plain.output.splitlines()
    assert lines[0].startswith("Integrated care partnership (ICP)")
    also = next(line for line in lines if line.startswith("ICP also means:"))
    assert "icp-place-partnership" in also and "icp-contract" in also
    assert lines.index(also) < lines.index("Summary:")  # before the card's body, not after it


# --------------------------------------------------------------------------- search


def test_search_ignores_question_words_and_matches_word_forms(run):
    ids = result_ids(run, "who", "commissions", "dentists", limit=3)
    assert ids[0] == "pod-delegation" and "pod-delegated-to-all-icbs" in ids
    assert result_ids(run, "who commissions dentists") == result_ids(run, "dental commissioning")


def test_search_ranks_any_word_matches(run):
    doc = run("search", "dentists", "unicorns", "-f", "json").json()
    assert doc["results"] and doc["results"][0]["id"] == "pod-delegation"  # one word is enough
    scores = [r["score"] for r in doc["results"]]
    assert scores == sorted(scores, reverse=True)


def test_search_non_executive_finds_board_roles(run):
    ids = result_ids(run, "non-executive", limit=5)
    assert {"icb-chair", "icb-chief-executive"} <= set(ids)


def test_search_finds_claim_values(run, kb):
    holders = {i for i, e in kb.entities.items() for c in e.get("claims") or [] for v in c["values"]
               if re.search(r"\b3 million\b", v["value"])}
    assert holders
    assert set(result_ids(run, "3", "million", limit=len(holders))) == holders  # first, before loose matches


def test_search_bassetlaw_puts_the_ccg_move_and_systems_before_cards(run):
    results = run("search", "bassetlaw", "-f", "json").json()["results"]
    types = [r["type"] for r in results]
    assert results[0]["id"] == "02Q" and "2022" in results[0]["snippet"] and "Nottingham" in results[0]["snippet"]
    first_card = types.index("entity")
    assert {"QF7", "QT1"} <= {r["id"] for r in results[:first_card]}


def test_search_of_only_small_words_still_says_something(run):
    assert run("search", "the").exit_code == 0
    assert run("search", "?!").exit_code == 2


# --------------------------------------------------------------------------- compare


def test_compare_reads_a_reversed_pair_as_its_succession(run):
    reversed_pair = run("compare", "icb", "ccg", "-f", "json").json()
    forward = run("compare", "ccg", "icb", "-f", "json").json()
    assert reversed_pair["reversed"] is True and forward["reversed"] is False
    assert (reversed_pair["a"], reversed_pair["b"], reversed_pair["mode"]) == ("ccg", "icb", "succession")
    assert reversed_pair["rows"] == forward["rows"]
    plain = run("compare", "icb", "ccg", "-f", "plain").output
    assert "Read as the succession Clinical commissioning group \u2192 Integrated care board" in plain


@pytest.mark.parametrize("pair", [("icb", "icb"), ("icb", "Integrated care board (ICB)"), ("ccg", "CCGs")])
def test_compare_refuses_a_body_with_itself(run, pair):
    result = run("compare", *pair)
    assert result.exit_code == 2 and not result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("ics: error: compare needs two different")


def test_compare_side_by_side_shows_both_sides_holdings(run):
    doc = run("compare", "ccg", "nhs-england", "-f", "json").json()
    assert doc["mode"] == "side by side"
    ccg_rows = [r for r in doc["rows"] if r["diff"] in ("only in A", "shared")]
    nhse_rows = [r for r in doc["rows"] if r["diff"] in ("only in B", "shared")]
    assert ccg_rows and nhse_rows
    assert all("ccg" in (r.get("before") or []) + (r.get("after") or []) for r in ccg_rows)


# --------------------------------------------------------------------------- dates and formats


@pytest.mark.parametrize("typed", ["1 July 2022", "1/7/2022", "01/07/2022", "1st Jul 2022", "2022-07-01"])
def test_dates_as_people_write_them(run, typed):
    expected = run("explain", "icb", "--as-of", "2022-07-01", "-f", "json").json()
    assert run("explain", "icb", "--as-of", typed, "-f", "json").json() == expected


def test_today_month_and_year_dates_everywhere(run):
    assert run("tree", "--as-of", "today", "-f", "json").json() == run("tree", "-f", "json").json()
    events = run("timeline", "--from", "2022-07", "--to", "July 2022", "-f", "json").json()["events"]
    assert events and all(e["date"].startswith("2022-07") for e in events)
    assert run("systems", "--as-of", "2023", "-f", "json").exit_code == 0
    assert run("ccg", "02Q", "--as-of", "1/4/2023", "-f", "json").exit_code == 0


@pytest.mark.parametrize("bad", ["\uff12\uff10\uff12\uff12", "\u0662\u0660\u0662\u0662", "31/2/2022", "1 Julyish 2022",
                                 "7/1/22", "tomorrow"])
def test_bad_dates_are_one_line_usage_errors(run, bad):
    result = run("tree", "--as-of", bad)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and result.stderr.startswith("ics: error:")


@pytest.mark.parametrize("command", ["timeline", "changes"])
def test_from_after_to_is_a_usage_error(run, command):
    result = run(command, "--from", "2023", "--to", "2021")
    assert result.exit_code == 2 and "after" in result.stderr and not result.output


def test_format_aliases_case_and_default_from_the_environment(run):
    markdown = run("explain", "icb", "-f", "markdown").output
    assert run("explain", "icb", "-f", "md").output == markdown
    assert run("explain", "icb", "-f", "MarkDown").output == markdown
    assert run("explain", "icb", env={"ICS_FORMAT": "json"}).json()["id"] == "icb"
    assert run("explain", "icb", "-f", "plain", env={"ICS_FORMAT": "json"}).output.startswith("Integrated")
    assert run("diagram", "-f", "DOT").output.startswith("digraph")
    tagged = run("timeline", "--tag", "Legislation", "-f", "json")
    assert tagged.exit_code == 0 and tagged.json() == run("timeline", "--tag", "legislation", "-f", "json").json()
    assert run("completion", "ZSH").exit_code == 0


# --------------------------------------------------------------------------- errors and help


@pytest.mark.parametrize("argv", [
    ["explain", "icb", "--bogus"], ["explain", "icb", "-f", "nonsense"], ["explain"], ["compare", "icb"],
    ["explian", "icb"], ["nosuchcommand"], ["timeline", "--tag", "nonsense"], ["systems", "--region", "Mars"],
    ["search", "--limit", "0", "icb"], ["explain", "nothing-of-the-sort"], ["completion", "tcsh"],
    ["explain", "icb", "--as-of"],
])
def test_every_usage_error_is_one_line(run, argv):
    result = run(*argv)
    assert result.exit_code == 2, result
    assert not result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("ics: error: "), result.stderr
    assert "Usage:" not in result.stderr and "Traceback" not in result.stderr


def test_group_help_shows_whole_summaries_and_the_formats_once(run):
    text = run("--help").output
    commands = text.split("Commands:")[1].split("\n\n")[0]
    summaries = re.split(r"\n  (?=\S)", commands.strip())
    assert len(summaries) == len(ics.commands)
    for entry in summaries:
        assert not entry.rstrip().endswith("...") and entry.rstrip().endswith("."), entry
    assert text.count("asciidoc") == 1 and "md" in text
    assert "asciidoc" not in run("explain", "--help").output


def _examples(help_text):
    """The example commands (a description too wide to sit beside one is indented under it)."""
    block = [line for line in help_text.split("Examples:", 1)[1].split("\n\n")[0].splitlines() if line.strip()]
    margin = min(len(line) - len(line.lstrip()) for line in block)
    return [line.strip() for line in block if len(line) - len(line.lstrip()) == margin]


@pytest.mark.parametrize("name", sorted(ics.commands))
def test_every_command_has_examples_that_run(run, name):
    examples = _examples(run(name, "--help").output)
    assert 2 <= len(examples) <= 3, examples
    for example in examples:
        if not example.startswith("ics ") or name in ("export", "completion", "map", "validate") or "./" in example:
            continue  # file-writing exports, shell setup lines, user files and a slow full check are not run
        argv = shlex.split(re.split(r"\s[|>]\s|\s{2,}", example)[0])[1:]
        result = run(*argv)
        assert result.exit_code == 0, (example, result)


# --------------------------------------------------------------------------- completion


def complete(args, incomplete, shell=ShellComplete):
    return shell(ics, {}, "ics", "_ICS_COMPLETE").get_completions(args, incomplete)


def test_compare_completes_only_bodies_compare_can_set_side_by_side(kb):
    values = [c.value for c in complete(["compare", "ccg"], "")]
    assert values and not any(re.match(r"^(\d|[QE]\w*\d)", v) for v in values)  # no ICB, ONS or CCG codes
    assert "ccg" not in values and "icb" in values
    holders = {i for r in kb.responsibilities.values() for i in (r.get("before") or []) + (r.get("after") or [])}
    ids = [v for v in values if v in kb.entities]
    assert set(ids) <= holders


def test_explain_completes_terms_and_systems_with_descriptions():
    items = {c.value: c.help for c in complete(["explain"], "fri") + complete(["explain"], "ic")}
    assert items["icb"] == "Integrated care board" and "frimley" in items and items["frimley"]
    zsh = ZshComplete(ics, {}, "ics", "_ICS_COMPLETE")
    line = zsh.format_completion(next(c for c in complete(["explain"], "ic") if c.value == "icb"))
    assert "Integrated care board" in line


def test_tag_and_region_complete():
    assert [c.value for c in complete(["timeline", "--tag"], "leg")] == ["legislation"]
    regions = [c.value for c in complete(["systems", "--region"], "")]
    assert "London" in regions and len(regions) >= 7
    assert [c.value for c in complete(["explain", "icb", "-f"], "mark")] == ["markdown"]
