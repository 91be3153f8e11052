"""What a tool is: its schema, who may call it, and its handler.

The registry (``schema``) and the built-in tools (``tools``) both build on these, so
neither has to import the other for them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from . import messages

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
            raise ValueError(
                messages.UNKNOWN_CALLERS.format(callers=sorted(unknown), tool=self.name, known=list(CALLERS))
            )

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
