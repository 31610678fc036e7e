#!/usr/bin/env python3
"""`ics map` on a big CSV against the floor of a bare csv.reader -> csv.writer copy of the same file.

Writes a CSV of mixed codes (CCG codes of every vintage, E38/E54 ONS codes, sub-ICB and ICB ODS codes,
names and non-codes, drawn from the bundled data), then in the same run times, in fresh processes:
a bare `csv.reader` -> `csv.writer` copy, and `ics map` of the code column to today. Each process reports
its own peak memory (ru_maxrss). Standard library only; not a test.

    python benchmarks/map_benchmark.py                 # 1,000,000 rows and 10,000 rows
    python benchmarks/map_benchmark.py --rows 200000

Targets (issue 12): time at most 2.0x the copy floor; peak memory of the 1,000,000-row run within 1.5x
of the 10,000-row run.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time

PEAK = """
import resource
def peak_kb():
    try:  # VmHWM starts afresh at exec; ru_maxrss would carry the parent's peak over on Linux
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""

COPY = PEAK + """
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as src, open(sys.argv[2], "w", newline="", encoding="utf-8") as dst:
    writer = csv.writer(dst)
    for row in csv.reader(src):
        writer.writerow(row)
print(peak_kb(), file=sys.stderr)
"""

MAP = PEAK + """
import sys
import icscli
from icscli.dates import today
from icscli.systems import mapfile
kb = icscli.load()
with open(sys.argv[1], "rb") as src, open(sys.argv[2], "wb") as dst:
    mapfile.map_stream(kb, src, dst, "code", today(), sys.argv[1])
print(peak_kb(), file=sys.stderr)
"""


def sample_values():
    import icscli

    kb = icscli.load()
    values = []
    for ccg in kb.ccgs.values():
        values.append(ccg["ods_code"])
        values += [v["ons_code"] for v in ccg.get("vintages") or []][:1]
    for loc in kb.sub_icb_locations.values():
        values += [loc["ods_code"], loc["ons_code"]]
    for icb in kb.icbs.values():
        values += [icb.get("ods_code") or icb["ons_code"], icb["ons_code"], icb["name"]]
    values += ["", "Unknown", "TOTAL", " 02q ", "n/a"]
    return values


def write_csv(path, rows, values):
    rng = random.Random(12)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("id,code,period,value\n")
        for i in range(rows):
            code = rng.choice(values)
            if "," in code or '"' in code:
                code = '"' + code.replace('"', '""') + '"'
            handle.write(f"{i},{code},2019-{1 + i % 12:02d},{rng.randint(0, 9999)}\n")


def timed(script, src, dst):
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script, src, dst], capture_output=True, text=True, check=True)
    return time.perf_counter() - start, int(done.stderr.strip().splitlines()[-1])


def measure(rows, values, work):
    src, dst = os.path.join(work, f"in-{rows}.csv"), os.path.join(work, f"out-{rows}.csv")
    write_csv(src, rows, values)
    copy_s, copy_kb = timed(COPY, src, dst)
    map_s, map_kb = timed(MAP, src, dst)
    copy_s2, _ = timed(COPY, src, dst)  # twice, around the map run, against drift
    floor = min(copy_s, copy_s2)
    print(f"{rows:>9,} rows: copy {floor:6.2f} s ({copy_kb / 1024:.0f} MB); map {map_s:6.2f} s "
          f"({map_kb / 1024:.0f} MB); ratio {map_s / floor:.2f}x")
    return map_s / floor, map_kb


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    args = parser.parse_args()
    values = sample_values()
    with tempfile.TemporaryDirectory() as work:
        _, small_kb = measure(args.small, values, work)
        ratio, big_kb = measure(args.rows, values, work)
    print(f"time ratio {ratio:.2f}x (target <= 2.0x); peak memory {big_kb / small_kb:.2f}x between "
          f"{args.small:,} and {args.rows:,} rows (target <= 1.5x)")


if __name__ == "__main__":
    main()
