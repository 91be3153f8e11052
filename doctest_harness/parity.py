"""zh and en pages carry the same blocks: same order, kind, language, place in a code
group, directive, visible notes and code, once comments and the prose inside
print/log calls are set aside. Each page's parity with its other languages is an
item of that page."""

from __future__ import annotations

import re
from pathlib import Path

from doctest_harness import messages
from doctest_harness.code_text import split_comment
from doctest_harness.model import DocBlock, Kind

_PRINTING = re.compile(r"\b(?:print|log\.\w+|fmt\.\w+|Println|Printf)\(")
_STRING = re.compile(r"""(?P<q>["'`])(?:\\.|(?!(?P=q)).)*(?P=q)""")


def normalize_code(code: str, lang: str) -> list[str]:
    """The lines of ``code`` that must be equal across languages."""
    lines = []
    for line in code.splitlines():
        line = split_comment(line, lang)[0]
        if _PRINTING.search(line):
            line = _STRING.sub('""', line)
        if line.strip():
            lines.append(line.rstrip())
    return lines


def signature(block: DocBlock) -> dict[str, object]:
    code = block.code.strip() if block.kind is Kind.QUOTED else block.code
    return {
        "kind": block.kind.value,
        "language": block.fence.lang,
        "place in a code group": block.fence.label is not None,
        "directive": dict(block.directive),
        "not run in CI": block.not_run_reason is not None,
        "exit code": block.expected_exit,
        # A diagram's labels are prose, translated with the page.
        "code": None if block.kind is Kind.DIAGRAM else normalize_code(code, block.fence.lang),
    }


def twins(page: Path, repo: Path) -> dict[str, Path]:
    """The same page in every other language: {"en": docs/en/x.md} for docs/zh/x.md (paths relative to ``repo``)."""
    lang, rest = page.parts[1], Path(*page.parts[2:])
    others = sorted(d.name for d in (repo / "docs").iterdir() if d.is_dir() and d.name != lang and len(d.name) == 2)
    return {other: Path("docs", other, rest) for other in others}


def differences(mine: list[DocBlock], theirs: list[DocBlock], where: str, other_lang: str) -> list[str]:
    """What differs between a page's blocks and its translation's, in a docs writer's terms."""
    problems = []
    if len(mine) != len(theirs):
        problems.append(
            messages.PARITY_COUNT.format(where=where, count=len(mine), lang=other_lang, other_count=len(theirs))
        )
    for my_block, their_block in zip(mine, theirs, strict=False):  # a length mismatch is reported above
        a, b = signature(my_block), signature(their_block)
        for what in a:
            if a[what] != b[what]:
                problems.append(
                    messages.PARITY_DIFFERS.format(
                        where=my_block.location, other=their_block.location, what=what, mine=a[what], theirs=b[what]
                    )
                )
    return problems
