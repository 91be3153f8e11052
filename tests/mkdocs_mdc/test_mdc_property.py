"""Random nestings of known components (Docus and Nuxt UI vocabulary included): they convert with every text line
kept and no `::` left, or fail with `FILE:LINE:`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_mdc import MdcError, convert, iter_fences
from mkdocs_mdc.icons import IconResolver

ICONS = IconResolver()  # read-only lookups; shared so the Lucide names load once
MARKDOWN = markdown.Markdown(
    extensions=["admonition", "attr_list", "md_in_html", "pymdownx.details", "pymdownx.superfences", "pymdownx.tabbed"],
    extension_configs={"pymdownx.tabbed": {"alternate_style": True}},
)
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
    "collapsible",
    "field",
    "div",
]
PARENTS = {
    "card-group": "card",
    "card-grid": "card",
    "accordion": "accordion-item",
    "tabs": "tabs-item",
    "field-group": "field",
}
PROPS = {
    "alert": ['{type="error"}', "{type=tip .wide}", "{type=info icon=i-lucide-rocket}", "{type=neutral closable}"],
    "card": ['{title="T" icon="i-lucide-book"}', "\n---\ntitle: T\nto: /x\n---", '{icon="🚀" blank to=/y}'],
    "tabs-item": ['{label="L"}', "[L]", "{label=L icon=i-heroicons-eye}"],
    "accordion-item": ["{label=Q open}", "\n---\nlabel: Q\n---", "{label=Q default-open}"],
    "accordion": ["{defaultOpen}", "{:defaultValue='[\"0\"]'}"],
    "callout": ["{color=success}", "{color=amber icon=i-ph-info}", "{type=danger icon}"],
    "collapsible": ['{name="options" open-text="Reveal"}'],
    "field": ['{name="n" type="string" required}', "{name=n description=D}"],
    "card-grid": ["{cols=2}"],
    "div": ["{label=D}"],
}
# Components with a `#title` slot; their title text must survive too.
TITLED = {"alert", "note", "tip", "warning", "caution", "callout", "card", "accordion-item", "card-grid"}
# A fence body may hold anything its own marker does not close on.
FENCE_BODY = ["::", ":::alert", "x = 1", "  ::", "#title", "", "<!--", "---"]
MARKERS = {"```": [], "~~~": ["```"], "````": ["```", "~~~"]}


@dataclass
class Page:
    lines: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)

    def indented(self, start: int, prefix: str) -> None:
        """Indent the lines from `start` on, as if written inside a list item."""
        self.lines[start:] = [f"{prefix}{line}" if line else "" for line in self.lines[start:]]


class RenderedPage(HTMLParser):
    """The HTML of a page: where its tags do not nest, and the text of its code blocks."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.open: list[str] = []
        self.problems: list[str] = []
        self.code = ""
        self.feed(html)
        self.close()
        self.problems.extend(f"<{tag}> left open" for tag in self.open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_startendtag(tag, attrs)
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if any(name == "markdown" for name, _ in attrs):
            self.problems.append(f"<{tag}> keeps the markdown attribute")

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.problems.append(f"</{tag}> closes <{self.open[-1] if self.open else ''}>")

    def handle_data(self, data: str) -> None:
        if "pre" in self.open:
            self.code += data


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)


@st.composite
def text_line(draw: st.DrawFn, page: Page, prefix: str | None = None) -> None:
    line = f"{draw(words)} {len(page.texts)} {draw(words)}"
    page.texts.append(line)
    index = len(page.texts)
    inline = draw(
        st.sampled_from(
            [
                "",
                " :icon{name=i-lucide-star}",
                " :icon{name=i-heroicons-home-solid}",
                f" :badge[b{index}x]{{color=success}}",
                f" :badge[b{index}x]{{color=amber icon=i-ph-house}}",
                f" :kbd[b{index}x]",
                f" :button-link[b{index}x]{{href=/x blank}}",
                f" :link[b{index}x]{{to=/x}}",
            ]
        )
    )
    if f"[b{index}x]" in inline:
        page.texts.append(f"b{index}x")  # the label survives
    lead = prefix if prefix is not None else draw(st.sampled_from(["", "- "]))
    page.lines.append(lead + line + inline)


@st.composite
def fence(draw: st.DrawFn, page: Page, label: bool = False) -> None:
    marker = draw(st.sampled_from(sorted(MARKERS)))
    body = draw(st.lists(st.sampled_from(FENCE_BODY + MARKERS[marker]), max_size=3))
    if label and draw(st.booleans()):
        page.lines.append(f"<!-- doctest: {draw(words)} -->")
    info = draw(st.sampled_from(["sh", "py {2}", "sh [x]{1-2}"])) if not label else f"sh [{draw(words)}]"
    page.lines.append(marker + info)
    page.lines.extend(body)
    page.lines.append(marker)
    page.codes.append("".join(f"{line}\n" for line in body))


@st.composite
def block(draw: st.DrawFn, page: Page, colons: int, depth: int, name: str | None = None) -> None:
    name = name or draw(st.sampled_from([*FREE, *PARENTS, "code-group"]))
    props = draw(st.sampled_from(["", *PROPS.get(name, [])]))
    page.lines.extend((":" * colons + name + props).split("\n"))
    inner = colons + draw(st.integers(0, 1))  # same count or one more, as remark-mdc allows
    if name in TITLED and draw(st.booleans()):
        page.lines.append("#title")
        draw(text_line(page, prefix=""))
        page.lines.append("#default")
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
    kinds = ["text", "fence"] + (["block", "block-in-list-item"] if depth < 3 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "text":
        draw(text_line(page))
    elif kind == "fence":
        draw(fence(page))
    elif kind == "block":
        draw(block(page, colons, depth))
    else:
        page.lines.append("")  # Python-Markdown lists cannot interrupt a paragraph
        draw(text_line(page, prefix="- "))
        start = len(page.lines)
        draw(block(page, colons, depth))
        page.indented(start, "  ")


@st.composite
def pages(draw: st.DrawFn) -> Page:
    page = Page()
    for _ in range(draw(st.integers(1, 4))):
        draw(node(page, 2, 0))
        page.lines.append("")
    return page


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages())
def test_well_formed_nesting_converts_keeping_every_line(page: Page) -> None:
    source = "\n".join(page.lines) + "\n"
    out = convert(source, "page.md", icons=ICONS)
    assert [text for text in page.texts if text not in out] == []  # each text is unique: it holds its index
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
    assert [text for text in page.texts if text in source and text not in out] == []


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages())
def test_converted_pages_render_every_text_and_no_mdc_syntax(page: Page) -> None:
    """Through Python-Markdown with the extensions the plugin requires: tags nest and no text becomes code."""
    source = "\n".join(page.lines) + "\n"
    html = MARKDOWN.reset().convert(convert(source, "page.md", icons=ICONS))
    assert [text for text in page.texts if text not in html] == []
    rendered = RenderedPage(html)
    assert rendered.problems == []
    assert [text for text in page.texts if text in rendered.code] == []  # no text fell into a code block
    fence_lines = {line.strip() for code in page.codes for line in code.splitlines()}
    leftovers = [line for line in html.splitlines() if re.match(r"^(<p>)?:{2,}", line.strip())]
    assert [line for line in leftovers if re.sub(r"<[^>]+>", "", line).strip() not in fence_lines] == []
