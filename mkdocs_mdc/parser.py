"""Parse MDC Markdown into a tree of Block / Fence / Text / Raw nodes that keep source line numbers.

Nesting follows remark-mdc: an inner block may use more colons than its parent (closed by the same
count) or the same count, each closer closing the innermost open block. Closers may be indented.
Nothing inside a code fence or an HTML comment is interpreted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from mkdocs_mdc import errors
from mkdocs_mdc.components import COMPONENTS, INLINE_COMPONENTS, Component, prop_name
from mkdocs_mdc.inline import Inline, Segment, split_inline
from mkdocs_mdc.props import PropsSyntaxError, parse_props
from mkdocs_mdc.yaml_data import YamlDataError, load_mapping

_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>`{3,}|~{3,})(?P<info>.*)$")
_OPENER = re.compile(
    r"^(?P<indent>[ \t]*)(?P<colons>:{2,})(?P<name>[A-Za-z][\w-]*)"
    r"(?:\[(?P<label>[^\]]*)\])?(?P<props>\{.*\})?[ \t]*$"
)
_CLOSER = re.compile(r"^[ \t]*(?P<colons>:{2,})[ \t]*$")
_SLOT = re.compile(r"^[ \t]*#(?P<name>[A-Za-z][\w-]*)[ \t]*$")
_LABEL = re.compile(r"\[(?P<label>[^\]]*)\]")
# An opener that a formatter turned into an ATX heading (`## ::card`), and a heading or `---` near it.
_OPENER_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(?P<opener>:{2,}[A-Za-z][\w-]*\S*)[ \t]*$")
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(?P<text>.*?)[ \t]*$")


@dataclass(frozen=True)
class Fence:
    """A fenced code block, as the doc-test harness sees it."""

    line: int
    lang: str
    label: str | None
    meta: str
    code: str
    ancestors: tuple[tuple[str, dict[str, Any]], ...]
    # How it was written, so the renderer can write it back.
    indent: str = field(default="", compare=False, repr=False)
    marker: str = field(default="```", compare=False, repr=False)

    @property
    def end_line(self) -> int:
        """The line of its closing marker (``code`` ends with a newline per line)."""
        return self.line + self.code.count("\n") + 1


@dataclass(frozen=True)
class Text:
    """One line of Markdown outside fences and comments."""

    line: int
    text: str
    segments: tuple[Segment, ...]

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True)
class Raw:
    """Lines copied verbatim: an HTML comment or the front matter."""

    line: int
    lines: tuple[str, ...]
    comment: bool


@dataclass
class Section:
    """The default slot (name "default") or a named slot (`#title`) of a block."""

    name: str
    nodes: list[Node] = field(default_factory=list)


@dataclass
class Block:
    """`::name{props}` ... `::`."""

    name: str
    colons: int
    line: int
    indent: str
    props: dict[str, Any]
    spec: Component | None
    sections: list[Section]

    @property
    def opener(self) -> str:
        return ":" * self.colons + self.name

    @property
    def body(self) -> list[Node]:
        """The default slot: everything outside named slots (`#default` returns to it)."""
        return self.slot_nodes("default") or []

    def slot(self, name: str) -> list[Node] | None:
        """The nodes of a named slot, or None when the block does not use it."""
        return self.slot_nodes(name) if name != "default" else self.body

    def slot_nodes(self, name: str) -> list[Node] | None:
        sections = [section for section in self.sections if section.name == name]
        return [node for section in sections for node in section.nodes] if sections else None


Node = Block | Fence | Text | Raw


def parse(
    text: str,
    path: str = "<string>",
    *,
    first_line: int = 1,
    strict_unknown: bool = True,
) -> list[Node]:
    """Parse a page; `first_line` is the file line of `text`'s first line (after stripped front matter)."""
    return _Parser(text, path, first_line, strict_unknown).run()


def walk_fences(nodes: list[Node]) -> Iterator[Fence]:
    """Every fence of the tree in source order."""
    for node in nodes:
        if isinstance(node, Fence):
            yield node
        elif isinstance(node, Block):
            for section in node.sections:
                yield from walk_fences(section.nodes)


