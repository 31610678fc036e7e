"""Helpers shared by the hostile-input tests: the real `ics` in a subprocess with a timeout, overlay
records in YAML, and the one-line error every failure must be."""
import os
import subprocess
import sys

TIMEOUT = 60
SOURCE = "kf-act-diagram-2022"
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


def ics(*args, env=None, timeout=TIMEOUT, **kwargs):
    """Run the installed command line in a fresh process (as a user would), with a timeout."""
    full_env = dict(os.environ, **(env or {}))
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "icscli", *map(str, args)], env=full_env, timeout=timeout,
                          **kwargs)


def entity(ident, **fields):
    """One overlay entity record in YAML, with the required fields filled in."""
    base = {"id": ident, "name": f"Name {ident}", "kind": "concept", "level": "system",
            "summary": "A summary.", "sources": f"[{SOURCE}]"}
    base.update(fields)
    lines = [f"  - id: {base.pop('id')}"] + [f"    {k}: {v}" for k, v in base.items()]
    return "\n".join(lines) + "\n"


def one_error_line(stderr):
    text = stderr.decode() if isinstance(stderr, bytes) else stderr
    lines = text.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ics: error: "), text
    assert "Traceback" not in text
    return lines[0]
