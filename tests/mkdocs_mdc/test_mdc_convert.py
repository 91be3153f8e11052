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
    "block-badge": (
        "::badge\n**v3.0.0**\n::\n",
        '<span class="mdc-badge mdc-badge--note">**v3.0.0**</span>\n',
    ),
    "front-matter-kept-for-mkdocs": (
        "---\ntitle: T\ndescription: D\n---\n\n::note\nx\n::\n",
        "---\ntitle: T\ndescription: D\n---\n\n!!! note\n    x\n",
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
}


@pytest.mark.parametrize(("source", "expected"), CASES.values(), ids=CASES.keys())
def test_convert(source: str, expected: str) -> None:
    assert convert(md(source)) == md(expected)