class _Parser:
    def __init__(self, text: str, path: str, first_line: int, strict_unknown: bool) -> None:
        self.lines = text.replace("\r\n", "\n").split("\n")
        if self.lines[-1] == "":
            self.lines.pop()
        self.path = path
        self.first_line = first_line
        self.strict_unknown = strict_unknown
        self.root = Section("default")
        self.stack: list[Block] = []
        self.index = 0

    def error(self, index: int, message: str) -> errors.MdcError:
        return errors.MdcError(self.path, self.first_line + index, message)

    @property
    def section(self) -> Section:
        return self.stack[-1].sections[-1] if self.stack else self.root

    def run(self) -> list[Node]:
        if self.first_line == 1:
            self.front_matter()
        while self.index < len(self.lines):
            self.step(self.lines[self.index])
        if self.stack:
            block = self.stack[-1]
            raise self.error(
                block.line - self.first_line,
                errors.UNCLOSED_BLOCK.format(opener=block.opener, closer=":" * block.colons),
            )
        return self.root.nodes

    def front_matter(self) -> None:
        if not self.lines or self.lines[0].rstrip() != "---":
            return
        end = next(
            (i for i in range(1, len(self.lines)) if self.lines[i].rstrip() in ("---", "...")),
            None,
        )
        if end is not None:
            self.root.nodes.append(Raw(self.first_line, tuple(self.lines[: end + 1]), comment=False))
            self.index = end + 1

    def step(self, line: str) -> None:
        stripped = line.strip()
        if (fence := _FENCE_OPEN.match(line)) and not (fence["marker"][0] == "`" and "`" in fence["info"]):
            self.fence(fence)
        elif stripped.startswith("<!--"):
            self.comment()
        elif closer := _CLOSER.match(line):
            self.close(len(closer["colons"]))
        elif opener := _OPENER.match(line):
            self.open(opener)
        elif stripped.startswith("::"):
            raise self.error(self.index, errors.MALFORMED_BLOCK_LINE.format(text=stripped))
        elif heading := _OPENER_HEADING.match(line):
            raise self.mangled_heading(heading)
        elif (slot := _SLOT.match(line)) and self.stack:
            self.start_slot(slot["name"])
        else:
            self.section.nodes.append(self.text(self.index, line))
            self.index += 1

    def text(self, index: int, line: str) -> Text:
        try:
            segments = split_inline(line)
        except PropsSyntaxError as error:
            raise self.error(index, errors.UNPARSABLE_PROPS.format(text=line.strip(), reason=error)) from None
        for segment in segments:
            if isinstance(segment, Inline):
                self.check_inline(index, segment)
        return Text(self.first_line + index, line, segments)

    def check_inline(self, index: int, component: Inline) -> None:
        spec = INLINE_COMPONENTS.get(component.name)
        if spec is not None:
            self.check_props(index, spec, component.props, has_text=bool(component.text))
        elif self.strict_unknown:
            known = ", ".join(f":{name}" for name in sorted(INLINE_COMPONENTS))
            raise self.error(index, errors.UNKNOWN_INLINE_COMPONENT.format(name=component.name, known=known))

    def fence(self, match: re.Match[str]) -> None:
        start, indent, marker = self.index, match["indent"], match["marker"]
        closer = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
        end = next(
            (i for i in range(start + 1, len(self.lines)) if closer.match(self.lines[i])),
            None,
        )
        if end is None:
            raise self.error(
                start,
                errors.UNCLOSED_FENCE.format(fence=(marker + match["info"]).strip()),
            )
        body = [dedent(line, len(indent)) for line in self.lines[start + 1 : end]]
        lang, label, meta = _parse_info(match["info"])
        self.section.nodes.append(
            Fence(
                line=self.first_line + start,
                lang=lang,
                label=label,
                meta=meta,
                code="".join(f"{line}\n" for line in body),
                ancestors=tuple((block.name, dict(block.props)) for block in self.stack),
                indent=indent,
                marker=marker,
            )
        )
        self.index = end + 1

    def comment(self) -> None:
        start = self.index
        end = next((i for i in range(start, len(self.lines)) if "-->" in self.lines[i]), None)
        if end is None:
            raise self.error(start, errors.UNCLOSED_COMMENT)
        self.section.nodes.append(
            Raw(
                self.first_line + start,
                tuple(self.lines[start : end + 1]),
                comment=True,
            )
        )
        self.index = end + 1

    def open(self, match: re.Match[str]) -> None:
        start, name = self.index, match["name"]
        spec = COMPONENTS.get(name)
        if spec is None and self.strict_unknown:
            known = ", ".join(sorted(COMPONENTS))
            raise self.error(start, errors.UNKNOWN_COMPONENT.format(name=name, known=known))
        props = self.inline_props(match)
        self.index += 1
        line = self.first_line + start
        if spec is not None:
            self.check_detached_yaml(start, spec)
        block = Block(
            name=name,
            colons=len(match["colons"]),
            line=line,
            indent=match["indent"],
            props={**self.yaml_props(name, len(match["indent"])), **props},
            spec=spec,
            sections=[Section("default")],
        )
        if spec is not None:
            self.check_props(start, spec, block.props)
        self.section.nodes.append(block)
        self.stack.append(block)

    def inline_props(self, match: re.Match[str]) -> dict[str, Any]:
        props: dict[str, Any] = {}
        if match["props"]:
            try:
                props = parse_props(match["props"])
            except PropsSyntaxError as error:
                raise self.error(
                    self.index,
                    errors.UNPARSABLE_PROPS.format(text=match["props"], reason=error),
                ) from None
        if match["label"] is not None:
            props.setdefault("label", match["label"])
        return props

    def yaml_props(self, name: str, indent: int) -> dict[str, Any]:
        if self.index >= len(self.lines) or self.lines[self.index].strip() != "---":
            return {}
        start = self.index
        end = next(
            (i for i in range(start + 1, len(self.lines)) if self.lines[i].strip() == "---"),
            None,
        )
        if end is None:
            raise self.error(start, errors.UNCLOSED_YAML_PROPS.format(name=name))
        source = "\n".join(dedent(line, indent) for line in self.lines[start + 1 : end])
        try:
            props = load_mapping(source)
        except YamlDataError as error:
            message = errors.UNPARSABLE_YAML_PROPS.format(name=name, reason=error.reason)
            raise self.error(start + 1 + error.line, message) from None
        if props is None:
            raise self.error(start, errors.YAML_PROPS_NOT_MAPPING.format(name=name))
        self.index = end + 1
        # remark-mdc marks bound props `:key:` in YAML too; YAML values are already data.
        return {key.removeprefix(":"): value for key, value in props.items()}

    def check_props(self, index: int, spec: Component, props: dict[str, Any], *, has_text: bool = False) -> None:
        """Warn about and drop the props `spec` does not know or whose value it does not know; `props` keeps
        Vue's camelCase names, so a renderer sees `defaultValue` however the page spelled it."""
        for written, value in list(props.items()):
            del props[written]
            prop = prop_name(written)
            if prop not in spec.props:
                known = ", ".join(sorted(spec.props))
                errors.warn(
                    self.path,
                    self.first_line + index,
                    errors.UNKNOWN_PROP.format(name=spec.name, prop=written, known=known),
                )
                continue
            choices = spec.choices.get(prop)
            if choices is not None and str(value) not in choices:
                message = errors.BAD_PROP_VALUE.format(
                    prop=written, name=spec.name, choices=", ".join(sorted(choices)), value=value
                )
                errors.warn(self.path, self.first_line + index, message)
                continue
            props[prop] = value
        if spec.required is not None and spec.required not in props and not has_text:
            errors.warn(
                self.path, self.first_line + index, errors.MISSING_PROP.format(name=spec.name, prop=spec.required)
            )

    def start_slot(self, name: str) -> None:
        block = self.stack[-1]
        if block.spec is not None and name != "default" and name not in block.spec.slots:
            known = ", ".join(f"#{slot}" for slot in sorted(block.spec.slots)) or "none"
            message = errors.UNKNOWN_SLOT.format(name=block.name, slot=name, known=known)
            errors.warn(self.path, self.first_line + self.index, message)
            name = "default"
        block.sections.append(Section(name))
        self.index += 1

    # A formatter's damage

    def mangled_heading(self, heading: re.Match[str]) -> errors.MdcError:
        """`## ::card`: what prettier 2 makes of `::card` + `---` YAML props; the props follow as a heading
        (`## title: Docs`) or as lines closed by `---`."""
        start = self.index
        opener = heading["opener"]
        end, source = start, ""
        following = next((i for i in range(start + 1, len(self.lines)) if self.lines[i].strip()), None)
        if following is not None and (props_heading := _HEADING.match(self.lines[following])):
            end, source = following, props_heading["text"]
        elif following is not None:
            close = next((i for i in range(following, len(self.lines)) if self.lines[i].strip() == "---"), None)
            if close is not None:
                end, source = close, "\n".join(line.strip() for line in self.lines[following:close])
        props = _recoverable_props(source) if source else {}
        if props is None:
            end, props = start, {}
        lines = (
            f"line {self.first_line + start}"
            if end == start
            else f"lines {self.first_line + start}-{self.first_line + end}"
        )
        fix = f"{_inline_opener(opener, props)}    (in place of {lines})"
        return self.error(start, errors.MANGLED_HEADING.format(text=heading[0].strip(), opener=opener, fix=fix))

    def check_detached_yaml(self, start: int, spec: Component) -> None:
        """Blank lines, then `---`, `key: value` lines of this component's props, `---`: YAML props that a
        formatter cut off from their opener."""
        first = next((i for i in range(self.index, len(self.lines)) if self.lines[i].strip()), None)
        if first is None or first == self.index or self.lines[first].strip() != "---":
            return
        close = next((i for i in range(first + 1, len(self.lines)) if self.lines[i].strip() == "---"), None)
        if close is None:
            return
        props = _recoverable_props("\n".join(line.strip() for line in self.lines[first + 1 : close]))
        if not props or any(prop_name(key) not in spec.props for key in props):
            return
        opener = self.lines[start].strip()
        lines = f"lines {self.first_line + start}-{self.first_line + close}"
        fix = f"{_inline_opener(opener, props)}    (in place of {lines})"
        raise self.error(start, errors.MANGLED_YAML_PROPS.format(opener=opener, fix=fix))

    def close(self, colons: int) -> None:
        closer = ":" * colons
        if not self.stack:
            raise self.error(self.index, errors.STRAY_CLOSER.format(closer=closer))
        block = self.stack[-1]
        if colons != block.colons:
            raise self.error(
                self.index,
                errors.MISMATCHED_CLOSER.format(
                    closer=closer,
                    opener=block.opener,
                    line=block.line,
                    expected=":" * block.colons,
                ),
            )
        if block.spec is not None:
            self.check_content(block)
        self.stack.pop()
        self.index += 1

    def check_content(self, block: Block) -> None:
        spec = block.spec
        assert spec is not None
        seen_fence = False
        for node in block.body:
            if _is_filler(node):
                continue
            if spec.fences_only and isinstance(node, Fence) and not (node.label or node.lang):
                raise self.error(node.line - self.first_line, errors.TAB_WITHOUT_TITLE)
            seen_fence = seen_fence or isinstance(node, Fence)
            allowed = (
                isinstance(node, Fence) or (seen_fence and isinstance(node, Text))
                if spec.fences_only
                else isinstance(node, Text)
                if spec.inline_body
                else spec.children is None or (isinstance(node, Block) and node.name in spec.children)
            )
            if not allowed:
                message = errors.CONTENT_NOT_ALLOWED.format(
                    parent=block.name,
                    allowed=spec.describe_children(),
                    found=_describe(node),
                )
                raise self.error(node.line - self.first_line, message)
        for slot in sorted(spec.inline_slots):
            for node in block.slot(slot) or ():
                if not isinstance(node, Text) and not _is_filler(node):
                    message = errors.SLOT_NOT_INLINE.format(slot=slot, name=block.name, found=_describe(node))
                    raise self.error(node.line - self.first_line, message)


