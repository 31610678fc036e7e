"""What every builder in tools/ shares: reading a reference CSV, failing loudly on a broken expectation,
and the command line (REFERENCE_DIR [--out DIR]; nothing written when a check fails)."""
import argparse
import csv
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Fail(Exception):
    """A reference table does not say what the builder expects: nothing is written."""


def read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def check(condition, message):
    if not condition:
        raise Fail(message)


def main(name, doc, out, build, write, argv=None):
    """A builder's command line: `build(reference folder)` checks and computes (a Fail, or a file that cannot
    be read, stops it with one line on stderr and exit 1, before anything is written); `write(made, out
    folder)` writes and returns the line to print."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("reference", nargs="?", default=os.path.join(ROOT, "..", "shared", "reference"))
    parser.add_argument("--out", default=out)
    args = parser.parse_args(argv)
    try:
        made = build(os.path.abspath(args.reference))
    except (Fail, OSError, KeyError, ValueError) as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return 1
    print(write(made, args.out))
    return 0
