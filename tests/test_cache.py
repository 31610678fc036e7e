"""The compiled data: shipped in the wheel, one cache per layer, and every bad cache file a miss."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OVERLAY = """entities:
  - id: brand-new-term
    name: Brand new term
    kind: concept
    level: place
    summary: {summary}
    sources: [kf-act-diagram-2022]
"""


def ics(*args, cache, env=None, pythonpath=None):
    full = dict(os.environ, ICS_CACHE_DIR=str(cache), **(env or {}))
    if pythonpath:
        full["PYTHONPATH"] = str(pythonpath)
    return subprocess.run([sys.executable, "-m", "icscli", *map(str, args)], capture_output=True, text=True,
                          env=full, cwd=str(pythonpath or ROOT), timeout=120)


def compiled(cache):
    return sorted(cache.glob("kb-*.ics"))


@pytest.fixture(scope="module")
def bundled_compile():
    """The bundled layer's compiled file from the session cache (compiled once)."""
    import icscli
    from icscli.store import cache

    icscli.load()
    return [p for p in compiled(__import__("pathlib").Path(cache.cache_dir()))
            if p.name.startswith(f"kb-{cache.layer_id(os.path.join(ROOT, 'data'))}-")][0]


@pytest.fixture
def warm(tmp_path, bundled_compile):
    """A private cache that already holds the bundled layer: only what a test changes compiles."""
    import shutil

    target = tmp_path / "cache"
    target.mkdir()
    shutil.copy2(bundled_compile, target / bundled_compile.name)
    return target


@pytest.fixture
def built(built_package):
    return built_package


def test_shipped_form_equals_a_fresh_compile(built, tmp_path):
    from icscli.store import cache, shipped

    path = built / "icscli" / "bundled.ics"
    handle = cache.CompiledFile(str(path))
    assert handle.key == shipped.shipped_key(os.path.join(ROOT, "data"))
    fresh = dict(cache.parts(shipped.compile_state(os.path.join(ROOT, "data"))))
    assert sorted(handle.names()) == sorted(fresh)
    for name, blob in fresh.items():
        assert handle.load(name) == __import__("marshal").loads(blob), name


def test_installed_package_reads_the_shipped_form_and_writes_no_cache(built, tmp_path):
    cache_dir = tmp_path / "cache"
    installed = ics("explain", "icb", "--format", "json", cache=cache_dir, pythonpath=built)
    assert installed.returncode == 0, installed.stderr
    assert not cache_dir.exists() or not compiled(cache_dir)
    checkout = ics("explain", "icb", "--format", "json", cache=tmp_path / "other")
    assert installed.stdout == checkout.stdout


