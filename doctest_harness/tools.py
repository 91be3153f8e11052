"""System tools the blocks need: present, or a clear skip (locally) / failure (CI)."""

from __future__ import annotations

import os
import re
import shutil

import pytest

# tool -> Debian package that provides it
SYSTEM_TOOLS = {"go": "golang-go", "jq": "jq", "lsof": "lsof", "curl": "curl"}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def tools_used(code: str) -> list[str]:
    return [tool for tool in SYSTEM_TOOLS if re.search(rf"(?<![\w/.-]){tool}(?![\w-])", code)]


def require_tools(tools: list[str]) -> None:
    """Skip the test when a tool is missing, or fail under CI=true where set-up must install it."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    packages = " ".join(SYSTEM_TOOLS[tool] for tool in missing)
    message = f"missing {', '.join(missing)}: install with `apt-get install -y {packages}`"
    if in_ci():
        pytest.fail(f"{message} (CI=true: a missing tool is a failure)", pytrace=False)
    pytest.skip(message)
