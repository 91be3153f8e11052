"""zh and en pages carry the same blocks: same order, kind, language, directive and
code, once comments and the prose inside print/log calls are set aside."""

from __future__ import annotations

import re

from doctest_harness.blocks import DocBlock

# `#` or `//` starting a comment: at line start or after whitespace (so URLs keep their `//`).
_COMMENT = re.compile(r"(?:^|\s)(?:#|//)(?![!/]).*$")
_PRINTING = re.compile(r"\b(?:print|log\.\w+|fmt\.\w+|Println|Printf)\(")
_STRING = re.compile(r"""(?P<q>["'`])(?:\\.|(?!(?P=q)).)*(?P=q)""")


def normalize_code(code: str, lang: str) -> list[str]:
    """The lines of ``code`` that must be equal across languages."""
    lines = []
    for line in code.splitlines():
        if lang in {"python", "bash", "go", "sh"}:
            line = _COMMENT.sub("", line)
        if _PRINTING.search(line):
            line = _STRING.sub('""', line)
        if line.strip():
            lines.append(line.rstrip())
    return lines


def signature(block: DocBlock) -> dict[str, object]:
    code = block.fence.code if block.kind.value != "quoted" else block.fence.code.strip()
    return {
        "kind": block.kind.value,
        "lang": block.fence.lang,
        "tab": block.fence.label is not None,
        "directive": block.directive,
        "code": normalize_code(code, block.fence.lang),
    }


def differences(zh: list[DocBlock], en: list[DocBlock]) -> list[str]:
    """Human-readable differences between the blocks of a zh page and its en translation."""
    problems = []
    if len(zh) != len(en):
        problems.append(f"zh has {len(zh)} blocks, en has {len(en)}")
    for zh_block, en_block in zip(zh, en, strict=False):  # a length mismatch is reported above
        a, b = signature(zh_block), signature(en_block)
        for key in a:
            if a[key] != b[key]:
                problems.append(f"{zh_block.location} vs {en_block.location}: {key} differs: {a[key]!r} != {b[key]!r}")
    return problems
