"""Every malformed-MDC path: the `FILE:LINE: message` a user sees, from convert and iter_fences alike."""

from __future__ import annotations

import logging

import pytest

from mkdocs_mdc import MdcError, convert, errors, iter_fences
from mkdocs_mdc.components import COMPONENTS, INLINE_COMPONENTS
from mkdocs_mdc.icons import DEFAULT_FALLBACK_ICON
from mkdocs_mdc.parser import Raw, _describe

KNOWN = ", ".join(sorted(COMPONENTS))
COLORS = ", ".join(sorted(COMPONENTS["alert"].choices["type"]))

CASES = {
    "unclosed-block": (
        '# T\n\n::alert{type="error"}\ntext\n',
        3,
        errors.UNCLOSED_BLOCK.format(opener="::alert", closer="::"),
    ),
    "closer-with-fewer-colons-than-innermost": (
        "::card-group\n:::card\nx\n::\n",
        4,
        errors.MISMATCHED_CLOSER.format(closer="::", opener=":::card", line=2, expected=":::"),
    ),
    "closer-with-more-colons-than-innermost": (
        "::note\nx\n:::\n",
        3,
        errors.MISMATCHED_CLOSER.format(closer=":::", opener="::note", line=1, expected="::"),
    ),
    "unclosed-outer-with-same-count": (
        "::card-group\n::card\nx\n::\n",
        1,
        errors.UNCLOSED_BLOCK.format(opener="::card-group", closer="::"),
    ),
    "stray-closer": ("text\n::\n", 2, errors.STRAY_CLOSER.format(closer="::")),
    "stray-indented-closer": (
        "- a\n  :::\n",
        2,
        errors.STRAY_CLOSER.format(closer=":::"),
    ),
    "unknown-component": (
        "::hero\nx\n::\n",
        1,
        errors.UNKNOWN_COMPONENT.format(name="hero", known=KNOWN),
    ),
    "unparsable-props": (
        '::alert{type="error}\nx\n::\n',
        1,
        errors.UNPARSABLE_PROPS.format(
            text='{type="error}',
            reason="expected a space before '=\"error' (unclosed quote?)",
        ),
    ),
    "unparsable-bound-prop": (
        "::accordion{:defaultValue='[1'}\n::\n",
        1,
        errors.UNPARSABLE_PROPS.format(
            text="{:defaultValue='[1'}",
            reason="value of ':defaultValue' is not JSON: '[1'",
        ),
    ),
    "unparsable-inline-badge-props": (
        'a\nv :badge[x]{color="a} b\n',
        2,
        errors.UNPARSABLE_PROPS.format(
            text='v :badge[x]{color="a} b',
            reason="expected a space before '=\"a' (unclosed quote?)",
        ),
    ),
    "unknown-inline-component": (
        "a\nPress :shortcut{value=meta} now\n",
        2,
        errors.UNKNOWN_INLINE_COMPONENT.format(
            name="shortcut", known=", ".join(f":{name}" for name in sorted(INLINE_COMPONENTS))
        ),
    ),
    "opener-a-formatter-made-a-heading-with-props-below": (
        "::card-group\n\n## ::card\n\ntitle: GitHub Issues\nicon: i-lucide-github\n\n---\n\nReport\n::\n::\n",
        3,
        errors.MANGLED_HEADING.format(
            text="## ::card",
            opener="::card",
            fix='::card{title="GitHub Issues" icon="i-lucide-github"}    (in place of lines 3-8)',
        ),
    ),
    "opener-a-formatter-made-a-heading-with-props-heading": (
        "::card-group\n:::card\nx\n:::\n\n## ::card\n\n## title: Docs\n\nRead\n::\n::\n",
        6,
        errors.MANGLED_HEADING.format(
            text="## ::card", opener="::card", fix='::card{title="Docs"}    (in place of lines 6-8)'
        ),
    ),
    "opener-heading-without-recoverable-props": (
        "## ::note\n\nJust text.\n",
        1,
        errors.MANGLED_HEADING.format(text="## ::note", opener="::note", fix="::note    (in place of line 1)"),
    ),
    "yaml-props-cut-off-by-blank-lines": (
        "::card\n\n---\n\ntitle: GitHub Issues\nto: https://github.com\n\n---\n\nReport a bug\n::\n",
        1,
        errors.MANGLED_YAML_PROPS.format(
            opener="::card",
            fix='::card{title="GitHub Issues" to="https://github.com"}    (in place of lines 1-8)',
        ),
    ),
    "malformed-block-line": (
        "::: tip\nx\n:::\n",
        1,
        errors.MALFORMED_BLOCK_LINE.format(text="::: tip"),
    ),
    "unclosed-fence": (
        "::note\n```bash\n::\n",
        2,
        errors.UNCLOSED_FENCE.format(fence="```bash"),
    ),
    "unclosed-comment": ("x\n<!-- never closed\n", 2, errors.UNCLOSED_COMMENT),
    "unclosed-yaml-props": (
        "::card\n---\ntitle: x\n::\n",
        2,
        errors.UNCLOSED_YAML_PROPS.format(name="card"),
    ),
    "unparsable-yaml-props-names-the-page-line": (
        "# T\n\n::card\n---\ntitle: ok\nicon: a: b\n---\n::\n",
        6,
        errors.UNPARSABLE_YAML_PROPS.format(name="card", reason="mapping values are not allowed here"),
    ),
    "impossible-date-in-yaml-props": (
        "::card\n---\ntitle: Docs\nupdated: 2024-02-30\n---\n::\n",
        3,
        errors.UNPARSABLE_YAML_PROPS.format(name="card", reason="day is out of range for month"),
    ),
    "impossible-date-in-bound-prop": (
        "::note{:title='2024-02-30'}\nx\n::\n",
        1,
        errors.UNPARSABLE_PROPS.format(
            text="{:title='2024-02-30'}", reason=errors.BOUND_PROP_NOT_DATA.format(key="title", value="2024-02-30")
        ),
    ),
    "yaml-props-not-mapping": (
        "::card\n---\n- x\n---\n::\n",
        2,
        errors.YAML_PROPS_NOT_MAPPING.format(name="card"),
    ),
    "text-in-card-group": (
        "::card-group\nloose text\n::\n",
        2,
        errors.CONTENT_NOT_ALLOWED.format(parent="card-group", allowed="'card' blocks", found="text 'loose text'"),
    ),
    "text-before-any-fence-in-code-group": (
        "::code-group\nexplanation\n```sh [a]\nx\n```\n::\n",
        2,
        errors.CONTENT_NOT_ALLOWED.format(parent="code-group", allowed="code fences", found="text 'explanation'"),
    ),
    "block-in-badge": (
        "::badge\n:::note\nx\n:::\n::\n",
        2,
        errors.CONTENT_NOT_ALLOWED.format(parent="badge", allowed="inline text", found="':::note'"),
    ),
    "fence-in-title-slot": (
        "::note\n#title\n```\nx\n```\n::\n",
        3,
        errors.SLOT_NOT_INLINE.format(slot="title", name="note", found="a code fence"),
    ),
    "fence-in-summary-slot": (
        "::callout\n#summary\nClick me\n```bash\necho hi\n```\n#content\nBody text\n::\n",
        4,
        errors.SLOT_NOT_INLINE.format(slot="summary", name="callout", found="a code fence"),
    ),
    "code-group-fence-without-title": (
        "::code-group\n```\nx\n```\n::\n",
        2,
        errors.TAB_WITHOUT_TITLE,
    ),
}


