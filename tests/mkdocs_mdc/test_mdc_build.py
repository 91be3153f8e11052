"""Real `mkdocs build --strict` runs of small Material sites using the `mdc` plugin."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mkdocs_mdc import errors
from mkdocs_mdc.icons import DEFAULT_FALLBACK_ICON
from mkdocs_mdc.markdown_setup import REQUIRED_SNIPPET

SEED = Path(__file__).parent / "fixtures" / "troubleshooting.zh.md"  # a copy of the seed page
FIXTURE = Path(__file__).parent / "fixtures" / "all_components.md"
DOCUS = Path(__file__).parent / "fixtures" / "docus" / "content"

MKDOCS_YML = f"""\
site_name: Test
theme:
  name: material
  features: [content.tabs.link]
plugins: [mdc]
{REQUIRED_SNIPPET}
"""


def build(site: Path, pages: dict[str, str], config: str = MKDOCS_YML) -> subprocess.CompletedProcess[str]:
    (site / "mkdocs.yml").write_text(config, encoding="utf-8")
    for name, text in pages.items():
        (site / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (site / "docs" / name).write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=site,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_good_pages_build_with_lucide_svg_and_front_matter(tmp_path: Path) -> None:
    result = build(
        tmp_path,
        {
            "index.md": FIXTURE.read_text(encoding="utf-8"),
            "help.md": SEED.read_text(encoding="utf-8"),
        },
    )
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<span class="twemoji lg middle"><svg' in html
    book = re.search(r'<svg [^>]*class="lucide lucide-book"[^>]*>', html)
    assert book is not None and 'style="fill: none"' in book[0]
    assert "<title>Every component - Test</title>" in html
    assert '<meta name="description" content="One page that uses every MDC component the converter knows">' in html
    assert 'href="assets/stylesheets/mkdocs-mdc.css"' in html
    assert (tmp_path / "site" / "assets" / "stylesheets" / "mkdocs-mdc.css").is_file()
    assert '<label for="__tabbed_1_1">poetry</label>' in html
    # The Docus and Nuxt UI vocabulary: Heroicons and Phosphor through the exported sets, fields, buttons.
    assert 'class="heroicons-exclamation-triangle"' in html and 'viewBox="0 0 256 256"' in html
    assert '<div class="mdc-field">' in html and "<kbd>⌘</kbd>" in html
    assert '<a class="md-button md-button--primary" href="/x" target="_blank">' in html
    assert "::" not in html.replace("localhost:", "").replace("https://", "").replace("http://", "")
    help_html = (tmp_path / "site" / "help" / "index.html").read_text(encoding="utf-8")
    assert "<title>故障排除 - Test</title>" in help_html and 'content="常见问题及解决方案"' in help_html
    assert "::" not in help_html.replace("localhost:", "").replace("https://", "").replace("http://", "")
    assert not list((tmp_path / "docs").rglob("*.svg"))  # icons are cached beside mkdocs.yml, not in docs


def test_steps_nested_in_alert_in_card_keep_the_text_after_them(tmp_path: Path) -> None:
    source = "::card\n::alert\n::steps\n### One\n::\nAfter steps.\n::\nAfter alert.\n::\n\nAfter card.\n"
    result = build(tmp_path, {"index.md": source})
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    grid = re.search(
        r'<div class="grid cards">\s*<ul>\s*<li>(.*?)</li>\s*</ul>\s*</div>\s*<p>After card\.</p>', html, re.DOTALL
    )
    assert grid is not None
    steps = '<section class="mdc-steps mdc-steps--h3">\n<h3 id="one">One</h3>\n</section>\n<p>After steps.</p>\n</div>'
    assert steps in grid[1] and grid[1].rstrip().endswith("<p>After alert.</p>")
    assert "<pre" not in html


def test_unclosed_block_fails_with_file_and_line(tmp_path: Path) -> None:
    result = build(
        tmp_path,
        {"bad.md": '---\ntitle: Bad\n---\n\n# Bad\n\n::alert{type="error"}\ntext\n'},
    )
    assert result.returncode != 0
    assert f"docs/bad.md:7: {errors.UNCLOSED_BLOCK.format(opener='::alert', closer='::')}" in result.stderr


def test_unknown_icon_warns_and_fails_strict_build(tmp_path: Path) -> None:
    result = build(tmp_path, {"index.md": '::card{title="T" icon="i-lucide-no-such-icon"}\n::\n'})
    assert result.returncode != 0
    message = errors.ICON_NOT_FOUND.format(icon="i-lucide-no-such-icon", fallback=DEFAULT_FALLBACK_ICON)
    assert f"WARNING -  docs/index.md:1: {message}" in result.stderr


@pytest.mark.parametrize(
    ("dropped", "missing"),
    [
        ("  - md_in_html\n", "md_in_html"),
        ("      alternate_style: true\n", "pymdownx.tabbed (alternate_style: true)"),
    ],
)
def test_missing_markdown_extension_is_a_config_error(tmp_path: Path, dropped: str, missing: str) -> None:
    config = MKDOCS_YML.replace(dropped, "")
    if dropped.strip().startswith("alternate"):
        config = config.replace("  - pymdownx.tabbed:\n", "  - pymdownx.tabbed\n")
    result = build(tmp_path, {"index.md": "# Hi\n"}, config)
    assert result.returncode != 0
    assert errors.MISSING_EXTENSIONS.format(missing=missing, snippet=REQUIRED_SNIPPET) in result.stderr


def test_unknown_fallback_icon_is_a_config_error(tmp_path: Path) -> None:
    config = MKDOCS_YML.replace("plugins: [mdc]", "plugins:\n  - mdc:\n      fallback_icon: i-lucide-nope")
    result = build(tmp_path, {"index.md": "# Hi\n"}, config)
    assert result.returncode != 0
    assert errors.FALLBACK_ICON_NOT_FOUND.format(icon="i-lucide-nope") in result.stderr


def test_builds_with_static_i18n_folders(tmp_path: Path) -> None:
    """mkdocs-static-i18n rebuilds per language and rejects in-memory files."""
    i18n = "plugins:\n  - i18n:\n      docs_structure: folder\n      languages:\n"
    i18n += "        - {locale: zh, default: true, name: 中文, build: true}\n"
    i18n += "        - {locale: en, name: English, build: true}\n  - mdc"
    pages = {
        "zh/index.md": "::note\n中文\n::\n",
        "en/index.md": "::note\nEnglish\n::\n",
    }
    result = build(tmp_path, pages, MKDOCS_YML.replace("plugins: [mdc]", i18n))
    assert result.returncode == 0, result.stderr
    english = (tmp_path / "site" / "en" / "index.html").read_text(encoding="utf-8")
    assert '<div class="admonition note">' in english
    assert 'href="../assets/stylesheets/mkdocs-mdc.css"' in english


def test_imported_docus_tree_builds_with_its_nav(tmp_path: Path) -> None:
    """`python -m mkdocs_mdc import` then `mkdocs build --strict`: a Docus project moves in one command."""
    nav = yaml.safe_load(
        subprocess.run(
            [sys.executable, "-m", "mkdocs_mdc", "import", str(DOCUS), str(tmp_path / "docs")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    result = build(tmp_path, {}, MKDOCS_YML + yaml.safe_dump(nav, allow_unicode=True))
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "getting-started" / "troubleshooting" / "index.html").read_text(encoding="utf-8")
    assert '<div class="admonition warning">' in html and "heroicons-exclamation-triangle" in html
    essentials = (tmp_path / "site" / "essentials" / "components" / "index.html").read_text(encoding="utf-8")
    assert '<span class="mdc-badge mdc-badge--warning">Beta</span>' in essentials
    assert 'class="md-button md-button--primary"' in essentials
