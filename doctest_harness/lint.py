"""ruff on Python blocks, with the documented rules only (Pyflakes: syntax errors,
undefined names, unused imports and the like), reported at the page's lines."""

from __future__ import annotations

import json
import subprocess

from ruff.__main__ import find_ruff_bin

from doctest_harness import messages
from doctest_harness.model import BlockFailure, DocBlock

RULES = "F"
RULES_SHOWN = "Pyflakes rules, F"
# PTC code awaits at top level: ruff's "await outside a function" is how PTC code is written.
PTC_IGNORED = ("F704",)
# PTC code runs on the PTC interpreter floor, 3.10.
TARGET = "py310"


def ruff_findings(code: str, builtins: list[str] = (), ignore: tuple[str, ...] = ()) -> list[dict]:
    args = [
        find_ruff_bin(),
        "check",
        "--isolated",
        "--no-cache",
        "--select",
        RULES,
        "--target-version",
        TARGET,
        "--output-format",
        "json",
        "--stdin-filename",
        "block.py",
        "-",
    ]
    if ignore:
        args += ["--ignore", ",".join(ignore)]
    if builtins:
        args += ["--config", f"builtins = {json.dumps(list(builtins))}"]
    done = subprocess.run(args, input=code, capture_output=True, text=True, check=False, timeout=60)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"ruff failed: {done.stderr}")
    return json.loads(done.stdout or "[]")


def lint(block: DocBlock, *, builtins: list[str] = (), ignore: tuple[str, ...] = ()) -> None:
    findings = ruff_findings(block.code, builtins, ignore)
    if findings:
        shown = "\n".join(
            messages.RUFF_FINDING.format(
                page=block.page.as_posix(),
                line=block.fence.line + finding["location"]["row"],
                column=finding["location"]["column"],
                code=finding["code"] or "syntax",
                message=finding["message"],
            )
            for finding in findings
        )
        raise BlockFailure(messages.RUFF_FOUND.format(where=block.location, rules=RULES_SHOWN, findings=shown))
