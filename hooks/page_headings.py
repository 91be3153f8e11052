"""The headings of a Markdown page and their explicit ids (``## 常见错误 {#common-errors}``).

Every heading of every page carries an explicit id, the same in zh and en, so a link or the
language switch lands on the same section in either language. Lines inside code fences are code
(a ``# comment`` in a bash block is not a heading).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<title>.*?)(?:\s*\{#(?P<id>[^}\s]+)\})?\s*$")


@dataclass(frozen=True)
class Heading:
    line: int  # 1-based, in the text given
    level: int
    title: str  # without the {#id}
    id: str | None


def headings(text: str) -> list[Heading]:
    """The ATX headings of ``text`` outside its front matter and code fences, in order."""
    found = []
    fence: str | None = None
    lines = text.splitlines()
    start = lines.index("---", 1) + 1 if lines[:1] == ["---"] and "---" in lines[1:] else 0
    for number, line in enumerate(lines[start:], start=start + 1):
        opener = _FENCE.match(line)
        if fence is not None:
            if opener and opener[1].startswith(fence):
                fence = None
            continue
        if opener:
            fence = opener[1]
            continue
        match = _HEADING.match(line)
        if match:
            found.append(Heading(number, len(match["level"]), match["title"], match["id"]))
    return found


def section_text(text: str, anchor: str) -> str | None:
    """The lines of the section whose heading has id ``anchor``, down to the next heading of its level or
    above (so its subsections are in it); None if ``text`` has no such heading."""
    found = headings(text)
    for position, heading in enumerate(found):
        if heading.id == anchor:
            lines = text.splitlines()
            end = next((later.line - 1 for later in found[position + 1 :] if later.level <= heading.level), len(lines))
            return "\n".join(lines[heading.line - 1 : end])
    return None
