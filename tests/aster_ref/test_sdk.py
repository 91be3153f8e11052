"""The AsterBridge client: results, errors as the user sees them, session reuse, retries."""

from __future__ import annotations

import ast
import asyncio
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    wrap_code,
)


async def test_call_list_schema_health(bridge_server: HTTPBridgeServer) -> None:
    async with AsterBridge(bridge_server.url) as bridge:
        assert await bridge.call("Read", {"path": "test.txt"}) == "hello\n"
        assert await bridge.list_tools() == ["Glob", "Grep", "Read", "Write"]
        assert (await bridge.schema("Read"))["name"] == "Read"
        assert await bridge.health() == {"status": "ok"}


async def test_one_session_is_reused_and_closed_on_exit(
    bridge_server: HTTPBridgeServer,
) -> None:
    async with AsterBridge(bridge_server.url) as bridge:
        await bridge.health()
        session = bridge._session
        await bridge.call("Read", {"path": "test.txt"})
        assert bridge._session is session
    assert session is not None and session.closed


async def test_tool_failure_reads_tool_x_failed(
    bridge_server: HTTPBridgeServer,
) -> None:
    async with AsterBridge(bridge_server.url) as bridge:
        with pytest.raises(ToolError) as failure:
            await bridge.call("Read", {"path": "x.txt"})
    assert str(failure.value) == messages.TOOL_FAILED.format(
        tool="Read", error=messages.FILE_NOT_FOUND.format(path="x.txt")
    )


async def test_not_allowed_reads_as_the_docs_quote_it(
    bridge_server: HTTPBridgeServer,
) -> None:
    async with AsterBridge(bridge_server.url) as bridge:
        with pytest.raises(ToolError) as refused:
            await bridge.call("Bash", {"command": "id"})
    assert str(refused.value) == messages.TOOL_NOT_ALLOWED.format(tool="Bash")


async def test_unknown_schema_is_a_bridge_error(
    bridge_server: HTTPBridgeServer,
) -> None:
    async with AsterBridge(bridge_server.url) as bridge:
        with pytest.raises(BridgeError) as error:
            await bridge.schema("Nope")
    assert str(error.value) == messages.BRIDGE_HTTP_ERROR.format(status=404, error="unknown tool: Nope")


@pytest.mark.parametrize("coalesce", [True, False])
async def test_an_input_that_is_not_an_object_is_sent_as_given_and_refused(
    bridge_server: HTTPBridgeServer, coalesce: bool
) -> None:
    async with AsterBridge(bridge_server.url, coalesce=coalesce) as bridge:
        with pytest.raises(BridgeError) as error:
            await bridge.call("Read", [])
    assert str(error.value) == messages.BRIDGE_HTTP_ERROR.format(status=400, error=messages.INPUT_NOT_OBJECT)


async def test_wrong_token_is_a_bridge_error(registry: Registry) -> None:
    async with (
        HTTPBridgeServer(ToolBridge(registry), "127.0.0.1", 0, token="t") as server,
        AsterBridge(server.url, "wrong") as bridge,
    ):
        with pytest.raises(BridgeError, match="HTTP 401: missing or wrong bearer token"):
            await bridge.call("Read", {"path": "test.txt"})


