"""The HTTP contract of DESIGN.md: endpoints, statuses, JSON shapes, Host and token checks."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestClient
from hypothesis import given
from hypothesis import strategies as st

from aster_ref import (
    CODE_EXECUTION,
    DIRECT,
    HTTPBridgeServer,
    Registry,
    ToolBridge,
    ToolContext,
    ToolSchema,
    connections,
    messages,
)
from aster_ref import server as server_module
from aster_ref.connections import RateLimitedLog, connection_cap
from aster_ref.server import MAX_BODY, HTTPLimits
from aster_ref.validation import nested_deeper_than

MakeClient = Callable[..., Awaitable[TestClient]]


@pytest.fixture
async def client(aiohttp_client: MakeClient, registry: Registry) -> TestClient:
    return await aiohttp_client(HTTPBridgeServer(ToolBridge(registry)).make_app())


async def json_of(response: Any, status: int) -> Any:
    assert response.status == status
    assert response.content_type == "application/json"
    return await response.json()


async def test_health(client: TestClient) -> None:
    assert await json_of(await client.get("/health"), 200) == {"status": "ok"}


async def test_list_shows_only_code_callable_tools(client: TestClient) -> None:
    assert await json_of(await client.get("/tools/list"), 200) == {"tools": ["Glob", "Grep", "Read", "Write"]}


async def test_schema_of_a_tool(client: TestClient) -> None:
    body = await json_of(await client.get("/tools/schema", params={"name": "Read"}), 200)
    assert body["name"] == "Read"
    assert body["allowed_callers"] == ["direct", "code_execution_20250825"]
    assert body["input_schema"]["required"] == ["path"]
    assert set(body) == {"name", "description", "input_schema", "allowed_callers"}


async def test_schema_of_an_unknown_tool_is_404(client: TestClient) -> None:
    body = await json_of(await client.get("/tools/schema", params={"name": "Nope"}), 404)
    assert body == {"error": messages.UNKNOWN_TOOL.format(tool="Nope")}


async def test_schema_without_a_name_is_400(client: TestClient) -> None:
    assert await json_of(await client.get("/tools/schema"), 400) == {"error": messages.MISSING_SCHEMA_NAME}


async def test_call_succeeds(client: TestClient) -> None:
    response = await client.post("/tools/call", json={"tool": "Read", "input": {"path": "test.txt"}})
    assert await json_of(response, 200) == {"success": True, "result": "hello\n"}


async def test_tool_failure_is_data_with_200(client: TestClient) -> None:
    response = await client.post("/tools/call", json={"tool": "Read", "input": {"path": "x.txt"}})
    assert await json_of(response, 200) == {
        "success": False,
        "error": messages.FILE_NOT_FOUND.format(path="x.txt"),
    }


async def test_read_outside_the_root_says_why(client: TestClient, workspace: Any) -> None:
    response = await client.post("/tools/call", json={"tool": "Read", "input": {"path": "/nonexistent/file.txt"}})
    body = await json_of(response, 200)
    assert body == {
        "success": False,
        "error": messages.PATH_ESCAPES_ROOT.format(path="/nonexistent/file.txt", root=workspace),
    }


async def test_tool_not_allowed_from_code_is_403(client: TestClient) -> None:
    response = await client.post("/tools/call", json={"tool": "Bash", "input": {"command": "id"}})
    body = await json_of(response, 403)
    assert body == {
        "success": False,
        "error": messages.TOOL_NOT_ALLOWED.format(tool="Bash"),
    }


async def test_unknown_tool_is_404(client: TestClient) -> None:
    response = await client.post("/tools/call", json={"tool": "Nope", "input": {}})
    assert await json_of(response, 404) == {
        "success": False,
        "error": "unknown tool: Nope",
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"not json",
            messages.BAD_JSON.format(error="Expecting value: line 1 column 1 (char 0)"),
        ),
        (b"[1, 2]", messages.BODY_NOT_OBJECT),
        (b'{"input": {}}', messages.MISSING_TOOL),
        (b'{"tool": 3}', messages.MISSING_TOOL),
        (b'{"tool": "Read", "input": "test.txt"}', messages.INPUT_NOT_OBJECT),
    ],
)
async def test_bad_requests_are_400_with_a_message(client: TestClient, body: bytes, message: str) -> None:
    response = await client.post("/tools/call", data=body, headers={"Content-Type": "application/json"})
    assert await json_of(response, 400) == {"error": message}


async def test_body_over_1_mib_is_413(client: TestClient) -> None:
    payload = b'{"tool": "Write", "input": {"path": "big", "content": "' + b"x" * MAX_BODY + b'"}}'
    response = await client.post("/tools/call", data=payload, headers={"Content-Type": "application/json"})
    assert await json_of(response, 413) == {"error": messages.BODY_TOO_LARGE.format(limit=MAX_BODY)}


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [("GET", "/tools/call", "POST"), ("POST", "/health", "GET")],
)
async def test_wrong_method_is_405_with_allow_header(client: TestClient, method: str, path: str, allowed: str) -> None:
    response = await client.request(method, path)
    body = await json_of(response, 405)
    assert body == {"error": messages.METHOD_NOT_ALLOWED.format(method=method, path=path, allowed=allowed)}
    assert response.headers["Allow"] == allowed


async def test_unknown_path_is_404_json(client: TestClient) -> None:
    assert await json_of(await client.get("/nope"), 404) == {"error": messages.NOT_FOUND.format(path="/nope")}


async def test_foreign_host_header_is_refused(client: TestClient) -> None:
    response = await client.get("/health", headers={"Host": "evil.example:8080"})
    body = await json_of(response, 403)
    assert body == {"error": messages.HOST_NOT_ALLOWED.format(host="evil.example:8080", host_name="evil.example")}


@pytest.mark.parametrize("host", ["localhost:8080", "127.0.0.1", "[::1]:8080"])
async def test_loopback_host_headers_pass(client: TestClient, host: str) -> None:
    assert (await client.get("/health", headers={"Host": host})).status == 200


async def test_host_named_by_host_option_passes(aiohttp_client: MakeClient, registry: Registry) -> None:
    client = await aiohttp_client(HTTPBridgeServer(ToolBridge(registry), "bridge.internal").make_app())
    assert (await client.get("/health", headers={"Host": "bridge.internal:8080"})).status == 200
    assert (await client.get("/health", headers={"Host": "other.internal:8080"})).status == 403


async def test_token_is_required_when_set(aiohttp_client: MakeClient, registry: Registry) -> None:
    client = await aiohttp_client(HTTPBridgeServer(ToolBridge(registry), token="s3cret").make_app())
    refused = await client.get("/tools/list", headers={"Authorization": "Bearer wrong"})
    assert await json_of(refused, 401) == {"error": messages.UNAUTHORIZED}
    assert refused.headers["WWW-Authenticate"] == "Bearer"
    assert (await client.get("/tools/list")).status == 401
    assert (await client.get("/tools/list", headers={"Authorization": "Bearer s3cret"})).status == 200
    assert (await client.get("/health")).status == 200


async def test_context_factory_decides_the_caller(aiohttp_client: MakeClient, registry: Registry) -> None:
    server = HTTPBridgeServer(ToolBridge(registry), context_factory=lambda request: ToolContext(DIRECT))
    client = await aiohttp_client(server.make_app())
    assert "Bash" in (await json_of(await client.get("/tools/list"), 200))["tools"]


async def test_start_async_binds_port_0_and_shutdown_frees_it(
    registry: Registry,
) -> None:
    server = HTTPBridgeServer(ToolBridge(registry), "127.0.0.1", 0)
    await server.start_async()
    assert server.port != 0
    with socket.create_connection(("127.0.0.1", server.port)):
        pass
    await server.shutdown()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", server.port))


async def test_starting_a_started_server_again_is_refused(registry: Registry) -> None:
    async with HTTPBridgeServer(ToolBridge(registry), "127.0.0.1", 0) as server:
        with pytest.raises(RuntimeError) as refused:
            await server.start_async()
        assert str(refused.value) == messages.SERVER_ALREADY_STARTED.format(address=server.address)


async def test_body_that_is_not_utf8_is_400(client: TestClient) -> None:
    response = await client.post("/tools/call", data=b'{"tool": "\xff"}', headers={"Content-Type": "application/json"})
    error = "'utf-8' codec can't decode byte 0xff in position 10: invalid start byte"
    assert await json_of(response, 400) == {"error": messages.BAD_JSON.format(error=error)}


async def test_result_that_is_not_json_is_a_500_with_a_message(aiohttp_client: MakeClient, registry: Registry) -> None:
    async def raw_bytes(input: dict, ctx: ToolContext) -> bytes:
        return b"raw"

    registry.register(ToolSchema("Raw", allowed_callers=[CODE_EXECUTION]), raw_bytes)
    client = await aiohttp_client(HTTPBridgeServer(ToolBridge(registry)).make_app())
    response = await client.post("/tools/call", json={"tool": "Raw", "input": {}})
    error = "Object of type bytes is not JSON serializable"
    assert await json_of(response, 500) == {"error": messages.RESULT_NOT_JSON.format(tool="Raw", error=error)}


@pytest.mark.parametrize("host", ["LOCALHOST:8080", "Localhost"])
async def test_host_names_are_case_insensitive(client: TestClient, host: str) -> None:
    assert (await client.get("/health", headers={"Host": host})).status == 200


async def test_host_option_is_case_insensitive(aiohttp_client: MakeClient, registry: Registry) -> None:
    client = await aiohttp_client(HTTPBridgeServer(ToolBridge(registry), "Bridge.Internal").make_app())
    assert (await client.get("/health", headers={"Host": "bridge.internal:8080"})).status == 200


def deep_call(depth: int) -> bytes:
    return b'{"tool": "Read", "input": {"path": "test.txt", "x": ' + b"[" * depth + b"]" * depth + b"}}"


@pytest.mark.parametrize("body", [deep_call(400), b"[" * 100_000 + b"]" * 100_000])
async def test_json_nested_too_deep_is_400(client: TestClient, body: bytes) -> None:
    response = await client.post("/tools/call", data=body)
    assert await json_of(response, 400) == {"error": messages.JSON_TOO_DEEP.format(limit=HTTPLimits().max_json_depth)}


async def test_json_nested_to_the_limit_passes_and_one_level_more_does_not(client: TestClient) -> None:
    limit = HTTPLimits().max_json_depth
    assert (await client.post("/tools/call", data=deep_call(limit - 2))).status == 200  # {call {input [x...
    response = await client.post("/tools/call", data=deep_call(limit - 1))
    assert await json_of(response, 400) == {"error": messages.JSON_TOO_DEEP.format(limit=limit)}


def test_nesting_depth_counts_arrays_and_objects() -> None:
    assert not nested_deeper_than({"a": [1, {"b": []}]}, 4)
    assert nested_deeper_than({"a": [1, {"b": []}]}, 3)
    assert not nested_deeper_than("text", 0)
    assert nested_deeper_than([[[[]]]], 3)


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_garbage_compressed_body_is_400(client: TestClient, encoding: str) -> None:
    response = await client.post("/tools/call", data=b"hello", headers={"Content-Encoding": encoding})
    error = f"Can not decode content-encoding: {encoding}"
    assert await json_of(response, 400) == {"error": messages.BODY_UNREADABLE.format(error=error)}


async def test_unknown_charset_is_400(client: TestClient) -> None:
    response = await client.post("/tools/call", data=b"{}", headers={"Content-Type": "application/json; charset=foo"})
    assert await json_of(response, 400) == {"error": messages.BAD_JSON.format(error="unknown encoding: foo")}


async def test_content_length_over_the_limit_is_413_before_reading(client: TestClient) -> None:
    async def endless() -> AsyncIterator[bytes]:
        yield b"{"  # the rest never comes: only the declared length can say no
        await asyncio.Event().wait()

    response = await client.post("/tools/call", data=endless(), headers={"Content-Length": str(MAX_BODY + 1)})
    assert await json_of(response, 413) == {"error": messages.BODY_TOO_LARGE.format(limit=MAX_BODY)}


async def raw_exchange(port: int, head: bytes) -> tuple[int, Any]:
    """Send a raw request head (as a client that does not encode it would) and read the answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head + b"Connection: close\r\n\r\n")
    answer = await reader.read()
    writer.close()
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), json.loads(rest.partition(b"\r\n\r\n")[2])


