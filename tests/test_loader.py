"""Broken data gets one clear `file:line: field: problem` line and exit 1; nothing in it runs."""
import os
import time

import pytest

# (file name, content, expected line, text the message must contain)
BROKEN = [
    ("syntax.yaml", "entities:\n  - id: x\n    name: [unclosed\n", 4, "YAML syntax"),
    ("tabs.yaml", "entities:\n\t- id: x\n", 2, "YAML syntax"),
    ("wrong-type.yaml", "entities:\n  - id: zz-a\n    name: A\n    kind: concept\n    level: system\n"
                        "    summary: S.\n    aliases: not-a-list\n    sources: [kf-act-diagram-2022]\n", 7, "aliases: expected a list"),
    ("missing.yaml", "entities:\n  - id: zz-b\n    name: B\n    kind: concept\n    level: system\n"
                     "    sources: [kf-act-diagram-2022]\n", 2, "summary: required field is missing"),
    ("bad-date.yaml", "events:\n  - id: zz-e\n    date: \"2022-02-30\"\n    title: T\n    description: D\n"
                      "    sources: [kf-act-diagram-2022]\n", 3, "date: '2022-02-30' has no day 30"),
    ("bad-month.yaml", "events:\n  - id: zz-e2\n    date: \"2022-13\"\n    title: T\n    description: D\n"
                       "    sources: [kf-act-diagram-2022]\n", 3, "has no month 13"),
    ("dup-id.yaml", "entities:\n" + ("  - id: zz-c\n    name: C\n    kind: concept\n    level: system\n"
                                    "    summary: S.\n    sources: [kf-act-diagram-2022]\n") * 2, 8, "duplicate id 'zz-c'"),
    ("dup-key.yaml", "entities:\n  - id: zz-d\n    name: D\n    name: E\n", 4, "duplicate key 'name'"),
    ("dangling.yaml", "entities:\n  - id: zz-f\n    name: F\n    kind: concept\n    level: system\n"
                      "    summary: S.\n    related: [no-such-thing]\n    sources: [kf-act-diagram-2022]\n", 7,
     "related[0]: unknown entity 'no-such-thing'"),
    ("bad-source.yaml", "entities:\n  - id: zz-g\n    name: G\n    kind: concept\n    level: system\n"
                        "    summary: S.\n    sources: [no-such-source]\n", 7, "unknown source 'no-such-source'"),
    ("cycle.yaml", "entities:\n  - id: zz-h\n    name: H\n    kind: concept\n    level: system\n    summary: S.\n"
                   "    part_of: [zz-i]\n    sources: [kf-act-diagram-2022]\n  - id: zz-i\n    name: I\n"
                   "    kind: concept\n    level: system\n    summary: S.\n    part_of: [zz-h]\n"
                   "    sources: [kf-act-diagram-2022]\n", 2, "part_of: 'zz-h' is part of itself (a cycle)"),
    ("python-tag.yaml", "entities:\n  - !!python/object/apply:os.system ['touch PWNED']\n", 2, "YAML syntax"),
    ("python-name.yaml", "x: !!python/name:os.system\n", 1, "YAML syntax"),
    ("billion-laughs.yaml", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
                            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n", 2,
     "aliases"),
    ("non-utf8.yaml", b"entities:\n  - id: zz-j\n    name: \xff\xfe\n", 3, "not UTF-8"),
    # Either the project's depth check or libyaml's own limit may refuse this first; what matters is
    # the project's shape (one line, file:line, exit 1), not which layer's wording it carries.
    ("deep.yaml", "entities: " + "[" * 5000 + "]" * 5000 + "\n", 1, None),
    ("enormous.yaml", "entities:\n  - id: zz-k\n    name: " + "x" * 30000 + "\n", 3, "limit is"),
    ("unknown-field.yaml", "entities:\n  - id: zz-l\n    nmae: L\n", 3, "nmae: unknown field"),
    ("bad-enum.yaml", "entities:\n  - id: zz-m\n    name: M\n    kind: spaceship\n    level: system\n"
                      "    summary: S.\n    sources: [kf-act-diagram-2022]\n", 4, "kind: 'spaceship' is not one of"),
    ("bad-id.yaml", "entities:\n  - id: Not An Id\n", 2, "is not a valid id"),
    ("not-mapping.yaml", "- just\n- a list\n", 1, "must be a mapping"),
    ("top-key.yaml", "entitys: []\n", 1, "entitys: unknown top-level key"),
]


