"""What every builder in tools/ shares: reading a reference CSV, and failing loudly on a broken expectation."""
import csv


class Fail(Exception):
    """A reference table does not say what the builder expects: nothing is written."""


def read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def check(condition, message):
    if not condition:
        raise Fail(message)
