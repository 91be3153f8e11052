"""MDC input -> expected Material Markdown, one row per component and per nesting edge case."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mkdocs_mdc import convert
from mkdocs_mdc.components import ADMONITION_TYPE, COMPONENTS, HTML_ATTRIBUTES, INLINE_COMPONENTS
from mkdocs_mdc.inline import Inline
from mkdocs_mdc.parser import Block, Text, parse
from mkdocs_mdc.styles import STYLESHEET

FIXTURE = Path(__file__).parent / "fixtures" / "all_components.md"


def md(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


CASES = {
    "alert-error": (
        """
        ::alert{type="error"}
        **Error:**
        ```
        boom
        ```
        ::
        """,
        """
        !!! danger
            **Error:**
            ```
            boom
            ```
        """,
    ),
    **{
        f"alert-{mdc_type}": (
            f'::alert{{type="{mdc_type}"}}\nBody.\n::\n',
            f"!!! {material_type}\n    Body.\n",
        )
        for mdc_type, material_type in {
            "warning": "warning",
            "info": "info",
            "success": "success",
            "tip": "tip",
            "note": "note",
            "caution": "warning",
            "danger": "danger",
        }.items()
    },
    "alert-unquoted-prop-and-padded-braces": (
        "::alert{ type=error }\nBody.\n::\n",
        "!!! danger\n    Body.\n",
    ),
    "alert-class-attribute-becomes-admonition-class": (
        '::alert{type="tip" .big .wide title="T"}\nBody.\n::\n',
        '!!! tip big wide "T"\n    Body.\n',
    ),
    "alert-with-icon": (
        '::alert{type="info" icon="i-lucide-rocket"}\nBody.\n::\n',
        '!!! info ":lucide-rocket: Info"\n    Body.\n',
    ),
    "alert-with-icon-and-title": (
        '::alert{type="warning" icon="i-lucide-flame" title="Hot"}\nBody.\n::\n',
        '!!! warning ":lucide-flame: Hot"\n    Body.\n',
    ),
    "alert-title-slot": (
        """
        ::alert{type="tip"}
        #title
        Pro **tip**
        #default
        Body.
        ::
        """,
        """
        !!! tip "Pro **tip**"
            Body.
        """,
    ),
    "title-slot-with-a-comment-and-blank-lines": (
        """
        ::alert{type="tip"}
        #title
        <!-- shown on hover in Docus -->

        Pro tip
        #default
        Body.
        ::
        """,
        """
        !!! tip "Pro tip"
            Body.
        """,
    ),
    "code-group-linked-tabs": (
        """
        ::code-group
        ```bash [pip]
        pip install aiohttp
        ```

        ```bash [修改端口]
        echo 9000
        ```
        ::
        """,
        """
        === "pip"

            ```bash
            pip install aiohttp
            ```

        === "修改端口"

            ```bash
            echo 9000
            ```
        """,
    ),
    "code-group-comment-goes-into-next-tab": (
        """
        ::code-group
        ```bash [pip]
        pip install aiohttp
        ```
        <!-- doctest: run="poetry add --dry-run aiohttp" -->
        ```bash [poetry]
        poetry add aiohttp
        ```
        ::
        """,
        """
        === "pip"

            ```bash
            pip install aiohttp
            ```

        === "poetry"

            <!-- doctest: run="poetry add --dry-run aiohttp" -->

            ```bash
            poetry add aiohttp
            ```
        """,
    ),
    "code-group-text-after-fence-is-a-note-in-its-tab": (
        """
        ::code-group
        ```bash [macOS]
        brew install python@3.11
        ```

        **Not run in CI:** CI runs on Linux,
        where there is no Homebrew.
        ```bash [Ubuntu]
        sudo apt install python3.11
        ```
        ::
        """,
        """
        === "macOS"

            ```bash
            brew install python@3.11
            ```

            **Not run in CI:** CI runs on Linux,
            where there is no Homebrew.

        === "Ubuntu"

            ```bash
            sudo apt install python3.11
            ```
        """,
    ),
    "comment-above-fence-becomes-its-own-html-block": (
        "<!-- doctest: exit=1 -->\n```python\nx\n```\n",
        "<!-- doctest: exit=1 -->\n\n```python\nx\n```\n",
    ),
    "code-group-tab-titled-by-language": (
        "::code-group\n```go\nx\n```\n::\n",
        '=== "go"\n\n    ```go\n    x\n    ```\n',
    ),
    "adjacent-tab-sets-stay-apart": (
        "::code-group\n```sh [a]\nx\n```\n::\n\n::code-group\n```sh [b]\ny\n```\n::\n",
        '=== "a"\n\n    ```sh\n    x\n    ```\n\n===! "b"\n\n    ```sh\n    y\n    ```\n',
    ),
    "fence-label-outside-code-group-is-title": (
        '```ts [nuxt.config.ts] hl_lines="1"\nx\n```\n',
        '```ts title="nuxt.config.ts" hl_lines="1"\nx\n```\n',
    ),
    "card-group-same-count-yaml-props": (
        """
        ::card-group
        ::card
        ---
        title: GitHub Issues
        icon: i-lucide-github
        to: https://github.com/astercloud/aster/issues
        ---
        Report a bug
        ::

        ::card
        ---
        title: Docs
        icon: i-lucide-book
        to: /tools/ptc
        ---
        Read the docs
        ::
        ::
        """,
        """
        <div class="grid cards" markdown>

        -   :simple-github:{ .lg .middle } [**GitHub Issues**](https://github.com/astercloud/aster/issues)

            ---

            Report a bug

        -   :lucide-book:{ .lg .middle } [**Docs**](/tools/ptc)

            ---

            Read the docs

        </div>
        """,
    ),
    "card-group-more-colons-inline-props": (
        """
        ::card-group
        :::card{title="Guide" icon="i-simple-icons-python" to="guide.md" target="_blank"}
        Start here
        :::
        ::
        """,
        """
        <div class="grid cards" markdown>

        -   :simple-python:{ .lg .middle } [**Guide**](guide.md){ target=_blank }

            ---

            Start here

        </div>
        """,
    ),
    "card-title-and-description-slots": (
        """
        ::card{icon="i-lucide-book"}
        #title
        Slot title
        #description
        Slot description
        ::
        """,
        """
        <div class="grid cards" markdown>

        -   :lucide-book:{ .lg .middle } **Slot title**

            ---

            Slot description

        </div>
        """,
    ),
    "block-in-two-space-list-item-widened-to-four": (
        "- Item\n  ::tabs\n  ::tabs-item{label=A}\n  Body\n  ::\n  ::\n",
        '- Item\n\n    === "A"\n\n        Body\n',
    ),
    "card-without-title-starts-body-after-a-blank-line": (
        "::card\n```sh\nx\n```\n::\n",
        '<div class="grid cards" markdown>\n\n-   \n\n    ```sh\n    x\n    ```\n\n</div>\n',
    ),
    "list-with-indented-closer": (
        """
        ::list{type="success"}
        - one
        - two
          ::
        """,
        """
        !!! success ""
            - one
            - two
        """,
    ),
    "steps": (
        '::steps{level="2"}\n## Install\n\nRun it.\n::\n',
        '<div class="mdc-steps mdc-steps--h2" markdown>\n\n## Install\n\nRun it.\n\n</div>\n',
    ),
    "accordion": (
        """
        ::accordion
        ---
        defaultValue: ["1"]
        ---
        :::accordion-item{label="First?" icon="i-lucide-circle-help"}
        Yes.
        :::
        :::accordion-item{label="Second?"}
        No.
        :::
        ::
        """,
        """
        ??? note ":lucide-circle-question-mark: First?"
            Yes.

        ???+ note "Second?"
            No.
        """,
    ),
    "accordion-item-boolean-open": (
        "::accordion\n:::accordion-item{label=A open}\nYes.\n:::\n:::accordion-item{label=B}\nNo.\n:::\n::\n",
        '???+ note "A"\n    Yes.\n\n??? note "B"\n    No.\n',
    ),
    "tabs": (
        """
        ::tabs
        ::tabs-item{label="Linux" icon="i-simple-icons-linux"}
        apt
        ::
        ::tabs-item[macOS]
        brew
        ::
        ::
        """,
        """
        === ":simple-linux: Linux"

            apt

        === "macOS"

            brew
        """,
    ),
    **{
        f"prose-{name}": (f"::{name}\nBody.\n::\n", f"!!! {kind}\n    Body.\n")
        for name, kind in {
            "note": "note",
            "tip": "tip",
            "warning": "warning",
            "caution": "warning",
        }.items()
    },
    "callout-color-and-link": (
        '::callout{color="error" to="https://example.com"}\nBody.\n::\n',
        "!!! danger\n    Body.\n\n    [https://example.com](https://example.com)\n",
    ),
    "inline-badge": (
        'Status :badge[stable]{color="success"}, `:badge[code]` stays.\n',
        'Status <span class="mdc-badge mdc-badge--success">stable</span>, `:badge[code]` stays.\n',
    ),
    "inline-icon": (
        'Star :icon{name="i-lucide-star"} and :icon{name=i-simple-icons-github}\n',
        "Star :lucide-star: and :simple-github:\n",
    ),
    "inline-lookalikes-stay-text": (
        "Port :8080, a::b, :material-home:{ .lg }, http://x.io/:id, `:icon{name=x}`\n",
        "Port :8080, a::b, :material-home:{ .lg }, http://x.io/:id, `:icon{name=x}`\n",
    ),
    "block-badge": (
        "::badge\n**v3.0.0**\n::\n",
        '<span class="mdc-badge mdc-badge--note">**v3.0.0**</span>\n',
    ),
    "front-matter-kept-for-mkdocs": (
        "---\ntitle: T\ndescription: D\n---\n\n::note\nx\n::\n",
        "---\ntitle: T\ndescription: D\n---\n\n!!! note\n    x\n",
    ),
    "fence-highlights-become-hl-lines": (
        '```py {2-3}\na\n```\n\n```py [app.py]{1, 4-5} linenums="1"\nb\n```\n',
        '```py hl_lines="2-3"\na\n```\n\n```py title="app.py" hl_lines="1 4-5" linenums="1"\nb\n```\n',
    ),
    "code-group-label-with-highlights": (
        "::code-group\n```py [file.py]{4}\nx\n```\n::\n",
        '=== "file.py"\n\n    ```py hl_lines="4"\n    x\n    ```\n',
    ),
    "tilde-and-four-backtick-fences-inside-blocks": (
        "::tip\n~~~py\n::\n~~~\n::::note\n````md\n```py\n::\n```\n````\n::::\n::\n",
        "!!! tip\n    ~~~py\n    ::\n    ~~~\n\n    !!! note\n        ````md\n        ```py\n        ::\n        ```\n        ````\n",
    ),
    "fence-content-untouched": (
        "::note\n~~~~md\n::alert\n```\n::\n~~~~\n::\n",
        "!!! note\n    ~~~~md\n    ::alert\n    ```\n    ::\n    ~~~~\n",
    ),
    "comment-content-untouched": (
        "<!--\n::alert\n-->\n",
        "<!--\n::alert\n-->\n",
    ),
    "block-inside-list-item-keeps-its-indent": (
        """
        1. Step
           ::alert{type="info"}
           Body
           ```bash
           ls
           ```
           ::
        2. Next
        """,
        """
        1. Step

            !!! info
                Body
                ```bash
                ls
                ```

        2. Next
        """,
    ),
    "text-after-closer-gets-blank-line": (
        "::note\nx\n::\nafter\n",
        "!!! note\n    x\n\nafter\n",
    ),
    "alert-nested-in-tabs-item": (
        """
        ::tabs
        :::tabs-item{label="A"}
        ::::warning
        Deep.
        ::::
        :::
        ::
        """,
        """
        === "A"

            !!! warning
                Deep.
        """,
    ),
    # Indented, a container's tags are inline raw HTML to Python-Markdown: they become <section>s without
    # `markdown`, so md_in_html cannot match their end tag with an enclosing <div markdown>.
    "steps-in-alert-in-card-become-a-section": (
        """
        ::card
        ::alert
        ::steps
        ### One
        ::
        After steps.
        ::
        After alert.
        ::
        """,
        """
        <div class="grid cards" markdown>

        -   

            !!! info
                <section class="mdc-steps mdc-steps--h3">

                ### One

                </section>

                After steps.

            After alert.

        </div>
        """,
    ),
    "card-in-alert-becomes-a-section": (
        """
        ::alert{type="tip"}
        ::card{title="T"}
        Body
        ::
        After card.
        ::
        """,
        """
        !!! tip
            <section class="grid cards">

            -   **T**

                ---

                Body

            </section>

            After card.
        """,
    ),
    "steps-in-list-item-become-a-section": (
        """
        - Item

            ::steps{level="4"}
            #### Run
            ::

            After steps.
        """,
        """
        - Item

            <section class="mdc-steps mdc-steps--h4">

            #### Run

            </section>

            After steps.
        """,
    ),
    "card-group-in-steps-stays-a-markdown-div": (
        """
        ::steps
        ### Pick
        :::card-group
        ::::card{title="A"}
        ::::
        :::
        After cards.
        ::
        """,
        """
        <div class="mdc-steps mdc-steps--h3" markdown>

        ### Pick

        <div class="grid cards" markdown>

        -   **A**

        </div>

        After cards.

        </div>
        """,
    ),
    "empty-card-is-an-empty-list-item": (
        "::card-group\n:::card\n:::\n:::card{title=T}\n:::\n::\n",
        '<div class="grid cards" markdown>\n\n-   \n\n-   **T**\n\n</div>\n',
    ),
    # Docus 1-3 and Nuxt UI 2/3 vocabulary
    "callout-nuxt-ui-2-color-and-heroicon": (
        '::callout{icon="i-heroicons-exclamation-triangle" color="amber"}\nWatch out.\n::\n',
        '!!! warning ":heroicons-exclamation-triangle: Warning"\n    Watch out.\n',
    ),
    "callout-docus-1-summary-folds-content": (
        "::callout\n#summary\nClick me.\n\n#content\nHidden **content**.\n::\n",
        '??? note "Click me."\n    Hidden **content**.\n',
    ),
    "callout-docus-2-type-boolean-icon-title-and-content": (
        '::callout{type="primary" icon}\n#title\nPrimary title\n#content\nBody.\n::\n',
        '!!! note "Primary title"\n    Body.\n',
    ),
    "alert-docus-2-neutral-closable-emoji-icon": (
        '::alert{type="neutral" closable icon="🚀"}\nNeutral.\n::\n',
        '!!! quote "🚀 Quote"\n    Neutral.\n',
    ),
    "inline-badges-nuxt-ui-2-color-label-and-icon": (
        'Status :badge[Beta]{color="amber"} and :badge{label="v2" color="green" icon="i-lucide-rocket"}.\n',
        (
            'Status <span class="mdc-badge mdc-badge--warning">Beta</span> and '
            '<span class="mdc-badge mdc-badge--success">:lucide-rocket: v2</span>.\n'
        ),
    ),
    "block-badge-variant-accepted": (
        '::badge{color="neutral" variant="outline"}\n**v3**\n::\n',
        '<span class="mdc-badge mdc-badge--quote">**v3**</span>\n',
    ),
    "inline-button-link-docus": (
        ':button-link[Play]{icon="simple-icons:stackblitz" href="https://stackblitz.com" blank}\n',
        "[:simple-stackblitz: Play](https://stackblitz.com){ .md-button .md-button--primary target=_blank }\n",
    ),
    "block-u-button-outline-trailing-icon": (
        '::u-button{to="/start" trailing-icon="i-lucide-arrow-right" variant="outline"}\nGet Started\n::\n',
        "[Get Started :lucide-arrow-right:](/start){ .md-button }\n",
    ),
    "button-without-link-is-a-styled-label": (
        ":button[Soon]{ghost}\n",
        '<span class="md-button">Soon</span>\n',
    ),
    "inline-kbd": (
        'Press :kbd{value="meta"} + :kbd[K], then :kbd{value=enter}.\n',
        "Press <kbd>⌘</kbd> + <kbd>K</kbd>, then <kbd>↵</kbd>.\n",
    ),
    "field-group-with-collapsible-and-inline-field": (
        """
        ::field-group
          ::field{name="links" type="Link[]" required}
          The links.
            ::collapsible
            :field{name="label" type="string" required}
            ::
          ::
          ::field{name="size" type="string" description="Size of it."}
          ::
        ::
        """,
        """
        <div class="mdc-field-group" markdown>

        <div class="mdc-field" markdown>

        **`links`** `Link[]` <span class="mdc-badge mdc-badge--danger">required</span>

        The links.

        ??? note "Show properties"
            **`label`** `string` <span class="mdc-badge mdc-badge--danger">required</span>

        </div>

        <div class="mdc-field" markdown>

        **`size`** `string`

        Size of it.

        </div>

        </div>
        """,
    ),
    "collapsible-kebab-case-open-text": (
        '::collapsible{name="props" open-text="Reveal"}\n| a | b |\n|---|---|\n| 1 | 2 |\n::\n',
        '??? note "Reveal props"\n    | a | b |\n    |---|---|\n    | 1 | 2 |\n',
    ),
    "card-grid-docus-title-root-and-emoji-icon": (
        """
        ::card-grid
        #title
        What's included?
        #root
        Root text.
        #default
          ::card{icon="🚀"}
          #title
          Fast
          #description
          Very fast.
          ::
        ::
        """,
        """
        **What's included?**

        <div class="grid cards" markdown>

        -   🚀 **Fast**

            ---

            Very fast.

        </div>

        Root text.
        """,
    ),
    "tabs-nuxt-ui-2-div-children-with-yaml-props": (
        """
        ::tabs
          ::div
          ---
          label: Code
          icon: i-heroicons-code-bracket-square
          ---
          Code here.
          ::
          ::div{label="Preview"}
          Preview here.
          ::
        ::
        """,
        """
        === ":heroicons-code-bracket-square: Code"

            Code here.

        === "Preview"

            Preview here.
        """,
    ),
    "tabs-item-description-when-empty": (
        '::tabs{default-value="1"}\n:::tabs-item{label="A" description="Only a description."}\n:::\n::\n',
        '=== "A"\n\n    Only a description.\n',
    ),
    "accordion-nuxt-ui-2-default-open-and-description": (
        '::accordion{defaultOpen}\n:::accordion-item{label="A"}\na\n:::\n:::accordion-item{label="B" description="Just B."}\n:::\n::\n',
        '???+ note "A"\n    a\n\n???+ note "B"\n    Just B.\n',
    ),
    "accordion-default-open-false-keeps-items-closed": (
        "::accordion{defaultOpen=false}\n:::accordion-item{label=A}\na\n:::\n::\n",
        '??? note "A"\n    a\n',
    ),
    "card-nuxt-ui-color-phosphor-icon": (
        '::card{title="Startup" icon="i-ph-rocket-launch" color="primary" to="https://x.com" target="_blank"}\nSmall teams.\n::\n',
        (
            '<div class="grid cards" markdown>\n\n-   :ph-regular-rocket-launch:{ .lg .middle } '
            "[**Startup**](https://x.com){ target=_blank }\n\n    ---\n\n    Small teams.\n\n</div>\n"
        ),
    ),
    "link-stays-a-plain-link": (
        ":link[Docs]{href=/docs target=_blank} and :link[Here]\n",
        "[Docs](/docs){ target=_blank } and Here\n",
    ),
    "list-docus-danger": ('::list{type="danger"}\n- no\n::\n', '!!! danger ""\n    - no\n'),
    "indented-child-outside-a-list-is-not-code": (
        "::note\nText\n  :::tip\n  x\n  :::\n::\n",
        "!!! note\n    Text\n\n    !!! tip\n        x\n",
    ),
    "cards-without-title-each-start-after-a-blank-line": (
        "::card-group\n:::card\nOne\n:::\n:::card\nTwo\n:::\n::\n",
        '<div class="grid cards" markdown>\n\n-   \n\n    One\n\n-   \n\n    Two\n\n</div>\n',
    ),
}


@pytest.mark.parametrize(("source", "expected"), CASES.values(), ids=CASES.keys())
def test_convert(source: str, expected: str) -> None:
    assert convert(md(source)) == md(expected)


@pytest.mark.parametrize("name", sorted(ADMONITION_TYPE))
def test_every_color_has_a_badge_style(name: str) -> None:
    assert f".mdc-badge--{ADMONITION_TYPE[name]} {{" in STYLESHEET


def test_fixture_page_uses_every_component_and_prop() -> None:
    """all_components.md is the page that proves the whole vocabulary converts (test_mdc_build builds it)."""
    used: dict[str, set[str]] = {}

    def collect(nodes: list) -> None:
        for node in nodes:
            if isinstance(node, Block):
                used.setdefault(node.name, set()).update(node.props)
                for section in node.sections:
                    collect(section.nodes)
            elif isinstance(node, Text):
                for part in node.segments:
                    if isinstance(part, Inline):
                        used.setdefault(part.name, set()).update(part.props)

    collect(parse(FIXTURE.read_text(encoding="utf-8")))
    specs = [*COMPONENTS.values(), *INLINE_COMPONENTS.values()]
    assert sorted({spec.name for spec in specs} - used.keys()) == []
    # Components that share their props (the button family, the fixed admonitions) share the proof.
    by_props: dict[frozenset[str], set[str]] = {}
    for spec in specs:
        by_props.setdefault(spec.props, set()).update(used[spec.name])
    everything = set().union(*by_props.values())
    unused = {prop for props, seen in by_props.items() for prop in props - seen - HTML_ATTRIBUTES}
    assert sorted(unused) == [] and HTML_ATTRIBUTES <= everything
