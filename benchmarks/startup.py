#!/usr/bin/env python3
"""Whole-process timings of `ics`, one row per target of the speed table (see benchmarks/README.md).

Each row times two commands alternately (paired runs, so machine noise hits both) and prints their
medians and the ratio, next to the target. Run it from a non-editable install (`pip install .` in a
fresh venv): an editable install has no compiled data or interface in the package. Standard library
only.

    python benchmarks/startup.py                 # every row (the 100,000-entity rows take minutes)
    python benchmarks/startup.py --big 0         # skip the 100,000-entity rows
    python benchmarks/startup.py --runs 31
    python benchmarks/startup.py --format rich --big 0   # warm rows in rich, against import click
    python benchmarks/startup.py --terminal --big 0 --only terminal   # on a pseudo-terminal
    python benchmarks/startup.py --only completion --only tabulate   # the rows whose label has a word
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

WARM = [["explain", "icb"], ["timeline"], ["compare", "ccg", "icb"], ["search", "commissioning"],
        ["ccg", "02Q"], ["systems"]]
SHOWN = [["explain", "icb"], ["timeline"], ["compare", "ccg", "icb"], ["systems"], ["tree"]]  # --terminal


def timed(argv, env, fresh_cache=False):
    if fresh_cache:
        env = dict(env, ICS_CACHE_DIR=tempfile.mkdtemp(prefix="ics-bench-fresh-"))
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    took = time.perf_counter() - start
    if fresh_cache:
        shutil.rmtree(env["ICS_CACHE_DIR"], ignore_errors=True)
    return took


def paired(runs, first, second):
    """Medians of two alternating timers, and their ratio."""
    pairs = [(first(), second()) for _ in range(runs)]
    a = statistics.median(p[0] for p in pairs)
    b = statistics.median(p[1] for p in pairs)
    return a, b, a / b


def row(label, mine, base, ratio, against, target):
    verdict = "ok" if ratio <= target else "MISSED"
    print(f"{label:44} {mine * 1000:8.1f} ms  {against:>16} {base * 1000:7.1f} ms  "
          f"{ratio:5.2f}x  (target {target}x: {verdict})", flush=True)


def write_overlay(directory, count, events=True):
    """A synthetic overlay: `count` entities (and as many events), valid against the schema."""
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "synthetic.yaml"), "w") as out:
        out.write("entities:\n")
        for i in range(count):
            out.write(f"  - id: synthetic-{i}\n    name: Synthetic body {i}\n    kind: concept\n    level: place\n"
                      f"    summary: A synthetic entity number {i} for scaling tests.\n"
                      f"    related: [icb]\n    sources: [kf-act-diagram-2022]\n")
        if events:
            out.write("events:\n")
            for i in range(count):
                out.write(f"  - id: synthetic-event-{i}\n    date: \"{2012 + i % 14}-0{1 + i % 9}\"\n"
                          f"    title: Synthetic event {i}\n    description: Something happened, number {i}.\n"
                          f"    entities: [synthetic-{i}]\n    tags: [policy]\n    sources: [kf-act-diagram-2022]\n")


def cold_build(ics, overlay, env):
    """CPU seconds and peak memory of one run that compiles the overlay from nothing."""
    code = ("import resource, subprocess, sys\n"
            "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
            "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "print(u.ru_utime + u.ru_stime, u.ru_maxrss)\n")
    fresh = dict(env, ICS_CACHE_DIR=tempfile.mkdtemp(prefix="ics-bench-cold-"))
    out = subprocess.run([sys.executable, "-c", code, ics, "explain", "icb", "--data", overlay],
                         capture_output=True, text=True, env=fresh).stdout.split()
    shutil.rmtree(fresh["ICS_CACHE_DIR"], ignore_errors=True)
    return float(out[0]), int(out[1]) / (1024 * 1024)  # ru_maxrss is in KiB on Linux


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--big", type=int, default=100_000, help="entities in the big overlay (0: skip)")
    parser.add_argument("--format", default="plain",
                        help="format of the warm rows; other than plain they are timed against import click "
                             "(issue 11: rich at most 1.8x)")
    parser.add_argument("--terminal", action="store_true",
                        help="the warm rows on a pseudo-terminal (util-linux `script`), in the terminal format, "
                             "against import click on one too (issue 22: at most 2.2x)")
    parser.add_argument("--only", action="append", default=[], metavar="WORD",
                        help="only the rows whose label holds this word, any case (repeatable)")
    args = parser.parse_args()
    shown = lambda label: not args.only or any(w.lower() in label.lower() for w in args.only)  # noqa: E731

    python = sys.executable
    ics = shutil.which("ics", path=os.path.dirname(python)) or shutil.which("ics")
    work = tempfile.mkdtemp(prefix="ics-bench-")
    env = dict(os.environ, ICS_CACHE_DIR=os.path.join(work, "cache"))
    for name in ("ICS_DATA", "ICS_NO_CACHE", "ICS_BUNDLED_DATA", "ICS_FORMAT"):
        env.pop(name, None)
    run = lambda argv, **kw: (lambda: timed(argv, env, **kw))  # noqa: E731
    bare = [python, "-c", "pass"]
    click = [python, "-c", "import click"]
    print(f"python {sys.version.split()[0]} on {os.uname().sysname} {os.uname().machine}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}; {args.runs} paired runs (medians); "
          + ("output on a pseudo-terminal (rich)" if args.terminal else f"output to a pipe ({args.format})"))

    if args.terminal and shown("on a terminal"):  # stdout a terminal: the default format is the terminal's
        import shlex

        def on_terminal(argv):
            return ["script", "-qec", shlex.join(argv), "/dev/null"]

        shown_env = dict(env, ICS_NO_PAGER="1", COLUMNS="80")
        for command in SHOWN:
            argv = on_terminal([ics, *command])
            timed(argv, shown_env)  # warm
            row(f"on a terminal: ics {' '.join(command)}",
                *paired(args.runs, lambda argv=argv: timed(argv, shown_env),
                        lambda: timed(on_terminal(click), shown_env)), "import click", 2.2)
    elif shown("warm ics") and not args.terminal:
        for command in WARM:
            argv = [ics, *command] + ([] if args.format == "plain" else ["--format", args.format])
            timed(argv, env)  # warm
            if args.format == "plain":
                row("warm ics " + " ".join(command), *paired(args.runs, run(argv), run(bare)), "python -c pass", 2.5)
            else:
                row(f"warm ics {' '.join(command)} -f {args.format}", *paired(args.runs, run(argv), run(click)),
                    "import click", 1.8)

    explain = [ics, "explain", "icb"]
    if shown("first run after install"):
        row("first run after install: ics explain icb",
            *paired(args.runs, run(explain, fresh_cache=True), run(explain)), "warm run", 1.5)

    if shown("1,000-entity overlay, first run"):
        small = os.path.join(work, "overlay-1000")
        write_overlay(small, 1000, events=False)
        row("1,000-entity overlay, first run: explain",
            *paired(args.runs, run(explain + ["--data", small], fresh_cache=True), run(explain)), "warm bundled", 3.0)

    if shown("tabulate format"):
        for fmt in ("github", "grid"):
            argv = [ics, "timeline", "--format", fmt]
            timed(argv, env)
            row(f"tabulate format: ics timeline -f {fmt}", *paired(args.runs, run(argv), run(click)),
                "import click", 1.3)

    if shown("TAB completion, 10,000-entity overlay"):
        mid = os.path.join(work, "overlay-10000")
        write_overlay(mid, 10_000)
        complete = dict(env, _ICS_COMPLETE="bash_complete", COMP_WORDS="ics explain ic", COMP_CWORD="2", ICS_DATA=mid)
        timed([ics], complete)
        row("TAB completion, 10,000-entity overlay", *paired(args.runs, lambda: timed([ics], complete), run(click)),
            "import click", 1.3)

    if args.big and shown(f"{args.big:,}-entity overlay, cold build and warm"):
        big = os.path.join(work, f"overlay-{args.big}")
        write_overlay(big, args.big)
        cpu, memory = cold_build(ics, big, env)
        print(f"{args.big:,}-entity overlay, cold build: {cpu:.1f} s CPU, {memory:.2f} GB peak "
              f"(target at most 39 s and 0.48 GB: {'ok' if cpu <= 39 and memory <= 0.48 else 'MISSED'})")
        # --from 2026 prints what the bundled run prints, from the same 100,000 events
        for command in (["explain", "icb"], ["timeline", "--from", "2026"]):
            plain = [ics, *command]
            large = plain + ["--data", big]
            timed(plain, env), timed(large, env)  # warm both
            row(f"{args.big:,}-entity overlay, warm " + " ".join(command),
                *paired(args.runs, run(large), run(plain)), "bundled", 3.0)
        output_bound(ics, big, env, args.runs, f"{args.big:,}-entity overlay")
    shutil.rmtree(work, ignore_errors=True)


def printed_events(argv, env):
    out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True).stdout
    return sum(1 for line in out.splitlines() if line.startswith("- "))


def output_bound(ics, big, env, runs, label):
    """`timeline --from 2020` prints about 43,000 of the synthetic events, so its time is its output:
    against the bundled run's one screen no ratio could be fair. Its baseline prints the same lines
    from the same data compiled as one bundled layer (ICS_BUNDLED_DATA: the bundled files plus the
    synthetic file), so the row shows what being an overlay costs when the output is large."""
    from icscli.store.files import bundled_data_dir

    merged = os.path.join(os.path.dirname(big), "bundled-plus-synthetic")
    shutil.copytree(bundled_data_dir(), merged)
    shutil.copytree(big, os.path.join(merged, "zz-synthetic"))
    one_layer = dict(env, ICS_BUNDLED_DATA=merged)
    argv = [ics, "timeline", "--from", "2020"]
    overlay = argv + ["--data", big]
    timed(argv, one_layer)  # compiles the one-layer data once (a minute's work), then warm
    counts = printed_events(overlay, env), printed_events(argv, one_layer)
    assert counts[0] == counts[1], counts
    mine, base, ratio = paired(min(runs, 7), lambda: timed(overlay, env), lambda: timed(argv, one_layer))
    print(f"{label}, warm timeline --from 2020 ({counts[0]:,} events){mine * 1000:9.1f} ms  "
          f"same data, one layer {base * 1000:7.1f} ms  {ratio:5.2f}x  (target 3.0x: "
          f"{'ok' if ratio <= 3.0 else 'MISSED'})", flush=True)


if __name__ == "__main__":
    main()
