"""The converter as a Python-Markdown extension: `markdown.markdown(text, extensions=["mkdocs_mdc"])`.

So plain Python-Markdown and Zensical (which runs Markdown extensions, not MkDocs plugins) render MDC too.
A preprocessor converts the page before any other extension reads it, and the extensions the converted
Markdown relies on are registered when the caller has not listed them. Icons: the sets Material lacks are
exported once and added to pymdownx.emoji's `custom_icons` when its index is Material's or Zensical's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from mkdocs_mdc.icons import DEFAULT_CACHE_DIR, DEFAULT_FALLBACK_ICON, EMOJI, IconResolver, export_icons

# What the converted Markdown needs: each extension, the processor that shows it is loaded (not every extension
# is listed in md.registeredExtensions) when that processor comes from the extension's module (plain fenced_code
# registers "fenced_code_block" too), and the settings it needs.
REQUIRED_EXTENSIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "admonition": ("admonition", {}),
    "attr_list": ("attr_list", {}),
    "md_in_html": ("markdown_block", {}),
    "pymdownx.details": ("details", {}),
    "pymdownx.superfences": ("fenced_code_block", {}),
    "pymdownx.tabbed": ("tabbed", {"alternate_style": True}),
}
# Emoji indexes that read `custom_icons`, by module and function name.
_ICON_INDEXES = {("material.extensions.emoji", "twemoji"), ("zensical.extensions.emoji", "twemoji")}


class MdcExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "path": ["<string>", "the page's name in errors and warnings (Zensical's page path when it has one)"],
            "strict_unknown": [True, "fail on unknown components; off: keep their content, with a warning"],
            "fallback_icon": [DEFAULT_FALLBACK_ICON, "shown (with a warning) for an icon no installed set has"],
            "cache_dir": [DEFAULT_CACHE_DIR, "where the icon sets Material lacks are exported"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # Python-Markdown's name
        for name, (processor, settings) in REQUIRED_EXTENSIONS.items():
            registries = (md.preprocessors, md.parser.blockprocessors, md.treeprocessors)
            modules = {name, f"markdown.extensions.{name}"}
            if not any(
                processor in registry and type(registry[processor]).__module__ in modules for registry in registries
            ):
                md.registerExtensions([name], {name: settings})
        if "emoji" not in md.inlinePatterns:
            from material.extensions import emoji  # Material only for this default

            md.registerExtensions([EMOJI], {EMOJI: {"emoji_index": emoji.twemoji, "emoji_generator": emoji.to_svg}})
        md.preprocessors.register(MdcPreprocessor(md, self), "mdc", 35)


class MdcPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, extension: MdcExtension) -> None:
        super().__init__(md)
        self.extension = extension
        self.icons = IconResolver(extension.getConfig("fallback_icon"))
        self.icons_added = False

    def run(self, lines: list[str]) -> list[str]:
        from mkdocs_mdc import convert  # the package imports this module

        if not self.icons_added:
            # Here, not in extendMarkdown: pymdownx.emoji may be listed after this extension.
            self.icons_added = True
            self.add_custom_icons()
        text = convert(
            "\n".join(lines),
            self.page_path(),
            strict_unknown=self.extension.getConfig("strict_unknown"),
            icons=self.icons,
        )
        return text.split("\n")

    def add_custom_icons(self) -> None:
        """Add the exported sets to pymdownx.emoji's `custom_icons` and index them."""
        emoji = next((ext for ext in self.md.registeredExtensions if type(ext).__module__ == EMOJI), None)
        if emoji is None or "emoji" not in self.md.inlinePatterns:
            return
        pattern = self.md.inlinePatterns["emoji"]
        index = emoji.getConfig("emoji_index")
        if (getattr(index, "__module__", None), getattr(index, "__name__", None)) not in _ICON_INDEXES:
            return
        root = str(export_icons(Path(self.extension.getConfig("cache_dir"))))
        paths = pattern.options.setdefault("custom_icons", [])
        if root not in paths:
            paths.append(root)
            pattern.emoji_index = index(pattern.options, self.md)

    def page_path(self) -> str:
        """The configured path, or the page Zensical is rendering (its context preprocessor carries it)."""
        for processor in self.md.preprocessors:
            path = getattr(getattr(processor, "page", None), "path", None)
            if path:
                return str(path)
        return self.extension.getConfig("path")
