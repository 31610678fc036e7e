"""Errors at the command line's edge: every error a user sees is one line, `ics: error: ...`.

Domain errors (`icscli.errors.IcsError`, raised by the answers, the store and the parameter types) become
`IcsUsageError`, a click error with the domain error's exit code, where click meets the core: the group's
`invoke` (cli/app.py) and the parameter types (cli/types.py). `error_line` words any click error.
"""
import click

from ..base.safe import quoted, visible


class IcsUsageError(click.ClickException):
    """A domain error shown as one line, `ics: error: ...`, with the right exit code."""

    def __init__(self, message, exit_code=2):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None):
        click.echo(error_line(self), err=True, file=file)


def error_line(exc):
    """Any error as the one shape users see: `ics: error: ...` on one line. Click's own usage errors
    (unknown option, bad choice, missing argument, no such command) end with where to find help.
    The message may quote a hostile argument or data value: it shows \\x1b, not ESC."""
    message = visible(" ".join(_short(word) for word in exc.format_message().split()))
    message = message[:1].lower() + message[1:] if message[1:2].islower() else message
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and not isinstance(exc, IcsUsageError) and ctx is not None:
        message = message.rstrip(".") + f" (see '{ctx.command_path} --help')"
    return f"ics: error: {message}"


def _short(word):
    """A word of a message (click's echo of a bad value) quoted by its ends when it runs long."""
    if len(word) <= 100:
        return word
    quote = word[0] if word[0] == word[-1] and word[0] in "'\"" else ""
    return quoted(word[len(quote):len(word) - len(quote)])
