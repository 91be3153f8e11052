"""Quoted output: text a page says the reference prints. Its lines must be whole lines
of what the reference really printed (see matching): in the situation behind the
message it quotes (see scenarios), or of the bash block above it
(``output-of=above``), or of a command the page shows (``output-of="CMD"``).
"""

from __future__ import annotations

from doctest_harness import messages, scenarios
from doctest_harness.directives import DirectiveError, Option, command
from doctest_harness.matching import quote_matches
from doctest_harness.model import BlockFailure, DocBlock, Kind, Outcome
from doctest_harness.registry import Runner
from doctest_harness.runners import bash
from doctest_harness.session import DocTestSession

QUOTED_LANGUAGES = frozenset({"", "text", "txt", "plain", "plaintext", "output", "console-output", "log"})
ABOVE = "above"


def check(block: DocBlock) -> None:
    source = block.directive.get("output-of")
    if source == ABOVE:
        if block.above is None:
            raise DirectiveError(messages.OUTPUT_OF_ABOVE_NOTHING)
        if block.above.kind is not Kind.BASH:
            raise DirectiveError(
                messages.OUTPUT_OF_ABOVE_NOT_BASH.format(line=block.above.fence.line, kind=block.above.kind.value)
            )
        if block.above.not_run_reason is not None:
            raise DirectiveError(messages.OUTPUT_OF_ABOVE_NOT_RUN.format(line=block.above.fence.line))
    elif source is not None and (block.source is None or not block.source.shows(source)):
        raise DirectiveError(messages.OUTPUT_OF_NOT_SHOWN.format(command=source))


def _printed(outcome: Outcome) -> str:
    return outcome.stdout + outcome.stderr


def outputs(block: DocBlock, session: DocTestSession) -> dict[str, str]:
    """What the reference printed, by where it came from."""
    source = block.directive.get("output-of")
    if source == ABOVE:
        above = block.above
        if above.location not in session.outputs:
            session.outputs[above.location] = bash.run(above, session)
        return {messages.PRINTED_BY_BLOCK.format(name=above.test_name): _printed(session.outputs[above.location])}
    if source:
        return {messages.PRINTED_BY_COMMAND.format(command=source): _printed(bash.shell(source, block, session))}
    names = scenarios.messages_quoted_by(block.code)
    if not names:
        raise BlockFailure(messages.QUOTE_UNKNOWN.format(where=block.location, quote=block.code.rstrip()))
    return {messages.PRINTED_AS_MESSAGE.format(name=name): session.scenarios.output(name) for name in names}


def run(block: DocBlock, session: DocTestSession) -> None:
    printed = outputs(block, session)
    if not any(quote_matches(block.code, output) for output in printed.values()):
        shown = "\n".join(messages.OUTPUT_OF.format(source=source, output=output) for source, output in printed.items())
        raise BlockFailure(
            messages.QUOTE_NOT_PRINTED.format(where=block.location, quote=block.code.rstrip(), shown=shown)
        )


RUNNER = Runner(
    kind=Kind.QUOTED,
    languages=QUOTED_LANGUAGES,
    run=run,
    options={
        "output-of": Option(
            "`above` for the output of the bash block above, or a command the page shows whose output this is", command
        )
    },
    check=check,
)
