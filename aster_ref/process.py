"""Helpers for child processes that run in their own process group (PTC code, the Bash tool)."""

from __future__ import annotations

import asyncio
import os
import signal

EXIT_POLL_INTERVAL = 0.01


def kill_group(pid: int) -> None:
    """SIGKILL the process group led by ``pid``; a group that is already gone is fine."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


async def wait_exited(process: asyncio.subprocess.Process) -> None:
    """Wait until the process itself exits.

    Process.wait() and communicate() also wait for the pipes to close, which a child
    it left running in the background would delay until that child ends (or a timeout);
    returncode is set as soon as the process exits.
    """
    while process.returncode is None:
        await asyncio.sleep(EXIT_POLL_INTERVAL)
