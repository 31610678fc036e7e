"""The core is a library: it imports neither click nor rich, and the CLI behaves in a real process."""
import os
import subprocess
import sys

import pytest


def _python(code, env=None, **kwargs):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, **(env or {})), timeout=120, **kwargs)


def test_core_imports_without_click_or_rich():
    code = (
        "import sys, icscli\n"
        "from icscli.queries import reference as query, resolve\n"
        "kb = icscli.load()\n"
        "assert kb.entity('ICB')['id'] == 'icb'\n"
        "card = query.card(kb, 'icb')\n"
        "tl = query.timeline(kb, date_from='2021')\n"
        "cmp = query.compare(kb, 'ccg', 'icb')\n"
        "print(sorted(m for m in ('click', 'rich', 'tabulate') if m in sys.modules))\n"
    )
    result = _python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_cached_run_does_not_import_yaml_rich_or_tabulate():
    env = {}  # the session's private cache (conftest)
    code = ("import sys; sys.argv = ['ics', 'explain', 'icb', '--format', 'plain']\n"
            "from icscli.cli.app import ics\n"
            "try:\n    ics()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('yaml', 'rich', 'tabulate') if m in sys.modules), file=sys.stderr)")
    _python(code, env)  # builds the cache, unless an earlier test on this worker has
    result = _python(code, env)
    assert result.stderr.strip().splitlines()[-1] == "[]", result.stderr


@pytest.mark.parametrize("args", [["timeline"], ["glossary"], ["explain", "icb"]])
def test_closed_pipe_ends_quietly(args):
    command = [sys.executable, "-m", "icscli", *args]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ))
    proc.stdout.readline()
    proc.stdout.close()
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err and b"Exception" not in err, err


def test_module_entry_point_and_exit_codes():
    env = dict(os.environ)
    ok = subprocess.run([sys.executable, "-m", "icscli", "explain", "ccg"], capture_output=True, text=True, env=env)
    assert ok.returncode == 0 and ok.stdout.startswith("Clinical commissioning group")
    unknown = subprocess.run([sys.executable, "-m", "icscli", "explain", "qqq"], capture_output=True, text=True, env=env)
    assert unknown.returncode == 2 and unknown.stderr.startswith("ics: error: unknown term")


@pytest.mark.parametrize("env", [{"LANG": "C", "LC_ALL": "C"}, {"TERM": "dumb"}, {"COLUMNS": "40"},
                                 {"NO_COLOR": "1"}])
def test_hostile_environments(env):
    full = dict(os.environ, **env)
    for fmt in ("plain", "rich"):
        result = subprocess.run([sys.executable, "-m", "icscli", "explain", "icb", "--format", fmt],
                                capture_output=True, env=full)
        assert result.returncode == 0, result.stderr
        assert b"Integrated care board" in result.stdout
        assert b"\x1b[" not in result.stdout


def test_read_only_home_and_cache(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o500)
    env = dict(os.environ, HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"))
    env.pop("ICS_CACHE_DIR", None)
    try:
        result = subprocess.run([sys.executable, "-m", "icscli", "explain", "icb"], capture_output=True, env=env)
    finally:
        home.chmod(0o700)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"Integrated care board")


def test_completion_is_dynamic_and_light():
    env = dict(os.environ, _ICS_COMPLETE="bash_complete", COMP_CWORD="2")
    subprocess.run([sys.executable, "-m", "icscli", "explain"], capture_output=True, env=dict(env, _ICS_COMPLETE=""))
    code = ("import sys, runpy\n"
            "sys.argv = ['ics']\n"
            "try:\n    runpy.run_module('icscli', run_name='__main__')\n"
            "except SystemExit:\n    pass\n")
    terms = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=dict(env, COMP_WORDS="ics explain ic"))
    assert "plain,icb" in terms.stdout and "plain,icp" in terms.stdout
    systems = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env=dict(env, COMP_WORDS="ics system fri"))
    assert "frimley" in systems.stdout.lower()
    probe = ("import sys, os\n"
             "from click.shell_completion import ShellComplete\n"
             "from icscli.cli.app import ics\n"
             "comp = ShellComplete(ics, {}, 'ics', '_ICS_COMPLETE')\n"
             "words = [c.value for c in comp.get_completions(['ccg'], '02')]\n"
             "print('02Q' in words, sorted(m for m in ('rich', 'tabulate', 'yaml') if m in sys.modules))\n")
    result = _python(probe)
    assert result.stdout.strip() == "True []", result.stderr


def test_completion_scripts(tmp_path):
    for shell in ("bash", "zsh", "fish"):
        result = subprocess.run([sys.executable, "-m", "icscli", "completion", shell], capture_output=True, text=True)
        assert result.returncode == 0 and "_ICS_COMPLETE" in result.stdout
