"""TAB completion with a big overlay: what it offers comes from the compiled data's completion part,
and must be what the records themselves give (checked here against the records, term by term)."""
import os
import subprocess
import sys

import pytest
from click.shell_completion import ShellComplete

from icscli.cli.app import ics

COUNT = 10_000


@pytest.fixture(scope="module")
def overlay(tmp_path_factory):
    """10,000 entities; every 1,000th has an acronym, one reuses a bundled acronym (ICB), and one
    holds a responsibility, so `compare` may offer it."""
    directory = tmp_path_factory.mktemp("overlay-10k")
    lines = ["entities:"]
    for i in range(COUNT):
        lines += [f"  - id: overlay-{i}", f"    name: Overlay body {i}", "    kind: concept", "    level: place",
                  f"    summary: An overlay entity number {i}.", "    sources: [kf-act-diagram-2022]"]
        if i % 1000 == 0:
            lines.append(f"    acronyms: [OB{i}{', ICB' if i == 3000 else ''}]")
    lines += ["responsibilities:", "  - id: overlay-duty", '    function: "An overlay duty"', "    before: [ccg]",
              "    after: [overlay-7]", "    change: changed", '    effective: "2022-07-01"', "    status: done",
              "    sources: [kf-act-diagram-2022]"]
    (directory / "big.yaml").write_text("\n".join(lines) + "\n")
    import icscli

    kb = icscli.load(str(directory))  # compiled once, into the tests' cache
    kb.completion  # noqa: B018  (an overlay's completion part is made when first read, then kept)
    return str(directory), kb


def offered(args, incomplete, data):
    os.environ["ICS_DATA"] = data
    try:
        completer = ShellComplete(ics, {}, "ics", "_ICS_COMPLETE")
        return [(c.value, c.help) for c in completer.get_completions(args, incomplete)]
    finally:
        del os.environ["ICS_DATA"]


def from_records(kb, prefix, ids=None):
    """Ids and lowercased acronyms that start with the prefix, described by the first entity giving them."""
    found = {}
    for ident, entity in kb.entities.items():
        if ids is None or ident in ids:
            for text in [ident] + [a.lower() for a in entity.get("acronyms") or []]:
                if text.startswith(prefix.lower()):
                    found.setdefault(text, entity["name"])
    return sorted(found.items())


def test_explain_offers_the_overlay_terms_with_their_names(overlay):
    data, kb = overlay
    items = offered(["explain"], "overlay-12", data)
    # overlay-12, overlay-120..129, overlay-1200..1299: 1 + 10 + 100 of them
    assert len(items) == 111 and all(help == f"Overlay body {value[8:]}" for value, help in items)
    assert offered(["explain"], "OB", data) == [(f"ob{i}", f"Overlay body {i}") for i in sorted(range(0, COUNT, 1000),
                                                                                                key=str)]
    assert dict(offered(["explain"], "ic", data))["icb"] == "Integrated care board"  # the bundled ICB comes first
    for prefix in ("", "o", "overlay-9", "ic", "c", "zzz"):
        terms = dict(offered(["timeline", "--entity"], prefix, data))
        assert sorted(terms.items()) == from_records(kb, prefix), prefix


def test_explain_offers_systems_too_with_a_big_overlay(overlay):
    from icscli import systems

    data, kb = overlay
    items = dict(offered(["explain"], "0", data))
    assert items == dict(from_records(kb, "0") + systems.completion_items(kb, "0")) and "02Q" in items
    assert ("frimley", dict(systems.completion_items(kb, "fri"))["frimley"]) in offered(["system"], "fri", data)


def test_compare_offers_only_holders_and_leaves_out_a(overlay):
    data, kb = overlay
    holders = {i for r in kb.responsibilities.values() for i in (r.get("before") or []) + (r.get("after") or [])}
    assert "overlay-7" in holders
    assert offered(["compare"], "", data) == from_records(kb, "", holders)
    assert [v for v, _ in offered(["compare"], "overlay", data)] == ["overlay-7"]
    assert offered(["compare", "overlay-7"], "overlay", data) == []


def test_a_real_tab_in_zsh_shows_the_overlay_names(overlay):
    data, _ = overlay
    env = dict(os.environ, ICS_DATA=data, _ICS_COMPLETE="zsh_complete", COMP_WORDS="ics explain overlay-999",
               COMP_CWORD="2")
    result = subprocess.run([sys.executable, "-m", "icscli"], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0 and not result.stderr
    assert result.stdout.split("\n")[:6] == ["plain", "overlay-999", "Overlay body 999",
                                             "plain", "overlay-9990", "Overlay body 9990"]


def test_completion_reads_the_completion_part_not_the_records(overlay):
    """A TAB decodes neither the entity records nor the systems index: it reads one precomputed part."""
    data, _ = overlay
    probe = ("import sys\n"
             "from click.shell_completion import ShellComplete\n"
             "from icscli.cli.app import ics\n"
             "import icscli.store.model as model\n"
             "decoded = []\n"
             "real = model.CompiledState.__getitem__\n"
             "model.CompiledState.__getitem__ = lambda self, name: decoded.append(name) or real(self, name)\n"
             "items = ShellComplete(ics, {}, 'ics', '_ICS_COMPLETE').get_completions(['explain'], 'overlay-42')\n"
             "print(len(items), sorted(set(decoded)), 'icscli.systems' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, ICS_DATA=data))
    assert result.stdout.split() == ["111", "['completion']", "False"], result.stderr
