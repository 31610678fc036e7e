#!/usr/bin/env python3
"""Warm answers with and without a big overlay: the cost of `--data DIR` (see benchmarks/README.md).

Writes an overlay of realistic records into a temporary directory (what an ICB keeps of its own: its
board's committees, its places and neighbourhood partnerships, its plans, their board papers, meetings
and decisions, and the functions delegated to it), 10,000 records by default, following data/'s schema.
Then, for each answer, it times `ics ARGS --data OVERLAY` against `ics ARGS` as whole processes,
alternating the two (paired runs, so machine noise hits both), and prints the medians and the ratio
against the target (2x). Each answer is chosen to print the same lines either way, so the ratio is the
cost of carrying the overlay, not of printing more: `explain icb`, the timeline before the overlay's
first event, a search for words only the bundled records hold, and the terms `ics explain <TAB>`
offers that start with "i". With `--big N` it also times one cold compile and one warm `explain icb`
of an N-record overlay (a check that it works, not a target). Standard library only; run it from an install (`pip install .`):

    python benchmarks/overlay.py                        # 10,000 records, 21 paired runs
    python benchmarks/overlay.py --records 2000 --runs 11
    python benchmarks/overlay.py --big 100000           # and the 100,000-record check (minutes)
    python benchmarks/overlay.py --write-only DIR       # only write the overlay into DIR
    python benchmarks/overlay.py --ics "python -m icscli"   # another way to start ics
"""
import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PLACES = ("Barnsley", "Doncaster", "Rotherham", "Sheffield", "Bassetlaw", "Wakefield", "Calderdale", "Kirklees",
          "Bradford", "Leeds", "Harrogate", "Craven", "Wigan", "Bolton", "Salford", "Trafford", "Stockport",
          "Tameside", "Oldham", "Rochdale", "Bury", "Knowsley", "Sefton", "Halton", "Warrington", "Cheshire East")
COMMITTEES = (
    ("quality", "Quality and Safety Committee", "quality, safety and patient experience"),
    ("finance", "Finance and Investment Committee", "the financial plan, contracts and investment"),
    ("audit", "Audit and Risk Committee", "internal control, risk management and audit"),
    ("people", "People Committee", "workforce planning and the people plan"),
    ("remuneration", "Remuneration Committee", "the pay and terms of the board's executives"),
    ("primary-care", "Primary Care Commissioning Committee", "commissioning of GP, dental and pharmacy services"),
    ("strategic-commissioning", "Strategic Commissioning Committee", "commissioning strategy and priorities"),
)
PLANS = (("jfp", "Joint forward plan", "JFP"), ("strategy", "Integrated care strategy", None),
         ("green", "Green plan", None), ("digital", "Digital strategy", None), ("estates", "Infrastructure strategy", None))
TAGS = ("commissioning", "finance", "oversight", "planning", "workforce", "structure", "policy", "guidance")
FUNCTIONS = ("pharmaceutical services", "general ophthalmic services", "primary dental services",
             "specialised mental health services", "NHS 111 services", "vaccination and screening")


