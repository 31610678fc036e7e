"""The click interface as plain data, for the fast path (`cli/fast.py`) that answers without click.

`derive(group)` reads every command's parameters from the click objects themselves (names, option
strings, nargs, types, defaults, environment variables), so the fast path never holds a second,
hand-written copy of the interface. setup.py writes the result into the wheel (`cli_spec.marshal`),
keyed on the package version; tests derive it afresh and compare it with click's own parsing.
"""
import marshal
import os

import click

UNSUPPORTED = "<unsupported>"  # a default or type the fast path leaves to click


def _type(kind):
    if getattr(kind, "fast_kind", None):  # a type of cli/types.py that says how the fast path reads it
        return tuple(kind.fast_kind)
    if isinstance(kind, click.Choice):
        return ("choice", [str(c) for c in kind.choices], bool(kind.case_sensitive))
    if isinstance(kind, click.types.IntParamType):
        if isinstance(kind, click.IntRange):
            return ("int", kind.min, kind.max, bool(kind.min_open), bool(kind.max_open), bool(kind.clamp))
        return ("int", None, None, False, False, False)
    if kind is click.STRING:
        return ("string",)
    if isinstance(kind, click.types.BoolParamType):
        return ("bool",)
    return (UNSUPPORTED,)


def _default(param, absent):
    """What click passes when the parameter is not given (read from click's own parse of nothing)."""
    value = absent.get(param.name, UNSUPPORTED)
    if callable(value):
        return UNSUPPORTED
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, (tuple, list)) and not value:
        return ()
    return UNSUPPORTED


def _param(param, absent):
    option = isinstance(param, click.Option)
    plain_flag = (option and param.is_flag and not param.secondary_opts and absent.get(param.name) is False
                  and (param.flag_value is True or str(param.flag_value) == "Sentinel.UNSET"))
    return {
        "name": param.name,
        "kind": "option" if option else "argument",
        "opts": list(param.opts),
        "nargs": param.nargs,
        "multiple": bool(param.multiple),
        "required": bool(param.required),
        "flag": bool(option and param.is_flag),
        "plain_flag": bool(plain_flag),
        "count": bool(option and param.count),
        "envvar": param.envvar if isinstance(param.envvar, str) or param.envvar is None else UNSUPPORTED,
        "type": _type(param.type),
        "default": _default(param, absent),
        "callback": param.callback is not None,
        "expose": bool(param.expose_value),
        "eager": bool(param.is_eager),
        "secondary": list(getattr(param, "secondary_opts", []) or []),
    }


def derive(group):
    """{command name: {"params": [...], "context": ...}} for every command of the group."""
    spec = {}
    for name, command in sorted(group.commands.items()):
        settings = command.context_settings or {}
        saved = {p.envvar: os.environ.pop(p.envvar) for p in command.params
                 if isinstance(p.envvar, str) and p.envvar in os.environ}
        try:
            absent = command.make_context(name, [], resilient_parsing=True).params
        finally:
            os.environ.update(saved)
        spec[name] = {
            "params": [_param(p, absent) for p in command.params],
            "interspersed": bool(getattr(command, "allow_interspersed_args", True)),
            "ignore_unknown": bool(settings.get("ignore_unknown_options") or command.ignore_unknown_options),
            "extra_args": bool(settings.get("allow_extra_args") or command.allow_extra_args),
            "callback": command.callback is not None,
        }
    return spec


def write(group, target, version):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as handle:
        handle.write(marshal.dumps({"version": version, "commands": derive(group)}))
