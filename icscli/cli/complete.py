"""Shell completion for the `ics` commands: each argument offers only what its command accepts, with a
description that zsh and fish show. Reads one precomputed part of the compiled data (store/completion.py,
imported by each function, as click's CompletionItem is: only a TAB needs them); never imports rich,
tabulate or yaml. Tags and formats complete by their types (cli/types.py)."""
import os


def offer(ctx, pairs_of):
    """CompletionItems from `pairs_of(kb)`, [(value, description)], for the data the command line names.
    Nothing on any problem: completion must never print a traceback into the user's shell."""
    from click.shell_completion import CompletionItem

    try:
        from ..store import load

        kb = load(overlay=ctx.params.get("data_dir") or os.environ.get("ICS_DATA"))
        return [CompletionItem(value, help=what) for value, what in pairs_of(kb)]
    except Exception:  # noqa: BLE001  (completion offers nothing rather than a traceback mid-TAB)
        return []


def complete_terms(ctx, param, incomplete):
    """`ics explain`: terms, and the systems and former CCGs it also answers for."""
    from ..store.completion import system_items, term_items

    def pairs(kb):
        found = dict(term_items(kb, incomplete))
        for word, what in system_items(kb, incomplete):
            found.setdefault(word, what)
        return sorted(found.items(), key=lambda pair: pair[0].lower())

    return offer(ctx, pairs)


def complete_entities(ctx, param, incomplete):
    """`ics timeline --entity`: terms only (codes are not entities)."""
    from ..store.completion import term_items

    return offer(ctx, lambda kb: term_items(kb, incomplete))


def complete_compare(ctx, param, incomplete):
    """`ics compare A B`: the bodies that hold or held a responsibility, the only ones compare can set
    side by side; B leaves out A."""
    from ..store.completion import holder_items

    leave_out = str(ctx.params["a"]).lower() if param.name == "b" and ctx.params.get("a") else None
    return offer(ctx, lambda kb: holder_items(kb, incomplete, leave_out))


def complete_systems(ctx, param, incomplete):
    """`ics system`, `ics ccg`: codes and names of ICBs and former CCGs, each with its full name."""
    from ..store.completion import system_items

    return offer(ctx, lambda kb: system_items(kb, incomplete))


def complete_regions(ctx, param, incomplete):
    """`ics systems --region`: NHS England regions named in any version of the ICB data."""
    from ..store.completion import region_items

    return offer(ctx, lambda kb: [(region, None) for region in region_items(kb, incomplete)])



def register():
    """Put ics's bash and fish completion in click's place (`ics completion SHELL` prints their scripts,
    and the shell's call back to `ics` answers through them): a value with spaces or commas (a region,
    an ICB's name) then completes as one word that the shell reads back whole. zsh quotes by itself."""
    import re

    from click import shell_completion as sc

    unsafe = re.compile(r"([^A-Za-z0-9_@%+=:,./-])")

    class Bash(sc.BashComplete):
        # click's script reads each value with `read` (which drops backslashes) and adds it unquoted;
        # this one reads it raw and adds it as one word, escaped here as bash's own completion escapes.
        source_template = sc.BashComplete.source_template.replace(
            "IFS=',' read type value", "IFS=',' read -r type value").replace(
            "COMPREPLY+=($value)", 'COMPREPLY+=("$value")')

        def format_completion(self, item):
            return item.type + "," + unsafe.sub(r"\\\1", item.value)

    class Fish(sc.FishComplete):
        # the value may hold commas: split off the type at the first one only
        source_template = sc.FishComplete.source_template.replace(
            'string split "," $completion', 'string split -m 1 "," $completion')

    sc.add_completion_class(Bash, "bash")
    sc.add_completion_class(Fish, "fish")
