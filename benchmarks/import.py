#!/usr/bin/env python3
"""`ics import` of a postcode directory the size of the ONSPD, against a bare csv.reader pass over the
same file, and `ics postcode` against a warm `ics explain icb`.

Writes an ONSPD-shaped CSV (the 55 columns of the August 2026 edition, quoted as the ONS quotes them,
postcodes in the directory's order, a tenth of them terminated, area codes in runs as in the real file),
optionally zipped as the ONS publishes it, then times in fresh processes, paired (A B A B ..., so the
load of a shared machine falls on both alike):

- `ics import FILE` (into a temporary imports directory) against a bare `csv.reader` pass that counts
  the rows of the same file (of the zip's CSV member, read as a stream, for a zip);
- `ics postcode` of one postcode against `ics explain icb`, both warm and to a pipe.

Each run goes through `/usr/bin/time -v`, whose "Maximum resident set size" is the peak memory.
Standard library only; not a test. Run it from a non-editable install (see benchmarks/README.md).

    python benchmarks/import.py                       # 2,700,000 rows, 3 paired runs
    python benchmarks/import.py --rows 300000 --zip   # a smaller file, zipped

Targets (issue 24): import at most 2x the bare pass, peak memory under 200 MB; `ics postcode` at most
1.3x a warm `ics explain icb`.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile

HEADER = ("pcd7,pcd8,pcds,dointr,doterm,cty26cd,ced25cd,lad26cd,wd26cd,parncp26cd,usrtypind,east1m,north1m,"
          "gridind,hlth19cd,nhser24cd,ctry26cd,rgn26cd,ssr95cd,pcon24cd,eer20cd,educ23cd,ttwa15cd,pco19cd,itl25cd,"
          "wdstl05cd,oa01cd,wdcas03cd,npark16cd,lsoa01cd,msoa01cd,ruc01ind,oac01ind,oa11cd,lsoa11cd,msoa11cd,wz11cd,"
          "sicbl26cd,bua24cd,ruc11ind,oac11ind,lat,long,lep21cd1,lep21cd2,pfa23cd,imd20ind,cal26cd,icb26cd,oa21cd,"
          "lsoa21cd,msoa21cd,ruc21ind,oac21ind,imd25ind")
UNITS = "ABDEFGHJLNPQRSTUWXYZ"
BARE = """
import csv, io, sys, zipfile
path = sys.argv[1]
if path.endswith(".zip"):
    archive = zipfile.ZipFile(path)
    member = next(n for n in archive.namelist() if n.startswith("Data/") and n.endswith("_UK.csv"))
    stream = io.TextIOWrapper(archive.open(member), encoding="utf-8", newline="")
else:
    stream = open(path, encoding="utf-8", newline="")
