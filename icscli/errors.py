"""Domain errors. The CLI turns these into one-line messages and exit codes at its edge."""


class IcsError(Exception):
    """Base class for every error `ics` reports to a user."""

    exit_code = 2


class DataError(IcsError):
    """A data file is broken: reported as `file:line: field: problem`, exit 1."""

    exit_code = 1

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(self.problems[0] if self.problems else "data problem")

    def __str__(self):
        first = str(self.problems[0])
        more = len(self.problems) - 1
        return first if not more else f"{first} (and {more} more problem{'s' if more > 1 else ''}; run `ics validate`)"


class Problem:
    """One problem found in a data file."""

    __slots__ = ("field", "file", "line", "message")

    def __init__(self, file, line, field, message):
        from .base.safe import (
            visible,  # a message quotes the data: an escape sequence in it must not run
        )

        self.file, self.line, self.field, self.message = visible(str(file)), line, visible(field), visible(message)

    def __str__(self):
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def __repr__(self):
        return f"Problem({str(self)!r})"


class UnknownTerm(IcsError):
    """A term that matches nothing; carries suggestions."""

    def __init__(self, term, suggestions=(), what="term"):
        from .base.safe import quoted  # a pasted paragraph is quoted by its ends

        self.term, self.suggestions, self.what = term, list(suggestions), what
        hint = ""
        if self.suggestions:
            hint = "; did you mean " + ", ".join(_suggestion(s) for s in self.suggestions) + "?"
        super().__init__(f"unknown {what} {quoted(term)}{hint}")


def _suggestion(item):
    """"'icb' (Integrated care board)": what to type, and the name it stands for when that differs."""
    if isinstance(item, dict):
        same = item["name"].lower() == item["type"].lower()
        return f"'{item['type']}'" + ("" if same else f" ({item['name']})")
    return f"'{item}'"


class AmbiguousTerm(IcsError):
    """A term with several senses; the CLI lists them rather than guessing."""

    def __init__(self, term, candidates):
        self.term, self.candidates = term, candidates
        options = "; ".join(f"'{c['type']}' ({c['name']})" for c in candidates)
        super().__init__(f"'{term}' has {len(candidates)} meanings; type one of: {options}")


class BadValue(IcsError):
    """A bad option value (a date, a tag) given on the command line."""


class DateBeforeCoverage(BadValue):
    """A date before the data begins (ICBs before 1 July 2022, CCG codes before April 2013): carries
    the earliest date the data answers for."""

    def __init__(self, message, earliest):
        self.earliest = earliest
        super().__init__(message)


class OutsideCoverage(BadValue):
    """A real code of a place the data does not cover (a Welsh LSOA: the NHS England lookups cover England)."""
