"""Built-in tools, the workspace guard and the limits on their work."""

from .builtins import BUILTIN_NAMES, DEFAULT_CODE_TOOLS, BuiltinTools, builtin_tools
from .limits import ToolLimits
from .workspace import Workspace

__all__ = [
    "BUILTIN_NAMES",
    "DEFAULT_CODE_TOOLS",
    "BuiltinTools",
    "ToolLimits",
    "Workspace",
    "builtin_tools",
]
