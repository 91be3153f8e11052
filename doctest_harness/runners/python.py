"""Plain Python: a script (with its own ``asyncio.run`` if it has one), run with the
project's interpreter in a fresh directory while the session's bridge is up."""

from __future__ import annotations

import subprocess
import sys

from doctest_harness import lint, messages
from doctest_harness.directives import STDERR, STDOUT
from doctest_harness.model import BlockFailure, DocBlock, Kind, Outcome
from doctest_harness.processes import run_group
from doctest_harness.registry import Runner
from doctest_harness.runners.python_code import PYTHON_LANGUAGES
from doctest_harness.session import DocTestSession

BLOCK_TIMEOUT = 300


def run(block: DocBlock, session: DocTestSession) -> Outcome:
    lint.lint(block)
    session.bridge_url()
    cwd = session.sandboxes.new_dir("python")
    (cwd / "block.py").write_text(block.code, encoding="utf-8")
    try:
        done = run_group([sys.executable, "block.py"], cwd=cwd, env=session.sandboxes.env(), timeout=BLOCK_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise BlockFailure(messages.TIMED_OUT.format(where=block.location, timeout=BLOCK_TIMEOUT)) from None
    return Outcome(done.returncode, done.stdout, done.stderr)


RUNNER = Runner(kind=Kind.PYTHON, languages=PYTHON_LANGUAGES, run=run, options={"stdout": STDOUT, "stderr": STDERR})
