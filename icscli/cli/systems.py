"""`ics systems`, `ics system` and `ics ccg`: the ICBs and former CCGs, from real codes, for any date.

`register(group, ...)` adds the commands to the `ics` group; cli.py calls it. Heavy modules are imported
inside the commands.
"""
import sys

import click

from .complete import complete_regions, complete_systems

SORT_CHOICES = ("name", "ods", "ons", "region", "las", "locations", "ccgs")


def register(group, output_options, knowledge, emit, parse_date):
    """Add `systems`, `system` and `ccg` to a click group."""

    @group.command("systems")
    @click.option("--region", metavar="REGION", shell_complete=complete_regions, help="Only ICBs in this NHS England region, e.g. London, Midlands.")
    @click.option("--as-of", metavar="DATE", help="The ICBs as they stood on a date (default: today).")
    @click.option("--sort", type=click.Choice(SORT_CHOICES, case_sensitive=False), default=None,
                  help="Sort by a column (default: name).")
    @output_options
    def systems_command(region, as_of, sort, fmt, data_dir, cite, no_pager):
        """One row per integrated care board on a date: codes, region, places, sub-ICB locations, mergers.

        \b
        Examples:
          ics systems
          ics systems --as-of "1 July 2022" --region London
          ics systems -f csv > icbs.csv
        """
        from ..answers import questions as answers
        from ..errors import BadValue

        kb = knowledge(data_dir)
        try:
            document = answers.systems_list(kb, as_of, region, sort)
        except BadValue as exc:
            if region and str(exc).startswith("--region"):
                raise click.BadParameter(str(exc).split(": ", 1)[1], param_hint="--region") from None
            raise
        emit(document, fmt, cite, no_pager)

    @group.command("system")
    @click.argument("name", nargs=-1, required=True, shell_complete=complete_systems)
    @click.option("--as-of", metavar="DATE", help="The system as it stood on a date (default: today).")
    @output_options
    def system_command(name, as_of, fmt, data_dir, cite, no_pager):
        """A card for one ICB: names and codes over time, region, places, sub-ICB locations and former
        CCGs, footprint changes and mergers, with sources.

        NAME-OR-CODE may be an ODS code (QYG), an ONS code (E54000008), a name or a unique part of one
        (frimley, cornwall), an April 2021 ICS name, a former CCG or a local authority.

        \b
        Examples:
          ics system frimley
          ics system QYG --as-of 2023
          ics system "Bath and North East Somerset"
        """
        from ..answers import questions as answers  # the one code path, shared with the MCP tool `system`

        emit(answers.system(knowledge(data_dir), " ".join(name), as_of), fmt, cite, no_pager)

    @group.command("ccg")
    @click.argument("name", nargs=-1, shell_complete=complete_systems)
    @click.option("--all", "show_all", is_flag=True, help="List all 106 former CCGs (an analysts' lookup table).")
    @click.option("--as-of", metavar="DATE", help="Which ICB covers it on this date (default: today).")
    @output_options
    def ccg_command(name, show_all, as_of, fmt, data_dir, cite, no_pager):
        """What became of a former CCG: its sub-ICB location and ICB on 1 July 2022, and its ICB now.

        NAME-OR-CODE may be the CCG's ODS code (02Q), its ONS code (E38000008) or its name (Bassetlaw).

        \b
        Examples:
          ics ccg 02Q
          ics ccg bassetlaw --as-of 2023
          ics ccg --all -f csv > ccgs.csv
        """
        from ..answers import questions as answers  # the one code path, shared with the fast path and the MCP tools `ccg`, `map`

        codes = list(name)
        if codes == ["-"]:
            codes = [line.strip() for line in sys.stdin if line.strip()]
            if not codes:
                raise click.UsageError("no codes on standard input")
        text = " ".join(name)
        if show_all and text:
            raise click.UsageError("give a CCG or --all, not both")
        if not show_all and not text:
            raise click.UsageError("give a CCG's name or code (several, or - for standard input), or --all")
        kb = knowledge(data_dir)
        if list(name) == ["-"]:
            emit(answers.map_codes(kb, codes, as_of), fmt, cite, no_pager)
            return
        emit(answers.ccg_names(kb, name, show_all, as_of), fmt, cite, no_pager)

    return group
