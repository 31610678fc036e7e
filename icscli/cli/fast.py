"""The common answers without importing click; everything else to click (`entry.main` tries this first).

Importing click is most of a plain run's cost. For the commands in ANSWERS (the entries of the one
table, answers/commands.py, that allow it), when output goes to a pipe or file, this module reads the
arguments with the click interface's own declarations (`cli_spec.marshal`, derived from the click
commands by cli/spec.py when the package is built) and, if everything about them is ordinary,
answers directly. Anything else (help, errors, completion, an unknown or repeated option, an option
value that looks like an option, a terminal, a missing spec) goes to click unchanged, as does any
problem while answering: nothing has been written by then, so click starts afresh. Tests check this
parse against click's on generated argument lists, and the output byte for byte.
"""
import gc
import marshal
import os
import sys

from ..answers.commands import COMMANDS
from ..answers.questions import date_the_data
from ..base.fsread import read_regular
from ..base.version import __version__
from ..dates import parse_user
from ..render import TABULATE_FORMATS, TEXT_FORMATS, render

SPEC_FILE = "cli_spec.marshal"
COMMON = ("fmt", "data_dir", "cite", "no_pager")  # output options: handled here for every command


class NotFast(Exception):
    """Leave this run to click."""


# The commands this path answers: those of the one table (answers/commands.py) that allow it. The click
# commands answer through the same entries, and tests compare the two paths' output byte for byte.
ANSWERS = {name: command for name, command in COMMANDS.items() if command.fast}
KNOWN_ENVIRONMENT = ("ICS_DATA", "ICS_FORMAT", "ICS_CACHE_DIR", "ICS_NO_CACHE", "ICS_TODAY", "ICS_BUNDLED_DATA", "ICS_NO_PAGER")


