"""Helpers for child processes that run in their own process group (PTC code, the Bash tool)."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import signal

from . import messages

EXIT_POLL_INTERVAL = 0.01
READ_CHUNK = 65536


def kill_tagged(variable: str, tag: str) -> None:
    """SIGKILL every process whose environment has ``variable=tag``: the processes of one command, also those
    that left its process group (``setsid``), since they inherit its environment all the same. Linux (/proc);
    nothing where there is none. One whose environment was cleared (``env -i``) is not found."""
    marker = f"{variable}={tag}".encode()
    for _ in range(100):  # again, for children forked while their parents were being killed
        tagged = [pid for pid in _pids() if marker in _environ(pid)]
        if not tagged:
            return
        for pid in tagged:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _pids() -> list[int]:
    try:
        return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]
    except OSError:
        return []


def _environ(pid: int) -> list[bytes]:
    try:
        with open(f"/proc/{pid}/environ", "rb") as environ:
            return environ.read().split(b"\0")
    except OSError:  # gone, a zombie, or another user's
        return []


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


class CappedOutput:
    """What a child printed on one stream: the first ``limit`` bytes kept, the rest read and dropped."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept = bytearray()
        self.truncated = False

    def feed(self, chunk: bytes) -> None:
        room = self.limit - len(self.kept)
        if len(chunk) > room:
            self.truncated = True
        if room > 0:
            self.kept += chunk[:room]

    def text(self) -> str:
        if not self.truncated:
            return self.kept.decode("utf-8", errors="replace")
        # The cut may fall inside a multi-byte character: drop that partial character rather than show U+FFFD.
        text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(bytes(self.kept), final=False)
        return text + messages.OUTPUT_TRUNCATED.format(limit=self.limit)


async def drain_into(reader: asyncio.StreamReader, output: CappedOutput) -> None:
    while chunk := await reader.read(READ_CHUNK):
        output.feed(chunk)
