"""Resolve Nuxt (Iconify) icon names to Material icon shortcodes, and export Lucide's SVGs for Material.

Material 9 ships no Lucide set, so the plugin writes python-lucide's SVGs into a cache directory that it
registers as a `custom_icons` path of pymdownx.emoji: `i-lucide-book` becomes `:lucide-book:`.
Lucide 1.x dropped brand logos (`github`...); those resolve to Material's Simple Icons set instead.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import lucide
import material

DEFAULT_FALLBACK_ICON = "i-lucide-circle-dashed"
MATERIAL_ICONS = Path(material.__file__).parent / "templates" / ".icons"

_SVG_NAMESPACE = "http://www.w3.org/2000/svg"
# Iconify prefix -> Material's bundled set (directory under .icons, shortcode prefix).
_MATERIAL_SETS = {
    "i-simple-icons-": "simple",
    "i-mdi-": "material",
    "i-octicon-": "octicons",
}


class IconResolver:
    """Maps `i-lucide-*`, `i-simple-icons-*`, `i-mdi-*`, `i-octicon-*` names to `:set-name:` shortcodes."""

    def __init__(self, fallback: str = DEFAULT_FALLBACK_ICON) -> None:
        self.fallback = fallback

    def shortcode(self, icon: str) -> str | None:
        """The shortcode of `icon`, or None when no installed set has it."""
        if icon.startswith("i-lucide-"):
            name = icon.removeprefix("i-lucide-")
            canonical = self._lucide_names.get(name)
            if canonical is not None:
                return f":lucide-{canonical}:"
            return _material_shortcode("simple", name)
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


def _material_shortcode(icon_set: str, name: str) -> str | None:
    return f":{icon_set}-{name}:" if (MATERIAL_ICONS / icon_set / f"{name}.svg").is_file() else None


def lucide_version() -> str:
    with lucide.get_db_connection() as db:
        row = db.execute("SELECT value FROM metadata WHERE key = 'version'").fetchone()
    return row[0] if row else "unknown"


def export_lucide_icons(cache_dir: Path) -> Path:
    """Write every Lucide icon as `<root>/lucide/<name>.svg` once per Lucide version; return `<root>`.

    All icons are written, not only those the pages use: Material indexes a custom_icons directory
    once per process, so an icon first used while `mkdocs serve` runs must already be there.
    """
    root = cache_dir / f"lucide-{lucide_version()}"
    if root.is_dir():
        return root
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".lucide-", dir=cache_dir))
    (staging / "lucide").mkdir()
    with lucide.get_db_connection() as db:
        for name, svg in db.execute("SELECT name, svg FROM icons"):
            (staging / "lucide" / f"{name}.svg").write_text(_for_material(svg, name), encoding="utf-8")
    try:
        os.replace(staging, root)
    except OSError:  # another build finished the same export first
        shutil.rmtree(staging, ignore_errors=True)
    return root


def _for_material(svg: str, name: str) -> str:
    """Fit a Lucide (stroked) SVG to Material's icon CSS, which sizes icons and fills them."""
    ET.register_namespace("", _SVG_NAMESPACE)
    root = ET.fromstring(svg)
    for size in ("width", "height"):
        root.attrib.pop(size, None)
    # Material's `.twemoji svg { fill: currentcolor }` would turn strokes into blobs; an inline style wins.
    root.set("style", "fill: none")
    root.set("class", f"lucide lucide-{name}")
    return ET.tostring(root, encoding="unicode")
