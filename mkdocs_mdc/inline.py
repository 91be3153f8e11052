"""Inline MDC components inside a line of text: `:badge[v1.2]{color="success"}`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mkdocs_mdc.props import parse_props

# Code spans come first so a badge written inside backticks stays literal.
_INLINE = re.compile(
    r"""
    (?P<code>(?P<ticks>`+).*?(?<!`)(?P=ticks)(?!`))
    | (?<![\w:])(?P<badge>:badge(?:\[(?P<text>[^\]]*)\])?(?P<props>\{[^}]*\})?)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Badge:
    """`:badge[text]{props}`; `text` is "" when the label comes from the `label` prop."""

    text: str
    props: dict[str, Any]
    source: str


Segment = str | Badge


def split_inline(line: str) -> tuple[Segment, ...]:
    """Split a line into plain text and badges; raises PropsSyntaxError for unreadable props."""
    segments: list[Segment] = []
    pos = 0
    for match in _INLINE.finditer(line):
        if match["badge"] is None or (match["text"] is None and match["props"] is None):
            continue
        segments.append(line[pos : match.start()])
        props = parse_props(match["props"]) if match["props"] else {}
        segments.append(Badge(match["text"] or "", props, match["badge"]))
        pos = match.end()
    segments.append(line[pos:])
    return tuple(segment for segment in segments if segment != "")
