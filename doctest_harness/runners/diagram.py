"""Diagrams and trees: drawn, not run, and counted in the summary.

A block is one when its language is a diagram language (``mermaid``, which
Material renders), or when a text block draws: a line holds box-drawing
characters (``├── src``, ``┌─┐``), arrows (``→``, ``▼``), ASCII tree branches
(``|--``, ``+--``, `` `-- ``) or ASCII box edges (``+---+``). Quoted output has
none of these.
"""

from __future__ import annotations

import re

from doctest_harness import messages
from doctest_harness.model import BlockFailure, DocBlock, Kind
from doctest_harness.registry import Runner
from doctest_harness.runners.quoted import QUOTED_LANGUAGES
from doctest_harness.session import DocTestSession

DIAGRAM_LANGUAGES = frozenset({"mermaid", "tree", "diagram", "ascii", "svgbob", "plantuml", "dot", "graphviz"})
_DRAWN = re.compile(r"[\u2500-\u259f\u2190-\u21ff\u25b2-\u25c4]|\|--|\+--|`--|\\--|\+-{2,}\+")
# The diagram types mermaid knows, as a diagram's first word.
MERMAID_TYPES = frozenset(
    [
        "graph",
        "flowchart",
        "sequenceDiagram",
        "classDiagram",
        "stateDiagram",
        "stateDiagram-v2",
        "erDiagram",
        "journey",
        "gantt",
        "pie",
        "quadrantChart",
        "requirementDiagram",
        "gitGraph",
        "C4Context",
        "C4Container",
        "C4Component",
        "C4Dynamic",
        "C4Deployment",
        "mindmap",
        "timeline",
        "zenuml",
        "sankey-beta",
        "xychart-beta",
        "block-beta",
        "packet-beta",
        "kanban",
        "architecture-beta",
        "radar-beta",
    ]
)


def draws(code: str) -> bool:
    return any(_DRAWN.search(line) for line in code.splitlines())


def accepts(fence) -> bool:
    lang = fence.lang.lower()
    return lang in DIAGRAM_LANGUAGES or draws(fence.code)


def run(block: DocBlock, session: DocTestSession) -> None:
    if block.fence.lang.lower() != "mermaid":
        return
    lines = [line.strip() for line in block.code.splitlines() if line.strip()]
    if lines and lines[0] == "---":  # front matter (title, config) comes before the type
        lines = lines[lines.index("---", 1) + 1 :] if "---" in lines[1:] else []
    lines = [line for line in lines if not line.startswith("%%")]  # comments and %%{init}%% directives
    first = lines[0].split()[0] if lines else ""
    if first not in MERMAID_TYPES:
        known = ", ".join(sorted(MERMAID_TYPES))
        raise BlockFailure(messages.MERMAID_UNKNOWN_TYPE.format(where=block.location, first=first, known=known))


RUNNER = Runner(kind=Kind.DIAGRAM, languages=DIAGRAM_LANGUAGES | QUOTED_LANGUAGES, run=run, accepts=accepts)
