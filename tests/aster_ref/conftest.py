"""Fixtures for aster_ref's unit tests: a workspace, a live in-process bridge, a Python without aiohttp."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from aster_ref import HTTPBridgeServer, Registry, ToolBridge


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "test.txt").write_text("hello\n")
    (root / "a.txt").write_text("alpha\nbeta\ngamma\n")
    (root / "data").mkdir()
    (root / "data" / "notes.md").write_text("# Notes\nbeta release\n")
    return root


@pytest.fixture
def registry(workspace: Path) -> Registry:
    return Registry.builtin(workspace)


@pytest.fixture
async def bridge_server(registry: Registry) -> AsyncIterator[HTTPBridgeServer]:
    """The bridge on a free port of 127.0.0.1, serving the workspace's built-in tools."""
    async with HTTPBridgeServer(ToolBridge(registry), "127.0.0.1", 0) as server:
        yield server


@pytest.fixture(scope="session")
def python_without_aiohttp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("no-aiohttp") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    return venv / "bin" / "python"


def _alive(pid: int) -> bool:
    """True if ``pid`` runs; a zombie (killed, waiting for a reaper that may be slow) counts as dead."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _dies(pid: int) -> bool:
    """True once ``pid`` is gone; a SIGKILL lands within moments, so allow 2 s before saying no."""
    deadline = time.monotonic() + 2
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture
def dies() -> Callable[[int], bool]:
    return _dies
