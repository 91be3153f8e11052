"""Random nestings of known components: they convert with every text line kept, or fail with `FILE:LINE:`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_mdc import MdcError, convert, iter_fences
from mkdocs_mdc.icons import IconResolver

ICONS = IconResolver()  # read-only lookups; shared so the Lucide names load once
ERROR = re.compile(r"^page\.md:(\d+): \S")

# Components whose body is free Markdown, and those that only hold one kind of child.
FREE = [
    "alert",
    "note",
    "tip",
    "warning",
    "caution",
    "callout",
    "list",
    "steps",
    "card",
    "tabs-item",
    "accordion-item",
]
PARENTS = {"card-group": "card", "accordion": "accordion-item", "tabs": "tabs-item"}
PROPS = {
    "alert": '{type="error"}',
    "card": '{title="T" icon="i-lucide-book"}',
    "tabs-item": '{label="L"}',
}


@dataclass
class Page:
    lines: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)


@st.composite
def text_line(draw: st.DrawFn, page: Page) -> None:
    line = f"{draw(words)} {len(page.texts)} {draw(words)}"
    page.texts.append(line)
    page.lines.append(draw(st.sampled_from(["", "- "])) + line)


@st.composite
def fence(draw: st.DrawFn, page: Page, label: bool = False) -> None:
    body = draw(
        st.lists(
            st.sampled_from(["::", ":::alert", "x = 1", "  ::", "#title", "", "<!--"]),
            max_size=3,
        )
    )
    page.lines.append("```sh" + (f" [{draw(words)}]" if label else ""))
    page.lines.extend(body)
    page.lines.append("```")
    page.codes.append("".join(f"{line}\n" for line in body))


@st.composite
def block(draw: st.DrawFn, page: Page, colons: int, depth: int, name: str | None = None) -> None:
    name = name or draw(st.sampled_from([*FREE, *PARENTS, "code-group"]))
    page.lines.append(":" * colons + name + PROPS.get(name, ""))
    inner = colons + draw(st.integers(0, 1))  # same count or one more, as remark-mdc allows
    for _ in range(draw(st.integers(1, 3))):
        if name == "code-group":
            draw(fence(page, label=True))
        elif name in PARENTS:
            draw(block(page, inner, depth + 1, PARENTS[name]))
        else:
            draw(node(page, inner, depth + 1))
    page.lines.append(" " * draw(st.integers(0, 2)) + ":" * colons)  # editors indent closers


@st.composite
def node(draw: st.DrawFn, page: Page, colons: int, depth: int) -> None:
    kinds = ["text", "fence"] + (["block"] if depth < 3 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "text":
        draw(text_line(page))
    elif kind == "fence":
        draw(fence(page))
    else:
        draw(block(page, colons, depth))


@st.composite
def pages(draw: st.DrawFn) -> Page:
    page = Page()
    for _ in range(draw(st.integers(1, 4))):
        draw(node(page, 2, 0))
        page.lines.append("")
    return page


def output_lines(markdown: str) -> set[str]:
    return {line.strip().removeprefix("- ") for line in markdown.splitlines()}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages())
def test_well_formed_nesting_converts_keeping_every_line(page: Page) -> None:
    source = "\n".join(page.lines) + "\n"
    out = convert(source, "page.md", icons=ICONS)
    kept = output_lines(out)
    assert [text for text in page.texts if text not in kept] == []
    assert [f.code for f in iter_fences(source, "page.md")] == page.codes
    fence_lines = {line.strip() for code in page.codes for line in code.splitlines()}
    assert all(line.strip() in fence_lines for line in out.splitlines() if line.lstrip().startswith("::"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages(), st.data())
def test_damaged_nesting_converts_or_names_the_line(page: Page, data: st.DataObject) -> None:
    lines = list(page.lines)
    position = data.draw(st.integers(0, len(lines)))
    damage = data.draw(st.sampled_from(["drop", "::", ":::", "::hero", "::alert{type=}", "::note"]))
    if damage == "drop" and position < len(lines):
        del lines[position]
    else:
        lines.insert(position, damage)
    source = "\n".join(lines) + "\n"
    try:
        out = convert(source, "page.md", icons=ICONS)
    except MdcError as error:
        match = ERROR.match(str(error))
        assert match is not None and 1 <= int(match[1]) <= len(lines)
        return
    kept = output_lines(out)
    assert [text for text in page.texts if text in "\n".join(lines) and text not in kept] == []
