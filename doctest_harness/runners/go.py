"""Go: the adapter between the registry and the Go runner (doctest_harness.go_runner),
which completes a block into a program against the Go mirror and runs it.

The directive keys are the Go runner's: ``go=NAME`` (the template snippets/go/NAME.go
that completes a fragment) and ``patch=PATH`` (the block replaces a function of that
file of the mirror, after the anchor line recorded in go/api/patch-points.toml).
"""

from __future__ import annotations

import subprocess

from doctest_harness import messages
from doctest_harness.bridge import BRIDGE_PORT
from doctest_harness.directives import STDERR, STDOUT, Option, text
from doctest_harness.go_runner import GoBlockError, free_ports_needed, run_go_block
from doctest_harness.model import BlockFailure, DocBlock, Kind, Outcome
from doctest_harness.registry import Runner
from doctest_harness.session import DocTestSession
from doctest_harness.tools import require_tools

BLOCK_TIMEOUT = 300


def _go_directive(block: DocBlock) -> dict[str, str]:
    return {key: str(value) for key, value in block.directive.items() if key in ("go", "patch")}


def run(block: DocBlock, session: DocTestSession) -> Outcome:
    require_tools(["go"])
    directive = _go_directive(block)
    if BRIDGE_PORT in free_ports_needed(directive, session.repo, block.code):
        session.bridge.stop()
    else:
        session.bridge_url()
    try:
        done = run_go_block(
            block.code,
            directive=directive,
            repo=session.repo,
            env=session.sandboxes.env(),
            timeout=BLOCK_TIMEOUT,
            location=block.location,
        )
    except GoBlockError as exc:
        raise BlockFailure(messages.GO_BLOCK_UNUSABLE.format(where=block.location, problem=exc)) from None
    except subprocess.TimeoutExpired:
        raise BlockFailure(messages.TIMED_OUT.format(where=block.location, timeout=BLOCK_TIMEOUT)) from None
    return Outcome(done.returncode, done.stdout, done.stderr)


RUNNER = Runner(
    kind=Kind.GO,
    languages=frozenset({"go", "golang"}),
    run=run,
    options={
        "go": Option("NAME: the template snippets/go/NAME.go that completes a fragment into a program", text),
        "patch": Option("PATH: the block is inserted into that file of the Go mirror, at upstream's anchor line", text),
        "stdout": STDOUT,
        "stderr": STDERR,
    },
)
