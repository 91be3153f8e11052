"""Exceptions raised on the host side (registry, bridge, built-in tools)."""

from __future__ import annotations

from . import messages


class ToolFailure(Exception):
    """A tool could not do its job. Tool errors are data: the bridge answers 200 with success=false."""


class UnknownToolError(LookupError):
    def __init__(self, tool: str) -> None:
        super().__init__(messages.UNKNOWN_TOOL.format(tool=tool))
        self.tool = tool


class ToolNotAllowedError(PermissionError):
    def __init__(self, tool: str) -> None:
        super().__init__(messages.TOOL_NOT_ALLOWED.format(tool=tool))
        self.tool = tool


class RequestError(Exception):
    """A request the bridge refuses: the error middleware answers ``{"error": message}`` with ``status``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
