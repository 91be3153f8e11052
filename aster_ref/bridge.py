"""ToolBridge: calls registry tools on behalf of a caller, enforcing allowed_callers."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import messages
from .cache import TTLCache
from .errors import ToolFailure, ToolNotAllowedError
from .schema import CODE_EXECUTION, Registry, ToolContext, ToolSchema
from .validation import check_input

DEFAULT_SCHEMA_TTL = 300.0
log = logging.getLogger("aster_ref.bridge")


@dataclass(frozen=True)
class ToolCall:
    tool: str
    input: Mapping[str, Any]


@dataclass(frozen=True)
class CallResult:
    success: bool
    result: Any = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.success:
            return {"success": True, "result": self.result}
        return {"success": False, "error": self.error}


def go_format(value: Any) -> str:
    """Render a value the way Go's %v prints decoded JSON: map[path:test.txt]."""
    if isinstance(value, Mapping):
        return "map[" + " ".join(f"{k}:{go_format(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(go_format(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    return str(value)


class ToolBridge:
    def __init__(
        self,
        registry: Registry,
        *,
        schema_ttl: float = DEFAULT_SCHEMA_TTL,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.registry = registry
        self._schemas: TTLCache[tuple[str, int], ToolSchema] = TTLCache(schema_ttl, clock or time.monotonic)

    async def call(self, tool: str, input: Mapping[str, Any], ctx: ToolContext | None = None) -> Any:
        """Run ``tool``. Raises UnknownToolError, ToolNotAllowedError or ToolFailure."""
        ctx = ctx or ToolContext()
        registered = self.registry.get(tool)
        if not registered.schema.allows(ctx.caller):
            raise ToolNotAllowedError(tool)
        if log.isEnabledFor(logging.INFO):  # rendering the input costs more than many calls: only when shown
            log.info(messages.CALLING_TOOL.format(tool=tool, input=go_format(input)))
        check_input(tool, registered.schema.input_schema, input)
        try:
            return await registered.handler(dict(input), ctx)
        except ToolFailure:
            raise
        except Exception as exc:
            # A handler bug is still the tool failing: report it as data, keep the traceback in the log.
            log.exception("tool %s raised", tool)
            raise ToolFailure(f"{type(exc).__name__}: {exc}") from exc

    async def call_result(self, tool: str, input: Mapping[str, Any], ctx: ToolContext | None = None) -> CallResult:
        """Like ``call`` but every refusal or failure becomes a CallResult."""
        try:
            return CallResult(True, result=await self.call(tool, input, ctx))
        except (LookupError, PermissionError, ToolFailure) as exc:
            return CallResult(False, error=exc.args[0] if exc.args else str(exc))

    async def batch(self, calls: Iterable[ToolCall], ctx: ToolContext | None = None) -> list[CallResult]:
        """Run calls one after another."""
        return [await self.call_result(c.tool, c.input, ctx) for c in calls]

    async def parallel(self, calls: Iterable[ToolCall], ctx: ToolContext | None = None) -> list[CallResult]:
        """Run calls concurrently; results keep the order of ``calls``."""
        return list(await asyncio.gather(*(self.call_result(c.tool, c.input, ctx) for c in calls)))

    def list(self, caller: str = CODE_EXECUTION) -> list[str]:
        return self.registry.callable_by(caller)

    def schema(self, name: str) -> ToolSchema:
        key = (name, self.registry.revision)
        cached = self._schemas.get(key)
        if cached is None:
            cached = self.registry.get(name).schema
            self._schemas.put(key, cached)
        return cached

    @property
    def schema_cache_size(self) -> int:
        return len(self._schemas)
