"""Reference implementation of Aster's PTC bridge, SDK and runtime.

The names below are imported on first use, so ``aster-ref run`` (which needs almost none of them) starts
without importing aiohttp.
"""

from __future__ import annotations

from importlib import import_module

from . import messages

# `typing` costs `aster-ref run` milliseconds at every start: only type checkers import it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .bridge import CallResult, ToolBridge, ToolCall
    from .code_execute import CodeExecute
    from .errors import ToolFailure, ToolNotAllowedError, UnknownToolError
    from .runtime import ExecutionResult, PythonRuntime, RuntimeConfig
    from .schema import CODE_EXECUTION, DIRECT, RegisteredTool, Registry, ToolContext, ToolSchema
    from .sdk import render_prelude, wrap_code
    from .sdk_client import AsterBridge, BridgeConnectionError, BridgeError, ToolError
    from .server import HTTPBridgeServer
    from .tools import Workspace

_HOMES = {
    ".bridge": ["CallResult", "ToolBridge", "ToolCall"],
    ".code_execute": ["CodeExecute"],
    ".errors": ["ToolFailure", "ToolNotAllowedError", "UnknownToolError"],
    ".runtime": ["ExecutionResult", "PythonRuntime", "RuntimeConfig"],
    ".schema": ["CODE_EXECUTION", "DIRECT", "RegisteredTool", "Registry", "ToolContext", "ToolSchema"],
    ".sdk": ["render_prelude", "wrap_code"],
    ".sdk_client": ["AsterBridge", "BridgeConnectionError", "BridgeError", "ToolError"],
    ".server": ["HTTPBridgeServer"],
    ".tools": ["Workspace"],
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "CODE_EXECUTION",
    "DIRECT",
    "AsterBridge",
    "BridgeConnectionError",
    "BridgeError",
    "CallResult",
    "CodeExecute",
    "ExecutionResult",
    "HTTPBridgeServer",
    "PythonRuntime",
    "RegisteredTool",
    "Registry",
    "RuntimeConfig",
    "ToolBridge",
    "ToolCall",
    "ToolContext",
    "ToolError",
    "ToolFailure",
    "ToolNotAllowedError",
    "ToolSchema",
    "UnknownToolError",
    "Workspace",
    "messages",
    "render_prelude",
    "wrap_code",
]


def __getattr__(name: str) -> Any:
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_MODULE_OF[name], __name__), name)
    globals()[name] = value
    return value
