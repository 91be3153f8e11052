"""Parse an MDC attribute list: `{type="error" icon=i-lucide-x :open='true' #id .class flag}`."""

from __future__ import annotations

import html
import re
from typing import Any

from mkdocs_mdc import errors
from mkdocs_mdc.yaml_data import YamlDataError, load_yaml

_ATTRIBUTE = re.compile(
    r"""
    (?P<bind>:)?(?P<key>[A-Za-z_][\w.-]*)
        (?:=[ \t]*(?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>(?:[^'\\]|\\.)*)'|(?P<bare>[^\s"'=}{]+)))?
    | \#(?P<id>[\w-]+)
    | \.(?P<cls>[\w-]+)
    """,
    re.VERBOSE,
)


class PropsSyntaxError(ValueError):
    """The attribute list cannot be read; the message says where."""


def parse_props(text: str) -> dict[str, Any]:
    """Parse `{...}` (braces included, as the callers' patterns match it) into a dict; `:key` values are read
    as JSON/YAML."""
    body = text[1:-1]
    props: dict[str, Any] = {}
    pos = 0
    while True:
        stripped = len(body) - len(body[pos:].lstrip())
        if stripped == len(body):
            return props
        if stripped == pos and pos > 0:
            hint = " (unclosed quote?)" if body[pos] in "=\"'" else ""
            raise PropsSyntaxError(f"expected a space before {body[pos:]!r}{hint}")
        match = _ATTRIBUTE.match(body, stripped)
        if match is None:
            raise PropsSyntaxError(f"cannot read {body[stripped:]!r}")
        _store(props, match)
        pos = match.end()


def _store(props: dict[str, Any], match: re.Match[str]) -> None:
    if match["id"] is not None:
        props["id"] = match["id"]
        return
    if match["cls"] is not None:
        props["class"] = f"{props['class']} {match['cls']}" if "class" in props else match["cls"]
        return
    raw = next((v for v in (match["dq"], match["sq"], match["bare"]) if v is not None), None)
    if raw is not None:
        # As remark-mdc reads values: an escaped quote inside quotes, and HTML entities (`&copy;`).
        quote = '"' if match["dq"] is not None else "'"
        raw = html.unescape(raw.replace(f"\\{quote}", quote))
    if raw is None:
        props[match["key"]] = True
    elif match["bind"]:
        try:
            props[match["key"]] = load_yaml(raw)
        except YamlDataError as error:
            raise PropsSyntaxError(errors.BOUND_PROP_NOT_DATA.format(key=match["key"], value=raw)) from error
    else:
        props[match["key"]] = raw
