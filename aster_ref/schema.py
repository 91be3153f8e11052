"""Tool schemas and the registry that maps tool names to handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import messages
from .errors import UnknownToolError

DIRECT = "direct"
CODE_EXECUTION = "code_execution_20250825"
CALLERS = (DIRECT, CODE_EXECUTION)


@dataclass(frozen=True)
class ToolContext:
    """Who is calling a tool: ``direct`` (the host) or ``code_execution_20250825`` (PTC code)."""

    caller: str = CODE_EXECUTION


Handler = Callable[[dict[str, Any], ToolContext], Awaitable[Any]]


@dataclass(frozen=True)
class ToolSchema:
    name: str
    description: str = ""
    input_schema: Mapping[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {}})
    allowed_callers: tuple[str, ...] = (DIRECT,)

    def __post_init__(self) -> None:
        # Accept any iterable (a JSON list, a Go-style []string) but store a tuple so schemas stay hashable-ish and immutable.
        object.__setattr__(self, "allowed_callers", tuple(self.allowed_callers))
        unknown = set(self.allowed_callers) - set(CALLERS)
        if unknown:
            raise ValueError(f"unknown allowed_callers {sorted(unknown)} for {self.name}; use {list(CALLERS)}")

    def allows(self, caller: str) -> bool:
        return caller in self.allowed_callers

    def with_callers(self, *callers: str) -> ToolSchema:
        """A copy that also allows ``callers``."""
        added = tuple(c for c in callers if c not in self.allowed_callers)
        return replace(self, allowed_callers=self.allowed_callers + added)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "input_schema": dict(self.input_schema),
            "allowed_callers": list(self.allowed_callers),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ToolSchema:
        if not data.get("name"):
            raise ValueError(messages.SCHEMA_WITHOUT_NAME)
        return cls(
            name=data["name"],
            description=data.get("description", ""),
            input_schema=data.get("input_schema") or {"type": "object", "properties": {}},
            allowed_callers=data.get("allowed_callers", (DIRECT,)),
        )


@dataclass(frozen=True)
class RegisteredTool:
    schema: ToolSchema
    handler: Handler


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
        from .tools import builtin_tools

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
