"""MDC (Nuxt Content) to MkDocs Material converter: a MkDocs plugin (`mdc`), a Python-Markdown extension
(`mkdocs_mdc`), a CLI and a small API."""

from __future__ import annotations

from typing import Any

from mkdocs_mdc.errors import MdcError
from mkdocs_mdc.extension import MdcExtension
from mkdocs_mdc.icons import IconResolver
from mkdocs_mdc.parser import Fence, parse, walk_fences
from mkdocs_mdc.render import Renderer


def convert(
    text: str,
    path: str = "<string>",
    *,
    first_line: int = 1,
    strict_unknown: bool = True,
    icons: IconResolver | None = None,
) -> str:
    """Convert one MDC page to Material Markdown; raises MdcError (`FILE:LINE: message`) on malformed MDC.

    `first_line` is the file line of `text`'s first line, for pages whose front matter was already removed.
    """
    tree = parse(text, path, first_line=first_line, strict_unknown=strict_unknown)
    return Renderer(path, icons or IconResolver()).render(tree)


def iter_fences(text: str, path: str = "<string>") -> list[Fence]:
    """Every fenced code block of a page in source order, at any depth; raises MdcError like `convert`."""
    return list(walk_fences(parse(text, path)))


def makeExtension(**kwargs: Any) -> MdcExtension:  # the name Python-Markdown looks up
    """`markdown.markdown(text, extensions=["mkdocs_mdc"])`."""
    return MdcExtension(**kwargs)


__all__ = ["Fence", "IconResolver", "MdcError", "MdcExtension", "convert", "iter_fences", "makeExtension"]
