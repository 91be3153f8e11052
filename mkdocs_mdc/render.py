"""Render a parsed MDC tree as Material for MkDocs Markdown.

Blocks become indentation-based constructs (`!!!` admonitions, `???` details, `===` content tabs) or
md_in_html divs (grid cards, steps; raw `<section>`s when indented), so the output reads like hand-written
Material Markdown.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from typing import Any, Self

from mkdocs_mdc import errors
from mkdocs_mdc.components import ADMONITION_TYPE
from mkdocs_mdc.icons import IconResolver
from mkdocs_mdc.inline import Inline
from mkdocs_mdc.parser import Block, Fence, Node, Raw, Text, dedent

_TAB = "    "
# remark-mdc's line highlights, `{2}` or `{1,3-5}`, right after the label: pymdownx's `hl_lines`.
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_HIGHLIGHTS = re.compile(r"^\{(?P<lines>\s*\d+(?:\s*-\s*\d+)?(?:\s*,\s*\d+(?:\s*-\s*\d+)?)*\s*)\}")
# Nuxt UI's fixed admonition components -> their Material type.
_FIXED_TYPE = {
    "note": "note",
    "tip": "tip",
    "warning": "warning",
    "caution": ADMONITION_TYPE["caution"],
}
_BUTTONS = ("button", "button-link", "u-button", "link")
# Nuxt UI's `:kbd{value=...}` names for keys -> the symbol it shows (macOS style, as its docs do).
_KEYS = {
    "meta": "⌘",
    "command": "⌘",
    "ctrl": "⌃",
    "control": "⌃",
    "alt": "⌥",
    "option": "⌥",
    "shift": "⇧",
    "enter": "↵",
    "escape": "Esc",
    "tab": "⇥",
    "backspace": "⌫",
    "delete": "⌦",
    "capslock": "⇪",
    "arrowup": "↑",
    "arrowdown": "↓",
    "arrowleft": "←",
    "arrowright": "→",
    "pageup": "⇞",
    "pagedown": "⇟",
    "home": "↖",
    "end": "↘",
}


class _Lines:
    """Collects output lines, keeping blank lines around rendered blocks so Markdown sees them as blocks."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.after_block = False
        self.after_tabs = False

    def blank_line(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def text(self, lines: Iterable[str], *, blank: bool = False) -> None:
        if blank:
            if not (self.after_block and self.lines and self.lines[-1] == ""):
                self.lines.append("")
            return
        if self.after_block:
            self.blank_line()
        self.after_block = self.after_tabs = False
        self.lines.extend(lines)

    def block(self, lines: list[str], *, tabs: bool = False) -> None:
        if tabs and self.after_tabs:
            # Adjacent tab sets would merge into one; `===!` starts a new set.
            lines = [lines[0].replace("=== ", "===! ", 1), *lines[1:]]
        self.blank_line()
        self.lines.extend(lines)
        self.lines.append("")
        self.after_block, self.after_tabs = True, tabs


class Renderer:
    """Turns the nodes of one page into Material Markdown; warnings name the page and line."""

    def __init__(self, path: str, icons: IconResolver) -> None:
        self.path = path
        self.icons = icons
        self.renderers: dict[str, Callable[[Block], list[str]]] = {
            "alert": lambda b: self.admonition(b, ADMONITION_TYPE[str(b.props.get("type", "info"))]),
            "callout": self.callout,
            **{name: (lambda b, kind=kind: self.admonition(b, kind)) for name, kind in _FIXED_TYPE.items()},
            "list": self.list,
            "code-group": self.code_group,
            "tabs": self.tabs,
            "tabs-item": lambda b: self.tab_set([self.tab_item(b)]),
            "div": self.body,  # outside tabs, a plain wrapper
            "accordion": self.accordion,
            "accordion-item": lambda b: self.accordion_item(b, is_open=_is_open(b)),
            "collapsible": self.collapsible,
            "card-group": self.card_group,
            "card-grid": self.card_group,
            "card": lambda b: self.grid([self.card(b)]),
            "steps": self.steps,
            "field": self.field,
            "field-group": lambda b: self.container(
                "mdc-field-group", _trim([line for field in _blocks(b.body) for line in [*self.field(field), ""]])
            ),
            "badge": lambda b: [self.badge(b.props, self.inline_text(b.body), b.line)],
            **{name: (lambda b: [self.button(b, self.inline_text(b.body), b.line)]) for name in _BUTTONS},
        }

    def render(self, nodes: list[Node]) -> str:
        lines = self.nodes(nodes, "")
        while lines and lines[-1] == "":
            lines.pop()
        return "\n".join(lines) + "\n" if lines else ""

    def nodes(self, nodes: list[Node], base: str) -> list[str]:
        """Render `nodes` relative to `base`, the indentation of the block that contains them."""
        out = _Lines()
        in_list = False  # whether an indented block continues a list item or is only indented for reading
        for node in nodes:
            if isinstance(node, Text):
                line = dedent(self.inline(node), len(base))
                if _LIST_ITEM.match(line):
                    in_list = True
                elif line and not line[0].isspace():
                    in_list = False
                out.text([line], blank=node.blank)
            elif isinstance(node, Raw):
                out.text(dedent(line, len(base)) for line in node.lines)
                if node.comment:
                    # Alone between blank lines a comment is a raw HTML block, not an empty <p> around it.
                    out.text([""], blank=True)
            elif isinstance(node, Fence):
                out.text(self.fence(node, base, title=node.label))
            else:
                indent = _list_indent(dedent(node.indent, len(base))) if in_list else ""
                lines = _indent(self.block(node), indent)
                out.block(lines, tabs=node.name in ("code-group", "tabs", "tabs-item"))
        return out.lines

    def block(self, block: Block) -> list[str]:
        render = self.renderers.get(block.name)
        if render is None:
            errors.warn(self.path, block.line, errors.UNKNOWN_COMPONENT_KEPT.format(name=block.name))
            return self.nodes(
                [node for section in block.sections for node in section.nodes],
                block.indent,
            )
        return render(block)

    def body(self, block: Block) -> list[str]:
        return _trim(self.nodes(block.body, block.indent))

    # Inline content

    def inline(self, text: Text) -> str:
        return "".join(
            self.inline_component(part, text.line) if isinstance(part, Inline) else part for part in text.segments
        )

    def inline_component(self, component: Inline, line: int) -> str:
        props, text = component.props, component.text
        if component.name == "badge":
            return self.badge(props, text, line)
        if component.name in _BUTTONS:
            return self.button(component, text, line)
        if component.name == "icon":
            return self.icon(str(props["name"]), line) if "name" in props else ""
        if component.name == "kbd":
            key = text or str(props.get("value", ""))
            return f"<kbd>{html.escape(_KEYS.get(key.lower(), key))}</kbd>" if key else ""
        if component.name == "field":
            return self.field_header(props)
        errors.warn(self.path, line, errors.UNKNOWN_COMPONENT_KEPT.format(name=component.name))
        return component.source

    def inline_text(self, nodes: list[Node]) -> str:
        return " ".join(self.inline(node).strip() for node in nodes if isinstance(node, Text) and not node.blank)

    def badge(self, props: dict[str, Any], text: str, line: int) -> str:
        color = ADMONITION_TYPE[str(props.get("color", props.get("type", "primary")))]
        label = " ".join(part for part in self.around_icons(props, text or str(props.get("label", "")), line) if part)
        return f'<span class="mdc-badge mdc-badge--{color}">{label}</span>'

    def button(self, component: Block | Inline, text: str, line: int) -> str:
        """A link styled as Material's button: filled when the original is solid (the default), else outlined.
        `link` (Nuxt UI's ULink) stays a plain link."""
        props = component.props
        label = " ".join(part for part in self.around_icons(props, text or str(props.get("label", "")), line) if part)
        to = props.get("to", props.get("href"))
        filled = not _truthy(props.get("ghost")) and props.get("variant", "solid") == "solid"
        classes = [] if component.name == "link" else [".md-button", *([".md-button--primary"] if filled else [])]
        target = "_blank" if _truthy(props.get("blank")) else props.get("target")
        if to is None:
            names = " ".join(name.removeprefix(".") for name in classes)
            return f'<span class="{names}">{label}</span>' if names else label
        attributes = " ".join([*classes, *([f"target={target}"] if target else [])])
        return f"[{label}]({to}){{ {attributes} }}" if attributes else f"[{label}]({to})"

    def around_icons(self, props: dict[str, Any], label: str, line: int) -> tuple[str, str, str]:
        """The leading icon, the label and the trailing icon of a badge or button."""
        leading = props.get("icon", props.get("leadingIcon"))
        trailing = props.get("trailingIcon")
        return (
            self.icon(str(leading), line) if leading else "",
            label,
            self.icon(str(trailing), line) if trailing else "",
        )

    def icon(self, name: str, line: int) -> str:
        shortcode = self.icons.shortcode(name)
        if shortcode is None:
            message = errors.ICON_NOT_FOUND.format(icon=name, fallback=self.icons.fallback)
            errors.warn(self.path, line, message)
            shortcode = self.icons.shortcode(self.icons.fallback) or ""
        return shortcode

    def title(self, block: Block, *keys: str, slot: str = "title") -> str | None:
        nodes = block.slot(slot)
        if nodes is not None:
            return self.inline_text(nodes)
        return next((str(block.props[key]) for key in keys if key in block.props), None)

    def titled(self, block: Block, title: str | None) -> str | None:
        """`title` with the block's icon in front, or None when there is neither."""
        icon = self.icon(block.props["icon"], block.line) if _has_icon(block) else None
        return " ".join(part for part in (icon, title) if part) or None

    # Code

    def fence(self, fence: Fence, base: str, *, title: str | None) -> list[str]:
        indent = dedent(fence.indent, len(base))
        meta = _HIGHLIGHTS.sub(lambda match: f'hl_lines="{_hl_lines(match["lines"])}"', fence.meta)
        info = " ".join(part for part in (fence.lang, f'title="{title}"' if title else "", meta) if part)
        return [
            f"{indent}{fence.marker}{info}",
            *(f"{indent}{line}" if line else "" for line in fence.code.splitlines()),
            f"{indent}{fence.marker}",
        ]

    def code_group(self, block: Block) -> list[str]:
        tabs: list[tuple[str, list[str]]] = []
        comments: list[str] = []
        note_started = False
        for node in block.body:
            if isinstance(node, Raw):
                # A doctest directive above a fence must stay inside that fence's tab.
                comments.extend(dedent(line, len(block.indent)) for line in node.lines)
            elif isinstance(node, Fence):
                tabs.append(
                    (
                        node.label or node.lang,
                        [*comments, *([""] if comments else []), *self.fence(node, block.indent, title=None)],
                    )
                )
                comments = []
                note_started = False
            elif isinstance(node, Text) and tabs:
                # Text after a fence (why it is not run in CI, say) is a note shown in that fence's tab, below the code.
                tab = tabs[-1][1]
                line = dedent(self.inline(node), len(block.indent))
                if tab[-1] and not note_started:
                    tab.append("")  # the note is a paragraph of its own, not part of the code
                note_started = True
                if line or tab[-1]:
                    tab.append(line)
        lines = self.tab_set([(title, _trim(body)) for title, body in tabs])
        return [*lines, "", *comments] if comments else lines

    def tabs(self, block: Block) -> list[str]:
        return self.tab_set([self.tab_item(item) for item in _blocks(block.body)])

    def tab_item(self, block: Block) -> tuple[str, list[str]]:
        return self.titled(block, self.title(block, "label")) or "Tab", self.body(block) or self.description(block)

    @staticmethod
    def tab_set(tabs: list[tuple[str, list[str]]]) -> list[str]:
        lines: list[str] = []
        for title, body in tabs:
            lines.extend([f'=== "{title}"', "", *_indent(body, _TAB), ""])
        return lines[:-1]

    # Admonitions and details

    def callout(self, block: Block) -> list[str]:
        """Nuxt UI's callout (`color`), Docus 2's (`type`, `#title` + `#content`) and Docus 1's, which folds
        its `#content` under a clickable `#summary`."""
        kind = ADMONITION_TYPE[str(block.props.get("color", block.props.get("type", "note")))]
        summary = self.title(block, slot="summary")
        if summary is not None:
            return self.admonition(block, kind, marker="???", title=summary)
        return self.admonition(block, kind)

    def admonition(self, block: Block, kind: str, *, marker: str = "!!!", title: str | None = None) -> list[str]:
        title = title or self.title(block, "title")
        if _has_icon(block):
            # Material shows a title bar only with a title, so the icon comes with the type's default one.
            title = self.titled(block, title or kind.capitalize())
        kinds = " ".join([kind, *_classes(block)])
        header = f'{marker} {kinds} "{title}"' if title else f"{marker} {kinds}"
        # Docus 2's `#content` slot holds what Nuxt UI puts in the default slot; a page may use both.
        content = self.nodes(block.slot_nodes("content") or [], block.indent)
        body = _trim([*self.body(block), "", *content])
        if "to" in block.props:
            body = [
                *body,
                "",
                _link(block.props["to"], block.props["to"], block.props.get("target")),
            ]
        return [header, *_indent(_trim(body), _TAB)]

    def list(self, block: Block) -> list[str]:
        kind = ADMONITION_TYPE[block.props.get("type", "primary")]
        kinds = " ".join([kind, *_classes(block)])
        return [f'!!! {kinds} ""', *_indent(self.body(block), _TAB)]

    def accordion(self, block: Block) -> list[str]:
        """Nuxt UI 3 opens the items named by `defaultValue` (their indexes), Nuxt UI 2 all with `defaultOpen`."""
        opened = block.props.get("defaultValue", [])
        opened = {str(value) for value in (opened if isinstance(opened, list) else [opened])}
        all_open = _truthy(block.props.get("defaultOpen"))
        lines: list[str] = []
        for index, item in enumerate(_blocks(block.body)):
            is_open = all_open or str(index) in opened or _is_open(item)
            lines.extend([*self.accordion_item(item, is_open=is_open), ""])
        return lines[:-1]

    def accordion_item(self, block: Block, *, is_open: bool) -> list[str]:
        title = self.titled(block, self.title(block, "label")) or "Details"
        return self.details(block, title, is_open=is_open)

    def collapsible(self, block: Block) -> list[str]:
        """Nuxt UI's "Show properties" toggle, titled as its closed state reads."""
        title = " ".join([str(block.props.get("openText", "Show")), str(block.props.get("name", "properties"))])
        return self.details(block, self.titled(block, title) or title, is_open=_is_open(block))

    def details(self, block: Block, title: str, *, is_open: bool) -> list[str]:
        body = self.body(block)
        if "description" in block.props:
            body = [str(block.props["description"]), *([""] + body if body else [])]
        kinds = " ".join(["note", *_classes(block)])
        return [f'???{"+" if is_open else ""} {kinds} "{title}"', *_indent(body, _TAB)]

    # Cards and steps

    def card_group(self, block: Block) -> list[str]:
        """Cards in a grid; Docus' card-grid has a `#title` above the grid and a `#root` slot after it."""
        title = self.title(block)
        root = self.nodes(block.slot_nodes("root") or [], block.indent)
        grid = self.grid([self.card(card) for card in _blocks(block.body)])
        return _trim([*([f"**{title}**", ""] if title else []), *grid, "", *root])

    def card(self, block: Block) -> list[str]:
        title = self.title(block, "title")
        target = "_blank" if _truthy(block.props.get("blank")) else block.props.get("target")
        if title and "to" in block.props:
            title = _link(f"**{title}**", block.props["to"], target)
        elif title:
            title = f"**{title}**"
        icon = self.icon(block.props["icon"], block.line) if _has_icon(block) else None
        if icon and icon.startswith(":"):
            icon += "{ .lg .middle }"  # an emoji is plain text, with no element to size
        header = " ".join(part for part in (icon, title) if part)
        body = self.body(block) or self.description(block)
        description = block.slot("description")
        if description is not None:
            body = _trim([*body, "", *self.nodes(description, block.indent)])
        if not header:
            # A fence or admonition on the marker line would not start a block, so the body begins after
            # a blank line; without it, Python-Markdown reads a later item's body as an indented code block.
            # The marker keeps its spaces: a bare `-` is a paragraph, not a list item.
            return ["-   ", "", *_indent(body, _TAB)] if body else ["-   "]
        item = [header, "", "---", "", *body] if body else [header]
        return [f"-   {item[0]}", *_indent(item[1:], _TAB)]

    @staticmethod
    def grid(cards: list[list[str]]) -> list[str]:
        items = [line for card in cards for line in [*card, ""]]
        return [_ContainerTag.start("grid cards"), "", *items, _CONTAINER_END]

    def steps(self, block: Block) -> list[str]:
        level = block.props.get("level", "3")
        return self.container(f"mdc-steps mdc-steps--h{level}", self.body(block))

    @staticmethod
    def container(classes: str, body: list[str]) -> list[str]:
        return [_ContainerTag.start(classes), "", *body, "", _CONTAINER_END]

    def description(self, block: Block) -> list[str]:
        """The `description` prop, which Nuxt UI shows when the default slot is empty."""
        return [str(block.props["description"])] if "description" in block.props else []

    # API fields

    def field(self, block: Block) -> list[str]:
        body = self.body(block) or self.description(block)
        return self.container("mdc-field", [self.field_header(block.props), *([""] + body if body else [])])

    @staticmethod
    def field_header(props: dict[str, Any]) -> str:
        """`` **`name`** `type` `` and a `required` badge, as Nuxt UI lays a field out."""
        parts = [f"**`{props['name']}`**" if "name" in props else "", f"`{props['type']}`" if "type" in props else ""]
        if _truthy(props.get("required")):
            parts.append('<span class="mdc-badge mdc-badge--danger">required</span>')
        return " ".join(part for part in parts if part)


class _ContainerTag(str):
    """A start or end tag of a cards or steps container: an md_in_html `<div markdown>` while unindented.

    Python-Markdown reads block-level HTML only at the start of a line. Indented (in an admonition, tab,
    details or list item), a tag is inline raw HTML: `markdown` would leak into the page, and md_in_html
    matches an indented `</div>` with the enclosing `<div markdown>` and closes that one, so the lines
    after it fall out of the grid as an indented code block. Indented, the container is a plain
    `<section>`: its tags pass through as raw HTML around content that the enclosing block parses.
    """

    indented: str

    def __new__(cls, unindented: str, indented: str) -> Self:
        tag = super().__new__(cls, unindented)
        tag.indented = indented
        return tag

    @classmethod
    def start(cls, classes: str) -> Self:
        return cls(f'<div class="{classes}" markdown>', f'<section class="{classes}">')


_CONTAINER_END = _ContainerTag("</div>", "</section>")


def _blocks(nodes: list[Node]) -> list[Block]:
    return [node for node in nodes if isinstance(node, Block)]


def _list_indent(indent: str) -> str:
    """A block indented into a list item, widened to Python-Markdown's 4-column list indentation.

    Editors indent by the marker width (2 or 3 columns) as CommonMark allows, but an admonition or
    tab set indented less than 4 columns would render as a plain paragraph.
    """
    width = len(indent.expandtabs(4))
    return " " * (-(-width // 4) * 4)


def _truthy(value: Any) -> bool:
    """A boolean prop as MDC writes it: `{open}`, `{open=true}`, `{:open='true'}` are on; `false` is off."""
    return value is True or str(value).lower() == "true"


def _is_open(block: Block) -> bool:
    return _truthy(block.props.get("open")) or _truthy(block.props.get("defaultOpen"))


def _has_icon(block: Block) -> bool:
    """Docus' boolean `{icon}` only asks for the type's default icon, which Material always shows."""
    return isinstance(block.props.get("icon"), str)


def _classes(block: Block) -> list[str]:
    return str(block.props.get("class", "")).split()


def _hl_lines(ranges: str) -> str:
    """`1, 3 - 5` -> `1 3-5`."""
    return " ".join(part.replace(" ", "") for part in ranges.split(",")).strip()


def _link(text: str, to: Any, target: Any) -> str:
    return f"[{text}]({to})" + (f"{{ target={target} }}" if target else "")


def _indent(lines: Iterable[str], prefix: str) -> list[str]:
    if not prefix:
        return list(lines)  # container tags stay unindented, and so keep their md_in_html form
    return [f"{prefix}{line.indented if isinstance(line, _ContainerTag) else line}" if line else "" for line in lines]


def _trim(lines: list[str]) -> list[str]:
    """Drop leading and trailing blank lines."""
    start = next((i for i, line in enumerate(lines) if line), len(lines))
    end = len(lines)
    while end > start and not lines[end - 1]:
        end -= 1
    return lines[start:end]