print(sum(1 for _ in csv.reader(stream)), file=sys.stderr)
"""


def outward_codes(count):
    """`count` outward codes, in the order the directory lists them (by the 7-character form)."""
    areas = [a + b for a in "BCDEGHKLMNPRSTW" for b in "ABDEGHLMNRSTY"]
    codes = [f"{area}{district}" for area in areas for district in range(1, 30)]
    return sorted(codes[:count], key=lambda c: c.ljust(4))


def health_codes():
    """[(sub-ICB location ONS code, its ICB's ONS code)] of 2026, from the bundled data."""
    import icscli

    kb = icscli.load()
    return sorted((r["ons_code"], kb.icbs[r["icb"]]["ons_code"]) for r in kb.sub_icb_locations.values()
                  if r["version"] == "2026")


def write_directory(path, rows):
    """An ONSPD-shaped CSV of `rows` postcodes: 400 units a sector, 10 sectors an outward code, real sub-ICB
    location and ICB codes."""
    outwards = outward_codes(rows // 4000 + 1)
    codes = health_codes()
    sicbl, icb = [c[0] for c in codes], [c[1] for c in codes]
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\r\n")
        for o, outward in enumerate(outwards):
            lad, place = f"E0{6 + o % 3}000{o % 300:03d}", o % len(sicbl)
            tail = (f'"E10000{o % 30:03d}","E58000{o % 900:03d}","{lad}","E05{o:06d}","E04{o:06d}","0",')
            health = (f'"E40000{o % 7:03d}","E92000001","E12000{o % 9:03d}","E99999999","E14001{o % 600:03d}",'
                      f'"E15000{o % 9:03d}","E99999999","E30000{o % 200:03d}","E16000{o % 150:03d}","E06000{o % 300:03d}",'
                      f'"E36000{o % 999:03d}"')
            for sector in range(10):
                for unit in range(400):
                    if written == rows:
                        return
                    inward = f"{sector}{UNITS[unit // 20]}{UNITS[unit % 20]}"
                    n = written
                    term = f"{2000 + n % 20}{1 + n % 12:02d}" if n % 10 == 0 else ""
                    out.write(
                        f'"{outward.ljust(4)}{inward}","{outward.ljust(5)}{inward}","{outward} {inward}",'
                        f'"{1980 + n % 40}{1 + n % 12:02d}","{term}",{tail}"{400000 + n % 99999}","{100000 + n % 99999}",'
                        f'"1","E18000{o % 20:03d}",{health},"E00{n // 40:06d}","E36000{o % 999:03d}",'
                        f'"E99999999","E01{n // 1500:06d}","E02{n // 7000:06d}","4","3B2","E00{n // 45:06d}",'
                        f'"E01{n // 1600:06d}","E02{n // 7500:06d}","E33{n // 300:06d}","{sicbl[place]}",'
                        f'"E63{o:06d}","C1","1A1",{51 + (n % 1000) / 1000:.6f},{-2 + (n % 997) / 997:.6f},'
                        f'"E37000{o % 38:03d}","","E23000{o % 40:03d}",{n % 32844},"E56000{o % 21:03d}",'
                        f'"{icb[place]}","E00{n // 42:06d}","E01{n // 1550:06d}","E02{n // 7200:06d}",'
                        f'"UN1","1A1",{n % 33755}\r\n')
                    written += 1


def timed(argv, env):
    """(seconds of wall time, peak memory in MB) of one fresh process, as /usr/bin/time -v reports them."""
    done = subprocess.run(["/usr/bin/time", "-v", *argv], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(argv)}\n{done.stderr[-2000:]}")
    report = dict(line.strip().rsplit(": ", 1) for line in done.stderr.splitlines() if ": " in line and "\t" in line)
    clock = report["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")
    seconds = sum(float(part) * 60 ** i for i, part in enumerate(reversed(clock)))
    return seconds, int(report["Maximum resident set size (kbytes)"]) / 1024


def paired(a, b, runs, env):
    """Medians of a and b over `runs` alternating runs, the median of the ratios a/b, a's largest peak."""
    times_a, times_b, ratios, peak = [], [], [], 0.0
    for _ in range(runs):
        ta, pa = timed(a, env)
        tb, _ = timed(b, env)
        times_a.append(ta)
        times_b.append(tb)
        ratios.append(ta / tb)
        peak = max(peak, pa)
    print("  pairs: " + ", ".join(f"{a:.2f}/{b:.2f} s = {a / b:.2f}x" for a, b in zip(times_a, times_b)))
    return statistics.median(times_a), statistics.median(times_b), statistics.median(ratios), peak


def _middle(path):
    """A postcode from the middle of a kept file."""
    with open(path, "rb") as handle:
        handle.seek(os.path.getsize(path) // 2)
        handle.readline()
        return handle.readline().split(b",")[2].strip(b'"').decode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_700_000)
    parser.add_argument("--runs", type=int, default=3, help="paired runs of the import (default 3)")
    parser.add_argument("--lookups", type=int, default=21, help="paired runs of ics postcode (default 21; 0: none)")
    parser.add_argument("--zip", action="store_true", help="zip the CSV as the ONS publishes it, and import the zip")
    parser.add_argument("--keep", metavar="DIR", help="write the file here and keep it (default: a temporary directory)")
    args = parser.parse_args()
    ics = shutil.which("ics") or sys.exit("no `ics` on PATH: install the package first")
    work = args.keep or tempfile.mkdtemp(prefix="ics-import-bench-")
    try:
        csv_path = os.path.join(work, "ONSPD_AUG_2026_UK.csv")
        if not os.path.exists(csv_path):
            write_directory(csv_path, args.rows)
        path = csv_path
        if args.zip:
            path = os.path.join(work, "ONSPD_AUG_2026.zip")
            if not os.path.exists(path):
                with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                    archive.write(csv_path, "Data/ONSPD_AUG_2026_UK.csv")
        size = os.path.getsize(path)
        env = dict(os.environ, ICS_IMPORTS_DIR=os.path.join(work, "imports"))
        print(f"{args.rows:,} rows, {size / 1e6:,.0f} MB ({os.path.basename(path)}); Python {sys.version.split()[0]}, "
              f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
        imp, bare, ratio, peak = paired([ics, "import", path], [sys.executable, "-c", BARE, path], args.runs, env)
        database = os.path.join(work, "imports", "onspd.sqlite")
        print(f"import {imp:7.2f} s, peak {peak:5.0f} MB | bare csv.reader pass {bare:7.2f} s | "
              f"ratio {ratio:.2f}x (target <= 2x; peak < 200 MB); database {os.path.getsize(database) / 1e6:,.0f} MB")
        if args.lookups:
            answer, explain, ratio, peak = paired([ics, "postcode", _middle(csv_path)], [ics, "explain", "icb"],
                                                  args.lookups, env)
            print(f"ics postcode {answer * 1000:6.1f} ms, peak {peak:4.0f} MB | warm ics explain icb "
                  f"{explain * 1000:6.1f} ms | ratio {ratio:.2f}x (target <= 1.3x)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
