"""Bounds on the work one call of a built-in tool may do, so no call can hold the bridge."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from .. import messages
from ..defaults import DEFAULT_MAX_OUTPUT
from ..errors import ToolFailure

MAX_READ_BYTES_ENV = "ASTER_REF_MAX_READ_BYTES"
DEFAULT_MAX_READ_BYTES = 10 * 1024 * 1024
TIME_CHECK_ENTRIES = 1024  # a clock read per entry would cost more than listing it


class LimitsInvalid(ValueError):
    """A limit set in the environment is not a value it can take."""


@dataclass(frozen=True)
class ToolLimits:
    """``max_read_bytes``: the largest file Read returns and Grep searches (env ASTER_REF_MAX_READ_BYTES).
    ``search_seconds``, ``max_walk_entries``, ``max_walk_depth``: when Glob and Grep give up.
    ``workers``: threads doing file and search work, so the event loop never waits on a disk.
    ``max_output``: how much of Bash's stdout and of its stderr is kept, as the runtime keeps of a run's.
    """

    max_read_bytes: int = DEFAULT_MAX_READ_BYTES
    search_seconds: float = 10.0
    max_walk_entries: int = 100_000
    max_walk_depth: int = 64
    workers: int = 4
    max_output: int = DEFAULT_MAX_OUTPUT

    @classmethod
    def from_env(cls) -> ToolLimits:
        text = os.environ.get(MAX_READ_BYTES_ENV)
        if text is None:
            return cls()
        value = int(text) if text.strip().isdigit() else 0
        if value <= 0:
            error = messages.NOT_A_POSITIVE_INTEGER.format(value=text)
            raise LimitsInvalid(messages.ENV_INVALID.format(env=MAX_READ_BYTES_ENV, error=error))
        return cls(max_read_bytes=value)


class SearchBudget:
    """What one Glob or Grep may still spend: directory entries, depth, wall-clock time."""

    def __init__(self, tool: str, path: str, limits: ToolLimits) -> None:
        self.tool = tool
        self.path = path
        self.limits = limits
        self.entries_left = limits.max_walk_entries
        self.deadline = time.monotonic() + limits.search_seconds

    def enter(self, depth: int) -> None:
        """Called for each directory the walk enters."""
        if depth > self.limits.max_walk_depth:
            self._stop(messages.SEARCH_TOO_DEEP.format(depth=self.limits.max_walk_depth))
        self.check_time()

    def charge_one(self) -> None:
        """Called for each directory entry listed; looks at the clock every TIME_CHECK_ENTRIES entries."""
        self.entries_left -= 1
        if self.entries_left < 0:
            self._stop(messages.SEARCH_TOO_MANY_ENTRIES.format(limit=self.limits.max_walk_entries))
        if self.entries_left % TIME_CHECK_ENTRIES == 0:
            self.check_time()

    def check_time(self) -> None:
        if time.monotonic() >= self.deadline:
            self._stop(messages.SEARCH_TOO_SLOW.format(seconds=self.limits.search_seconds))

    def _stop(self, reason: str) -> None:
        raise ToolFailure(messages.SEARCH_STOPPED.format(tool=self.tool, path=self.path, reason=reason))
