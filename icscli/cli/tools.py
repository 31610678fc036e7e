"""`ics validate` and `ics completion`: checking data, and setting up a shell.

`register(group, ...)` adds the commands to the `ics` group; cli.py calls it.
"""
import sys

import click


def register(group, output_options, knowledge, emit):
    """Add `validate` and `completion` to a click group."""

    @group.command()
    @click.argument("directory", required=False)
    @output_options
    def validate(directory, fmt, data_dir, cite, no_pager):
        """Check the bundled data, or an overlay DIRECTORY with it, and list every problem (exit 1 if any).

        \b
        Examples:
          ics validate
          ics validate ./my-overlay
        """
        from ..views import reference as views
        from ..store.validate import validate as check

        overlay = directory or data_dir
        if overlay:
            from ..store.files import check_overlay

            check_overlay(overlay)
        problems = check(overlay)
        # Stub cards are listed, not counted as problems: they are sourced but say little, and need content.
        stubs = [] if problems else sorted(i for i, e in knowledge(overlay).entities.items() if e.get("stub"))
        emit(views.problems(problems, overlay or "bundled data", stubs), fmt, cite, no_pager)
        if problems:
            sys.exit(1)

    @group.command()
    @click.argument("shell", type=click.Choice(["bash", "zsh", "fish"], case_sensitive=False))
    def completion(shell):
        """Print the shell completion script for bash, zsh or fish.

        Terms, system names, CCG codes, tags and regions complete as you type; zsh and fish show what each
        candidate is.

        \b
        Examples:
          eval "$(ics completion bash)"                         in ~/.bashrc
          eval "$(ics completion zsh)"                          in ~/.zshrc
          ics completion fish > ~/.config/fish/completions/ics.fish
        """
        from click.shell_completion import get_completion_class

        script = get_completion_class(shell.lower())(group, {}, "ics", "_ICS_COMPLETE").source()
        sys.stdout.write(script if script.endswith("\n") else script + "\n")

    return group