def _recoverable_props(source: str) -> dict[str, Any] | None:
    """The props a formatter cut off, or None when they are not a readable mapping (then the fix has none)."""
    try:
        return load_mapping(source)
    except YamlDataError:
        return None


def _inline_opener(opener: str, props: dict[str, Any]) -> str:
    """`::card` and {title: Docs, open: true} -> `::card{title="Docs" open}`."""
    attributes = []
    for key, value in props.items():
        if value is True:
            attributes.append(key)
        elif isinstance(value, str) and '"' not in value:
            attributes.append(f'{key}="{value}"')
        else:
            attributes.append(f":{key}='{json.dumps(value, ensure_ascii=False)}'")
    return f"{opener}{{{' '.join(attributes)}}}" if attributes else opener


def _is_filler(node: Node) -> bool:
    """Blank lines and HTML comments are allowed anywhere."""
    return (isinstance(node, Text) and node.blank) or (isinstance(node, Raw) and node.comment)


def _describe(node: Node) -> str:
    if isinstance(node, Block):
        return f"'{node.opener}'"
    if isinstance(node, Fence):
        return "a code fence"
    if isinstance(node, Text):
        return f"text {node.text.strip()!r}"
    return "an HTML comment" if node.comment else "front matter"


def dedent(line: str, width: int) -> str:
    """Remove up to `width` leading whitespace characters."""
    count = len(line) - len(line.lstrip(" \t"))
    return line[min(count, width) :]


def _parse_info(info: str) -> tuple[str, str | None, str]:
    """Split a fence info string `lang [label] meta` into its parts."""
    label_match = _LABEL.search(info)
    label = label_match["label"] if label_match else None
    rest = info[: label_match.start()] + info[label_match.end() :] if label_match else info
    lang, _, meta = rest.strip().partition(" ")
    if lang.startswith("{"):
        lang, meta = "", rest.strip()
    return lang, label, meta.strip()


__all__ = [
    "Block",
    "Fence",
    "Node",
    "Raw",
    "Section",
    "Text",
    "dedent",
    "parse",
    "walk_fences",
]
