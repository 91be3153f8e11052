"""A small check of tool input against the top level of its JSON schema.

It covers what the built-in schemas use (``required`` and property ``type``) so a
caller gets "invalid input for Read: 'path' is required" instead of a handler's KeyError.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import messages
from .errors import ToolFailure

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "null": (type(None),),
}


def _is_type(value: Any, json_type: str) -> bool:
    if json_type in ("integer", "number") and isinstance(value, bool):
        return False  # bool is an int subclass in Python, not a JSON number
    return isinstance(value, _JSON_TYPES.get(json_type, (object,)))


def check_input(tool: str, schema: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    for name in schema.get("required", ()):
        if name not in data:
            raise ToolFailure(messages.INVALID_INPUT.format(tool=tool, error=messages.INPUT_REQUIRED.format(name=name)))
    properties = schema.get("properties", {})
    for name, value in data.items():
        json_type = properties.get(name, {}).get("type")
        if json_type is None:
            continue
        types = [json_type] if isinstance(json_type, str) else list(json_type)
        if not any(_is_type(value, t) for t in types):
            error = messages.INPUT_WRONG_TYPE.format(name=name, types=" or ".join(types), got=type(value).__name__)
            raise ToolFailure(messages.INVALID_INPUT.format(tool=tool, error=error))


def nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether a decoded JSON value nests arrays and objects more than ``limit`` deep (iteratively:
    a recursive check, or anything else recursive on the value later, could overflow the stack)."""
    level: list[Any] = [value]
    for _ in range(limit):
        level = [child for item in level for child in _children(item)]
        if not level:
            return False
    return any(isinstance(item, (dict, list)) for item in level)


def _children(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return list(value.values())
    return value if isinstance(value, list) else []
