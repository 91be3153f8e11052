"""Golden cases from remark-mdc's own syntax tests, where they apply to block components.

remark-mdc (github.com/nuxtlabs/remark-mdc, the parser nuxt-modules/mdc runs) tests its syntax as Markdown that
round-trips. Each case below restates one of its cases, named in a comment as `file: case`, with a component we
know in place of its placeholder `component`, and pins the Material Markdown that syntax converts to.
"""

from __future__ import annotations

import pytest

from mkdocs_mdc import convert

ITEMS = ":::accordion-item{label=A}\na\n:::\n:::accordion-item{label=B}\nb\n:::\n"
BOTH_OPEN = '???+ note "A"\n    a\n\n???+ note "B"\n    b\n'
SECOND_OPEN = '??? note "A"\n    a\n\n???+ note "B"\n    b\n'

CASES = {
    # block-component.test.ts: empty
    "empty": ("::note\n::\n", "!!! note\n"),
    # block-component.test.ts: text
    "text": ("::note\ntext\n::\n", "!!! note\n    text\n"),
    # block-component.test.ts: empty-slot
    "empty-slot": ("::note\n#title\n::\n", "!!! note\n"),
    # block-component.test.ts: component-attributes
    "component-attributes": ('::alert{type="success"}\nx\n::\n', "!!! success\n    x\n"),
    # block-component.test.ts: component-attributes-remove-duplicate (the last value wins)
    "component-attributes-remove-duplicate": (
        '::alert{type="success" type="warning"}\nx\n::\n',
        "!!! warning\n    x\n",
    ),
    # block-component.test.ts: component-attributes-length-81 (long attributes stay attributes)
    "component-attributes-length-81": (f'::note{{title="{"a" * 81}"}}\nx\n::\n', f'!!! note "{"a" * 81}"\n    x\n'),
    # block-component.test.ts: frontmatter
    "frontmatter": (
        "::card\n---\ntitle: T\nicon: i-lucide-book\n---\n::\n",
        '<div class="grid cards" markdown>\n\n-   :lucide-book:{ .lg .middle } **T**\n\n</div>\n',
    ),
    # block-component.test.ts: jsonScapeAttr (an escaped quote inside a bound JSON value)
    "json-escape-attr": ("::note{:title='\"I\\'d love to\"'}\nx\n::\n", '!!! note "I\'d love to"\n    x\n'),
    # block-component.test.ts: frontmatter-with-binding-variables (`:key:` in YAML props)
    "frontmatter-with-binding-variables": (f'::accordion\n---\n:defaultValue:\n  - "1"\n---\n{ITEMS}::\n', SECOND_OPEN),
    # block-component.test.ts: nested-component (YAML props, a second slot, an indented child with YAML props)
    "nested-component": (
        (
            "::callout\n---\ncolor: success\n---\nDefault slot\n\n#content\nSecondary slot value\n\n"
            "  :::tip\n  ---\n  title: Nested\n  ---\n  :::\n::\n"
        ),
        '!!! success\n    Default slot\n\n    Secondary slot value\n\n    !!! tip "Nested"\n',
    ),
    # block-component.test.ts: section-order (slots in any order; `#default` returns to the default slot)
    "section-order": (
        "::callout\n#title\nHello\n#content\nWorld\n#default\nP1\n\nP2\n::\n",
        '!!! note "Hello"\n    P1\n\n    P2\n\n    World\n',
    ),
    # block-component.test.ts: ignore-code-fence (`#include` in a fence is code, not a slot)
    "ignore-code-fence": (
        "::note\nFirst line\n\n```cpp\n#include <iostream>\n```\n\nSecond line\n::\n\nThird line\n",
        "!!! note\n    First line\n\n    ```cpp\n    #include <iostream>\n    ```\n\n    Second line\n\nThird line\n",
    ),
    # block-component.test.ts: dangling-list (a list, then a slot)
    "dangling-list": (
        "::note\n- list item\n- list item\n\n#title\nslot content\n::\n",
        '!!! note "slot content"\n    - list item\n    - list item\n',
    ),
    # block-component.test.ts: trim-slot-name (`#title ` with a trailing space)
    "trim-slot-name": ("::note\n#title \nslot content\n::\n", '!!! note "slot content"\n'),
    # block-component.test.ts: component-attributes-array-of-string
    "component-attributes-array-of-string": (f'::accordion{{:defaultValue=\'["0", "1"]\'}}\n{ITEMS}::\n', BOTH_OPEN),
    # block-component.test.ts: component-attributes-array-convert-double-quote (and -array-of-number)
    "component-attributes-array-double-quote": (f'::accordion{{:defaultValue="[0,1]"}}\n{ITEMS}::\n', BOTH_OPEN),
    # block-component.test.ts: component-hProperties-be-the-same (a bound prop equals the same YAML prop)
    "bound-prop-equals-yaml-prop": (f"::accordion{{:defaultValue='[\"1\"]'}}\n{ITEMS}::\n", SECOND_OPEN),
    # attributes.test.ts: id-suger, class-suger, html-characters, html-characters-unquoted, value-with-space
    "attribute-sugar-entities-and-spaces": (
        '::note{#anchor .wide .tall title="&copy; 2025" icon= i-lucide-book}\nx\n::\n',
        '!!! note wide tall ":lucide-book: © 2025"\n    x\n',
    ),
    # attributes.test.ts: boolean (`{prop}` is true)
    "boolean": ("::accordion\n:::accordion-item{label=A open}\na\n:::\n::\n", '???+ note "A"\n    a\n'),
}


@pytest.mark.parametrize(("source", "expected"), CASES.values(), ids=CASES.keys())
def test_remark_mdc_case(source: str, expected: str) -> None:
    assert convert(source) == expected
