"""Runners are registered here: one per kind, each with the languages it takes, the
directive keys it understands, the checks it makes when a page is collected and
how it runs a block."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from doctest_harness.directives import Option
from doctest_harness.model import DocBlock, Kind, Outcome
from mkdocs_mdc import Fence

if TYPE_CHECKING:
    from doctest_harness.session import DocTestSession


def _any_fence(fence: Fence) -> bool:
    return True


def _no_checks(block: DocBlock) -> None:
    return None


@dataclass(frozen=True)
class Runner:
    kind: Kind
    languages: frozenset[str]
    run: Callable[[DocBlock, DocTestSession], Outcome | None]
    options: Mapping[str, Option] = field(default_factory=dict)
    # Among the runners for a language, the first whose ``accepts`` is true takes the block.
    accepts: Callable[[Fence], bool] = _any_fence
    # Checks that need no run, made at collection: raise DirectiveError naming what is wrong.
    check: Callable[[DocBlock], None] = _no_checks


class Registry:
    def __init__(self, runners: Iterable[Runner] = ()) -> None:
        self._runners: list[Runner] = []
        for runner in runners:
            self.register(runner)

    def register(self, runner: Runner) -> None:
        if any(existing.kind is runner.kind for existing in self._runners):
            raise ValueError(f"a runner for {runner.kind.value} is already registered")
        self._runners.append(runner)

    def runner_for(self, fence: Fence) -> Runner | None:
        lang = fence.lang.lower()
        return next((r for r in self._runners if lang in r.languages and r.accepts(fence)), None)

    def __getitem__(self, kind: Kind) -> Runner:
        for runner in self._runners:
            if runner.kind is kind:
                return runner
        raise KeyError(kind)

    def languages(self) -> list[str]:
        return sorted({lang or '""' for runner in self._runners for lang in runner.languages})
