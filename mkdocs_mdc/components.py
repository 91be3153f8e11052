"""What each MDC component accepts: props, named slots and children.

The parser validates a page against these specs, so `convert` and `iter_fences` reject the same pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# MDC alert/list types and Nuxt UI colors -> Material admonition types.
ADMONITION_TYPE: Mapping[str, str] = {
    "error": "danger",
    "danger": "danger",
    "warning": "warning",
    "caution": "warning",
    "info": "info",
    "success": "success",
    "tip": "tip",
    "note": "note",
    "primary": "note",
    "secondary": "note",
    "neutral": "note",
}

BADGE_COLORS = frozenset(ADMONITION_TYPE)


@dataclass(frozen=True)
class Component:
    """The contract of one block component."""

    name: str
    props: frozenset[str] = frozenset()
    choices: Mapping[str, frozenset[str]] = field(default_factory=dict)
    slots: frozenset[str] = frozenset()
    # None: any Markdown. Otherwise only these child components (plus blank lines and HTML comments).
    children: frozenset[str] | None = None
    # True: code fences (each becomes a tab), plus blank lines and HTML comments; Markdown after a fence
    # (a note on that code) belongs to the fence's tab.
    fences_only: bool = False
    # True: the default slot is a line of inline text (badge).
    inline_body: bool = False
    # Props the component cannot render without.
    required: frozenset[str] = frozenset()

    def describe_children(self) -> str:
        if self.fences_only:
            return "code fences"  # and, after a fence, a note on it
        if self.inline_body:
            return "inline text"
        return " and ".join(f"'{name}' blocks" for name in sorted(self.children or ()))


# `class` ({.name}) becomes an extra class of the admonition, as in `!!! note big "Title"`.
_ADMONITION_PROPS = frozenset({"title", "icon", "to", "target", "class"})
_TYPES = frozenset(ADMONITION_TYPE)
_BADGE = Component(
    "badge",
    frozenset({"color", "type", "label", "variant", "size"}),
    {"color": BADGE_COLORS, "type": BADGE_COLORS},
    inline_body=True,
)

COMPONENTS: Mapping[str, Component] = {
    spec.name: spec
    for spec in (
        Component(
            "alert",
            _ADMONITION_PROPS | {"type"},
            {"type": _TYPES},
            slots=frozenset({"title"}),
        ),
        Component("note", _ADMONITION_PROPS, slots=frozenset({"title"})),
        Component("tip", _ADMONITION_PROPS, slots=frozenset({"title"})),
        Component("warning", _ADMONITION_PROPS, slots=frozenset({"title"})),
        Component("caution", _ADMONITION_PROPS, slots=frozenset({"title"})),
        Component(
            "callout",
            _ADMONITION_PROPS | {"color"},
            {"color": _TYPES},
            slots=frozenset({"title"}),
        ),
        Component("list", frozenset({"type", "class"}), {"type": _TYPES}),
        Component("code-group", frozenset({"sync"}), fences_only=True),
        Component("tabs", frozenset({"sync"}), children=frozenset({"tabs-item"})),
        Component("tabs-item", frozenset({"label", "icon"})),
        Component(
            "accordion",
            frozenset({"type", "defaultValue"}),
            children=frozenset({"accordion-item"}),
        ),
        Component(
            "accordion-item",
            # `{open}`: shown expanded, like the `open` attribute of <details>.
            frozenset({"label", "icon", "description", "open", "class"}),
            slots=frozenset({"title"}),
        ),
        Component("card-group", children=frozenset({"card"})),
        Component(
            "card",
            frozenset({"title", "icon", "to", "target"}),
            slots=frozenset({"title", "description"}),
        ),
        Component("steps", frozenset({"level"}), {"level": frozenset({"2", "3", "4"})}),
        _BADGE,
    )
}

# Inline components: `:badge[text]{props}`, `:icon{name=...}`.
INLINE_COMPONENTS: Mapping[str, Component] = {
    spec.name: spec
    for spec in (
        _BADGE,
        Component("icon", frozenset({"name", "size"}), required=frozenset({"name"})),
    )
}
