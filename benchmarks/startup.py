#!/usr/bin/env python3
"""Whole-process start-up timings of `ics` against bare `python -c "import click"`.

Runs each command and the baseline alternately (paired runs, so machine noise hits both), takes
medians, and prints each command's ratio to the baseline. Standard library only.

    python benchmarks/startup.py                  # ratios to `import click`, then the overlay scaling
    python benchmarks/startup.py --overlay 0      # skip the scaling part
    python benchmarks/startup.py --format rich    # time another output format

Targets (issue 7): with --format plain (what a pipe gets) each command at most 1.25x `import click`,
with --format rich at most 2.0x; with an overlay of 10,000 entities and 10,000 events, explain, search
and timeline --from 2020 at most 3x their time on the bundled data.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

COMMANDS = [
    ["explain", "icb"],
    ["timeline"],
    ["compare", "ccg", "icb"],
    ["search", "commissioning"],
    ["systems"],
]
SCALING = [
    ["explain", "icb"],
    ["search", "commissioning"],
    ["timeline", "--from", "2020"],
]


def timed(argv, env):
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - start


def write_overlay(directory, count):
    """A synthetic overlay: `count` entities and `count` events, valid against the schema."""
    with open(os.path.join(directory, "synthetic.yaml"), "w") as out:
        out.write("entities:\n")
        for i in range(count):
            out.write(f"  - id: synthetic-{i}\n    name: Synthetic body {i}\n    kind: concept\n    level: place\n"
                      f"    summary: A synthetic entity number {i} for scaling tests.\n"
                      f"    related: [icb]\n    sources: [kf-act-diagram-2022]\n")
        out.write("events:\n")
        for i in range(count):
            year = 2012 + i % 14
            out.write(f"  - id: synthetic-event-{i}\n    date: \"{year}-0{1 + i % 9}\"\n"
                      f"    title: Synthetic event {i}\n    description: Something happened, number {i}.\n"
                      f"    entities: [synthetic-{i}]\n    tags: [policy]\n    sources: [kf-act-diagram-2022]\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--overlay", type=int, default=10000, help="size of the synthetic overlay (0: skip)")
    parser.add_argument("--format", default="plain", help="output format to time (plain is what a pipe gets)")
    args = parser.parse_args()

    python = sys.executable
    ics = shutil.which("ics", path=os.path.dirname(python)) or shutil.which("ics")
    cache = tempfile.mkdtemp(prefix="ics-bench-cache-")
    env = dict(os.environ, ICS_CACHE_DIR=cache)
    baseline = [python, "-c", "import click"]
    print(f"python {sys.version.split()[0]} on {os.uname().sysname} {os.uname().machine}, "
          f"{os.cpu_count()} cores; {args.runs} paired runs (medians); --format {args.format}")
    bare = statistics.median(timed([python, "-c", "pass"], env) for _ in range(args.runs))
    print(f"{'python -c pass':34} {bare * 1000:7.1f} ms")
    for command in COMMANDS:
        argv = [ics, *command, "--format", args.format]
        timed(argv, env)  # warm the compiled cache
        pairs = [(timed(baseline, env), timed(argv, env)) for _ in range(args.runs)]
        base = statistics.median(p[0] for p in pairs)
        mine = statistics.median(p[1] for p in pairs)
        label = "ics " + " ".join(command)
        print(f"{label:34} {mine * 1000:7.1f} ms   import click {base * 1000:6.1f} ms   ratio {mine / base:4.2f}x")
    if args.overlay:
        overlay = tempfile.mkdtemp(prefix="ics-bench-overlay-")
        write_overlay(overlay, args.overlay)
        print(f"scaling: overlay of {args.overlay} entities + {args.overlay} events, against the bundled data")
        for command in SCALING:
            plain = [ics, *command, "--format", args.format]
            big = plain + ["--data", overlay]
            timed(plain, env), timed(big, env)  # warm both caches
            pairs = [(timed(plain, env), timed(big, env)) for _ in range(args.runs)]
            small = statistics.median(p[0] for p in pairs)
            large = statistics.median(p[1] for p in pairs)
            label = "ics " + " ".join(command)
            print(f"{label:34} {large * 1000:7.1f} ms   bundled {small * 1000:6.1f} ms   ratio {large / small:4.2f}x")
        shutil.rmtree(overlay, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
