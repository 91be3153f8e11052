"""CodeExecute: bridge started on first use, code-callable tools injected."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aster_ref import (
    CODE_EXECUTION,
    DIRECT,
    CodeExecute,
    PythonRuntime,
    Registry,
    RuntimeConfig,
    ToolContext,
    ToolSchema,
)


async def test_first_execute_starts_the_bridge_and_injects_tools(registry: Registry, tmp_path: Path) -> None:
    async def add(input: dict, ctx: ToolContext) -> int:
        return input["a"] + input["b"]

    registry.register(ToolSchema("Add", allowed_callers=[DIRECT, CODE_EXECUTION]), add)
    runtime = PythonRuntime(RuntimeConfig(work_dir=tmp_path))
    async with CodeExecute(registry, runtime, bridge_url="http://127.0.0.1:0") as code_execute:
        assert code_execute.server is None
        code = 'print(await Add(a=2, b=3) + len(await Read(path="test.txt")))'
        result = await code_execute.execute(code)
        assert result.output == 11, result.stderr
        server = code_execute.server
        assert server is not None
        assert code_execute.bridge_url == f"http://127.0.0.1:{server.port}"
        assert runtime.tools == ["Add", "Glob", "Grep", "Read", "Write"]
        await code_execute.execute("print(1)")
        assert code_execute.server is server  # started once
        assert runtime.warm_parents() != []
    assert code_execute.server is None
    assert runtime.warm_parents() == []  # closing it closed the runtime


async def test_a_slow_tool_shows_the_gain_of_gather(registry: Registry, tmp_path: Path) -> None:
    # The harness's latency check relies on wrapping a built-in handler like this.
    original = registry.get("Read")

    async def slow_read(input: dict, ctx: ToolContext) -> str:
        await asyncio.sleep(0.3)
        return await original.handler(input, ctx)

    registry.register(original.schema, slow_read)
    code = (
        "import asyncio, time, json\n"
        "t = time.monotonic()\n"
        "for p in ['a.txt', 'test.txt', 'a.txt']:\n"
        "    await Read(path=p)\n"
        "serial = time.monotonic() - t\n"
        "t = time.monotonic()\n"
        "await asyncio.gather(Read(path='a.txt'), Read(path='test.txt'), Read(path='a.txt'))\n"
        "print(json.dumps({'serial': serial, 'concurrent': time.monotonic() - t}))\n"
    )
    async with CodeExecute(
        registry,
        PythonRuntime(RuntimeConfig(work_dir=tmp_path)),
        bridge_url="http://127.0.0.1:0",
    ) as ce:
        timings = (await ce.execute(code)).output
    assert timings["serial"] / timings["concurrent"] >= 2


async def test_concurrent_first_executions_share_one_bridge(registry: Registry) -> None:
    async with CodeExecute(registry, bridge_url="http://127.0.0.1:0") as code_execute:
        first, second = await asyncio.gather(code_execute.ensure_bridge(), code_execute.ensure_bridge())
        assert first is second is code_execute.server
