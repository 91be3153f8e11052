"""/tools/batch and the SDK's coalescing of calls made in the same event-loop tick."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from aster_ref import (
    CODE_EXECUTION,
    AsterBridge,
    BridgeConnectionError,
    BridgeError,
    HTTPBridgeServer,
    Registry,
    ToolBridge,
    ToolContext,
    ToolError,
    ToolSchema,
    messages,
)
from aster_ref.defaults import MAX_BATCH_CALLS
from aster_ref.server import MAX_BODY


class CountingServer(HTTPBridgeServer):
    """The bridge, counting requests per endpoint and the calls each batch carried."""

    def __init__(self, *args: Any, batch: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requests: Counter[str] = Counter()
        self.batch_sizes: list[int] = []
        self.with_batch = batch

    async def call(self, request: web.Request) -> web.Response:
        self.requests["call"] += 1
        return await super().call(request)

    async def batch(self, request: web.Request) -> web.StreamResponse:
        if not self.with_batch:  # what the bridge answers on a path it does not have
            raise web.HTTPNotFound()
        self.requests["batch"] += 1
        body = await request.json()
        self.batch_sizes.append(len(body["calls"]) if isinstance(body, dict) else 0)
        return await super().batch(request)


@pytest.fixture
def slow_registry(registry: Registry) -> tuple[Registry, asyncio.Event]:
    """The built-ins plus Slow, which answers once the event is set."""
    release = asyncio.Event()

    async def slow(input: dict, ctx: ToolContext) -> str:
        await release.wait()
        return "slow done"

    async def set_of(input: dict, ctx: ToolContext) -> set[int]:
        return {1, 2}

    registry.register(ToolSchema("Slow", allowed_callers=[CODE_EXECUTION]), slow)
    registry.register(ToolSchema("SetOf", allowed_callers=[CODE_EXECUTION]), set_of)
    return registry, release


@pytest.fixture
async def counting(slow_registry: tuple[Registry, asyncio.Event]) -> AsyncIterator[CountingServer]:
    async with CountingServer(ToolBridge(slow_registry[0]), "127.0.0.1", 0) as server:
        yield server


async def outcomes(bridge: AsterBridge, calls: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    """Each call's result, or its exception's type and message, all made in one tick."""
    results = await asyncio.gather(*(bridge.call(tool, args) for tool, args in calls), return_exceptions=True)
    return [(type(r).__name__, str(r)) if isinstance(r, Exception) else ("result", json.dumps(r)) for r in results]


# A call of each kind: a result, a tool failure, an invalid input, not allowed, unknown, not an object,
# a result that is not JSON.
MIXED_CALLS: list[tuple[str, Any]] = [
    ("Read", {"path": "test.txt"}),
    ("Read", {"path": "missing.txt"}),
    ("Read", {"path": 1}),
    ("Bash", {"command": "id"}),
    ("Nope", {}),
    ("Read", ["not", "an", "object"]),
    ("SetOf", {}),
    ("Glob", {"pattern": "*.txt"}),
]


async def test_calls_in_one_tick_go_as_one_batch_with_the_answers_single_calls_get(
    counting: CountingServer,
) -> None:
    async with AsterBridge(counting.url, coalesce=False) as single:
        expected = await outcomes(single, MIXED_CALLS)
    assert counting.requests == {"call": len(MIXED_CALLS)}
    async with AsterBridge(counting.url) as coalescing:
        assert await outcomes(coalescing, MIXED_CALLS) == expected
    assert counting.requests["batch"] == 1
    assert counting.batch_sizes == [len(MIXED_CALLS)]
    kinds = [kind for kind, _ in expected]
    assert kinds == [
        "result",
        "ToolError",
        "ToolError",
        "ToolError",
        "ToolError",
        "BridgeError",
        "BridgeError",
        "result",
    ]


async def test_calls_awaited_one_after_another_go_singly(counting: CountingServer) -> None:
    async with AsterBridge(counting.url) as bridge:
        for _ in range(3):
            assert await bridge.call("Read", {"path": "test.txt"}) == "hello\n"
    assert counting.requests == {"call": 3}


async def test_an_answer_arrives_as_soon_as_its_call_ends(
    counting: CountingServer, slow_registry: tuple[Registry, asyncio.Event]
) -> None:
    async with AsterBridge(counting.url) as bridge:
        slow = asyncio.ensure_future(bridge.call("Slow", {}))
        fast = asyncio.ensure_future(bridge.call("Read", {"path": "test.txt"}))
        assert await fast == "hello\n"
        assert not slow.done()  # same batch, still running on the bridge
        slow_registry[1].set()
        assert await slow == "slow done"
    assert counting.batch_sizes == [2]


async def test_a_call_past_the_timeout_fails_alone(
    counting: CountingServer, slow_registry: tuple[Registry, asyncio.Event]
) -> None:
    async with AsterBridge(counting.url, timeout=0.5) as bridge:
        answers = await outcomes(bridge, [("Slow", {}), ("Read", {"path": "test.txt"})])
        slow_registry[1].set()  # let the bridge stop
        assert answers == [
            ("BridgeError", messages.BRIDGE_TIMEOUT.format(seconds=0.5, url=counting.url + "/tools/call")),
            ("result", json.dumps("hello\n")),
        ]
    assert counting.batch_sizes == [2]


@pytest.mark.parametrize("status", [404, 405])
async def test_a_bridge_without_batch_gets_single_calls_from_then_on(registry: Registry, status: int) -> None:
    hits: Counter[str] = Counter()
    bridge = ToolBridge(registry)

    async def call(request: web.Request) -> web.Response:
        hits["call"] += 1
        body = await request.json()
        return web.json_response({"success": True, "result": await bridge.call(body["tool"], body["input"])})

    async def no_batch(request: web.Request) -> web.Response:
        hits["batch"] += 1
        return web.json_response({"error": "no"}, status=status)

    app = web.Application()
    app.router.add_post("/tools/call", call)
    app.router.add_post("/tools/batch", no_batch)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        async with AsterBridge(url) as client:
            calls = [("Read", {"path": "test.txt"}), ("Read", {"path": "a.txt"})]
            assert [kind for kind, _ in await outcomes(client, calls)] == ["result", "result"]
            assert not client.batch_supported
            await outcomes(client, calls)
    finally:
        await runner.cleanup()
    assert hits == {"batch": 1, "call": 4}


async def test_the_bridges_own_404_without_the_endpoint_falls_back(
    slow_registry: tuple[Registry, asyncio.Event],
) -> None:
    async with (
        CountingServer(ToolBridge(slow_registry[0]), "127.0.0.1", 0, batch=False) as server,
        AsterBridge(server.url) as bridge,
    ):
        assert [kind for kind, _ in await outcomes(bridge, MIXED_CALLS[:2])] == ["result", "ToolError"]
    assert server.requests == {"call": 2}  # the batch request reached no handler


async def test_a_batch_too_large_for_the_bridge_is_sent_as_single_calls(counting: CountingServer) -> None:
    content = "x" * (MAX_BODY * 2 // 3)  # each call fits in a request, two do not
    async with AsterBridge(counting.url) as bridge:
        calls = [("Write", {"path": f"big{i}.txt", "content": content}) for i in range(2)]
        assert [kind for kind, _ in await outcomes(bridge, calls)] == ["result", "result"]
        assert bridge.batch_supported  # a 413 is about this batch, not the endpoint
    assert counting.requests == {"batch": 1, "call": 2}


async def test_an_input_that_is_not_json_fails_only_its_own_call(counting: CountingServer) -> None:
    async with AsterBridge(counting.url) as bridge:
        results = await asyncio.gather(
            bridge.call("Read", {"path": {1, 2}}), bridge.call("Read", {"path": "test.txt"}), return_exceptions=True
        )
    assert isinstance(results[0], TypeError)
    assert results[1] == "hello\n"


async def test_a_bridge_that_is_down_fails_each_call_with_the_connection_error(unused_tcp_port: int) -> None:
    async with AsterBridge(f"http://localhost:{unused_tcp_port}", retries=1, backoff=0.01) as bridge:
        results = await outcomes(bridge, [("Read", {"path": "a"}), ("Read", {"path": "b"})])
    quoted = messages.CONNECTION_ERROR.format(detail=f"Cannot connect to host localhost:{unused_tcp_port} ")
    assert [kind for kind, _ in results] == ["BridgeConnectionError"] * 2
    assert all(message.startswith(quoted) for _, message in results)


async def batch_answered_with(port: int, answer: bytes, tools: list[str]) -> list[Any]:
    """What the calls to ``tools``, made in one tick, give when the bridge answers their batch with ``answer``."""

    async def answering(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        await response.write(answer)
        return response

    app = web.Application()
    app.router.add_post("/tools/batch", answering)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with AsterBridge(f"http://127.0.0.1:{port}") as bridge:
            return await asyncio.gather(*(bridge.call(tool) for tool in tools), return_exceptions=True)
    finally:
        await runner.cleanup()


def answer_line(index: int, result: str) -> bytes:
    return b'{"index": %d, "status": 200, "answer": {"success": true, "result": "%s"}}\n' % (index, result.encode())


def ended_early(result: Any) -> bool:
    return isinstance(result, BridgeConnectionError) and str(result) == messages.CONNECTION_ERROR.format(
        detail=messages.BATCH_ENDED_EARLY
    )


async def test_a_batch_answer_cut_short_fails_the_calls_it_left(unused_tcp_port: int) -> None:
    results = await batch_answered_with(unused_tcp_port, answer_line(1, "b"), ["A", "B"])
    assert ended_early(results[0])
    assert results[1] == "b"


async def test_the_answers_before_a_line_that_is_not_json_still_count(unused_tcp_port: int) -> None:
    answer = answer_line(0, "a") + b"not json\n" + answer_line(2, "c")  # in one chunk
    results = await batch_answered_with(unused_tcp_port, answer, ["A", "B", "C"])
    assert results[0] == "a"
    assert ended_early(results[1]) and ended_early(results[2])


# --- the endpoint itself ---------------------------------------------------------------------------------------
async def post_batch(server: HTTPBridgeServer, body: Any, **headers: str) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            server.url + "/tools/batch", data=body if isinstance(body, bytes) else json.dumps(body), headers=headers
        ) as response,
    ):
        text = await response.text()
        if response.content_type == "application/x-ndjson":
            return response.status, sorted((json.loads(line) for line in text.splitlines()), key=lambda a: a["index"])
        return response.status, json.loads(text)


@pytest.mark.parametrize(
    "body",
    [{"calls": []}, {"calls": "Read"}, {"tool": "Read"}, [1], {"calls": [{}] * (MAX_BATCH_CALLS + 1)}],
    ids=["empty", "not-a-list", "no-calls", "not-an-object", "too-many"],
)
async def test_a_batch_body_without_a_list_of_calls_is_a_400(bridge_server: HTTPBridgeServer, body: Any) -> None:
    assert await post_batch(bridge_server, body) == (
        400,
        {"error": messages.BATCH_CALLS_INVALID.format(limit=MAX_BATCH_CALLS)},
    )


async def test_a_batch_body_that_is_not_json_is_a_400(bridge_server: HTTPBridgeServer) -> None:
    status, body = await post_batch(bridge_server, b"{calls")
    assert status == 400
    assert body["error"].startswith(messages.BAD_JSON.format(error=""))


async def test_each_call_of_a_batch_is_answered_as_tools_call_would(bridge_server: HTTPBridgeServer) -> None:
    calls = [{"tool": "Read", "input": {"path": "test.txt"}}, "Read", {"input": {}}, {"tool": "Read", "input": []}]
    status, answers = await post_batch(bridge_server, {"calls": calls})
    assert status == 200
    assert answers == [
        {"index": 0, "status": 200, "answer": {"success": True, "result": "hello\n"}},
        {"index": 1, "status": 400, "answer": {"error": messages.BODY_NOT_OBJECT}},
        {"index": 2, "status": 400, "answer": {"error": messages.MISSING_TOOL}},
        {"index": 3, "status": 400, "answer": {"error": messages.INPUT_NOT_OBJECT}},
    ]


async def test_the_batch_endpoint_asks_for_the_token_like_the_others(registry: Registry) -> None:
    async with HTTPBridgeServer(ToolBridge(registry), "127.0.0.1", 0, token="t") as server:
        assert await post_batch(server, {"calls": [{"tool": "Read", "input": {}}]}) == (
            401,
            {"error": messages.UNAUTHORIZED},
        )
        status, answers = await post_batch(
            server, {"calls": [{"tool": "Read", "input": {"path": "test.txt"}}]}, Authorization="Bearer t"
        )
        assert (status, answers[0]["answer"]) == (200, {"success": True, "result": "hello\n"})


async def test_a_tool_error_inside_a_batch_is_a_tool_error(counting: CountingServer) -> None:
    async with AsterBridge(counting.url) as bridge:
        with pytest.raises(ToolError, match="Tool Read failed"):
            await asyncio.gather(bridge.call("Read", {"path": "x"}), bridge.call("Read", {"path": "test.txt"}))
        with pytest.raises(BridgeError, match="HTTP 500"):
            await asyncio.gather(bridge.call("SetOf"), bridge.call("Read", {"path": "test.txt"}))
