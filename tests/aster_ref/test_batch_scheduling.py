"""How /tools/batch runs its calls: each in its own Task, a few at a time, its answers written as they come.

A batch of 1000 calls that never wait must not hold the event loop (other requests wait), a tool's own
``asyncio.timeout`` must end that tool and not the batch, and the answers go out in bounded writes.
About 0.1 s in all.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from aster_ref import CODE_EXECUTION, HTTPBridgeServer, Registry, ToolBridge, ToolContext, ToolSchema, messages
from aster_ref.defaults import MAX_BATCH_CALLS
from aster_ref.server import BATCH_WRITE_BYTES


@pytest.fixture
def started() -> list[int]:
    """The index of each call of Mark, in the order they ran."""
    return []


@pytest.fixture
async def server(registry: Registry, started: list[int]) -> AsyncIterator[HTTPBridgeServer]:
    async def mark(input: dict, ctx: ToolContext) -> int:  # never waits: done in the step that starts it
        started.append(input["i"])
        return input["i"]

    async def times_out(input: dict, ctx: ToolContext) -> str:
        async with asyncio.timeout(0.01):  # the tool's own deadline
            await asyncio.Event().wait()
        return "never"

    async def cancels(input: dict, ctx: ToolContext) -> str:
        raise asyncio.CancelledError  # not an Exception: the bridge does not turn it into a tool failure

    registry.register(ToolSchema("Cancels", allowed_callers=[CODE_EXECUTION]), cancels)
    registry.register(ToolSchema("Mark", allowed_callers=[CODE_EXECUTION]), mark)
    registry.register(ToolSchema("TimesOut", allowed_callers=[CODE_EXECUTION]), times_out)
    async with HTTPBridgeServer(ToolBridge(registry), "127.0.0.1", 0) as server:
        yield server


def marks(count: int) -> dict[str, Any]:
    return {"calls": [{"tool": "Mark", "input": {"i": i}} for i in range(count)]}


async def test_other_requests_are_answered_while_a_big_batch_runs(server: HTTPBridgeServer, started: list[int]) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(server.url + "/health") as response:  # a connection ready for the next one
            assert response.status == 200
        batch = asyncio.ensure_future(session.post(server.url + "/tools/batch", json=marks(MAX_BATCH_CALLS)))
        while not started:  # the batch is running
            await asyncio.sleep(0)
        async with session.get(server.url + "/health") as response:
            assert await response.json() == {"status": "ok"}
            calls_before_health = len(started)
        async with await batch as response:
            lines = (await response.read()).splitlines()
    assert calls_before_health < MAX_BATCH_CALLS  # /health did not wait for the whole batch
    assert sorted(json.loads(line)["answer"]["result"] for line in lines) == list(range(MAX_BATCH_CALLS))


async def test_the_first_answers_arrive_before_the_last_calls_start(
    server: HTTPBridgeServer, started: list[int]
) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(server.url + "/tools/batch", json=marks(MAX_BATCH_CALLS)) as response,
    ):
        first = json.loads(await response.content.readline())
        calls_before_first_answer = len(started)
        rest = (await response.read()).splitlines()
    assert first["status"] == 200
    assert calls_before_first_answer < MAX_BATCH_CALLS
    assert len(rest) == MAX_BATCH_CALLS - 1


async def test_answers_are_written_in_bounded_chunks(
    bridge_server: HTTPBridgeServer, workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workspace / "big.txt").write_text("x" * 8000)
    writes: list[int] = []
    write = web.StreamResponse.write

    async def counted(self: web.StreamResponse, data: bytes) -> None:
        writes.append(len(data))
        await write(self, data)

    monkeypatch.setattr(web.StreamResponse, "write", counted)
    calls = [{"tool": "Read", "input": {"path": "big.txt"}}] * 300
    async with (
        aiohttp.ClientSession() as session,
        session.post(bridge_server.url + "/tools/batch", json={"calls": calls}) as response,
    ):
        body = await response.read()
    lines = body.splitlines()
    answer_size = max(map(len, lines)) + 1
    assert len(lines) == 300
    assert sum(writes) == len(body)  # every byte of the answer went through these writes
    assert max(writes) < BATCH_WRITE_BYTES + answer_size  # ~2.4 MB of answers, never in one write


async def test_a_tools_own_timeout_fails_that_call_not_the_batch(server: HTTPBridgeServer) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(server.url + "/tools/call", json={"tool": "TimesOut", "input": {}}) as response:
            single = (response.status, await response.json())
        calls = [{"tool": "TimesOut", "input": {}}, {"tool": "Read", "input": {"path": "test.txt"}}]
        async with session.post(server.url + "/tools/batch", json={"calls": calls}) as response:
            assert response.status == 200
            answers = sorted(
                (json.loads(line) for line in (await response.read()).splitlines()), key=lambda a: a["index"]
            )
    assert single == (200, {"success": False, "error": "TimeoutError: "})
    assert answers == [
        {"index": 0, "status": single[0], "answer": single[1]},
        {"index": 1, "status": 200, "answer": {"success": True, "result": "hello\n"}},
    ]


async def test_a_call_whose_tool_raises_cancelled_error_is_an_internal_error(server: HTTPBridgeServer) -> None:
    calls = [{"tool": "Cancels", "input": {}}, {"tool": "Mark", "input": {"i": 1}}]
    async with (
        aiohttp.ClientSession() as session,
        session.post(server.url + "/tools/batch", json={"calls": calls}) as response,
    ):
        answers = sorted((json.loads(line) for line in (await response.read()).splitlines()), key=lambda a: a["index"])
    assert answers == [
        {"index": 0, "status": 500, "answer": {"error": messages.INTERNAL_ERROR.format(error="CancelledError")}},
        {"index": 1, "status": 200, "answer": {"success": True, "result": 1}},
    ]
