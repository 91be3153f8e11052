"""The one YAML loader of the converter: YAML props, bound prop values, front matter and folder metadata."""

from __future__ import annotations

from typing import Any

import yaml


class YamlDataError(ValueError):
    """YAML that cannot be read: `line` counts from 0 within the source, `reason` is PyYAML's short wording."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def load_yaml(source: str) -> Any:
    """`source` as data; raises YamlDataError. PyYAML raises ValueError, not YAMLError, for a value it reads
    but cannot build, such as the impossible date 2024-02-30."""
    try:
        return yaml.safe_load(source)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise YamlDataError(mark.line if mark else 0, error.problem or error.context or str(error)) from None
    except (yaml.YAMLError, ValueError) as error:
        raise YamlDataError(0, " ".join(str(error).split())) from None


def load_mapping(source: str) -> dict[str, Any] | None:
    """`source` as a mapping with string keys ({} when empty), or None when it holds something else;
    raises YamlDataError."""
    value = load_yaml(source)
    if value is None:
        return {}
    return {str(key): item for key, item in value.items()} if isinstance(value, dict) else None
