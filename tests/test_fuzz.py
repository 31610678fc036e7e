"""Generated input through the real CLI: random argument lists for every command, generated CSV/TSV
files through `ics map`, generated dates through `ics changes`.

What every case must show: no exception escapes (a user would see a traceback), the exit code is a
documented one (0 success, 1 data problem, 2 usage problem), a failure says so in one `ics: error: ...`
line on standard error, and nothing hangs (each run has a time limit). A case that does not apply is
rejected with `hypothesis.assume`, so hypothesis makes another: a skipped case never counts as a pass.
Runs are derandomized and use no example database, so CI sees the same cases every time.
"""
import csv
import datetime
import io
import json
import os
import signal

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from icscli.cli.app import ics
from icscli.render import FORMATS

LIMIT = 60  # seconds one run may take before it counts as a hang (a run takes well under one)
# Where there is time for more cases (.ci/run sets FUZZ_SCALE): the `ics map` properties, here and in
# test_fuzz_map.py, and the MCP server's generated sessions (test_mcp_wire.py) run this many times as
# many examples. (Not an ICS_ name: cli/fast.py leaves a run with an ICS_ variable it does not know to
# click, and the fast path's tests would fail.)
SCALE = max(1, int(os.environ.get("FUZZ_SCALE") or 1))
FUZZ = {"deadline": None, "derandomize": True, "database": None,
        "suppress_health_check": [HealthCheck.function_scoped_fixture]}

COMMANDS = ["explain", "timeline", "compare", "tree", "glossary", "search", "sources", "validate",
            "systems", "system", "ccg", "diagram", "export", "completion", "map", "changes", "check", "nosuchcommand", ""]
OPTIONS = ["--format", "-f", "--as-of", "--from", "--to", "--tag", "--entity", "--cite", "--no-pager",
           "--limit", "--region", "--all", "--help", "-h", "--version", "--data", "--sort", "--column", "-c",
           "--split", "--strict", "--encoding", "--excel", "--subject", "--property", "--value"]
VALUES = (["icb", "ICB", "ccg", "icp", "ICS NHS body", "stp", "nhs-england", "pcn", "place", "frimley",
           "02Q", "QYG", "E54000008", "2019-06-01", "2022", "2022-07", "2022-02-30", "1999-13", "0000", "0001-01-01",
           "legislation", "policy", "London", "json", "csv", "-", "--", "''", "\x00", "é", "\u2603",
           "../../etc/passwd", "/nonexistent", "9" * 40, "-1", "0", "bash", "all", "largest", "error",
           "code", "latin-1", "utf-16", "nosuchcodec"] + list(FORMATS))
ARGS = st.lists(st.one_of(st.sampled_from(OPTIONS), st.sampled_from(VALUES),
                          st.text(max_size=12)), max_size=6)


class Hung(BaseException):
    """A run went past LIMIT seconds (a BaseException, so CliRunner does not swallow it)."""


def _hung(signum, frame):
    raise Hung(f"no answer within {LIMIT} s")


def run(argv, stdin=None):
    """`ics argv` through click's test runner (standard input `stdin`), checked for what every run
    must show; returns the result."""
    previous = signal.signal(signal.SIGALRM, _hung)
    signal.alarm(LIMIT)
    try:
        result = CliRunner().invoke(ics, argv, input=stdin, catch_exceptions=True)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    # CliRunner catches what escapes the command; anything but click's own exit is a crash a user would see.
    escaped = result.exception if not isinstance(result.exception, SystemExit) else None
    assert escaped is None, (argv, repr(escaped))
    assert result.exit_code in (0, 1, 2), (argv, result.exit_code, result.stderr[-300:])
    assert "Traceback" not in result.stderr, (argv, result.stderr[-300:])
    if result.exit_code and argv:  # bare `ics` shows the help instead (exit 2, as click does)
        error = one_error_line(result, argv)
        assert "--strict" in error or not [line for line in result.stderr.splitlines() if line != error]
    return result