@pytest.mark.parametrize("name,content,line,text", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_overlay_gives_one_line_error(run, tmp_path, name, content, line, text):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    started = time.monotonic()
    result = run("explain", "icb", "--data", tmp_path, "--format", "plain")
    assert result.exit_code == 1, result
    assert result.output == ""
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert message.startswith(f"ics: error: {tmp_path / name}:{line}:"), message
    if text is not None:
        assert text in message
    assert "Traceback" not in message
    assert time.monotonic() - started < 10
    assert not os.path.exists("PWNED")


def test_validate_lists_every_problem(run, tmp_path):
    for name, content, _line, _text in BROKEN[:6]:
        (tmp_path / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    result = run("validate", tmp_path, "--format", "plain")
    assert result.exit_code == 1
    files = {line.split(":")[0] for line in result.output.splitlines() if line.startswith("- ")}
    assert len(files) == 6, result.output


def test_bundled_data_validates(run):
    result = run("validate", "--format", "json")
    assert result.json()["problems"] == []
    assert result.exit_code == 0


TINY_SOURCES = "sources:\n  - id: s1\n    title: A source\n    publisher: P\n    date: \"2022\"\n    url: https://example.org/a\n"
TINY_EVENT = ("events:\n  - id: e1\n    date: \"2024-01\"\n    title: Planned\n    description: It was planned.\n"
              "    status: planned\n    sources: [{source}]\n")


def test_validate_checks_the_bundled_data_compiled_or_not(run, tmp_path):
    """`ics validate` checks the bundled layer as its compiled state when it compiled, and parses it to
    list what is wrong when it did not: the same problems either way, at the same file:line."""
    tree, cache = tmp_path / "data", tmp_path / "cache"
    tree.mkdir()
    (tree / "meta.yaml").write_text('meta:\n  data_as_of: "2026-12-01"\n')
    (tree / "sources.yaml").write_text(TINY_SOURCES)
    (tree / "events.yaml").write_text(TINY_EVENT.format(source="s1"))  # compiles, but is overdue
    env = {"ICS_BUNDLED_DATA": str(tree), "ICS_CACHE_DIR": str(cache)}
    overdue = "- events.yaml:2: status: e1: still 'planned' although its date (2024-01) is before"
    cold, warm = run("validate", env=env), run("validate", env=env)
    assert list(cache.glob("kb-*.ics")), "the tree compiled and was cached"
    for result in (cold, warm):
        assert result.exit_code == 1 and result.output.count("\n- ") == 1, result
        assert overdue in result.output, result
    assert warm.output == cold.output
    (tree / "events.yaml").write_text(TINY_EVENT.format(source="no-such-source"))  # does not compile
    broken = run("validate", env=env)
    assert broken.exit_code == 1 and "- events.yaml:7: sources[0]: unknown source 'no-such-source'" in broken.output
    assert overdue in broken.output, broken


def test_overlay_adds_and_overrides(run, tmp_path):
    (tmp_path / "extra.yaml").write_text(
        "entities:\n  - id: icb\n    name: Overridden board\n    kind: concept\n    level: system\n"
        "    summary: Replaced by an overlay.\n    sources: [kf-act-diagram-2022]\n"
        "  - id: zz-new\n    name: Brand new term\n    kind: concept\n    level: place\n"
        "    summary: Added by an overlay.\n    sources: [kf-act-diagram-2022]\n")
    assert "Overridden board" in run("explain", "icb", "--data", tmp_path).output
    assert "Added by an overlay" in run("explain", "brand new term", "--data", tmp_path).output
    assert "Overridden board" not in run("explain", "icb").output


def test_missing_overlay_directory(run, tmp_path):
    result = run("explain", "icb", "--data", tmp_path / "nope")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    (tmp_path / "file.yaml").write_text("entities: []\n")
    result = run("explain", "icb", "--data", tmp_path / "file.yaml")
    assert result.exit_code == 2
    assert "is not a directory" in result.stderr


def test_corrupt_cache_is_rebuilt(run, tmp_path):
    cache = tmp_path / "cache"
    env = {"ICS_CACHE_DIR": str(cache)}
    first = run("explain", "icb", "--format", "json", env=env)
    files = list(cache.glob("kb-*.ics"))
    assert len(files) == 1
    files[0].write_bytes(b"\x00garbage")
    again = run("explain", "icb", "--format", "json", env=env)
    assert again.json() == first.json()


def test_unwritable_cache_still_works(run, tmp_path):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")
    result = run("explain", "icb", "--format", "json", env={"ICS_CACHE_DIR": str(blocker / "x")})
    assert result.exit_code == 0
    assert result.json()["id"] == "icb"


def test_records_checked_while_reading_are_dropped_when_the_file_then_fails_to_parse(run, tmp_path):
    # Records are checked as the parser finishes each one; a syntax error further down still makes the
    # file's one problem its syntax, as when the whole file was parsed before any record was checked.
    (tmp_path / "late.yaml").write_text("entities:\n  - id: Not An Id\n    name: 5\n  - id: zz-late\n"
                                        "    name: [unclosed\n")
    result = run("validate", tmp_path, "--format", "plain")
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if line.startswith("- ")]
    assert len(problems) == 1 and "late.yaml:6: YAML syntax" in problems[0], result.output


def test_problems_keep_the_files_order_when_records_are_checked_while_reading(run, tmp_path):
    (tmp_path / "mixed.yaml").write_text(
        "bogus:\n  - id: one\nentities:\n  - id: Bad_Id\n  - just text\nevents: 7\nmeta: [1]\n")
    result = run("validate", tmp_path, "--format", "plain")
    fields = [line.split(": ")[1] for line in result.output.splitlines() if line.startswith("- ")]
    lines = [int(line.split(":")[1]) for line in result.output.splitlines() if line.startswith("- ")]
    assert fields[0] == "bogus" and fields[1] == "id" and fields[-2:] == ["events", "meta"], result.output
    assert lines[0] == 1 and lines[1] == 4 and lines[-2:] == [6, 7], result.output
    # the second item (text, so it has no line of its own: its list's line) comes after the first's problems
    assert fields[-3] == "expected a mapping, got text" and lines[-3] == 3 and set(lines[1:-3]) == {4}, result.output