def load_spec():
    """The shipped interface declarations, or None (a source checkout: click does everything)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), SPEC_FILE)
    try:
        spec = marshal.loads(read_regular(path, 1 << 20))
        return spec["commands"] if spec["version"] == __version__ else None
    except Exception:  # noqa: BLE001  (any unreadable or odd spec: click answers)
        return None


def parse(command, args, environ):
    """{parameter name: value} as click would pass them to the command, or raise NotFast."""
    params = command["params"]
    if (command["ignore_unknown"] or command["extra_args"] or not command["interspersed"]
            or any(p["callback"] or p["eager"] or not p["expose"] for p in params)):
        raise NotFast
    options = {opt: p for p in params if p["kind"] == "option" for opt in p["opts"]}
    given, positional, i = {}, [], 0
    while i < len(args):
        arg = args[i]
        i += 1
        if not arg.startswith("-"):
            positional.append(arg)
            continue
        if arg == "-" or arg == "--":
            raise NotFast
        if arg.startswith("--"):
            name, equals, value = arg.partition("=")
            inline = value if equals else None
        else:
            name, inline = arg[:2], (arg[2:] or None)
        param = options.get(name)
        if param is None:
            raise NotFast
        if param["flag"]:
            if inline is not None or not param["plain_flag"] or param["multiple"]:
                raise NotFast
            value = True
        else:
            if param["nargs"] != 1 or param["count"]:
                raise NotFast
            if inline is None:
                if i >= len(args):
                    raise NotFast
                inline, i = args[i], i + 1
            if inline.startswith("-") or not inline:
                raise NotFast  # click may read it differently: leave it to click
            value = _convert(param["type"], inline)
        if param["multiple"]:
            given.setdefault(param["name"], []).append(value)
        elif param["name"] in given:
            raise NotFast
        else:
            given[param["name"]] = value
    values = {}
    for param in params:
        name = param["name"]
        if param["kind"] == "argument":
            values[name] = _take(param, positional)
        elif name in given:
            values[name] = tuple(given[name]) if param["multiple"] else given[name]
        else:
            values[name] = _missing(param, environ)
    if positional:
        raise NotFast
    return values


def _convert(kind, text):
    if kind[0] == "string":
        return text
    if kind[0] == "choice" and text in kind[1]:
        return text
    if kind[0] == "date":  # cli/types.py's PartialDate: checked, passed on as typed
        try:
            parse_user(text)
        except ValueError:
            raise NotFast from None  # click words the error
        return text
    if kind[0] == "int" and text.isascii() and text.isdigit() and len(text) < 10:
        number, low, high, low_open, high_open = int(text), kind[1], kind[2], kind[3], kind[4]
        if (low is None or number > low or (number == low and not low_open)) and \
                (high is None or number < high or (number == high and not high_open)):
            return number
    raise NotFast


def _take(param, positional):
    if param["nargs"] == -1:
        taken = tuple(positional)
        positional.clear()
        if param["required"] and not taken:
            raise NotFast
        return taken
    if param["nargs"] != 1 or param["type"][0] != "string":
        raise NotFast
    if not positional:
        if param["required"] or param["default"] is not None:
            raise NotFast
        return None
    return positional.pop(0)


def _missing(param, environ):
    if param["envvar"]:
        value = environ.get(param["envvar"]) if isinstance(param["envvar"], str) else None
        if value is None and param["envvar"] in environ:
            raise NotFast
        if value:
            if param["multiple"] or param["flag"] or param["envvar"] == "<unsupported>":
                raise NotFast
            return _convert(param["type"], value)
    if param["required"] or param["default"] == "<unsupported>":
        raise NotFast
    if param["multiple"]:
        return tuple(param["default"] or ())
    if param["flag"]:
        return bool(param["default"])
    return param["default"]


def answer(args, environ, spec=None):
    """The text a plain answer prints, or raise NotFast (`spec`: the interface, if not the shipped one)."""
    if not args or args[0] not in ANSWERS or "_ICS_COMPLETE" in environ or sys.stdout.isatty():
        raise NotFast
    if any(name.startswith("ICS_") and name not in KNOWN_ENVIRONMENT for name in environ):
        raise NotFast  # a setting this path may not know (a default format, say): click knows
    spec = spec or load_spec()
    if spec is None or args[0] not in spec:
        raise NotFast
    command = ANSWERS[args[0]]
    values = parse(spec[args[0]], args[1:], environ)
    for name, value in values.items():  # an option this path does not know about must be unset
        if name not in command.reads and name not in COMMON and value not in (None, False, ()):
            raise NotFast
    if not command.fast(values):
        raise NotFast  # a usage error: click says it
    if not values.get("fmt") and environ.get("FORCE_COLOR") and not environ.get("NO_COLOR"):
        raise NotFast  # FORCE_COLOR asks for the terminal format even in a pipe (cli/terminal.py)
    fmt = values.get("fmt") or "plain"
    if fmt not in TEXT_FORMATS and fmt not in TABULATE_FORMATS:
        raise NotFast
    from ..store import (
        load,  # the store's modules load only once a run is known to be answered here
    )

    notes = []
    document = command.make(load(overlay=values.get("data_dir")), values, notes)
    if notes:
        raise NotFast  # a note for stderr (a typo read as a name): click says it
    date_the_data(document, fmt)
    return render(document, fmt, values.get("cite"), width=None)


def answer_or_none(args=None, environ=None):
    """The text of a plain answer, or None: then click answers afresh, with its own errors (nothing
    has been written). `entry.main` calls this first, and exits once the text is written, so the cyclic
    garbage collector is off meanwhile: its passes over the decoded data cost every run milliseconds and
    free nothing (decoded records hold no cycles). That holds for a compile on a cache miss too: the
    cycles it leaves are a few hundred objects whatever the data's size (tests/test_cache.py)."""
    gc.disable()
    try:
        return answer(sys.argv[1:] if args is None else args, os.environ if environ is None else environ)
    except Exception:  # noqa: BLE001  (NotFast, or any problem while answering)
        gc.enable()  # click answers afresh
        return None
