"""ToolSchema, Registry, the schema cache and ToolBridge."""

from __future__ import annotations

from pathlib import Path

import pytest

from aster_ref import (
    CODE_EXECUTION,
    DIRECT,
    Registry,
    ToolBridge,
    ToolCall,
    ToolContext,
    ToolFailure,
    ToolNotAllowedError,
    ToolSchema,
    UnknownToolError,
    messages,
)
from aster_ref.bridge import go_format
from aster_ref.cache import TTLCache


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_bash_is_direct_only_and_file_tools_are_code_callable(
    registry: Registry,
) -> None:
    assert registry.get("Bash").schema.allowed_callers == (DIRECT,)
    assert registry.callable_by(CODE_EXECUTION) == ["Glob", "Grep", "Read", "Write"]
    assert registry.callable_by(DIRECT) == ["Bash", "Glob", "Grep", "Read", "Write"]


def test_allow_opens_a_tool_to_code(registry: Registry) -> None:
    registry.allow("Bash")
    assert registry.get("Bash").schema.allowed_callers == (DIRECT, CODE_EXECUTION)


def test_allow_of_an_unknown_tool_names_it(registry: Registry) -> None:
    with pytest.raises(UnknownToolError, match="unknown tool: Nope"):
        registry.allow("Nope")


def test_unknown_allowed_caller_is_refused() -> None:
    with pytest.raises(ValueError) as refused:
        ToolSchema("X", allowed_callers=["code_execution"])
    known = [DIRECT, CODE_EXECUTION]
    assert str(refused.value) == messages.UNKNOWN_CALLERS.format(callers=["code_execution"], tool="X", known=known)


def test_schema_round_trips_through_json_shape() -> None:
    schema = ToolSchema("X", "does x", {"type": "object"}, [DIRECT, CODE_EXECUTION])
    assert ToolSchema.from_dict(schema.to_dict()) == schema


async def test_register_replaces_a_builtin_handler(registry: Registry) -> None:
    original = registry.get("Read")

    async def shouting_read(input: dict, ctx: ToolContext) -> str:
        return (await original.handler(input, ctx)).upper()

    registry.register(original.schema, shouting_read)
    assert await ToolBridge(registry).call("Read", {"path": "test.txt"}) == "HELLO\n"


async def test_update_schema_keeps_the_handler(registry: Registry) -> None:
    registry.update_schema(ToolSchema("Read", "custom", allowed_callers=[DIRECT]))
    bridge = ToolBridge(registry)
    assert bridge.schema("Read").description == "custom"
    assert await bridge.call("Read", {"path": "test.txt"}, ToolContext(DIRECT)) == "hello\n"
    with pytest.raises(ToolNotAllowedError, match=messages.TOOL_NOT_ALLOWED.format(tool="Read")):
        await bridge.call("Read", {"path": "test.txt"})


async def test_bridge_refuses_bash_from_code(registry: Registry) -> None:
    with pytest.raises(ToolNotAllowedError) as refused:
        await ToolBridge(registry).call("Bash", {"command": "true"})
    assert str(refused.value) == messages.TOOL_NOT_ALLOWED.format(tool="Bash")


async def test_missing_required_input_is_a_tool_failure(registry: Registry) -> None:
    with pytest.raises(ToolFailure) as failure:
        await ToolBridge(registry).call("Read", {})
    error = messages.INPUT_REQUIRED.format(name="path")
    assert str(failure.value) == messages.INVALID_INPUT.format(tool="Read", error=error)


async def test_wrongly_typed_input_is_a_tool_failure(registry: Registry) -> None:
    with pytest.raises(ToolFailure) as failure:
        await ToolBridge(registry).call("Read", {"path": "a.txt", "limit": True})
    error = messages.INPUT_WRONG_TYPE.format(name="limit", types="integer", got="bool")
    assert str(failure.value) == messages.INVALID_INPUT.format(tool="Read", error=error)


async def test_a_handler_bug_becomes_a_tool_failure(registry: Registry) -> None:
    async def broken(input: dict, ctx: ToolContext) -> None:
        raise KeyError("oops")

    registry.register(ToolSchema("Broken", allowed_callers=[CODE_EXECUTION]), broken)
    with pytest.raises(ToolFailure, match="KeyError: 'oops'"):
        await ToolBridge(registry).call("Broken", {})


async def test_batch_and_parallel_keep_order_and_report_each_result(
    registry: Registry,
) -> None:
    bridge = ToolBridge(registry)
    calls = [
        ToolCall("Read", {"path": "test.txt"}),
        ToolCall("Read", {"path": "x.txt"}),
        ToolCall("Bash", {}),
    ]
    for results in (await bridge.batch(calls), await bridge.parallel(calls)):
        assert [r.to_dict() for r in results] == [
            {"success": True, "result": "hello\n"},
            {"success": False, "error": messages.FILE_NOT_FOUND.format(path="x.txt")},
            {
                "success": False,
                "error": messages.TOOL_NOT_ALLOWED.format(tool="Bash"),
            },
        ]


def test_ttl_cache_evicts_expired_entries() -> None:
    clock = FakeClock()
    cache: TTLCache[str, int] = TTLCache(10, clock)
    cache.put("a", 1)
    clock.now = 5
    cache.put("b", 2)
    assert cache.get("a") == 1
    clock.now = 10
    assert cache.get("a") is None
    assert len(cache) == 1
    clock.now = 15
    assert cache.get("b") is None
    assert len(cache) == 0


def test_schema_cache_ttl_defaults_to_five_minutes(registry: Registry) -> None:
    clock = FakeClock()
    bridge = ToolBridge(registry, clock=clock)
    bridge.schema("Read")
    clock.now = 299
    bridge.schema("Glob")
    assert bridge.schema_cache_size == 2
    clock.now = 300
    bridge.schema("Glob")
    assert bridge.schema_cache_size == 1


def test_schema_cache_expires_and_does_not_grow(registry: Registry) -> None:
    clock = FakeClock()
    bridge = ToolBridge(registry, schema_ttl=300, clock=clock)
    for name in registry.names():
        bridge.schema(name)
    assert bridge.schema_cache_size == 5
    clock.now = 300
    bridge.schema("Read")
    assert bridge.schema_cache_size == 1


def test_schema_cache_never_serves_a_replaced_schema(registry: Registry) -> None:
    bridge = ToolBridge(registry)
    assert bridge.schema("Read").description != "new"
    registry.update_schema(ToolSchema("Read", "new", allowed_callers=[DIRECT]))
    assert bridge.schema("Read").description == "new"


def test_unknown_schema_raises(registry: Registry) -> None:
    with pytest.raises(UnknownToolError, match="unknown tool: Nope"):
        ToolBridge(registry).schema("Nope")


def test_go_format_prints_like_go_percent_v() -> None:
    assert go_format({"path": "test.txt", "limit": 2, "flags": [True, None]}) == (
        "map[flags:[true <nil>] limit:2 path:test.txt]"
    )


def test_builtin_root_must_exist(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        Registry.builtin(tmp_path / "missing")
