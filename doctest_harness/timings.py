"""Timing claims, measured by the harness: the tool a latency block calls answers
after a fixed delay, each call's start and end are logged on the bridge side, and
the log is split into the parts the block's comments describe: calls one after
another form a serial part, calls that overlap a concurrent one.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from aster_ref import Registry, ToolContext


@dataclass(frozen=True)
class Call:
    start: float
    end: float


@dataclass(frozen=True)
class Part:
    calls: int
    concurrent: bool
    seconds: float


@dataclass
class CallLog:
    calls: list[Call] = field(default_factory=list)

    def parts(self) -> list[Part]:
        """Consecutive calls that do not overlap form one serial part; each group of overlapping calls a concurrent one."""
        groups: list[list[Call]] = []
        for call in sorted(self.calls, key=lambda c: c.start):
            if groups and call.start < max(c.end for c in groups[-1]):
                groups[-1].append(call)
            else:
                groups.append([call])
        parts: list[tuple[bool, list[Call]]] = []  # (concurrent, calls)
        for group in groups:
            concurrent = len(group) > 1
            if not concurrent and parts and not parts[-1][0]:
                parts[-1][1].extend(group)
            else:
                parts.append((concurrent, group))
        return [
            Part(len(calls), concurrent, max(c.end for c in calls) - min(c.start for c in calls))
            for concurrent, calls in parts
        ]


def delayed(registry: Registry, tool: str, delay: float, log: CallLog) -> Registry:
    """``registry`` with ``tool`` answering after ``delay`` seconds and each call logged."""
    original = registry.get(tool)

    async def slow(input: dict[str, Any], ctx: ToolContext) -> Any:
        start = time.monotonic()
        await asyncio.sleep(delay)
        result = await original.handler(input, ctx)
        log.calls.append(Call(start, time.monotonic()))
        return result

    registry.register(original.schema, slow)
    return registry
