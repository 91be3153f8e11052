"""The `mdc` plugin object as MkDocs drives it: `on_page_markdown` for each (re)build of a page."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from mkdocs_mdc import errors
from mkdocs_mdc.markdown_setup import REQUIRED_SNIPPET
from mkdocs_mdc.plugin import MdcPlugin


@pytest.fixture
def site(tmp_path: Path) -> MkDocsConfig:
    (tmp_path / "docs").mkdir()
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(f"site_name: T\ntheme: material\nplugins: [mdc]\n{REQUIRED_SNIPPET}\n", encoding="utf-8")
    config = load_config(str(config_file))
    config.plugins["mdc"].on_config(config)
    return config


def render(config: MkDocsConfig, source: str) -> str:
    """Write the page, then read and convert it the way `mkdocs build` and each `mkdocs serve` rebuild do."""
    path = Path(config.docs_dir) / "page.md"
    path.write_text(source, encoding="utf-8")
    file = File("page.md", config.docs_dir, config.site_dir, config.use_directory_urls)
    page = Page(None, file, config)
    page.read_source(config)
    plugin = config.plugins["mdc"]
    assert isinstance(plugin, MdcPlugin)
    return plugin.on_page_markdown(page.markdown or "", page=page, config=config, files=Files([file]))


def test_an_edited_page_is_converted_again(site: MkDocsConfig) -> None:
    assert render(site, "::note\nfirst\n::\n") == "!!! note\n    first\n"
    assert render(site, "::alert{type=error}\nsecond\n::\n") == "!!! danger\n    second\n"
    with pytest.raises(PluginError):
        render(site, "::note\nbroken\n")
    assert render(site, "::tip\nfixed\n::\n") == "!!! tip\n    fixed\n"


@pytest.mark.parametrize(
    "front_matter",
    [
        "",
        "---\ntitle: T\n---\n",
        "---\ntitle: T\n---\n\n\n",
        "---\ntitle: T\ndescription: D\ntags:\n  - a\n  - b\n---\n",
        "---\r\ntitle: T\r\n---\r\n",
        "Title: T\nDescription: MultiMarkdown style\n\n",
    ],
    ids=["none", "three-lines", "blank-lines-after", "seven-lines", "crlf", "multimarkdown"],
)
def test_error_lines_count_the_front_matter(site: MkDocsConfig, front_matter: str) -> None:
    body = "# Page\n\ntext\n::note\nunclosed\n"
    line = front_matter.count("\n") + body.split("\n").index("::note") + 1
    with pytest.raises(PluginError) as error:
        render(site, front_matter + body)
    assert str(error.value).endswith(f"page.md:{line}: {errors.UNCLOSED_BLOCK.format(opener='::note', closer='::')}")
