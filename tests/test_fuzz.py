"""Thousands of random argument lists through the real CLI: exit 0, 1 or 2, and no exception escapes."""
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icscli.cli.app import ics
from icscli.render import FORMATS

COMMANDS = ["explain", "timeline", "compare", "tree", "glossary", "search", "sources", "validate",
            "systems", "system", "ccg", "diagram", "export", "completion", "nosuchcommand", ""]
OPTIONS = ["--format", "-f", "--as-of", "--from", "--to", "--tag", "--entity", "--cite", "--no-pager",
           "--limit", "--region", "--all", "--help", "-h", "--version", "--data", "--sort", "-o"]
VALUES = (["icb", "ICB", "ccg", "icp", "ICS NHS body", "stp", "nhs-england", "pcn", "place", "frimley",
           "02Q", "QYG", "E54000008", "2019-06-01", "2022", "2022-07", "2022-02-30", "1999-13",
           "legislation", "policy", "London", "json", "csv", "-", "--", "''", "\x00", "é", "\u2603",
           "../../etc/passwd", "/nonexistent", "9" * 40, "-1", "0", "bash"] + list(FORMATS))
ARGS = st.lists(st.one_of(st.sampled_from(OPTIONS), st.sampled_from(VALUES),
                          st.text(max_size=12)), max_size=6)


# one test per command (about 1,500 argument lists in all), so parallel workers share them out
@pytest.mark.parametrize("command", COMMANDS)
@settings(max_examples=1500 // len(COMMANDS), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture], derandomize=True)
@given(args=ARGS)
def test_random_arguments_never_crash(command, args):
    argv = ([command] if command else []) + args
    if "-o" in argv or "export" in argv or "mcp" in argv:  # never write files or start a server from fuzzing
        return
    result = CliRunner().invoke(ics, argv, catch_exceptions=True)
    # CliRunner catches what escapes the command; anything but click's own exit is a crash a user would see.
    escaped = result.exception if not isinstance(result.exception, SystemExit) else None
    assert escaped is None, (argv, repr(escaped))
    assert result.exit_code in (0, 1, 2), (argv, result.exit_code, result.output[-300:])
