"""The harness's vocabulary: the kinds of blocks, a block ready to run, what a run
produced, and the failure a reader-facing test reports."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from doctest_harness.lexer import LexedPage, Region
from mkdocs_mdc import Fence


class Kind(str, enum.Enum):
    PTC = "python-ptc"
    PYTHON = "python"
    BASH = "bash"
    GO = "go"
    QUOTED = "quoted"
    DATA = "data"
    DIAGRAM = "diagram"

    @property
    def marker(self) -> str:
        """The pytest marker that selects blocks of this kind (``-m python_ptc``)."""
        return self.value.replace("-", "_")


class BlockFailure(AssertionError):
    """The block did not do what the page says it does."""


@dataclass(frozen=True)
class DocBlock:
    """One fenced block of one page, ready to run."""

    page: Path  # relative to the repo root, e.g. docs/zh/troubleshooting.md
    fence: Fence
    kind: Kind
    directive: Mapping[str, Any] = field(default_factory=dict)
    not_run_reason: str | None = None  # from the page's visible "not run in CI" note
    expected_exit: int = 0  # from the page's visible "exit code" note
    # Where the block sits on its page: what the page shows around it.
    source: LexedPage | None = field(default=None, compare=False, repr=False)
    region: Region | None = field(default=None, compare=False, repr=False)
    above: DocBlock | None = field(default=None, compare=False, repr=False)  # the block before it on the page

    @property
    def lang(self) -> str:
        """The site language the page is written in: ``zh`` or ``en``."""
        return self.page.parts[1]

    @property
    def location(self) -> str:
        return f"{self.page.as_posix()}:{self.fence.line}"

    @property
    def test_name(self) -> str:
        label = f"[{self.fence.label}]" if self.fence.label else ""
        return f"{self.location}{label}"

    @property
    def code(self) -> str:
        return self.fence.code

    def prose_after(self) -> list[tuple[int, str]]:
        """(line, text) of the prose after the block up to the next heading: no code, no comments, no MDC lines."""
        if self.source is None or self.region is None:
            return []
        hidden = {n for comment in self.source.comments for n in range(comment.line, comment.end_line + 1)}
        fenced = {n for r in self.source.regions for n in range(r.fence.line, r.end_line + 1)}
        prose = []
        for number in range(self.region.end_line + 1, len(self.source.lines) + 1):
            line = self.source.lines[number - 1]
            if line.lstrip().startswith("#") and number not in fenced:
                break
            if number not in hidden and number not in fenced and not line.lstrip().startswith("::") and line.strip():
                prose.append((number, line.strip()))
        return prose


@dataclass(frozen=True)
class Outcome:
    """What running a block produced, as a reader would see it."""

    exit_code: int
    stdout: str
    stderr: str
    # Failures the reader would notice that the exit code can hide: curl in `$(...)`, jq printing null.
    noticed: tuple[str, ...] = ()
