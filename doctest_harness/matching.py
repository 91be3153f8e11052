"""Quoted output against real output: each quoted line must be a whole line of what
was printed, in order. ``...`` stands for text the page leaves out: inside a line,
some text; on a line of its own, any number of lines. ``XXX`` stands for a tool name.
A line of a Python traceback may be quoted without its exception name
(``ToolError: Tool Read failed`` is quoted as ``Tool Read failed``).
"""

from __future__ import annotations

import re

ELLIPSIS = "..."
# Some text where the page wrote `...`: at least one visible character.
_LEFT_OUT = r"\s*\S.*?\s*"
_TOOL_NAME = r"[A-Z]\w*"
_EXCEPTION_NAME = re.compile(r"^(?:[A-Za-z_][\w.]*\.)?[A-Z]\w*(?:Error|Exception|Warning|Exit): ")


def line_pattern(quoted: str) -> re.Pattern[str]:
    """One quoted line as a pattern over one whole output line, spacing aside."""
    parts = [r"\s+".join(re.escape(word) for word in part.split()) for part in quoted.split(ELLIPSIS)]
    pattern = _LEFT_OUT.join(parts).replace("XXX", _TOOL_NAME)
    return re.compile(rf"\s*{pattern}\s*")


def _candidates(line: str) -> list[str]:
    bare = _EXCEPTION_NAME.sub("", line, count=1)
    return [line, bare] if bare != line else [line]


def quote_matches(quote: str, output: str) -> bool:
    """Whether every line of ``quote`` is a whole line of ``output``, in order (blank lines aside)."""
    wanted = [None if line.strip() == ELLIPSIS else line_pattern(line) for line in quote.splitlines() if line.strip()]
    lines = [line for line in output.splitlines() if line.strip()]
    if not wanted:
        return False

    def match_from(w: int, o: int) -> bool:
        if w == len(wanted):
            return True
        if wanted[w] is None:  # a line of `...`: skip any number of output lines
            return any(match_from(w + 1, skip) for skip in range(o, len(lines) + 1))
        return (
            o < len(lines)
            and any(wanted[w].fullmatch(text) for text in _candidates(lines[o]))
            and match_from(w + 1, o + 1)
        )

    return any(match_from(0, start) for start in range(len(lines)))
