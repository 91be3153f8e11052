"""MDC input -> expected Material Markdown, one row per component and per nesting edge case."""

from __future__ import annotations

import textwrap

import pytest

from mkdocs_mdc import convert


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
    "cards-without-title-each-start-after-a-blank-line": (
        "::card-group\n:::card\nOne\n:::\n:::card\nTwo\n:::\n::\n",
        '<div class="grid cards" markdown>\n\n-   \n\n    One\n\n-   \n\n    Two\n\n</div>\n',
    ),
}


@pytest.mark.parametrize(("source", "expected"), CASES.values(), ids=CASES.keys())
def test_convert(source: str, expected: str) -> None:
    assert convert(md(source)) == md(expected)
