"""The README's examples are real: each `$ ics ...` block is run and its output compared."""
import pathlib
import re
import shlex

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"```console\n\$ (ics [^\n]*)\n(.*?)```", re.DOTALL)


def examples():
    return BLOCK.findall(README.read_text(encoding="utf-8"))


def test_readme_has_examples_for_every_command():
    shown = {shlex.split(command)[1] for command, _ in examples()}
    assert {"explain", "timeline", "compare", "tree", "glossary", "search", "sources", "validate"} <= shown


def test_readme_examples_match_real_output(run):
    for command, expected in examples():
        words = shlex.split(command)
        head = None
        if "|" in words:
            at = words.index("|")
            assert words[at + 1:at + 3] == ["head", "-n"], f"only '| head -n N' is supported: {command}"
            head = int(words[at + 3])
            words = words[:at]
        result = run(*words[1:])
        output = result.output + result.stderr  # a console shows both
        if head is not None:
            output = "".join(output.splitlines(keepends=True)[:head])
        assert output == expected, f"README example differs: {command}\n--- got ---\n{output}"
