"""What each MDC component accepts: props, named slots and children.

The vocabulary is that of Docus 1-3 (its "elements" and, since Docus 3, Nuxt UI's prose components) and of
Nuxt UI 2 (Pro) and 3 prose components, with the props their docs and sources give. Props that only style
the original site (`closable`, `col`, `sync`...) are accepted and have no effect: Material has no equivalent.
The parser validates a page against these specs, so `convert` and `iter_fences` read the same pages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

# Admonition types, Docus types and Nuxt UI colors -> the Material admonition type nearest in meaning and color.
ADMONITION_TYPE: Mapping[str, str] = {
    # Material's and MDC's own names; Docus 1-2 `type`s; Nuxt UI 3 semantic colors
    "error": "danger",
    "danger": "danger",
    "warning": "warning",
    "caution": "warning",
    "info": "info",
    "success": "success",
    "tip": "tip",
    "note": "note",
    "primary": "note",
    "secondary": "abstract",
    "neutral": "quote",
    # Nuxt UI 2 colors (Tailwind palettes)
    "red": "danger",
    "rose": "danger",
    "orange": "warning",
    "amber": "warning",
    "yellow": "warning",
    "lime": "question",
    "green": "success",
    "emerald": "success",
    "teal": "tip",
    "cyan": "info",
    "sky": "abstract",
    "blue": "note",
    "indigo": "note",
    "violet": "example",
    "purple": "example",
    "fuchsia": "bug",
    "pink": "bug",
    "gray": "quote",
    "slate": "quote",
    "zinc": "quote",
    "stone": "quote",
    "white": "quote",
    "black": "quote",
}

_COLORS = frozenset(ADMONITION_TYPE)
_SIZES = frozenset({"2xs", "xs", "sm", "md", "lg", "xl", "2xl", "small", "medium", "large", "giant"})
_VARIANTS = frozenset({"solid", "outline", "soft", "subtle", "ghost", "link"})
_TARGETS = frozenset({"_blank", "_self", "_parent", "_top"})
# `{.name}` (class) and `{#id}` may be written on any component: Vue passes them to its root element.
HTML_ATTRIBUTES = frozenset({"class", "id", "style"})
# Slots the renderer writes as a title line, so they may hold only plain text.
TITLE_SLOTS = frozenset({"title", "summary"})


@dataclass(frozen=True)
class Component:
    """The contract of one component."""

    name: str
    props: frozenset[str] = frozenset()
    choices: Mapping[str, frozenset[str]] = field(default_factory=dict)
    slots: frozenset[str] = frozenset()
    # None: any Markdown. Otherwise only these child components (plus blank lines and HTML comments).
    children: frozenset[str] | None = None
    # True: code fences (each becomes a tab), plus blank lines and HTML comments; Markdown after a fence
    # (a note on that code) belongs to the fence's tab.
    fences_only: bool = False
    # True: the default slot is a line of inline text (badge, button).
    inline_body: bool = False
    # The prop it cannot render without (the `[text]` of an inline component stands in for it).
    required: str | None = None

    @property
    def inline_slots(self) -> frozenset[str]:
        """Its slots that render as a title: plain text only."""
        return self.slots & TITLE_SLOTS

    def describe_children(self) -> str:
        if self.fences_only:
            return "code fences"  # and, after a fence, a note on it
        if self.inline_body:
            return "inline text"
        return " and ".join(f"'{name}' blocks" for name in sorted(self.children or ()))


def _component(name: str, props: str = "", **options: object) -> Component:
    return Component(name, frozenset(props.split()) | HTML_ATTRIBUTES, **options)  # type: ignore[arg-type]


_CALLOUT_PROPS = "title icon to target"
_CALLOUT_SLOTS = frozenset({"title"})
_BADGE = _component(
    "badge",
    "type color label variant size icon leadingIcon trailingIcon square",
    choices={"type": _COLORS, "color": _COLORS, "variant": _VARIANTS, "size": _SIZES},
    inline_body=True,
)
_BUTTON_PROPS = "to href target blank icon leadingIcon trailingIcon color variant size ghost label block square"
_BUTTON_CHOICES = {"color": _COLORS, "variant": _VARIANTS, "size": _SIZES, "target": _TARGETS}
_BUTTONS = tuple(
    _component(name, _BUTTON_PROPS, choices=_BUTTON_CHOICES, inline_body=True)
    for name in ("button", "button-link", "u-button", "link")
)
_FIELD = _component("field", "name type description required as")

COMPONENTS: Mapping[str, Component] = {
    spec.name: spec
    for spec in (
        # Admonitions. Docus 1's callout folds its `#content` under a clickable `#summary`.
        _component("alert", f"{_CALLOUT_PROPS} type closable", choices={"type": _COLORS}, slots=_CALLOUT_SLOTS),
        *(_component(name, _CALLOUT_PROPS, slots=_CALLOUT_SLOTS) for name in ("note", "tip", "warning", "caution")),
        _component(
            "callout",
            f"{_CALLOUT_PROPS} type color modelValue",
            choices={"type": _COLORS, "color": _COLORS},
            slots=frozenset({"title", "summary", "content"}),
        ),
        _component("list", "type icon", choices={"type": _COLORS}),
        # Tabs
        _component("code-group", "sync defaultValue", fences_only=True),
        # Nuxt UI 2 titles each tab with the props of a `::div` child.
        _component("tabs", "sync defaultValue hash", children=frozenset({"tabs-item", "div"})),
        _component("tabs-item", "label icon description"),
        _component("div", "label icon description"),
        # Collapsibles. `{open}` on an item shows it expanded, like the `open` attribute of <details>.
        _component(
            "accordion",
            "type defaultValue defaultOpen multiple collapsible disabled",
            choices={"type": frozenset({"single", "multiple"})},
            children=frozenset({"accordion-item"}),
        ),
        _component("accordion-item", "label icon description open defaultOpen", slots=frozenset({"title"})),
        _component("collapsible", "name openText closeText icon open"),
        # Cards. Docus 1-2 spell the group `card-grid`, with a `#title` above the grid.
        _component("card-group", children=frozenset({"card"})),
        _component("card-grid", "cols gap", slots=frozenset({"title", "root"}), children=frozenset({"card"})),
        _component(
            "card",
            "title description icon to target blank color col row noise lights",
            choices={"color": _COLORS, "target": _TARGETS},
            slots=frozenset({"title", "description"}),
        ),
        _component("steps", "level", choices={"level": frozenset({"2", "3", "4"})}),
        # API fields
        _FIELD,
        _component("field-group", children=frozenset({"field"})),
        _BADGE,
        *_BUTTONS,
    )
}

# Inline components: `:badge[text]{props}`, `:icon{name=...}`, `:kbd{value=meta}`, `:button-link[text]{href=...}`.
INLINE_COMPONENTS: Mapping[str, Component] = {
    spec.name: spec
    for spec in (
        _BADGE,
        *_BUTTONS,
        _component("icon", "name size mode", required="name"),
        _component("kbd", "value size variant color", required="value"),
        _FIELD,
    )
}

_KEBAB = re.compile(r"-([a-z0-9])")


def prop_name(name: str) -> str:
    """Vue's name for a prop: `default-value` and `defaultValue` are the same prop."""
    return _KEBAB.sub(lambda match: match[1].upper(), name)