async def test_token_comes_from_the_environment(registry: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASTER_BRIDGE_TOKEN", "t")
    async with HTTPBridgeServer(ToolBridge(registry), "127.0.0.1", 0, token="t") as server:
        monkeypatch.setenv("ASTER_BRIDGE_URL", server.url)
        async with AsterBridge() as bridge:
            assert await bridge.call("Read", {"path": "test.txt"}) == "hello\n"


async def test_connection_refused_reads_as_the_docs_quote_it(
    unused_tcp_port: int,
) -> None:
    async with AsterBridge(f"http://localhost:{unused_tcp_port}", retries=1, backoff=0.01) as bridge:
        with pytest.raises(BridgeConnectionError) as refused:
            await bridge.call("Read", {"path": "test.txt"})
    assert str(refused.value).startswith(f"Connection error: Cannot connect to host localhost:{unused_tcp_port} ")


async def test_network_errors_are_retried_until_the_bridge_is_up(registry: Registry, unused_tcp_port: int) -> None:
    server = HTTPBridgeServer(ToolBridge(registry), "127.0.0.1", unused_tcp_port)
    # Retries at 0.1, 0.3, 0.7 s after the first try; the bridge comes up in between.
    async with AsterBridge(f"http://127.0.0.1:{unused_tcp_port}", retries=3, backoff=0.1) as bridge:
        call = asyncio.create_task(bridge.call("Read", {"path": "test.txt"}))
        await asyncio.sleep(0.05)
        assert not call.done()
        await server.start_async()
        try:
            assert await call == "hello\n"
        finally:
            await server.shutdown()


async def test_connection_lost_after_sending_is_not_retried() -> None:
    connections = 0

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await reader.readuntil(b"\r\n\r\n")  # the request reached the bridge; the tool may have run
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with AsterBridge(f"http://127.0.0.1:{port}", retries=3, backoff=0.01) as bridge:
            with pytest.raises(BridgeConnectionError, match=r"^Connection error: Server disconnected"):
                await bridge.call("Write", {"path": "x.txt", "content": "once"})
    finally:
        server.close()
        await server.wait_closed()
    assert connections == 1


async def test_tool_errors_are_not_retried(registry: Registry) -> None:
    calls: list[dict] = []

    async def failing(input: dict, ctx: ToolContext) -> None:
        calls.append(input)
        raise RuntimeError("boom")

    registry.register(ToolSchema("Fail", allowed_callers=[CODE_EXECUTION]), failing)
    async with (
        HTTPBridgeServer(ToolBridge(registry), "127.0.0.1", 0) as server,
        AsterBridge(server.url) as bridge,
    ):
        with pytest.raises(ToolError, match="Tool Fail failed: RuntimeError: boom"):
            await bridge.call("Fail", {})
    assert len(calls) == 1


async def test_slow_answer_past_the_timeout_is_a_bridge_error(
    registry: Registry,
) -> None:
    answered = asyncio.Event()

    async def slow(input: dict, ctx: ToolContext) -> str:
        await answered.wait()
        return "late"

    registry.register(ToolSchema("Slow", allowed_callers=[CODE_EXECUTION]), slow)
    async with (
        HTTPBridgeServer(ToolBridge(registry), "127.0.0.1", 0) as server,
        AsterBridge(server.url, timeout=0.2) as bridge,
    ):
        with pytest.raises(BridgeError, match="Bridge error: no answer within 0.2 s"):
            await bridge.call("Slow", {})
        answered.set()


def test_defaults_mirror_the_go_host() -> None:
    bridge = AsterBridge("http://localhost:8080")
    assert (bridge.timeout, bridge.retries, bridge.backoff) == (60.0, 3, 0.1)


def wrapped_code_of(program: str) -> str:
    """The _ASTER_CODE a wrapped program defines: '\\n'.join() of a list of string literals."""
    for node in ast.parse(program).body:
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "_ASTER_CODE":
            assert isinstance(node.value, ast.Call) and ast.unparse(node.value.func) == "'\\n'.join"
            return "\n".join(ast.literal_eval(node.value.args[0]))
    raise AssertionError("no _ASTER_CODE in the wrapped program")


@settings(max_examples=60, deadline=None)
@given(st.text())
def test_wrapped_program_holds_any_code_exactly(code: str) -> None:
    assert wrapped_code_of(wrap_code(code, ["Read"])) == code


def test_wrapped_program_shows_the_code_one_line_per_source_line() -> None:
    code = 'x = \'it\'\'s\'\nprint("""中文 \\\\ done""")\r\nprint(x)\n'
    program = wrap_code(code, ["Read"])
    shown = "\n".join(f"    {line!r}," for line in ["x = 'it''s'", 'print("""中文 \\\\ done""")\r', "print(x)", ""])
    assert '_ASTER_CODE = "\\n".join([\n' + shown + "\n])\n" in program
    assert wrapped_code_of(program) == code


@pytest.mark.parametrize("input_data", [None, [], 0, "", False, {"k": 1}])
def test_the_program_gets_the_input_as_given_even_when_falsy(input_data: object) -> None:
    program = wrap_code("print(repr(input_data))", [], input_data)
    ran = subprocess.run([sys.executable, "-c", program], check=False, capture_output=True, text=True)
    assert (ran.returncode, ran.stderr) == (0, "")
    assert ast.literal_eval(ran.stdout) == ({} if input_data is None else input_data)  # no input is {}
