import json
import os
import sys

import pytest

# The suite starts worker processes and runs `python -m icscli` in subprocesses. With
# PYTHONDONTWRITEBYTECODE set (it is on the CI machine) each of them compiles every module from source
# again (about 50 ms a subprocess, 3 s a worker's collection); writing bytecode is Python's default,
# and __pycache__ is git-ignored.
sys.dont_write_bytecode = False
from click.testing import CliRunner

from icscli.cli.app import ics


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """Tests never touch the user's cache or imports, and exercise the cache like a real run."""
    os.environ["ICS_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ["ICS_IMPORTS_DIR"] = str(tmp_path_factory.mktemp("imports"))  # nor what the user imported
    os.environ.pop("ICS_NO_CACHE", None)
    os.environ.pop("ICS_BUNDLED_DATA", None)
    os.environ.pop("ICS_DATA", None)
    os.environ["ICS_TODAY"] = "2026-12-01"  # tests never depend on the clock
    yield


class Result:
    def __init__(self, result):
        self.exit_code = result.exit_code
        self.output = result.stdout
        self.stderr = result.stderr
        self.exception = result.exception

    def json(self):
        return json.loads(self.output)

    def __repr__(self):
        return f"<exit {self.exit_code}; stdout {self.output[:300]!r}; stderr {self.stderr[:300]!r}>"


def invoke(*args, env=None):
    runner = CliRunner()
    result = runner.invoke(ics, [str(a) for a in args], env=env, catch_exceptions=True)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Result(result)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An imports directory of the test's own (the session's is empty): the test's tmp_path."""
    monkeypatch.setenv("ICS_IMPORTS_DIR", str(tmp_path / "imports"))
    return tmp_path


@pytest.fixture
def run():
    return invoke


@pytest.fixture(scope="session")
def kb():
    import icscli

    return icscli.load()


@pytest.fixture(scope="session")
def built_package(tmp_path_factory):
    """The package as the wheel lays it out, built by setup.py's build hook (compiled data, click spec)."""
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    target = tmp_path_factory.mktemp("build")
    result = subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(target)],
                            cwd=root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return target


@pytest.fixture
def status_overlay(tmp_path):
    """make(status_yaml) -> a data directory holding one duty, 'test-duty', whose status periods are the
    given YAML list lines (for `ics validate DIR` and `--data DIR`)."""
    import textwrap

    def make(status_yaml):
        (tmp_path / "x.yaml").write_text(textwrap.dedent("""\
            entities:
              - id: test-duty
                name: Test duty
                kind: duty
                level: national
                summary: A test.
                status:
            """) + textwrap.indent(textwrap.dedent(status_yaml), "      ") + "    sources: [kf-ics-explained-2021]\n")
        return tmp_path

    return make
