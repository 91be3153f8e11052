"""What a fenced block on a page is, and how it asks to be run.

A block's kind comes from its language tag (and, for Python, from whether it
awaits a tool); its directive is the ``<!-- doctest: ... -->`` comment on the
line above it; a block whose first line says it is not run in CI carries that
reason on the page, where readers see it.
"""

from __future__ import annotations

import ast
import enum
import inspect
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from mkdocs_mdc import Fence, iter_fences


class Kind(str, enum.Enum):
    PTC = "python-ptc"
    PYTHON = "python"
    BASH = "bash"
    GO = "go"
    QUOTED = "quoted"
    DATA = "data"
    NOT_RUN = "not-run"


DIRECTIVE_KEYS = frozenset(
    {"run", "exit", "stdout", "stderr", "latency", "go", "patch", "background", "port", "output-of"}
)

# The marker must be visible on the page, so it lives in the code itself.
NOT_RUN_MARKER = re.compile(r"^\s*(?:#|//)\s*(?:not run in CI|CI 不运行)\s*[:：]\s*(?P<reason>\S.*)$")

_LANG_KINDS = {
    "python": Kind.PYTHON,
    "py": Kind.PYTHON,
    "bash": Kind.BASH,
    "sh": Kind.BASH,
    "shell": Kind.BASH,
    "go": Kind.GO,
    "": Kind.QUOTED,
    "text": Kind.QUOTED,
    "json": Kind.DATA,
    "yaml": Kind.DATA,
    "toml": Kind.DATA,
}


class BlockError(ValueError):
    """A block the harness cannot interpret: bad directive or unknown language."""


class BlockFailure(AssertionError):
    """The block did not do what the page says it does."""


@dataclass(frozen=True)
class DocBlock:
    """One fenced block of one page, ready to run."""

    page: Path  # relative to the repo root, e.g. docs/zh/troubleshooting.md
    fence: Fence
    kind: Kind
    directive: dict[str, str]
    not_run_reason: str | None

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
        return f"{self.page.as_posix()}:{self.fence.line}{label}"

    def expected_exit(self) -> int:
        return int(self.directive.get("exit", "0"))


def parse_directive(text: str | None, where: str) -> dict[str, str]:
    """``run="poetry add --dry-run aiohttp" exit=1`` -> {"run": ..., "exit": "1"}."""
    if not text:
        return {}
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise BlockError(f"{where}: unparsable doctest directive {text!r}: {exc}") from None
    directive: dict[str, str] = {}
    for word in words:
        key, sep, value = word.partition("=")
        if not sep or key not in DIRECTIVE_KEYS:
            known = ", ".join(sorted(DIRECTIVE_KEYS))
            raise BlockError(f"{where}: unknown doctest directive {word!r} (known keys: {known})")
        directive[key] = value
    return directive


def classify(fence: Fence, where: str) -> tuple[Kind, str | None]:
    first_line = fence.code.split("\n", 1)[0]
    marker = NOT_RUN_MARKER.match(first_line)
    if marker:
        return Kind.NOT_RUN, marker["reason"].strip()
    kind = _LANG_KINDS.get(fence.lang.lower())
    if kind is None:
        raise BlockError(f"{where}: no doc-test runner for language {fence.lang!r}")
    if kind is Kind.PYTHON and awaits_at_top_level(fence.code):
        kind = Kind.PTC
    return kind, None


def awaits_at_top_level(code: str) -> bool:
    """PTC code awaits tools at module level; a script with its own ``asyncio.run`` does not."""
    try:
        compiled = compile(code, "<block>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    except SyntaxError:
        return False  # plain Python then, where the syntax error is reported when it runs
    return bool(compiled.co_flags & inspect.CO_COROUTINE)


def page_blocks(page: Path, repo: Path) -> list[DocBlock]:
    """Every fenced block of ``page`` (absolute), in source order."""
    rel = page.relative_to(repo)
    blocks = []
    for fence in iter_fences(page.read_text(encoding="utf-8"), str(rel)):
        where = f"{rel.as_posix()}:{fence.line}"
        kind, reason = classify(fence, where)
        blocks.append(DocBlock(rel, fence, kind, parse_directive(fence.directive, where), reason))
    return blocks


def site_pages(repo: Path, lang: str) -> list[Path]:
    """Every page of one language, sorted: docs/<lang>/**/*.md."""
    return sorted((repo / "docs" / lang).rglob("*.md"))
