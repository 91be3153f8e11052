"""Reference implementation of Aster's PTC bridge, SDK and runtime."""

from . import messages
from .bridge import CallResult, ToolBridge, ToolCall
from .code_execute import CodeExecute
from .errors import ToolFailure, ToolNotAllowedError, UnknownToolError
from .runtime import ExecutionResult, PythonRuntime, RuntimeConfig
from .schema import (
    CODE_EXECUTION,
    DIRECT,
    RegisteredTool,
    Registry,
    ToolContext,
    ToolSchema,
)
from .sdk import render_prelude, wrap_code
from .sdk_client import AsterBridge, BridgeConnectionError, BridgeError, ToolError
from .server import HTTPBridgeServer
from .tools import Workspace

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
