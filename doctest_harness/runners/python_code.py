"""What a Python block is, read from its syntax tree: PTC code (it calls the
runtime's tools, or awaits at top level) or a plain script."""

from __future__ import annotations

import ast
import inspect

from aster_ref.tools import BUILTIN_NAMES

# The names a tool call may use: every tool the runtime exposes.
TOOL_NAMES = frozenset(BUILTIN_NAMES)
PYTHON_LANGUAGES = frozenset({"python", "py", "python3"})


def _tree(code: str) -> ast.Module | None:
    try:
        return ast.parse(code)
    except SyntaxError:
        return None  # plain Python then, where the syntax error is reported when it runs


def _bound_names(tree: ast.Module) -> set[str]:
    """Names the block defines itself: a tool name it binds is its own, not the runtime's."""
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return bound


def calls_tools(code: str) -> bool:
    """Whether the block calls one of the runtime's tools, anywhere (also inside `async def` helpers)."""
    tree = _tree(code)
    if tree is None:
        return False
    called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    return bool((called & TOOL_NAMES) - _bound_names(tree))


def awaits_at_top_level(code: str) -> bool:
    try:
        compiled = compile(code, "<block>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    except SyntaxError:
        return False
    return bool(compiled.co_flags & inspect.CO_COROUTINE)


def is_ptc(code: str) -> bool:
    return calls_tools(code) or awaits_at_top_level(code)


def asyncio_run_lines(code: str) -> list[int]:
    """Lines (1-based, in the block) that call ``asyncio.run``, however it was imported."""
    tree = _tree(code)
    if tree is None:
        return []
    aliases = {"asyncio.run"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "asyncio":
            aliases |= {alias.asname or alias.name for alias in node.names if alias.name == "run"}
        elif isinstance(node, ast.Import):
            aliases |= {f"{alias.asname}.run" for alias in node.names if alias.name == "asyncio" and alias.asname}
    return sorted(
        node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call) and ast.unparse(node.func) in aliases
    )
