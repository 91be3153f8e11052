"""The CLI reference page, from aster-ref's own argument parser (``aster_ref.cli.build_parser``).

Each command gets its usage line (as ``aster-ref <command> --help`` prints it) and a table of its
arguments; the descriptions are argparse's help strings, so the page cannot drift from the CLI.
"""

from __future__ import annotations

import argparse
import functools

from site_text import page_start, site_text

from aster_ref.cli import build_parser

HIDDEN_DEFAULTS = (None, False, argparse.SUPPRESS)
# A fixed width, so the usage lines do not depend on the terminal that builds the site.
USAGE_WIDTH = 80


def _commands_action(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    # argparse has no public accessor for subcommands: this is how its own help finds them.
    (action,) = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    return action


def subcommands(parser: argparse.ArgumentParser) -> dict[str, tuple[str, argparse.ArgumentParser]]:
    """``aster-ref``'s commands in the order --help lists them: name -> (summary, parser)."""
    action = _commands_action(parser)
    summaries = {choice.dest: choice.help or "" for choice in action._choices_actions}
    return {name: (summaries.get(name, ""), command) for name, command in action.choices.items()}


def _argument(action: argparse.Action) -> str:
    if not action.option_strings:
        return f"`{action.metavar or action.dest}`"
    metavar = "" if action.nargs == 0 else f" {action.metavar or action.dest.upper()}"
    return ", ".join(f"`{option}{metavar}`" for option in action.option_strings)


def _help(action: argparse.Action, prog: str) -> str:
    text = action.help or ""
    if "%(" in text:  # argparse's own help substitution
        text = text % dict(vars(action), prog=prog)
    return text.replace("|", "\\|")


def _default(action: argparse.Action) -> str:
    """The default, unless the help already says it (e.g. one taken from an environment variable)."""
    if action.default in HIDDEN_DEFAULTS or "default" in (action.help or ""):
        return ""
    return f"`{action.default}`"


def reference_page(language: str) -> str:
    text = site_text()[language]["cli"]
    parser = build_parser()
    lines = page_start(text, "cli-reference", text["intro"])
    for name, (summary, command) in subcommands(parser).items():
        command.formatter_class = functools.partial(argparse.HelpFormatter, width=USAGE_WIDTH)
        rows = [
            (_argument(action), _default(action), _help(action, command.prog))
            for action in command._actions
            if not isinstance(action, argparse._HelpAction)
        ]
        lines += [
            f"## aster-ref {name} {{#{name}}}",
            "",
            summary,
            "",
            "```text",
            command.format_usage().strip(),
            "```",
            "",
            f"| {text['argument']} | {text['default']} | {text['meaning']} |",
            "|---|---|---|",
            *(f"| {argument} | {default} | {meaning} |" for argument, default, meaning in rows),
            "",
        ]
    return "\n".join(lines)
