"""Resolve Nuxt (Iconify) icon names to Material icon shortcodes, and export the icon sets Material lacks.

Material 9 ships no Lucide, Heroicons or Phosphor set, so the plugin (or the Markdown extension) writes them
into a cache directory that it registers as a `custom_icons` path of pymdownx.emoji: `i-lucide-book` becomes
`:lucide-book:`, `i-heroicons-home-solid` `:heroicons-home-solid:`, `i-ph-house-bold` `:ph-bold-house-bold:`.
Lucide 1.x dropped brand logos (`github`...); those resolve to Material's Simple Icons set instead.
An emoji used as an icon (`icon="🚀"`) stays the emoji.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from importlib import metadata, resources
from pathlib import Path

import lucide
import material
import py_phosphor_icons

DEFAULT_FALLBACK_ICON = "i-lucide-circle-dashed"
# Where the icon sets Material lacks are exported, relative to the working directory or mkdocs.yml (like
# Material's own caches), and the extension that shows them.
DEFAULT_CACHE_DIR = ".cache/plugin/mdc"
EMOJI = "pymdownx.emoji"
MATERIAL_ICONS = Path(material.__file__).parent / "templates" / ".icons"
PHOSPHOR_SVGS = Path(py_phosphor_icons.__file__).parent / "svgs" / "flat"
PHOSPHOR_WEIGHTS = ("bold", "duotone", "fill", "light", "thin")

_SVG_NAMESPACE = "http://www.w3.org/2000/svg"
# Iconify prefix -> Material's bundled set (directory under .icons, shortcode prefix).
_MATERIAL_SETS = {
    "i-simple-icons-": "simple",
    "i-mdi-": "material",
    "i-octicon-": "octicons",
}
# Heroicons' folders in the `heroicons` package -> the suffix Iconify gives that style.
_HEROICONS_STYLES = {"outline": "", "solid": "-solid", "mini": "-20-solid", "micro": "-16-solid"}


class IconResolver:
    """Maps `i-lucide-*`, `i-heroicons-*`, `i-ph-*`, `i-simple-icons-*`, `i-mdi-*`, `i-octicon-*` names (or their
    `set:name` spelling) to `:set-name:` shortcodes; an emoji maps to itself."""

    def __init__(self, fallback: str = DEFAULT_FALLBACK_ICON) -> None:
        self.fallback = fallback

    def shortcode(self, icon: str) -> str | None:
        """The shortcode of `icon` (or the emoji itself), or None when no installed set has it."""
        icon = icon.strip()
        if is_emoji(icon):
            return icon
        prefix, colon, name = icon.partition(":")
        if colon and not icon.startswith("i-"):
            icon = f"i-{prefix}-{name}"  # Iconify's `simple-icons:github`, as Docus 1 and 2 write it
        if icon.startswith("i-lucide-"):
            name = icon.removeprefix("i-lucide-")
            canonical = self._lucide_names.get(name)
            if canonical is not None:
                return f":lucide-{canonical}:"
            return _material_shortcode("simple", name)
        if icon.startswith("i-heroicons-"):
            name = icon.removeprefix("i-heroicons-")
            return f":heroicons-{name}:" if name in _heroicons_svgs() else None
        if icon.startswith("i-ph-"):
            return _phosphor_shortcode(icon.removeprefix("i-ph-"))
        for prefix, icon_set in _MATERIAL_SETS.items():
            if icon.startswith(prefix):
                return _material_shortcode(icon_set, icon.removeprefix(prefix))
        return None

    @functools.cached_property
    def _lucide_names(self) -> dict[str, str]:
        """Every Lucide name and alias -> its canonical name."""
        with lucide.get_db_connection() as db:
            names = {name: name for (name,) in db.execute("SELECT name FROM icons")}
            names.update(dict(db.execute("SELECT alias, name FROM icon_aliases")))
        return names


def is_emoji(text: str) -> bool:
    """An emoji (or a few) rather than an icon name: no ASCII, and some symbol character."""
    return (
        bool(text)
        and not any(char.isascii() for char in text)
        and any(unicodedata.category(char) == "So" for char in text)
    )


def _material_shortcode(icon_set: str, name: str) -> str | None:
    return f":{icon_set}-{name}:" if (MATERIAL_ICONS / icon_set / f"{name}.svg").is_file() else None


def _phosphor_shortcode(name: str) -> str | None:
    """Iconify's `house` is the regular weight, `house-bold` the bold one; the export keeps the weight folders."""
    if (PHOSPHOR_SVGS / "regular" / f"{name}.svg").is_file():
        return f":ph-regular-{name}:"
    for weight in PHOSPHOR_WEIGHTS:
        if name.endswith(f"-{weight}") and (PHOSPHOR_SVGS / weight / f"{name}.svg").is_file():
            return f":ph-{weight}-{name}:"
    return None


