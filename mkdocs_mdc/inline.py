"""Inline MDC components inside a line of text: `:badge[v1.2]{color="success"}`, `:icon{name="i-lucide-x"}`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mkdocs_mdc.props import parse_props

# Code spans come first so a component written inside backticks stays literal. A component needs
# `[text]` or `{props}` right after its name, so prose such as `port :8080` or `a::b` stays text.
_INLINE = re.compile(
    r"""
    (?P<code>(?P<ticks>`+).*?(?<!`)(?P=ticks)(?!`))
    | (?<![\w:])(?P<component>:(?P<name>[A-Za-z][\w-]*)(?:\[(?P<text>[^\]]*)\])?(?P<props>\{[^}]*\})?)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Inline:
    """`:name[text]{props}`; `text` is "" when absent (a badge's label may come from its `label` prop)."""

    name: str
    text: str
    props: dict[str, Any]
    source: str


Segment = str | Inline


def split_inline(line: str) -> tuple[Segment, ...]:
    """Split a line into plain text and inline components; raises PropsSyntaxError for unreadable props."""
    segments: list[Segment] = []
    pos = 0
    for match in _INLINE.finditer(line):
        if match["component"] is None or (match["text"] is None and match["props"] is None):
            continue
        segments.append(line[pos : match.start()])
        props = parse_props(match["props"]) if match["props"] else {}
        segments.append(Inline(match["name"], match["text"] or "", props, match["component"]))
        pos = match.end()
    segments.append(line[pos:])
    return tuple(segment for segment in segments if segment != "")
