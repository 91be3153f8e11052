"""PTC blocks run through aster_ref.PythonRuntime, as the host runs generated code.

Timing claims ("serial 3 s, concurrent ~1 s") are checked as ratios, not
seconds: the block runs against a bridge of its own whose tool answers after a
fixed delay, prints ``{"serial": s, "concurrent": c}``, and the ratio must show
the speed-up the page claims.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aster_ref import ExecutionResult, HTTPBridgeServer, PythonRuntime, Registry, RuntimeConfig, ToolBridge, ToolContext
from doctest_harness.blocks import BlockFailure, DocBlock
from doctest_harness.session import DocTestSession

PTC_TIMEOUT = 60
CODE_CALLABLE = ["Read", "Write", "Glob", "Grep"]
# Three calls: serial takes ~3 delays, concurrent ~1; 2.5 leaves room for overhead.
MIN_SPEEDUP = 2.5


async def execute_ptc(code: str, bridge_url: str, session: DocTestSession) -> ExecutionResult:
    runtime = PythonRuntime(RuntimeConfig(timeout=PTC_TIMEOUT, work_dir=session.new_dir("ptc")))
    runtime.set_bridge_url(bridge_url)
    runtime.set_tools(CODE_CALLABLE)
    return await runtime.execute(code)


def parse_spec(spec: str, where: str) -> tuple[str, float]:
    tool, sep, seconds = spec.partition(":")
    try:
        if not sep:
            raise ValueError
        return tool, float(seconds)
    except ValueError:
        raise BlockFailure(f"{where}: latency directive must be TOOL:SECONDS, got {spec!r}") from None


def delayed_registry(session: DocTestSession, tool: str, delay: float) -> Registry:
    registry = Registry.builtin(session.workspace)
    original = registry.get(tool)

    async def slow(input: dict[str, Any], ctx: ToolContext) -> Any:
        await asyncio.sleep(delay)
        return await original.handler(input, ctx)

    registry.register(original.schema, slow)
    return registry


def run_with_latency(block: DocBlock, session: DocTestSession) -> ExecutionResult:
    tool, delay = parse_spec(block.directive["latency"], block.location)

    async def run():
        async with HTTPBridgeServer(ToolBridge(delayed_registry(session, tool, delay)), "127.0.0.1", 0) as server:
            return await execute_ptc(block.fence.code, server.url, session)

    return asyncio.run(run())


def check_speedup(block: DocBlock, result: ExecutionResult) -> None:
    timings = result.output if isinstance(result.output, dict) else {}
    try:
        serial, concurrent = float(timings["serial"]), float(timings["concurrent"])
    except (KeyError, TypeError, ValueError):
        raise BlockFailure(
            f'{block.location}: a latency block must print {{"serial": s, "concurrent": c}}; '
            f"it printed:\n{result.stdout}\n{result.stderr}"
        ) from None
    if concurrent <= 0 or serial / concurrent < MIN_SPEEDUP:
        raise BlockFailure(
            f"{block.location}: serial {serial:.2f} s vs concurrent {concurrent:.2f} s "
            f"is not the >= {MIN_SPEEDUP}x speed-up the page claims"
        )
