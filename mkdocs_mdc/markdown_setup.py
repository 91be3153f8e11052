"""Check that a site enables the Markdown extensions the converted pages rely on, and add Lucide icons."""

from __future__ import annotations

from pathlib import Path

from material.extensions import emoji as material_emoji
from mkdocs.config.defaults import MkDocsConfig

from mkdocs_mdc.icons import EMOJI

# What to paste into mkdocs.yml; the error message shows it.
REQUIRED_SNIPPET = """\
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg"""


def missing_extensions(config: MkDocsConfig) -> list[str]:
    """The required extensions (or settings) the site lacks, as they would be written in mkdocs.yml."""
    enabled = set(config.markdown_extensions)
    options = config.mdx_configs
    missing = [
        name
        for name in (
            "admonition",
            "attr_list",
            "md_in_html",
            "pymdownx.details",
            "pymdownx.superfences",
        )
        if name not in enabled
    ]
    if "pymdownx.tabbed" not in enabled or not options.get("pymdownx.tabbed", {}).get("alternate_style"):
        missing.append("pymdownx.tabbed (alternate_style: true)")
    emoji = options.get(EMOJI, {})
    if (
        EMOJI not in enabled
        or emoji.get("emoji_index") is not material_emoji.twemoji
        or emoji.get("emoji_generator") is not material_emoji.to_svg
    ):
        missing.append(f"{EMOJI} (Material's twemoji index and to_svg generator)")
    return missing


def add_custom_icons(config: MkDocsConfig, root: Path) -> None:
    """Register `root` as a pymdownx.emoji custom_icons path, once."""
    options = config.mdx_configs.setdefault(EMOJI, {}).setdefault("options", {})
    paths = options.setdefault("custom_icons", [])
    if str(root) not in paths:
        paths.append(str(root))