def one_error_line(result, argv):
    """The failure's one `ics: error: ...` line: the last line of standard error, and the only error
    line (`ics map` may print its summary line before it)."""
    lines = result.stderr.splitlines()
    errors = [line for line in lines if line.startswith("ics: error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], (argv, result.stderr[-500:])
    assert all(line.startswith("ics map: ") for line in lines[:-1]), (argv, result.stderr[-500:])
    return errors[0]


def writes_files(argv):
    """Whether click could read an option that writes a file (-o, --output, --metadata) or starts a
    server (mcp) in argv: such lists are not fuzzed (the suite runs as any user, even root)."""
    return "mcp" in argv or any(
        arg.startswith(("--o", "--m")) or (arg.startswith("-") and not arg.startswith("--") and "o" in arg)
        for arg in argv)


# one test per command (about 1,500 argument lists in all), so parallel workers share them out
@pytest.mark.parametrize("command", COMMANDS)
@settings(max_examples=1500 // len(COMMANDS), **FUZZ)
@given(args=ARGS)
def test_random_arguments_never_crash(command, args):
    argv = ([command] if command else []) + args
    assume(not writes_files(argv))
    run(argv)


# --------------------------------------------------------------------------- ics map: generated files

CODES = ["02Q", "02q", " 02Q ", "15D", "QYG", "qyg", "E54000008", "E38000008", "99A", "D4U1Y", "QT1",
         "E54000060", "S9B9J", "92A", "00C", "NHS Bassetlaw CCG", "Bassetlaw", "NHS Wirral CCG", "frimley",
         "icb", "zz", "", "-", "=1+1", "02Q;15D", "0" * 9, "E38000224", "\u2603"]
NAME = st.text("abcdefghijklmnopqrstuvwxyz_ ", min_size=1, max_size=8).filter(lambda n: n.strip())
CELL = st.one_of(st.sampled_from(CODES), st.text(max_size=10))
# (what is typed, the first day it means or None if it is no date): every form `--to` and `--from` take
_YEARS = st.integers(2013, 2030)
DATES = st.one_of(
    st.dates(datetime.date(2013, 4, 1), datetime.date(2030, 12, 31)).map(lambda d: (d.isoformat(), d.isoformat())),
    _YEARS.map(lambda y: (str(y), f"{y}-01-01")),
    st.tuples(_YEARS, st.integers(1, 12)).map(lambda ym: (f"{ym[0]}-{ym[1]:02d}", f"{ym[0]}-{ym[1]:02d}-01")),
    st.dates(datetime.date(2013, 4, 1), datetime.date(2030, 12, 31)).map(
        lambda d: (f"{d.day} {d.strftime('%B')} {d.year}", d.isoformat())),
    st.dates(datetime.date(2013, 4, 1), datetime.date(2030, 12, 31)).map(
        lambda d: (f"{d.day}/{d.month}/{d.year}", d.isoformat())),
    st.just(("today", "2026-12-01")),  # the suite's ICS_TODAY
)
EARLY = st.sampled_from([("0000", "0000-01-01"), ("0001-01-01", "0001-01-01"), ("1999-12", "1999-12-01"),
                         ("2013-03-31", "2013-03-31"), ("9999-12-31", "9999-12-31"), ("9999", "9999-01-01")])
NOT_DATES = st.one_of(st.sampled_from(["2022-02-30", "2021-02-29", "2022-13", "1999-13-01", "20222", "22",
                                       "July", "31 June 2022", "32/1/2022", "2022-7-1", "yesterday", " ",
                                       "2022-07-01T00:00", "\u0662\u0660\u0662\u0662"]).map(lambda t: (t, None)),
                      st.text(max_size=12).map(lambda t: (t, "?")))  # "?": may or may not be a date
# (an empty --to or --from is taken as not given: the default)


@st.composite
def tables(draw):
    """(header, rows, the code column's name, delimiter, line ending): an `id` column numbering the rows,
    a column of generated codes and names, and other columns of any text."""
    names = draw(st.lists(NAME, min_size=1, max_size=3, unique_by=lambda n: n.strip().lower()))
    names = [n for n in names if n.strip().lower() != "id"] or ["code"]
    header = ["id"] + names
    column = draw(st.sampled_from(names))
    rows = draw(st.lists(st.lists(CELL, min_size=len(names), max_size=len(names)), max_size=12))
    rows = [[str(i)] + cells for i, cells in enumerate(rows)]
    return header, rows, column, draw(st.sampled_from([",", "\t", ";"])), draw(st.sampled_from(["\n", "\r\n"]))


def as_text(header, rows, delimiter, newline):
    """The table as a file would hold it. csv.writer quotes a cell for the characters of its own line ending
    only, so a bare carriage return in a cell of a \\n file would be written unquoted: a line break to any
    reader, ics included. Such a table is written with every cell quoted, as a spreadsheet would."""
    breaks = any("\r" in cell or "\n" in cell for row in [header] + rows for cell in row)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline,
               quoting=csv.QUOTE_ALL if breaks else csv.QUOTE_MINIMAL).writerows([header] + rows)
    return buffer.getvalue()


@settings(max_examples=120 * SCALE, **FUZZ)
@given(table=tables(), to=st.one_of(st.none(), DATES, EARLY, NOT_DATES),
       split=st.sampled_from(["all", "largest", "error"]), strict=st.booleans(), upper=st.booleans(),
       excel=st.booleans())
@example(table=(["id", "note", "code"], [["0", "line one\r\nline two", "02Q"], ["1", "a\rb", "15D"]], "code", ",",
                "\r\n"), to=None, split="all", strict=False, upper=False, excel=False)  # a cell's line breaks stay in it
def test_map_keeps_every_row_of_a_generated_file(table, to, split, strict, upper, excel):
    header, rows, column, delimiter, newline = table
    argv = ["map", "-c", column.upper() if upper else column, "--split", split] + ["--strict"] * strict
    argv += (["--to", to[0]] if to else []) + ["--excel"] * excel
    result = run(argv, stdin=as_text(header, rows, delimiter, newline).encode("utf-8"))
    day = to[1] if to and to[0] else "2026-12-01"
    if day is None or (day != "?" and day < "2013-04-01"):
        assert result.exit_code == 2 and result.stdout == "", (argv, result.stderr)
        return  # a usage error, checked: nothing else to hold
    if day != "?" and split == "all" and not strict:
        assert result.exit_code == 0, (argv, result.stderr)  # nothing can fail: every row is mapped
    strict_failure = result.exit_code == 1 and "--strict" in result.stderr
    if result.exit_code and not strict_failure:
        error = one_error_line(result, argv)
        assert day == "?" or "is split" in error or "largest part" in error, (argv, error)
        return
    # every row written (a --strict failure writes them all first), in order, its own cells untouched
    text = result.stdout_bytes.decode("utf-8")  # not result.stdout: it turns \r\n into \n
    assert text.startswith("\ufeff") == excel, argv  # --excel: a byte-order mark, nothing else changed
    text = text.removeprefix("\ufeff")
    out = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert out[0][:len(header)] == header and len(out[0]) > len(header), (argv, out[0])
    ids = [int(row[0]) for row in out[1:]]
    assert sorted(set(ids)) == list(range(len(rows))) and ids == sorted(ids), (argv, ids)
    if split != "all":
        assert len(out) - 1 == len(rows), argv  # row count in == row count out
    for row in out[1:]:
        assert row[:len(header)] == rows[int(row[0])] and len(row) == len(out[0]), (argv, row)
    first_line = text.partition("\n")[0] + "\n"  # the header: no cell of it holds a line break
    assert first_line.endswith(newline) and text.endswith(newline), argv  # the input's line ending kept
    summary = result.stderr.splitlines()[0]
    assert summary.startswith(f"ics map: {len(rows)} row") and f"{len(out) - 1} row" in summary, summary


# --------------------------------------------------------------------------- ics changes: generated dates


@settings(max_examples=100, **FUZZ)
@given(start=st.one_of(st.none(), DATES, EARLY, NOT_DATES), end=st.one_of(st.none(), DATES, EARLY, NOT_DATES))
@example(start=("0000", "0000-01-01"), end=None)  # the day before the first was out of datetime's range
@example(start=("0001-01-01", "0001-01-01"), end=("2013", "2013-01-01"))
def test_changes_between_generated_dates(start, end):
    argv = ["changes", "-f", "json"] + (["--from", start[0]] if start else []) + (["--to", end[0]] if end else [])
    result = run(argv)
    first = start[1] if start and start[0] else "2022-07-01"
    last = _last_day(end[0], end[1]) if end and end[0] else "2026-12-01"
    if "?" in (first, last):
        return  # checked by run(): no crash, a documented exit code, one error line
    if first is None or last is None or first > last:
        assert result.exit_code == 2 and result.stdout == "", (argv, result.stderr)
        return
    assert result.exit_code == 0, (argv, result.stderr)
    answer = json.loads(result.stdout)
    assert (answer["from"], answer["to"]) == (first, last), argv
    assert all(first <= _first_day(change["date"]) <= last for change in answer["changes"]), argv
    assert answer["count"] == len(answer["changes"])


def _first_day(partial):
    """The first day of a partial date: '2022' is 2022-01-01, '2022-07' 2022-07-01."""
    return partial + "-01" * (2 - partial.count("-"))


def _last_day(typed, first_day):
    """The last day a typed --to means: the end of the year or month it names."""
    if first_day in (None, "?"):
        return first_day
    parts = typed.split("-") if typed[:4].isdigit() and "/" not in typed else None
    if typed.strip().count(" ") == 1 or (typed.count("/") == 1):  # 'July 2022', '7/2022': not generated
        return "?"
    if parts and len(parts) == 1:
        return f"{parts[0]}-12-31"
    if parts and len(parts) == 2:
        year, month = int(parts[0]), int(parts[1])
        following = datetime.date(year + month // 12, month % 12 + 1, 1)
        return (following - datetime.timedelta(days=1)).isoformat()
    return first_day