def q(text):
    """A double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def month(n):
    """The n-th month from July 2022, as YYYY-MM."""
    return f"{2022 + (6 + n) // 12}-{(6 + n) % 12 + 1:02d}"


def write_system(out, s, want):
    """Records of one synthetic ICB `s` (numbered), appended to the open files in `out`: returns how many."""
    place = PLACES[s % len(PLACES)]
    prefix = f"sys{s}"
    icb = f"{prefix}-icb"
    name = f"NHS {place} and District {s} Integrated Care Board"
    made = 0

    def source(ident, title, date):
        out["sources"].write(f"  - id: {ident}\n    title: {q(title)}\n    publisher: {q(name)}\n    date: {q(date)}\n"
                             f"    kind: publication\n    url: https://www.{prefix}.example.nhs.uk/papers/{ident}\n")

    def entity(ident, title, kind, level, summary, cite, part_of=None, acronyms=None, related=None, extra=""):
        out["entities"].write(
            f"  - id: {ident}\n    name: {q(title)}\n    kind: {kind}\n    level: {level}\n    summary: {q(summary)}\n"
            + (f"    acronyms: [{acronyms}]\n" if acronyms else "")
            + (f"    part_of: [{part_of}]\n" if part_of else "")
            + (f"    related: [{related}]\n" if related else "") + extra
            + f"    sources:\n      - {{source: {cite}, at: \"Terms of reference\"}}\n")

    source(f"{prefix}-constitution", f"{name}: constitution", "2022-07-01")
    entity(icb, name, "statutory body", "system", f"The integrated care board for {place} and district, one of "
           "England's 42 ICBs: it plans and commissions most NHS services for its population.", f"{prefix}-constitution",
           acronyms=f"{place[:3].upper()}{s}ICB", related="icb",
           extra="    status:\n      - {from: \"2022-07-01\", state: statutory, sources: [" + f"{prefix}-constitution]}}\n")
    made += 2
    for key, title, remit in COMMITTEES:
        ident = f"{prefix}-{key}-committee"
        entity(ident, f"{place} {s} {title}", "committee", "system", f"A committee of the {name} board. It oversees "
               f"{remit} and reports to the board after each meeting.", f"{prefix}-constitution", part_of=icb)
        made += 1
    for p in range(5):
        where = f"{PLACES[(s + p + 1) % len(PLACES)]} {s}-{p}"
        ident = f"{prefix}-place-{p}"
        entity(ident, f"{where} Place Partnership", "partnership", "place", f"The place-based partnership for {where}: "
               "the council, the NHS trusts, primary care and the voluntary sector join up care for the area.",
               f"{prefix}-constitution", part_of=icb)
        for n in range(3):
            entity(f"{ident}-pcn-{n}", f"{where} Neighbourhood {n + 1}", "network", "neighbourhood",
                   f"A primary care network of practices in {where}, serving about 40,000 people.",
                   f"{prefix}-constitution", part_of=ident)
        made += 4
    for key, title, acronym in PLANS:
        ident = f"{prefix}-{key}"
        cite = f"{prefix}-{key}-2023"
        source(cite, f"{name}: {title.lower()} 2023 to 2028", "2023-06")
        entity(ident, f"{place} {s} {title.lower()}", "plan or strategy", "system", f"The {title.lower()} of the {name}: "
               "what the system will do over five years, refreshed each spring.", cite, part_of=icb,
               acronyms=f"{acronym}{s}" if acronym else None)
        made += 2
    for m in range(48):  # four years of monthly board meetings, each with its papers and a decision
        if made + 2 > want:
            break
        day = month(m)
        papers = f"{prefix}-board-{day}"
        source(papers, f"{name}: board papers, {day}", day)
        committee = COMMITTEES[m % len(COMMITTEES)][0]
        out["events"].write(
            f"  - id: {prefix}-board-decision-{day}\n    date: {q(day)}\n    title: {q(f'{place} {s} board agrees the {committee} report')}\n"
            f"    description: {q(f'The board of the {name} took the {committee} committee report and agreed its recommendations on commissioning.')}\n"
            f"    status: done\n    entities: [{icb}, {prefix}-{committee}-committee]\n    tags: [{TAGS[m % len(TAGS)]}]\n"
            f"    sources:\n      - {{source: {papers}, at: \"Item {m % 12 + 3}\"}}\n")
        made += 2
    for f, function in enumerate(FUNCTIONS):
        if made >= want:
            break
        out["responsibilities"].write(
            f"  - id: {prefix}-delegated-{f}\n    function: {q(f'Commissioning of {function} in {place} {s}')}\n"
            f"    before: [nhs-england]\n    after: [{icb}]\n    change: new\n    effective: \"2023-04-01\"\n"
            f"    sources: [{prefix}-constitution]\n")
        made += 1
    return made


def write_overlay(directory, records):
    """An overlay of about `records` records in `directory` (one file per record type); returns the count."""
    os.makedirs(directory, exist_ok=True)
    names = ("sources", "entities", "events", "responsibilities")
    out = {n: open(os.path.join(directory, f"{n}.yaml"), "w", encoding="utf-8") for n in names}
    try:
        for n, handle in out.items():
            handle.write(f"{n}:\n")
        made, s = 0, 0
        while made < records:
            made += write_system(out, s, records - made)
            s += 1
    finally:
        for handle in out.values():
            handle.close()
    return made


def timed(argv, env):
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - start


def output(argv, env):
    return subprocess.run(argv, capture_output=True, text=True, env=env, check=False).stdout


ANSWERS = (("explain icb", ["explain", "icb"], {}),
           ("timeline --to 2022-06", ["timeline", "--to", "2022-06"], {}),
           ("search royal assent", ["search", "royal assent"], {}),
           ("ics explain i<TAB>", [], {"_ICS_COMPLETE": "bash_complete", "COMP_WORDS": "ics explain i", "COMP_CWORD": "2"}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--big", type=int, default=0, help="records of a big overlay to compile and answer once (0: none)")
    parser.add_argument("--ics", default=None, help="how to start ics (default: the ics beside this python)")
    parser.add_argument("--write-only", metavar="DIR", help="write the overlay into DIR and stop")
    args = parser.parse_args()
    if args.write_only:
        print(write_overlay(args.write_only, args.records), "records in", args.write_only)
        return
    ics = shlex.split(args.ics) if args.ics else [shutil.which("ics", path=os.path.dirname(sys.executable)) or "ics"]
    work = tempfile.mkdtemp(prefix="ics-overlay-bench-")
    try:
        env = dict(os.environ, ICS_CACHE_DIR=os.path.join(work, "cache"))
        for name in ("ICS_DATA", "ICS_NO_CACHE", "ICS_BUNDLED_DATA", "ICS_FORMAT"):
            env.pop(name, None)
        overlay = os.path.join(work, "overlay")
        count = write_overlay(overlay, args.records)
        print(f"python {sys.version.split()[0]} on {os.uname().sysname} {os.uname().machine}, {os.cpu_count()} cores, "
              f"load {os.getloadavg()[0]:.1f}; overlay of {count:,} records; {args.runs} paired runs (medians)")
        for label, argv, extra in ANSWERS:
            plain, with_data = dict(env, **extra), dict(env, **extra)
            if extra:
                with_data["ICS_DATA"] = overlay
            mine = ics + argv + (["--data", overlay] if argv else [])
            base = ics + argv
            same = output(mine, with_data) == output(base, plain)  # also warms both caches
            pairs = [(timed(mine, with_data), timed(base, plain)) for _ in range(args.runs)]
            a, b = (statistics.median(p[i] for p in pairs) for i in (0, 1))
            print(f"{label:24} with --data {a * 1000:7.1f} ms  without {b * 1000:7.1f} ms  {a / b:5.2f}x  "
                  f"(target 2x: {'ok' if a / b <= 2 else 'MISSED'}){'' if same else '  (outputs differ)'}", flush=True)
        if args.big:
            big = os.path.join(work, "big")
            count = write_overlay(big, args.big)
            start = time.perf_counter()
            cold = subprocess.run(ics + ["explain", "icb", "--data", big], capture_output=True, env=env, check=False)
            took = time.perf_counter() - start
            warm = timed(ics + ["explain", "icb", "--data", big], env)
            print(f"{count:,}-record overlay: cold compile and explain {took:.1f} s (exit {cold.returncode}); "
                  f"warm explain icb {warm * 1000:.0f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
