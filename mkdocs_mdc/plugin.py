"""The `mdc` MkDocs plugin: converts MDC pages in `on_page_markdown`, so `mkdocs serve` reloads them."""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from mkdocs_mdc import convert, errors
from mkdocs_mdc.config import MdcConfig
from mkdocs_mdc.icons import IconResolver, export_icons
from mkdocs_mdc.markdown_setup import (
    REQUIRED_SNIPPET,
    add_custom_icons,
    missing_extensions,
)
from mkdocs_mdc.styles import STYLESHEET_PATH, write_stylesheet


class MdcPlugin(BasePlugin[MdcConfig]):
    def __init__(self) -> None:
        self.icons = IconResolver()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        missing = missing_extensions(config)
        if missing:
            message = errors.MISSING_EXTENSIONS.format(missing=", ".join(missing), snippet=REQUIRED_SNIPPET)
            raise PluginError(message)
        fallback = self.config.fallback_icon
        self.icons = IconResolver(fallback)
        if self.icons.shortcode(fallback) is None:
            raise PluginError(errors.FALLBACK_ICON_NOT_FOUND.format(icon=fallback))
        add_custom_icons(config, export_icons(self.cache_dir(config)))
        if STYLESHEET_PATH not in config.extra_css:
            config.extra_css.append(STYLESHEET_PATH)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        # Backed by a real file: mkdocs-static-i18n cannot handle in-memory files.
        stylesheet = write_stylesheet(self.cache_dir(config))
        files.append(File.generated(config, STYLESHEET_PATH, abs_src_path=str(stylesheet)))
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        try:
            return convert(
                markdown,
                _display_path(page.file.abs_src_path or page.file.src_uri),
                first_line=_first_line(page.file.content_string, markdown),
                strict_unknown=self.config.strict_unknown,
                icons=self.icons,
            )
        except errors.MdcError as error:
            raise PluginError(str(error)) from error

    def cache_dir(self, config: MkDocsConfig) -> Path:
        """The plugin's cache, beside mkdocs.yml like Material's `.cache/plugin/*`."""
        config_file = config.config_file_path
        site_root = Path(config_file).parent if config_file else Path.cwd()
        return site_root / self.config.cache_dir


def _first_line(source: str, markdown: str) -> int:
    """The file line where `markdown` starts: MkDocs has already cut the front matter off."""
    # MkDocs also strips the whitespace around what is left, so compare without it.
    source = source.replace("\r\n", "\n").rstrip()
    body = markdown.replace("\r\n", "\n").rstrip()
    if body and source.endswith(body):
        return source[: len(source) - len(body)].count("\n") + 1
    return 1


def _display_path(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
