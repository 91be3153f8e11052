"""The converter as a Python-Markdown extension, for plain Python-Markdown and Zensical (no MkDocs plugins)."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

import markdown
import pytest
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from material.extensions import emoji

from mkdocs_mdc import MdcError, errors
from mkdocs_mdc.components import COMPONENTS

PAGE = """\
::note{title="Hi" icon="i-heroicons-home"}
Body :badge[x]{color=red} :icon{name=i-ph-house-bold} :icon{name=i-lucide-book}
::

::code-group
```sh [pip]
pip install aiohttp
```
::
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("site")  # one icon export for the module


@pytest.fixture
def in_tmp(site: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The default icon cache is relative to the working directory, like MkDocs' and Material's caches."""
    monkeypatch.chdir(site)
    return site


def test_markdown_with_only_this_extension_renders_mdc(in_tmp: Path) -> None:
    html = markdown.markdown(PAGE, extensions=["mkdocs_mdc"])
    assert '<div class="admonition note">' in html
    assert 'class="heroicons-home"' in html  # the exported Heroicons, through Material's emoji index
    assert '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256"' in html  # Phosphor
    assert 'class="lucide lucide-book"' in html
    assert '<span class="mdc-badge mdc-badge--danger">x</span>' in html
    assert '<label for="__tabbed_1_1">pip</label>' in html
    assert "::" not in html and ":lucide" not in html and ":ph-" not in html
    assert list((in_tmp / ".cache" / "plugin" / "mdc").glob("icons-*/heroicons/home.svg"))


def test_code_group_renders_as_tabs_of_code_when_fenced_code_is_listed_first(in_tmp: Path) -> None:
    """fenced_code registers a processor of superfences' name; the extension still adds superfences."""
    source = "::code-group\n```bash [pip]\npip install aiohttp\n```\n```bash [uv]\nuv add aiohttp\n```\n::\n"
    html = markdown.markdown(source, extensions=["fenced_code", "mkdocs_mdc"])
    assert '<label for="__tabbed_1_2">uv</label>' in html
    assert html.count('<div class="highlight"><pre>') == 2
    assert "<p><code>" not in html


def test_icons_resolve_when_emoji_is_listed_after_the_extension(in_tmp: Path) -> None:
    emoji_config = {"emoji_index": emoji.twemoji, "emoji_generator": emoji.to_svg}
    html = markdown.markdown(
        PAGE, extensions=["mkdocs_mdc", "pymdownx.emoji"], extension_configs={"pymdownx.emoji": emoji_config}
    )
    assert 'class="heroicons-home"' in html and ":ph-" not in html


def test_warnings_name_the_configured_path(in_tmp: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.mdc"):
        html = markdown.markdown(
            "::alert{kind=x}\nBody.\n::\n",
            extensions=["mkdocs_mdc"],
            extension_configs={"mkdocs_mdc": {"path": "docs/page.md"}},
        )
    assert '<div class="admonition info">' in html
    known = ", ".join(sorted(COMPONENTS["alert"].props))
    assert caplog.messages == [f"docs/page.md:1: {errors.UNKNOWN_PROP.format(name='alert', prop='kind', known=known)}"]


class _ZensicalContext(Extension):
    """Stands in for Zensical's context extension, whose preprocessor carries the page being rendered."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        context = Preprocessor(md)
        context.page = SimpleNamespace(path=self.path)  # type: ignore[attr-defined]
        context.run = lambda lines: lines  # type: ignore[method-assign]
        md.preprocessors.register(context, "rendering_context", 0)


def test_errors_name_the_page_zensical_renders(in_tmp: Path) -> None:
    with pytest.raises(MdcError) as error:
        markdown.markdown("# T\n\n::note\nopen\n", extensions=[_ZensicalContext("guide/page.md"), "mkdocs_mdc"])
    assert str(error.value) == f"guide/page.md:3: {errors.UNCLOSED_BLOCK.format(opener='::note', closer='::')}"


def test_listed_extensions_keep_their_settings(in_tmp: Path) -> None:
    """A required extension the caller configured is not registered again over its settings."""
    html = markdown.markdown(
        "::code-group\n```sh [a]\nx\n```\n::\n",
        extensions=["pymdownx.tabbed", "mkdocs_mdc"],
        extension_configs={"pymdownx.tabbed": {"alternate_style": False}},
    )
    assert '<div class="tabbed-set" data-tabs="1:1">' in html  # the old style the caller chose