def test_overlay_compiles_without_parsing_the_bundled_data(tmp_path):
    (tmp_path / "ov").mkdir()
    (tmp_path / "ov" / "new.yaml").write_text(OVERLAY.format(summary="Added."))
    code = ("import sys, icscli.store.loader as L\n"
            "seen = []\nparse = L.parse_file\n"
            "L.parse_file = lambda path, label, **kw: (seen.append(label), parse(path, label, **kw))[1]\n"
            "import icscli\nicscli.load()\nbefore = len(seen)\n"
            f"kb = icscli.load({str(tmp_path / 'ov')!r})\n"
            "print(before > 1, seen[before:], kb.entity('brand-new-term')['name'])\n")
    env = dict(os.environ, ICS_CACHE_DIR=str(tmp_path / "cache"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.stdout.split("\n")[0] == f"True [{str(tmp_path / 'ov' / 'new.yaml')!r}] Brand new term", result.stderr


def test_edit_keeping_size_and_mtime_is_not_served_stale(tmp_path, warm):
    overlay = tmp_path / "ov"
    overlay.mkdir()
    target = overlay / "new.yaml"
    target.write_text(OVERLAY.format(summary="First text."))
    stamp = target.stat()
    assert "First text." in ics("explain", "brand-new-term", "--data", overlay, cache=warm).stdout
    target.write_text(OVERLAY.format(summary="Other text."))  # same size
    os.utime(target, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # `touch -r`: mtime set back
    assert target.stat().st_size == stamp.st_size and target.stat().st_mtime_ns == stamp.st_mtime_ns
    assert "Other text." in ics("explain", "brand-new-term", "--data", overlay, cache=warm).stdout


def overlay_compile(tmp_path, warm, *args):
    """Run once with a small overlay; (its compiled file, the run's output). Its file holds every part
    (the systems index too), and rebuilding it does not parse the bundled data: cheap to corrupt."""
    overlay = tmp_path / "ov"
    overlay.mkdir()
    (overlay / "new.yaml").write_text(OVERLAY.format(summary="Added."))
    before = set(compiled(warm))
    good = ics(*args, "--data", overlay, cache=warm)
    assert good.returncode == 0, good.stderr
    [path] = set(compiled(warm)) - before
    return path, good, overlay


def test_every_flipped_byte_is_a_miss_not_a_wrong_answer(tmp_path, warm):
    path, good, overlay = overlay_compile(tmp_path, warm, "systems", "--format", "csv")
    original = path.read_bytes()
    size = len(original)
    for offset in (12, 40, size // 3, size // 2, size - 5):  # magic, head, parts, table of contents
        flipped = bytearray(original)
        flipped[offset] ^= 0x10
        path.write_bytes(bytes(flipped))
        again = ics("systems", "--format", "csv", "--data", overlay, cache=warm)
        assert (again.returncode, again.stdout, again.stderr) == (0, good.stdout, ""), offset


def test_cache_of_another_shape_with_the_right_key_is_a_miss(tmp_path, warm):
    import marshal

    from icscli.store import cache

    path, good, overlay = overlay_compile(tmp_path, warm, "explain", "icb", "--format", "json")
    key = cache.CompiledFile(str(path)).key
    for state in ({"entities": []}, {"entities": {"icb": 1}, "index": [], "event_order": {}},
                  {name: ["not", "a", "dict"] for name in cache.CompiledFile(str(path)).names()}):
        path.write_bytes(cache.assemble([(k, marshal.dumps(v)) for k, v in state.items()], key))
        again = ics("explain", "icb", "--format", "json", "--data", overlay, cache=warm)
        assert (again.returncode, again.stdout, again.stderr) == (0, good.stdout, "")


def test_cache_file_that_is_a_fifo_does_not_hang(tmp_path, warm):
    cache_dir = warm
    good = ics("explain", "icb", cache=cache_dir)
    [path] = compiled(cache_dir)
    path.unlink()
    os.mkfifo(path)
    again = ics("explain", "icb", cache=cache_dir)
    assert (again.returncode, again.stdout) == (0, good.stdout)


def test_relative_xdg_cache_home_is_ignored(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home), XDG_CACHE_HOME="relative-cache", PYTHONPATH=ROOT)  # this checkout
    env.pop("ICS_CACHE_DIR")
    result = subprocess.run([sys.executable, "-m", "icscli", "explain", "icb"], capture_output=True, env=env,
                            cwd=str(tmp_path))
    assert result.returncode == 0
    assert not (tmp_path / "relative-cache").exists()
    assert compiled(home / ".cache" / "icscli")


def test_old_compiles_of_a_layer_are_removed(tmp_path, warm):
    overlay = tmp_path / "ov"
    overlay.mkdir()
    cache_dir = warm
    for n in range(3):
        (overlay / "new.yaml").write_text(OVERLAY.format(summary=f"Version {n}."))
        assert f"Version {n}." in ics("explain", "brand-new-term", "--data", overlay, cache=cache_dir).stdout
    assert len(compiled(cache_dir)) == 2  # the bundled layer and the newest overlay compile


def test_unwritable_cache_warns_once_and_works(tmp_path):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")
    overlay = tmp_path / "ov"
    overlay.mkdir()
    (overlay / "new.yaml").write_text(OVERLAY.format(summary="Added."))
    result = ics("explain", "brand-new-term", "--data", overlay, cache=blocker / "x")
    assert result.returncode == 0 and "Added." in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ics: warning: cannot write the cache in "), lines


EVENT_AND_ICB = """events:
  - id: overlay-event
    date: "2023-05"
    title: An overlay event
    description: Something the overlay adds.
    entities: [icb]
    tags: [policy]
    sources: [kf-act-diagram-2022]
icbs:
  - id: overlay-icb-2022
    version: "2022"
    ons_code: "E54999999"
    name: NHS Overlay Integrated Care Board
    short_name: Overlay
    region: London
    sources: [kf-act-diagram-2022]
"""


REPLACED_ICB = """  - id: icb
    name: Integrated care board
    kind: statutory body
    level: system
    summary: Overridden summary.
    acronyms: [ICB, BNT]
    replaced: [ccg]
    sources: [kf-act-diagram-2022]
"""
ADDED = """  - id: brand-new-successor
    name: Integrated care board
    kind: concept
    level: place
    summary: Shares a name with the ICB, and replaced the CCG too.
    acronyms: [ICB]
    replaced: [ccg]
    sources: [kf-act-diagram-2022]
"""


@pytest.fixture(scope="module")
def compiled_at_once(tmp_path_factory):
    """(overlay folder, a compile of the bundled data and that overlay at once), made once per overlay
    text for the module: both ways of loading the layer below compare with the same compile."""
    from icscli import store
    from icscli.store.build import build_state
    from icscli.store.loader import compile_sources
    from icscli.store.model import KnowledgeBase

    made = {}

    def get(text):
        if text not in made:
            overlay = tmp_path_factory.mktemp("ov")
            (overlay / "new.yaml").write_text(text)
            tables, problems = compile_sources([(store.bundled_data_dir(), ""), (str(overlay), str(overlay))])
            assert problems == []
            made[text] = overlay, KnowledgeBase(build_state(tables))
        return made[text]

    return get


@pytest.mark.parametrize("more", ["", EVENT_AND_ICB], ids=["entities", "with an event and an ICB"])
@pytest.mark.parametrize("entities", [REPLACED_ICB, ADDED], ids=["one replaced", "only added"])
@pytest.mark.parametrize("use_cache", [False, True], ids=["below compiled now", "below from its compiled file"])
def test_overlay_state_equals_a_compile_of_both_layers_at_once(use_cache, entities, more, warm, monkeypatch,
                                                               compiled_at_once):
    """Every part of an overlay's state, compiled on the layer below's, equals a compile of both layers
    at once; so does the state read back from the overlay's compiled file."""
    from icscli import store

    overlay, whole = compiled_at_once(OVERLAY.format(summary="Added.") + entities + more)
    monkeypatch.setenv("ICS_CACHE_DIR", str(warm))  # with the cache, the bundled layer comes from its file
    layered = store.load(str(overlay), use_cache=use_cache)

    def decoded(part):  # in order
        return (part, list(part)) if isinstance(part, dict) else part

    for name in whole.state:
        assert decoded(getattr(layered, name)) == decoded(getattr(whole, name)), name
    if use_cache:
        again = store.load(str(overlay))
        assert sorted(again.state) == sorted(whole.state)  # every part, from the file
        for name in whole.state:
            assert decoded(getattr(again, name)) == decoded(getattr(whole, name)), name


def test_an_overlays_compiled_file_answers_search_and_tab_without_compiling_again(tmp_path, warm):
    """An overlay's first run compiles every part (search rows and what TAB offers included): later
    searches and TABs read them from its compiled file and compile nothing."""
    from icscli.store import cache

    path, good, overlay = overlay_compile(tmp_path, warm, "explain", "brand-new-term")
    assert {"search_index", "completion"} <= set(cache.CompiledFile(str(path)).names())
    probe = ("import sys, icscli, icscli.store.build as b\n"
             "b.compile_layer = lambda *a: sys.exit('compiled again')\n"
             f"kb = icscli.load({str(overlay)!r})\n"
             "print(len(kb.search_index) > 100, sorted(kb.completion))\n")
    read = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, ICS_CACHE_DIR=str(warm)))
    assert read.stdout.split("\n")[0] == "True ['holders', 'regions', 'systems', 'terms']", read.stderr
    first = ics("search", "brand new", "--data", overlay, cache=warm)
    assert first.returncode == 0 and "Brand new term (entity)" in first.stdout, first.stderr
    tab = {"_ICS_COMPLETE": "bash_complete", "COMP_WORDS": "ics explain brand-n", "COMP_CWORD": "2",
           "ICS_DATA": str(overlay)}
    assert "brand-new-term" in ics(cache=warm, env=tab).stdout
    assert compiled(warm) == sorted([path] + [p for p in compiled(warm) if p != path])  # the same compile


def test_a_corrupt_search_part_of_an_overlay_is_a_miss(tmp_path, warm):
    path, good, overlay = overlay_compile(tmp_path, warm, "search", "brand new")
    from icscli.store import cache

    offset, length, _digest = cache.CompiledFile(str(path)).parts["search_index"]
    flipped = bytearray(path.read_bytes())
    flipped[offset + length // 2] ^= 0x10
    path.write_bytes(bytes(flipped))
    again = ics("search", "brand new", "--data", overlay, cache=warm)
    assert (again.returncode, again.stdout, again.stderr) == (0, good.stdout, "")


def test_a_compile_leaves_no_cycles_that_grow_with_the_data(tmp_path, warm):
    """The fast path answers with the cyclic garbage collector off, a compile on a cache miss included:
    sound while what a compile leaves to the collector does not grow with the data."""
    probe = ("import gc, sys\ngc.disable()\nimport icscli\nicscli.load()\ngc.collect()\n"
             "icscli.load(sys.argv[1])\nprint(gc.collect())\n")
    found = []
    for count in (1, 2000):
        overlay = tmp_path / f"ov{count}"
        overlay.mkdir()
        (overlay / "many.yaml").write_text("entities:\n" + "".join(
            f"  - id: cyc-{i}\n    name: Body {i}\n    kind: concept\n    level: place\n    summary: S {i}.\n"
            f"    related: [icb]\n    sources: [kf-act-diagram-2022]\n" for i in range(count)))
        result = subprocess.run([sys.executable, "-c", probe, str(overlay)], capture_output=True, text=True,
                                cwd=ROOT, env=dict(os.environ, ICS_CACHE_DIR=str(warm)))
        assert result.returncode == 0, result.stderr
        found.append(int(result.stdout))
    assert found[1] - found[0] < 100, found


# Overlays whose problems the whole-data checks find: a part_of cycle through a bundled entity (both
# ends reported, the bundled one at its own file:line), rules on the overlay's own records, and a
# systems record (the systems rules then run over every record).
LAYERED_PROBLEMS = {
    "cycle through bundled": """entities:
  - id: icb
    name: Integrated care board
    kind: statutory body
    level: system
    summary: Overridden to make a cycle.
    part_of: [joint-forward-plan]
    sources: [kf-act-diagram-2022]
""",
    "own records": """entities:
  - id: twice-renamed
    name: Twice renamed
    kind: concept
    level: place
    summary: S.
    former_names: [{name: Old}, {name: Old}]
    sources: [kf-act-diagram-2022]
sources:
  - id: nowhere
    title: Nowhere
    publisher: Nobody
    date: "2020"
    kind: publication
events:
  - id: backwards
    date: "2022-05"
    end: "2021-01"
    title: Backwards
    description: Ends first.
    sources: [kf-act-diagram-2022]
""",
    "systems code twice": """icbs:
  - id: copy-2022
    version: "2022"
    ons_code: "E54000040"
    ods_code: "QOX"
    name: A copy
    short_name: Copy
    sources: [kf-act-diagram-2022]
""",
}


@pytest.mark.parametrize("name", LAYERED_PROBLEMS)
def test_overlay_problems_equal_a_check_of_both_layers_at_once(tmp_path, name):
    """The checks of an overlay compiled on the bundled layer's compiled state look only where the
    overlay can have made a problem: they must find exactly what checking both layers at once finds."""
    from icscli import store
    from icscli.errors import DataError
    from icscli.store.loader import compile_sources

    overlay = tmp_path / "ov"
    overlay.mkdir()
    (overlay / "new.yaml").write_text(LAYERED_PROBLEMS[name])
    store.load()  # the bundled layer compiled and cached: the overlay compiles on its stored state
    with pytest.raises(DataError) as layered:
        store.load(str(overlay))
    _tables, whole = compile_sources([(store.bundled_data_dir(), ""), (str(overlay), str(overlay))])
    assert whole and list(map(str, layered.value.problems)) == list(map(str, whole))
    if name == "cycle through bundled":
        assert [p.file for p in whole] == [os.path.join("entities", "after-2022.yaml"), str(overlay / "new.yaml")]


def test_a_timeline_part_of_another_shape_is_a_miss(tmp_path, warm):
    import marshal

    from icscli.store import cache

    path, good, overlay = overlay_compile(tmp_path, warm, "timeline", "--from", "2021", "--format", "json")
    compiled_file = cache.CompiledFile(str(path))
    parts = {name: compiled_file.load(name) for name in compiled_file.names()}
    for odd in ({"not": "a list"}, ("a", "tuple"), "text"):
        path.write_bytes(cache.assemble([(k, marshal.dumps(odd if k == "timeline" else v)) for k, v in parts.items()],
                                        compiled_file.key))
        again = ics("timeline", "--from", "2021", "--format", "json", "--data", overlay, cache=warm)
        assert (again.returncode, again.stdout, again.stderr) == (0, good.stdout, ""), odd


def test_two_writers_of_one_compiled_file_do_not_collide(tmp_path, capsys):
    """Two writers of the same layer at once each write a whole file under a temporary name of their own
    (threads of one process share a pid, so a name made of the pid is not one of their own)."""
    import threading

    from icscli.store import cache

    path = str(tmp_path / "kb-layer-key.ics")
    inside, release = threading.Event(), threading.Event()

    class Slow(dict):  # a state whose parts come slowly: the first writer is mid-file when the second writes
        def items(self):
            for item in dict.items(self):
                inside.set()
                release.wait(30)
                yield item

    done = {}
    first = threading.Thread(target=lambda: done.setdefault("first", cache.write(path, Slow(index={"a": {}}), "k")))
    first.start()
    try:
        assert inside.wait(30)
        done["second"] = cache.write(path, {"index": {"b": {}}}, "k")
    finally:
        release.set()
        first.join(30)
    assert done == {"first": True, "second": True}
    assert capsys.readouterr().err == ""
    assert cache.CompiledFile(path, key="k").load("index") == {"a": {}}  # the last one renamed wins, whole
    assert os.listdir(tmp_path) == ["kb-layer-key.ics"]  # no temporary left behind


def test_two_processes_compiling_one_overlay_at_once(tmp_path, warm):
    overlay = tmp_path / "ov"
    overlay.mkdir()
    (overlay / "new.yaml").write_text(OVERLAY.format(summary="Added."))
    env = dict(os.environ, ICS_CACHE_DIR=str(warm))
    argv = [sys.executable, "-m", "icscli", "explain", "brand-new-term", "--data", str(overlay)]
    runs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
            for _ in range(2)]
    outputs = [run.communicate(timeout=120) + (run.returncode,) for run in runs]
    assert outputs[0] == outputs[1] and outputs[0][1:] == ("", 0) and "Added." in outputs[0][0], outputs
    assert len(compiled(warm)) == 2 and not [n for n in os.listdir(warm) if n.endswith(".tmp")]


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors in /proc/self/fd (Linux)")
def test_loading_the_data_again_and_again_keeps_no_descriptor_open(run):
    """Each load opened the compiled file and kept its descriptor for good: a process that runs many
    commands (the test suite's workers, `ics mcp`) passed 1,024 of them, where select() fails."""
    import gc

    run("explain", "icb", "-f", "json")
    gc.collect()
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(30):
        assert run("explain", "icb", "-f", "json").exit_code == 0
    gc.collect()
    assert len(os.listdir("/proc/self/fd")) - before < 5
