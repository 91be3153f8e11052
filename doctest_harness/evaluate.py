"""Running one block: its comments must agree with its code, then its runner runs it,
and what it printed must be what the page says (exit code, lines, and nothing a
reader would notice going wrong)."""

from __future__ import annotations

from doctest_harness import messages
from doctest_harness.claims import check_comments
from doctest_harness.matching import quote_matches
from doctest_harness.model import BlockFailure, DocBlock, Outcome
from doctest_harness.registry import Registry
from doctest_harness.runners import REGISTRY
from doctest_harness.session import DocTestSession


def run_block(block: DocBlock, session: DocTestSession, registry: Registry = REGISTRY) -> None:
    check_comments(block)
    outcome = registry[block.kind].run(block, session)
    if outcome is not None:
        session.outputs[block.location] = outcome
        check_outcome(block, outcome)


def check_outcome(block: DocBlock, outcome: Outcome) -> None:
    problems = []
    if outcome.exit_code != block.expected_exit:
        problems.append(messages.WRONG_EXIT.format(actual=outcome.exit_code, expected=block.expected_exit))
    for stream, printed in (("stdout", outcome.stdout), ("stderr", outcome.stderr)):
        wanted = block.directive.get(stream)
        if wanted is not None and not quote_matches(wanted, printed):
            problems.append(messages.STREAM_LACKS_LINE.format(stream=stream, wanted=wanted))
    if block.expected_exit == 0:  # a block the page says fails may fail in any way a reader would notice
        problems.extend(outcome.noticed)
    if problems:
        raise BlockFailure(
            messages.BLOCK_FAILED.format(
                where=block.location, problems="; ".join(problems), stdout=outcome.stdout, stderr=outcome.stderr
            )
        )
