"""The package's shape, as ARCHITECTURE.md draws it: no import circles, the layers of `.importlinter`,
nothing at the root but the entry and the edges, modules one can read in one sitting, ruff clean."""
import os
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "icscli"
ROOT_MODULES = {"__init__.py", "__main__.py", "entry.py", "errors.py", "dates.py"}
MAX_LINES = 450


def _graph():
    sys.path.insert(0, str(ROOT))
    try:
        return grimp.build_graph("icscli", cache_dir=None)
    finally:
        sys.path.remove(str(ROOT))


def _circles(graph):
    """Strongly connected components of more than one module (Tarjan), imports inside functions included."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_circle_finder_finds_a_circle():
    class Graph:
        modules = {"a", "b", "c", "d"}
        edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

        def find_modules_directly_imported_by(self, module):
            return self.edges.get(module, set())

    assert _circles(Graph()) == [["a", "b", "c"]]


def test_no_import_circles():
    assert _circles(_graph()) == []


def test_layers_hold():
    """`.importlinter`'s contracts: the layers, click only in cli/, rich only where the terminal is drawn,
    renderers and exports free of the store's internals."""
    script = ("import sys; from importlinter.cli import lint_imports; "
              f"sys.exit(lint_imports(config_filename={str(ROOT / '.importlinter')!r}, no_cache=True))")
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "BROKEN" not in run.stdout and "KEPT" in run.stdout, run.stdout[-3000:]  # it ran, and held


def test_the_root_holds_only_the_entry_and_the_edges():
    assert {path.name for path in PACKAGE.glob("*.py")} == ROOT_MODULES


def test_modules_can_be_read_in_one_sitting():
    long = {str(path.relative_to(ROOT)): lines for path in PACKAGE.rglob("*.py")
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_ruff_is_clean():
    """Ruff's default rules over the package (a finding that is wrong on purpose says why beside its noqa)."""
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "icscli"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