async def test_a_host_header_that_is_not_utf8_is_400(bridge_server: HTTPBridgeServer) -> None:
    status, body = await raw_exchange(bridge_server.port, b"GET /health HTTP/1.1\r\nHost: l\xf6calhost\r\n")
    assert (status, body) == (400, {"error": messages.BAD_HEADER.format(header="Host")})


async def test_a_token_that_is_not_utf8_is_401(registry: Registry) -> None:
    async with HTTPBridgeServer(ToolBridge(registry), "127.0.0.1", 0, token="s3cret") as server:
        head = b"GET /tools/list HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer s3cr\xe9t\r\n"
        assert await raw_exchange(server.port, head) == (401, {"error": messages.UNAUTHORIZED})


async def test_unknown_expectation_is_417(client: TestClient) -> None:
    response = await client.get("/health", headers={"Expect": "teapot"})
    assert await json_of(response, 417) == {"error": messages.EXPECT_UNSUPPORTED.format(expect="teapot")}


async def test_a_bug_in_the_bridge_is_a_json_500(aiohttp_client: MakeClient, registry: Registry) -> None:
    def broken(request: Any) -> ToolContext:
        raise RuntimeError("context factory broke")

    client = await aiohttp_client(HTTPBridgeServer(ToolBridge(registry), context_factory=broken).make_app())
    error = messages.INTERNAL_ERROR.format(error="RuntimeError: context factory broke")
    assert await json_of(await client.get("/tools/list"), 500) == {"error": error}


