"""Built-in tools and the workspace guard."""

from .builtins import BUILTIN_NAMES, DEFAULT_CODE_TOOLS, BuiltinTools, builtin_tools
from .workspace import Workspace

__all__ = [
    "BUILTIN_NAMES",
    "DEFAULT_CODE_TOOLS",
    "BuiltinTools",
    "Workspace",
    "builtin_tools",
]