@functools.cache
def _heroicons_svgs() -> dict[str, str]:
    """Iconify name -> path inside the `heroicons` package's zip (`home-20-solid` -> `mini/home.svg`)."""
    with resources.files("heroicons").joinpath("heroicons.zip").open("rb") as data, zipfile.ZipFile(data) as archive:
        names = archive.namelist()
    svgs = {}
    for member in names:
        style, _, file = member.partition("/")
        if style in _HEROICONS_STYLES and file.endswith(".svg"):
            svgs[file.removesuffix(".svg") + _HEROICONS_STYLES[style]] = member
    return svgs


def icon_sets_version() -> str:
    """One string that changes whenever an exported set changes."""
    with lucide.get_db_connection() as db:
        row = db.execute("SELECT value FROM metadata WHERE key = 'version'").fetchone()
    lucide_version = row[0] if row else "unknown"
    return (
        f"lucide-{lucide_version}-heroicons-{metadata.version('heroicons')}-ph-{metadata.version('py-phosphor-icons')}"
    )


def export_icons(cache_dir: Path) -> Path:
    """Write every icon of the sets Material lacks under `<root>/<set>/` once per set version; return `<root>`.

    All icons are written, not only those the pages use: Material indexes a custom_icons directory
    once per process, so an icon first used while `mkdocs serve` runs must already be there.
    Phosphor's SVGs already suit Material (filled, no size), so `<root>/ph` links to the package's folder.
    """
    root = cache_dir / f"icons-{icon_sets_version()}"
    if (root / "ph").is_dir():
        return root
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".icons-", dir=cache_dir))
    (staging / "lucide").mkdir()
    with lucide.get_db_connection() as db:
        for name, svg in db.execute("SELECT name, svg FROM icons"):
            (staging / "lucide" / f"{name}.svg").write_text(_for_material(svg, f"lucide lucide-{name}"), "utf-8")
    (staging / "heroicons").mkdir()
    with resources.files("heroicons").joinpath("heroicons.zip").open("rb") as data, zipfile.ZipFile(data) as archive:
        for name, member in _heroicons_svgs().items():
            svg = archive.read(member).decode()
            (staging / "heroicons" / f"{name}.svg").write_text(_for_material(svg, f"heroicons-{name}"), "utf-8")
    (staging / "ph").symlink_to(PHOSPHOR_SVGS, target_is_directory=True)
    shutil.rmtree(root, ignore_errors=True)  # an export whose Phosphor link broke (the venv moved)
    try:
        os.replace(staging, root)
    except OSError:  # another build finished the same export first
        shutil.rmtree(staging, ignore_errors=True)
    return root


def _for_material(svg: str, classes: str) -> str:
    """Fit an SVG to Material's icon CSS, which sizes icons and fills them."""
    ET.register_namespace("", _SVG_NAMESPACE)
    root = ET.fromstring(svg)
    for size in ("width", "height"):
        root.attrib.pop(size, None)
    if root.get("fill") == "none" or root.get("stroke"):
        # Material's `.twemoji svg { fill: currentcolor }` would turn strokes into blobs; an inline style wins.
        root.set("style", "fill: none")
    root.set("class", classes)
    return ET.tostring(root, encoding="unicode")