async def test_any_other_refusal_from_aiohttp_is_json(aiohttp_client: MakeClient, registry: Registry) -> None:
    async def conflict(request: Any) -> Any:
        raise web.HTTPConflict()

    app = HTTPBridgeServer(ToolBridge(registry)).make_app()
    app.router.add_get("/conflict", conflict)
    client = await aiohttp_client(app)
    assert await json_of(await client.get("/conflict"), 409) == {"error": "Conflict"}


def test_repeated_warnings_are_let_through_once_per_interval() -> None:
    now = [0.0]
    log_filter = RateLimitedLog(interval=10, clock=lambda: now[0])

    def record(message: str, level: int = logging.ERROR) -> logging.LogRecord:
        return logging.LogRecord("asyncio", level, __file__, 1, message, None, None)

    assert log_filter.filter(record("accept() out of system resource"))
    assert not any(log_filter.filter(record("accept() out of system resource")) for _ in range(1000))
    assert log_filter.filter(record("another message"))
    assert log_filter.filter(record("accept() out of system resource", logging.INFO))
    now[0] = 10.5
    passed = record("accept() out of system resource")
    assert log_filter.filter(passed)
    suppressed = messages.LOG_SUPPRESSED.format(count=1000, seconds=10)
    assert passed.getMessage() == "accept() out of system resource" + suppressed


