"""`ics validate` and `ics completion`: checking data, and setting up a shell."""
import sys

import click

from . import run
from .options import output_options


@click.command()
@click.argument("directory", required=False)
@output_options
def validate(directory, **output):
    """Check the bundled data, or an overlay DIRECTORY with it, and list every problem (exit 1 if any).

    \b
    Examples:
      ics validate
      ics validate ./my-overlay
    """
    # start-up speed: the validator and the views load only for this command
    from ..store.files import check_overlay
    from ..store.validate import validate as check
    from ..views import reference as views

    overlay = directory or output["data_dir"]
    if overlay:
        check_overlay(overlay)
    problems = check(overlay)
    # Stub cards are listed, not counted as problems: they are sourced but say little, and need content.
    stubs = [] if problems else sorted(i for i, e in run.knowledge(overlay).entities.items() if e.get("stub"))
    run.emit(views.problems(problems, overlay or "bundled data", stubs), output)
    if problems:
        sys.exit(1)


@click.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"], case_sensitive=False))
@click.pass_context
def completion(ctx, shell):
    """Print the shell completion script for bash, zsh or fish.

    Terms, system names, CCG codes, tags and regions complete as you type; zsh and fish show what each
    candidate is.

    \b
    Examples:
      eval "$(ics completion bash)"                         in ~/.bashrc
      eval "$(ics completion zsh)"                          in ~/.zshrc
      ics completion fish > ~/.config/fish/completions/ics.fish
    """
    from click.shell_completion import (
        get_completion_class,  # start-up speed: only this command needs it
    )

    from .complete import register

    register()

    script = get_completion_class(shell.lower())(ctx.find_root().command, {}, "ics", "_ICS_COMPLETE").source()
    sys.stdout.write(script if script.endswith("\n") else script + "\n")
