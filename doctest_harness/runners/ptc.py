"""PTC code: Python that calls the runtime's tools, run through aster_ref.PythonRuntime
against the session's bridge, as the host runs generated code.

With ``latency=TOOL:SECONDS`` the block runs against a bridge of its own whose TOOL
answers after SECONDS, and the harness times the block's parts itself (see timings).
"""

from __future__ import annotations

import asyncio

from aster_ref import HTTPBridgeServer, PythonRuntime, Registry, RuntimeConfig, ToolBridge
from aster_ref.tools import DEFAULT_CODE_TOOLS
from doctest_harness import claims, lint, messages
from doctest_harness.code_text import split_comment
from doctest_harness.directives import STDERR, STDOUT, Option, latency
from doctest_harness.model import BlockFailure, DocBlock, Kind, Outcome
from doctest_harness.registry import Runner
from doctest_harness.runners.python_code import PYTHON_LANGUAGES, TOOL_NAMES, asyncio_run_lines, is_ptc
from doctest_harness.session import DocTestSession
from doctest_harness.timings import CallLog, Part, delayed

PTC_TIMEOUT = 60
# Names the SDK prelude gives PTC code besides the tools: ruff must not call them undefined.
PRELUDE_NAMES = ("input_data", "ToolError")
# A part's measured time may exceed what its comment says by this fraction (plus SLACK), and fall short by UNDER.
OVER, SLACK, UNDER = 0.25, 0.1, 0.1


def execute(code: str, bridge_url: str, session: DocTestSession):
    runtime = PythonRuntime(RuntimeConfig(timeout=PTC_TIMEOUT, work_dir=session.sandboxes.new_dir("ptc")))
    runtime.set_bridge_url(bridge_url)
    runtime.set_tools(list(DEFAULT_CODE_TOOLS))
    return runtime.execute(code)


def run(block: DocBlock, session: DocTestSession) -> Outcome:
    calls = asyncio_run_lines(block.code)
    if calls:
        raise BlockFailure(messages.ASYNCIO_RUN_IN_PTC.format(where=block.location, line=block.fence.line + calls[0]))
    lint.lint(block, builtins=[*TOOL_NAMES, *PRELUDE_NAMES], ignore=lint.PTC_IGNORED)
    if "latency" in block.directive:
        result = run_timed(block, session)
    else:
        result = asyncio.run(execute(block.code, session.bridge_url(), session))
    return Outcome(result.exit_code, result.stdout, result.stderr + (result.error or ""))


def run_timed(block: DocBlock, session: DocTestSession):
    spec = block.directive["latency"]
    log = CallLog()
    registry = delayed(Registry.builtin(session.sandboxes.workspace), spec.tool, spec.seconds, log)

    async def serve_and_run():
        async with HTTPBridgeServer(ToolBridge(registry), "127.0.0.1", 0) as server:
            return await execute(block.code, server.url, session)

    result = asyncio.run(serve_and_run())
    if result.success:
        check_parts(block, log.parts())
    return result


def _describe(part: Part) -> str:
    template = messages.PART_CONCURRENT if part.concurrent else messages.PART_SERIAL
    return template.format(count=part.calls, seconds=part.seconds)


def stated_parts(block: DocBlock) -> list[tuple[int, str, float]]:
    """(page line, duration as written, seconds) for each comment line of the block that states a duration."""
    stated = []
    for offset, line in enumerate(block.code.splitlines(), 1):
        code, comment = split_comment(line, block.fence.lang)
        if comment and not code.strip():
            stated += [(block.fence.line + offset, text, value) for text, value in claims.stated_durations(comment)]
    return stated


def check_parts(block: DocBlock, parts: list[Part]) -> None:
    """The block's comments say how long each part takes; the call log says how long it took."""
    spec = block.directive["latency"]
    stated = stated_parts(block)
    if not stated:
        raise BlockFailure(messages.LATENCY_NO_CLAIMS.format(where=block.location))
    if len(stated) != len(parts):
        raise BlockFailure(
            messages.LATENCY_PARTS.format(
                where=block.location,
                claimed=len(stated),
                claims=", ".join(f"line {line}: {text}" for line, text, _ in stated),
                tool=spec.tool,
                measured=len(parts),
                parts="; ".join(map(_describe, parts)),
            )
        )
    for (line, text, seconds), part in zip(stated, parts, strict=True):
        if not seconds * (1 - UNDER) <= part.seconds <= seconds * (1 + OVER) + SLACK:
            raise BlockFailure(
                messages.LATENCY_PART.format(where=block.location, line=line, stated=f"`{text}`", measured=part.seconds)
            )
    check_prose(block, [text for _, text, _ in stated], [seconds for _, _, seconds in stated])


def check_prose(block: DocBlock, claimed: list[str], claimed_seconds: list[float]) -> None:
    """The prose after the block that names the tool: its first duration is each call's, the rest the parts'."""
    spec = block.directive["latency"]
    for line, text in block.prose_after():
        if f"`{spec.tool}`" not in text:
            continue
        durations = claims.stated_durations(text)
        if not durations:
            continue
        (delay_text, delay), *parts = durations
        if abs(delay - spec.seconds) > 1e-9:
            raise BlockFailure(
                messages.LATENCY_PROSE_DELAY.format(
                    where=block.location, line=line, tool=spec.tool, stated=f"`{delay_text}`", actual=spec.seconds
                )
            )
        if parts and [seconds for _, seconds in parts] != claimed_seconds:
            raise BlockFailure(
                messages.LATENCY_PROSE_PARTS.format(
                    where=block.location,
                    line=line,
                    stated=", ".join(f"`{text}`" for text, _ in parts),
                    claimed=", ".join(f"`{text}`" for text in claimed),
                )
            )
        return


RUNNER = Runner(
    kind=Kind.PTC,
    languages=PYTHON_LANGUAGES,
    run=run,
    options={
        "stdout": STDOUT,
        "stderr": STDERR,
        "latency": Option("TOOL:SECONDS: the tool answers after SECONDS; the harness times the block's parts", latency),
    },
    accepts=lambda fence: is_ptc(fence.code),
)
