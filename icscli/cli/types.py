"""Option types shared by every command: format names (case-insensitive, with short aliases) and the
words used in help. Imports click only."""
import click

FORMAT_ALIASES = {"md": "markdown", "txt": "plain", "text": "plain"}
DATE_HELP = "YYYY, YYYY-MM, YYYY-MM-DD, '1 July 2022', '1/7/2022' (day first) or 'today'"


class FormatChoice(click.Choice):
    """A format name in any case, or an alias (md = markdown), returned as its canonical name."""

    def __init__(self, choices):
        super().__init__(choices, case_sensitive=False)

    def convert(self, value, param, ctx):
        if isinstance(value, str):
            value = FORMAT_ALIASES.get(value.strip().lower(), value.strip())
        return super().convert(value, param, ctx)

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        return [CompletionItem(c) for c in self.choices if c.startswith(incomplete.lower())]
