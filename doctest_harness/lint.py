"""ruff on Python blocks, through pytest-examples: the documented rules only (Pyflakes:
syntax errors, undefined names, unused imports and the like), reported at the page's
lines."""

from __future__ import annotations

import json

from pytest_examples import CodeExample
from pytest_examples.config import ExamplesConfig
from pytest_examples.lint import FormatError, ruff_check

from doctest_harness import messages
from doctest_harness.model import BlockFailure, DocBlock

RULES = "F"
RULES_SHOWN = "Pyflakes rules, F"
# PTC code awaits at top level: ruff's "await outside a function" is how PTC code is written.
PTC_IGNORED = ("F704",)
# PTC code runs on the PTC interpreter floor, 3.10.
TARGET = "py310"
# pytest-examples adds its rules to ruff's defaults and to the project's configuration: --isolated and --select
# leave RULES only. One line per finding (pytest-examples moves each to the page's line), no fixes offered: the
# page is what a writer edits.
RUFF_ARGS = ("--isolated", f"--select={RULES}", "--output-format=concise", "--unfixable=ALL")


def lint(block: DocBlock, *, builtins: list[str] = (), ignore: tuple[str, ...] = ()) -> None:
    example = CodeExample.create(block.code, path=block.page, start_line=block.fence.line)
    config = ExamplesConfig(target_version=TARGET, ruff_select=[RULES], ruff_ignore=list(ignore))
    names = ("--config", f"builtins = {json.dumps(list(builtins))}") if builtins else ()
    try:
        ruff_check(example, config, extra_ruff_args=(*RUFF_ARGS, *names))
    except FormatError as found:
        # pytest-examples' report: a heading, then the findings at page:line:column, then ruff's count.
        at_page = f"{block.page.as_posix()}:"
        findings = [line.strip() for line in str(found).splitlines() if line.strip().startswith(at_page)]
        raise BlockFailure(
            messages.RUFF_FOUND.format(where=block.location, rules=RULES_SHOWN, findings="\n".join(findings))
        ) from None
