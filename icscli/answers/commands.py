"""The one table of the commands that answer with a document: what each reads and how it answers.

The click commands (cli/), the click-free fast path (cli/fast.py) and the MCP server (server/mcp.py)
all answer through these entries, so no answer is written twice. An entry's `make(kb, params, notes)`
takes the loaded data and the parameters by their click names (cli/spec.py reads those names from the
click commands; the MCP server passes the same names) and returns the view's document; what the user
should read on stderr (a typo read as a name) is appended to `notes`. `reads` lists the parameters the
answer uses besides the output options: the fast path answers only runs that set no other. `fast` says
whether the fast path may answer a run at all, given its parameters (None: click only). No click here.

A new command that prints a document: its function in questions.py, its entry here, its click command.
"""
from . import questions


class Command:
    """One command's entry. (A plain class: `typing` would import `re` and more on the fast path.)"""

    __slots__ = ("fast", "make", "reads")

    def __init__(self, reads, make, fast=None):
        self.reads = reads  # the click parameters the answer uses, besides fmt, data_dir, cite and no_pager
        self.make = make  # make(kb, params, notes) -> the document
        self.fast = fast  # fast(params) -> may the click-free path answer this run? None: never


def _always(params):
    return True


def _explain(kb, p, notes):
    return questions.explain(kb, " ".join(p["term"]), p.get("as_of"), p.get("sections", ()), notes)


def _timeline(kb, p, notes):
    return questions.timeline(kb, p.get("date_from"), p.get("date_to"), p.get("tags", ()), p.get("entity"), notes)


def _compare(kb, p, notes):
    return questions.compare(kb, p["a"], p["b"], notes, p.get("as_of"))


def _tree(kb, p, notes):
    return questions.tree(kb, p.get("as_of"))


def _glossary(kb, p, notes):
    return questions.glossary(kb)


def _search(kb, p, notes):
    return questions.search(kb, " ".join(p["text"]), p.get("limit", 25))


def _sources(kb, p, notes):
    return questions.sources(kb, p.get("source_id"))


def _systems(kb, p, notes):
    return questions.systems_list(kb, p.get("as_of"), p.get("region"), p.get("sort"))


def _system(kb, p, notes):
    return questions.system(kb, " ".join(p["name"]), p.get("as_of"))


def _ccg(kb, p, notes):
    return questions.ccg_names(kb, p["name"], p.get("show_all", False), p.get("as_of"))


def _one_ccg_or_all(params):
    """A CCG's name or --all, not neither or both (an empty name is none): else click's usage error."""
    return bool(params["show_all"]) != bool(" ".join(params["name"]))


def _changes(kb, p, notes):
    return questions.changes(kb, p.get("start"), p.get("end"))


def _check(kb, p, notes):
    return questions.check(kb, " ".join(p.get("statement") or ()) or None, p.get("subject"), p.get("prop"),
                           p.get("value"), p.get("as_of"))


def _practice(kb, p, notes):
    return questions.practice(kb, " ".join(p["name"]), p.get("as_of"))


def _pcn(kb, p, notes):
    return questions.pcn(kb, " ".join(p["name"]))


def _lsoa(kb, p, notes):
    return questions.lsoa(kb, p["code"], p.get("as_of"))


def _trust(kb, p, notes):
    return questions.trust(kb, " ".join(p["name"]), p.get("as_of"))


COMMANDS = {
    "explain": Command(("term", "as_of"), _explain, _always),
    "timeline": Command(("date_from", "date_to", "tags", "entity"), _timeline, _always),
    "compare": Command(("a", "b", "as_of"), _compare, _always),
    "tree": Command(("as_of",), _tree, _always),
    "glossary": Command((), _glossary, _always),
    "search": Command(("text", "limit"), _search, _always),
    "sources": Command(("source_id",), _sources),
    "systems": Command(("region", "as_of", "sort"), _systems, _always),
    "system": Command(("name", "as_of"), _system),
    "ccg": Command(("name", "show_all", "as_of"), _ccg, _one_ccg_or_all),
    "changes": Command(("start", "end"), _changes),
    "check": Command(("statement", "subject", "prop", "value", "as_of"), _check),
    "practice": Command(("name", "as_of"), _practice, _always),
    "pcn": Command(("name",), _pcn, _always),
    "lsoa": Command(("code", "as_of"), _lsoa, _always),
    "trust": Command(("name", "as_of"), _trust, _always),
}


def answer(name, kb, params, notes=None):
    """The document of command `name` for these parameters (by their click names)."""
    return COMMANDS[name].make(kb, params, notes)
