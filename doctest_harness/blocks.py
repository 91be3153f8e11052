"""A page's blocks: the lexer's regions, each given the runner that takes its
language, its directive read against that runner's option schema, and what the
visible note after it says (not run in CI and why, or the exit code it ends with).

Everything wrong with a page is a Problem naming page:line, so one bad block (or
one page the MDC parser refuses) fails alone and every other block still runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from doctest_harness import messages
from doctest_harness.claims import StatedInProse, prose_claims
from doctest_harness.directives import DirectiveError, parse
from doctest_harness.lexer import LexedPage, Note, Region, lex
from doctest_harness.model import DocBlock, Kind
from doctest_harness.registry import Registry
from doctest_harness.runners import REGISTRY
from mkdocs_mdc import MdcError

__all__ = ["BlockError", "DocBlock", "Kind", "ParsedPage", "Problem", "page_blocks", "parse_page", "site_pages"]


class BlockError(ValueError):
    """A page with a block the harness cannot use (page_blocks only; parse_page reports Problems)."""


@dataclass(frozen=True)
class Problem:
    """Something wrong with a page, found when it is read: one failing item."""

    test_name: str
    line: int
    message: str


@dataclass(frozen=True)
class ParsedPage:
    page: Path
    blocks: tuple[DocBlock, ...] = ()
    problems: tuple[Problem, ...] = ()
    claims: tuple[StatedInProse, ...] = ()
    refused: Problem | None = None


class _BlockProblem(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _label_pattern(label: str) -> re.Pattern[str]:
    return re.compile(re.escape(label).replace(re.escape("{code}"), r"(?P<code>\d+)"))


def _looks_like(label: str) -> str | None:
    squashed = re.sub(r"[\s:：]", "", label).lower()
    if "notruninci" in squashed or "ci不运行" in squashed:
        return "not-run"
    if squashed.startswith(("exitcode", "exitswithcode", "退出码")):
        return "exit"
    return None


def read_note(note: Note | None, lang: str, page: Path) -> tuple[str | None, int]:
    """(why the block is not run in CI, the exit code the page says it ends with) from the note after it."""
    if note is None:
        return None, 0
    langs = [lang] if lang in messages.NOT_RUN_LABEL else list(messages.NOT_RUN_LABEL)
    where = f"{page.as_posix()}:{note.line}"
    if note.label in (messages.NOT_RUN_LABEL[each] for each in langs):
        if not note.text:
            raise _BlockProblem(note.line, messages.NOT_RUN_WITHOUT_REASON.format(where=where, label=note.label))
        return note.text, 0
    for each in langs:
        stated = _label_pattern(messages.EXIT_LABEL[each]).fullmatch(note.label)
        if stated:
            return None, int(stated["code"])
    looks = _looks_like(note.label)
    if looks is not None:
        expected = (messages.NOT_RUN_LABEL if looks == "not-run" else messages.EXIT_LABEL)[langs[0]].format(code="N")
        what = messages.NOTE_SAYS_NOT_RUN if looks == "not-run" else messages.NOTE_SAYS_EXIT
        raise _BlockProblem(
            note.line, messages.NOTE_MISWRITTEN.format(where=where, label=note.label, what=what, expected=expected)
        )
    return None, 0


def make_block(page: Path, region: Region, lexed: LexedPage, above: DocBlock | None, registry: Registry) -> DocBlock:
    fence = region.fence
    runner = registry.runner_for(fence)
    if runner is None:
        known = ", ".join(registry.languages())
        lang = f"`{fence.lang}`" if fence.lang else "(none)"
        raise _BlockProblem(
            fence.line, messages.NO_RUNNER.format(where=f"{page.as_posix()}:{fence.line}", lang=lang, known=known)
        )
    source = " ".join(comment.directive for comment in region.directives)
    directive_line = region.directives[0].line if region.directives else fence.line
    try:
        directive = parse(source, runner.options, runner.kind.value)
    except DirectiveError as exc:
        raise _directive_problem(page, directive_line, exc) from None
    not_run_reason, expected_exit = read_note(region.note, page.parts[1], page)
    block = DocBlock(
        page=page,
        fence=fence,
        kind=runner.kind,
        directive=directive,
        not_run_reason=not_run_reason,
        expected_exit=expected_exit,
        source=lexed,
        region=region,
        above=above,
    )
    try:
        runner.check(block)
    except DirectiveError as exc:
        raise _directive_problem(page, directive_line, exc) from None
    return block


def _directive_problem(page: Path, line: int, error: DirectiveError) -> _BlockProblem:
    return _BlockProblem(line, messages.IN_DIRECTIVE.format(where=f"{page.as_posix()}:{line}", problem=error))


def parse_page(path: Path, repo: Path, registry: Registry = REGISTRY) -> ParsedPage:
    """Every block of ``path`` (absolute) in source order, and every problem, each naming page:line."""
    page = path.relative_to(repo)
    try:
        lexed = lex(path.read_text(encoding="utf-8"), page.as_posix())
    except MdcError as exc:
        message = messages.PAGE_REFUSED.format(error=exc)
        return ParsedPage(page, refused=Problem(f"{page.as_posix()}:{exc.line}", exc.line, message))
    problems = [
        Problem(
            f"{page.as_posix()}:{comment.line}",
            comment.line,
            template.format(where=f"{page.as_posix()}:{comment.line}"),
        )
        for template, comments in (
            (messages.DIRECTIVE_STRAY, lexed.stray_directives),
            (messages.DIRECTIVE_MALFORMED, lexed.malformed_directives),
        )
        for comment in comments
    ]
    blocks: list[DocBlock] = []
    for region in lexed.regions:
        try:
            blocks.append(make_block(page, region, lexed, blocks[-1] if blocks else None, registry))
        except _BlockProblem as problem:
            label = f"[{region.fence.label}]" if region.fence.label else ""
            problems.append(Problem(f"{page.as_posix()}:{region.fence.line}{label}", problem.line, str(problem)))
    fenced = {n for region in lexed.regions for n in range(region.fence.line, region.end_line + 1)}
    prose = [(n, text) for n, text in lexed.visible_lines() if n not in fenced]
    return ParsedPage(page, tuple(blocks), tuple(problems), tuple(prose_claims(page, prose)))


def page_blocks(path: Path, repo: Path) -> list[DocBlock]:
    """Every block of ``path`` (absolute), in source order; a page with a problem raises BlockError."""
    parsed = parse_page(path, repo)
    problems = [parsed.refused] if parsed.refused else list(parsed.problems)
    if problems:
        raise BlockError("\n".join(problem.message for problem in problems))
    return list(parsed.blocks)


def site_pages(repo: Path, lang: str) -> list[Path]:
    """Every page of one language, sorted: docs/<lang>/**/*.md."""
    return sorted((repo / "docs" / lang).rglob("*.md"))
