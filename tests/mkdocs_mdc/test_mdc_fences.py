"""`iter_fences`: the interface the doc-test harness relies on."""

from __future__ import annotations

import textwrap
from pathlib import Path

from mkdocs_mdc import Fence, iter_fences

SEED = Path(__file__).parent / "fixtures" / "troubleshooting.zh.md"  # a copy of the seed page


def test_fields_of_fences_at_every_depth() -> None:
    source = textwrap.dedent(
        """\
        ---
        title: T
        ---
        ::alert{type="error"}
        ```
        Error: x
        ```
        ::

        ::code-group
        <!-- doctest: run="poetry add --dry-run aiohttp" -->
        ```bash [poetry] extra meta
        poetry add aiohttp
        ```
        ::

        1. Step
           ~~~~python
           if x:
               print(1)
           ~~~~
        """
    )
    assert iter_fences(source, "p.md") == [
        Fence(
            line=5,
            lang="",
            label=None,
            meta="",
            code="Error: x\n",
            ancestors=(("alert", {"type": "error"}),),
        ),
        Fence(
            line=12,
            lang="bash",
            label="poetry",
            meta="extra meta",
            code="poetry add aiohttp\n",
            ancestors=(("code-group", {}),),
        ),
        Fence(
            line=18,
            lang="python",
            label=None,
            meta="",
            code="if x:\n    print(1)\n",
            ancestors=(),
        ),
    ]


def test_nested_ancestors_outermost_first_with_yaml_props() -> None:
    source = "::card-group\n::card\n---\ntitle: A\n---\n```go\n```\n::\n::\n"
    (fence,) = iter_fences(source)
    assert fence.ancestors == (("card-group", {}), ("card", {"title": "A"}))
    assert (fence.line, fence.lang, fence.code) == (6, "go", "")


def test_seed_page_fences() -> None:
    fences = iter_fences(SEED.read_text(encoding="utf-8"), str(SEED))
    lines = SEED.read_text(encoding="utf-8").splitlines()
    assert len(fences) == sum(line.lstrip().startswith("```") for line in lines) // 2 == 38
    assert all(lines[f.line - 1].lstrip().startswith("```") for f in fences)
    labels = [f.label for f in fences if f.label]
    assert labels[:5] == ["pip", "conda", "poetry", "修改端口", "手动启动"]
    assert all(f.ancestors == (("code-group", {}),) for f in fences if f.label)
    alerts = [f for f in fences if f.ancestors == (("alert", {"type": "error"}),)]
    assert [f.code for f in alerts] == [
        "Error: aiohttp is required. Install it with: pip install aiohttp\n",
        "Connection error: Cannot connect to host localhost:8080\n",
        "execution timeout\n",
        "Tool Read failed: file not found\n",
        "Tool XXX is not allowed in code_execution context\n",
    ]
