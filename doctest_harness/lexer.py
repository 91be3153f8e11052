"""Find the regions of a page the doc-tests read: each fenced block, the directive
comments directly above it, and the labelled note directly after it.

Fences come from the MDC parser (``mkdocs_mdc.iter_fences``), which knows where
blocks nest; everything around a fence is read here from the page text, by line.
A page the parser refuses raises ``MdcError`` (FILE:LINE: message).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkdocs_mdc import Fence, iter_fences

_DIRECTIVE = re.compile(r"^\s*<!--\s*doctest:(?P<text>.*?)-->\s*$", re.DOTALL)
# What a writer may have meant as a directive: `<!-- doctest run=... -->`, `<!-- doctests: ... -->`.
_DIRECTIVE_LIKE = re.compile(r"^\s*<!--\s*doc[-_ ]?tests?\b", re.IGNORECASE)
# A note: a paragraph opening with a bold label, `**Not run in CI:** reason`.
_NOTE = re.compile(r"^\*\*(?P<label>[^*]+?)\*\*\s*(?P<text>.*)$")
# Inline code in Markdown: `...` (the page's spans hold no backticks).
_CODE_SPAN = re.compile(r"`([^`]+)`")
_NOTE_END = re.compile(r"^\s*(?:$|`{3,}|~{3,}|:{2,}|<!--|#{1,6}\s)")


@dataclass(frozen=True)
class Comment:
    """An HTML comment that starts a line: its first line and its text between ``<!--`` and ``-->``."""

    line: int
    end_line: int
    source: str

    @property
    def directive(self) -> str | None:
        """The text after ``doctest:`` for a directive comment, else None."""
        match = _DIRECTIVE.match(self.source)
        return " ".join(match["text"].split()) if match else None

    @property
    def looks_like_directive(self) -> bool:
        return self.directive is None and bool(_DIRECTIVE_LIKE.match(self.source))


@dataclass(frozen=True)
class Note:
    """The labelled paragraph right after a fence: ``**Label:** text``."""

    line: int
    label: str
    text: str


@dataclass(frozen=True)
class Region:
    """One fenced block with what the page writes around it."""

    fence: Fence
    end_line: int  # the closing fence's line
    directives: tuple[Comment, ...]  # directive comments directly above, top to bottom
    note: Note | None


@dataclass(frozen=True)
class LexedPage:
    lines: tuple[str, ...]
    regions: tuple[Region, ...]
    comments: tuple[Comment, ...]
    stray_directives: tuple[Comment, ...]  # `<!-- doctest: -->` not directly above a fence
    malformed_directives: tuple[Comment, ...]  # comments that look like directives but are not

    def visible_lines(self) -> list[tuple[int, str]]:
        """(line number, text) of every line a reader sees: all but HTML comments."""
        hidden = {n for comment in self.comments for n in range(comment.line, comment.end_line + 1)}
        return [(n, text) for n, text in enumerate(self.lines, 1) if n not in hidden]

    def shows(self, text: str) -> bool:
        """Whether a reader sees ``text`` whole, apart from spacing: as an inline code span, or as a line.

        Not as part of one: `pip install` does not show `pip install no-such-package`, nor `true` "untrue".
        """
        wanted = " ".join(text.split())
        if not wanted:
            return False
        seen = [" ".join(line.split()) for _, line in self.visible_lines()]
        spans = (" ".join(span.split()) for line in seen for span in _CODE_SPAN.findall(line))
        return wanted in seen or wanted in spans


def lex(text: str, path: str) -> LexedPage:
    fences = iter_fences(text, path)
    lines = tuple(text.replace("\r\n", "\n").split("\n"))
    spans = [(fence, fence.end_line) for fence in fences]
    fenced = {n for fence, end in spans for n in range(fence.line, end + 1)}
    comments = _comments(lines, fenced)
    ends = {comment.end_line: comment for comment in comments}
    attached: set[int] = set()
    regions = []
    for fence, end in spans:
        above = []
        line = fence.line - 1
        while line in ends and ends[line].directive is not None:
            above.insert(0, ends[line])
            attached.add(ends[line].line)
            line = ends[line].line - 1
        regions.append(Region(fence, end, tuple(above), _note_after(lines, end)))
    directives = [comment for comment in comments if comment.directive is not None]
    return LexedPage(
        lines=lines,
        regions=tuple(regions),
        comments=tuple(comments),
        stray_directives=tuple(c for c in directives if c.line not in attached),
        malformed_directives=tuple(c for c in comments if c.looks_like_directive),
    )


def _comments(lines: tuple[str, ...], fenced: set[int]) -> list[Comment]:
    """HTML comments starting a line outside fences, as the MDC parser reads them."""
    comments = []
    index = 0
    while index < len(lines):
        number = index + 1
        if number not in fenced and lines[index].lstrip().startswith("<!--"):
            end = next((i for i in range(index, len(lines)) if "-->" in lines[i]), len(lines) - 1)
            comments.append(Comment(number, end + 1, "\n".join(lines[index : end + 1])))
            index = end + 1
        else:
            index += 1
    return comments


def _note_after(lines: tuple[str, ...], end_line: int) -> Note | None:
    """The paragraph after the closing fence (at most one blank line between) if it opens with a bold label."""
    index = end_line  # 0-based index of the line after the closing fence
    if index < len(lines) and not lines[index].strip():
        index += 1
    if index >= len(lines):
        return None
    match = _NOTE.match(lines[index].strip())
    if match is None:
        return None
    text = [match["text"]]
    for following in lines[index + 1 :]:
        if _NOTE_END.match(following):
            break
        text.append(following.strip())
    return Note(index + 1, match["label"].strip(), " ".join(" ".join(text).split()))