async def test_a_handler_bug_hit_by_every_call_logs_its_traceback_once_per_interval(
    registry: Registry, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(input: dict[str, Any], ctx: ToolContext) -> Any:
        raise RuntimeError("handler broke")

    registry.register(ToolSchema("Broken", allowed_callers=(CODE_EXECUTION,)), broken)
    async with HTTPBridgeServer(ToolBridge(registry), "127.0.0.1", 0) as server, ClientSession() as session:
        for _ in range(5):
            async with session.post(f"http://{server.address}/tools/call", json={"tool": "Broken", "input": {}}) as r:
                assert await r.json() == {"success": False, "error": "RuntimeError: handler broke"}
    assert [record.getMessage() for record in caplog.records if record.name == "aster_ref.bridge"] == [
        "tool Broken raised"
    ]


def test_the_connection_cap_fits_the_file_descriptor_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connections.resource, "getrlimit", lambda which: (1024, 4096))
    assert connection_cap(512) == 512
    assert connection_cap(2000) == 1024 - connections.FD_RESERVE
    monkeypatch.setattr(connections.resource, "getrlimit", lambda which: (64, 4096))
    assert connection_cap(512) == connections.MIN_CONNECTIONS
    assert connection_cap(4) == 4


def test_the_log_time_is_rendered_once_a_second_and_right_each_second() -> None:
    formatter = server_module._LogFormatter(server_module.LOG_FORMAT, server_module.LOG_DATE_FORMAT)
    record = logging.makeLogRecord({"msg": "Calling tool"})
    lines = []
    for created in (1700000000.1, 1700000000.9, 1700000001.0):
        record.created = created
        lines.append(formatter.format(record))
    local = [time.strftime(server_module.LOG_DATE_FORMAT, time.localtime(t)) for t in (1700000000, 1700000001)]
    assert lines == [f"{local[0]} Calling tool", f"{local[0]} Calling tool", f"{local[1]} Calling tool"]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_a_success_answer_is_the_bytes_json_dumps_gives(result: Any) -> None:
    assert server_module._success(result) == json.dumps({"success": True, "result": result}).encode()
