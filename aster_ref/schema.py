"""The registry that maps tool names to handlers.

The tool types it holds are defined in ``tool_schema`` and re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .errors import UnknownToolError
from .tool_schema import CALLERS, CODE_EXECUTION, DIRECT, Handler, RegisteredTool, ToolContext, ToolSchema
from .tools import builtin_tools

__all__ = [
    "CALLERS",
    "CODE_EXECUTION",
    "DIRECT",
    "Handler",
    "RegisteredTool",
    "Registry",
    "ToolContext",
    "ToolSchema",
]


class Registry:
    """Tool name -> (schema, handler). ``register`` replaces a tool of the same name."""

    def __init__(self, tools: Iterable[RegisteredTool] = ()) -> None:
        self._tools: dict[str, RegisteredTool] = {}
        # Bumped on every change so caches keyed on it never serve a replaced schema.
        self.revision = 0
        for tool in tools:
            self.register(tool.schema, tool.handler)

    @classmethod
    def builtin(cls, root: str | Path = ".") -> Registry:
        """Read, Write, Glob, Grep (callable from code) and Bash (direct only), acting inside ``root``."""
        return cls(builtin_tools(root))

    def register(self, schema: ToolSchema, handler: Handler) -> None:
        self._tools[schema.name] = RegisteredTool(schema, handler)
        self.revision += 1

    def update_schema(self, schema: ToolSchema) -> None:
        """Replace a registered tool's metadata, keeping its handler."""
        self.register(schema, self.get(schema.name).handler)

    def allow(self, name: str, caller: str = CODE_EXECUTION) -> None:
        self.update_schema(self.get(name).schema.with_callers(caller))

    def get(self, name: str) -> RegisteredTool:
        try:
            return self._tools[name]
        except KeyError:
            raise UnknownToolError(name) from None

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def names(self) -> list[str]:
        return sorted(self._tools)

    def schemas(self) -> list[ToolSchema]:
        return [self._tools[name].schema for name in self.names()]

    def callable_by(self, caller: str) -> list[str]:
        return [schema.name for schema in self.schemas() if schema.allows(caller)]