@pytest.mark.parametrize(("source", "line", "message"), CASES.values(), ids=CASES.keys())
def test_error(source: str, line: int, message: str) -> None:
    with pytest.raises(MdcError) as converted:
        convert(source, "docs/page.md")
    assert str(converted.value) == f"docs/page.md:{line}: {message}"
    with pytest.raises(MdcError) as listed:
        iter_fences(source, "docs/page.md")
    assert str(listed.value) == str(converted.value)


def test_a_comment_is_described_as_one() -> None:
    assert _describe(Raw(1, ("<!-- note -->",), comment=True)) == "an HTML comment"


def test_first_line_offsets_error_lines() -> None:
    """The plugin passes the file line where MkDocs' front-matter-free Markdown starts."""
    with pytest.raises(MdcError, match=r"^p\.md:12: unclosed block"):
        convert("x\n::note\n", "p.md", first_line=11)


def test_unknown_component_kept_when_not_strict(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.mdc"):
        out = convert("::hero{size=big}\nKept **text**\n::\n", "p.md", strict_unknown=False)
    assert out == "Kept **text**\n"
    assert caplog.messages == [f"p.md:1: {errors.UNKNOWN_COMPONENT_KEPT.format(name='hero')}"]


def test_unknown_inline_component_kept_when_not_strict(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.mdc"):
        out = convert('a\nPress :shortcut{value="meta"} now\n', "p.md", strict_unknown=False)
    assert out == 'a\nPress :shortcut{value="meta"} now\n'
    assert caplog.messages == [f"p.md:2: {errors.UNKNOWN_COMPONENT_KEPT.format(name='shortcut')}"]


def props_of(name: str) -> str:
    return ", ".join(sorted(COMPONENTS[name].props))


# Problems a page survives: source, line, warning, what the page converts to.
WARNINGS = {
    "unknown-prop": (
        '::alert{kind="error"}\nx\n::\n',
        1,
        errors.UNKNOWN_PROP.format(name="alert", prop="kind", known=props_of("alert")),
        "!!! info\n    x\n",
    ),
    "unknown-kebab-case-prop": (
        "::accordion{default-open=false}\n:::accordion-item{label=A is-open}\nx\n:::\n::\n",
        2,
        errors.UNKNOWN_PROP.format(name="accordion-item", prop="is-open", known=props_of("accordion-item")),
        '??? note "A"\n    x\n',
    ),
    "bad-prop-value": (
        '::alert{type="fatal"}\nx\n::\n',
        1,
        errors.BAD_PROP_VALUE.format(prop="type", name="alert", choices=COLORS, value="fatal"),
        "!!! info\n    x\n",
    ),
    "inline-badge-bad-color": (
        "a :badge[x]{color=chartreuse} b\n",
        1,
        errors.BAD_PROP_VALUE.format(prop="color", name="badge", choices=COLORS, value="chartreuse"),
        'a <span class="mdc-badge mdc-badge--note">x</span> b\n',
    ),
    "inline-badge-unknown-prop": (
        "::note\na :badge[x]{colour=red} b\n::\n",
        2,
        errors.UNKNOWN_PROP.format(
            name="badge", prop="colour", known=", ".join(sorted(INLINE_COMPONENTS["badge"].props))
        ),
        '!!! note\n    a <span class="mdc-badge mdc-badge--note">x</span> b\n',
    ),
    "inline-icon-without-name": (
        "a :icon{size=20} b\n",
        1,
        errors.MISSING_PROP.format(name="icon", prop="name"),
        "a  b\n",
    ),
    "inline-kbd-without-value": (
        "Press :kbd{size=md} now\n",
        1,
        errors.MISSING_PROP.format(name="kbd", prop="value"),
        "Press  now\n",
    ),
    "unknown-slot-keeps-its-content": (
        "::note\n#footer\nx\n::\n",
        2,
        errors.UNKNOWN_SLOT.format(name="note", slot="footer", known="#title"),
        "!!! note\n    x\n",
    ),
    "unknown-icon": (
        '::card{title="T" icon="i-lucide-no-such-icon"}\n::\n',
        1,
        errors.ICON_NOT_FOUND.format(icon="i-lucide-no-such-icon", fallback=DEFAULT_FALLBACK_ICON),
        '<div class="grid cards" markdown>\n\n-   :lucide-circle-dashed:{ .lg .middle } **T**\n\n</div>\n',
    ),
}


@pytest.mark.parametrize(("source", "line", "message", "expected"), WARNINGS.values(), ids=WARNINGS.keys())
def test_warning(caplog: pytest.LogCaptureFixture, source: str, line: int, message: str, expected: str) -> None:
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.mdc"):
        assert convert(source, "docs/page.md") == expected
    assert caplog.messages == [f"docs/page.md:{line}: {message}"]


def test_message_wording() -> None:
    """The one place the literal wording of a warning and of the formatter explanation is pinned."""
    assert errors.UNKNOWN_PROP.format(name="accordion", prop="open", known="type") == (
        "component 'accordion' has no prop 'open' (props: type); ignored"
    )
    assert errors.MANGLED_HEADING.format(text="## ::card", opener="::card", fix='::card{title="A"}') == (
        "'## ::card' is the block opener '::card' turned into a heading: a formatter (prettier 2, for one) read "
        "'::card' followed by the '---' of its YAML props as a setext heading. Write the props inline, which "
        'formatters leave alone, and put the block back together:\n::card{title="A"}'
    )
