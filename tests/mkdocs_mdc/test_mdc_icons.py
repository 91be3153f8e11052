"""Icon names -> Material shortcodes, the fallback warning, and the Lucide export Material reads."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mkdocs_mdc import convert, errors
from mkdocs_mdc.icons import (
    DEFAULT_FALLBACK_ICON,
    IconResolver,
    export_icons,
    icon_sets_version,
)


@pytest.mark.parametrize(
    ("icon", "shortcode"),
    [
        ("i-lucide-book", ":lucide-book:"),
        (
            "i-lucide-help-circle",
            ":lucide-circle-question-mark:",
        ),  # Lucide alias -> canonical name
        (
            "i-lucide-github",
            ":simple-github:",
        ),  # brand logo: Lucide 1.x has none, Simple Icons has it
        ("i-simple-icons-python", ":simple-python:"),
        ("i-mdi-home", ":material-home:"),
        ("simple-icons:nuxt", ":simple-nuxt:"),  # Iconify's `set:name`, as Docus 1 and 2 write it
        ("i-heroicons-home", ":heroicons-home:"),
        ("i-heroicons-home-solid", ":heroicons-home-solid:"),
        ("i-heroicons-chevron-down-20-solid", ":heroicons-chevron-down-20-solid:"),
        ("i-heroicons-bolt-16-solid", ":heroicons-bolt-16-solid:"),
        ("i-ph-house", ":ph-regular-house:"),
        ("i-ph-house-bold", ":ph-bold-house-bold:"),
        ("i-ph-caret-down-fill", ":ph-fill-caret-down-fill:"),
        ("🚀", "🚀"),  # an emoji used as an icon stays the emoji
        ("i-lucide-no-such-icon", None),
        ("i-heroicons-no-such-icon", None),
        ("i-ph-house-heavy", None),
        ("logos:nuxt-icon", None),  # a set nothing here ships
        ("IconStackBlitz", None),  # a Vue component name
    ],
)
def test_shortcode(icon: str, shortcode: str | None) -> None:
    assert IconResolver().shortcode(icon) == shortcode


def test_unknown_icon_falls_back_with_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.mdc"):
        out = convert('::card{title="T" icon="i-lucide-no-such-icon"}\n::\n', "p.md")
    assert ":lucide-circle-dashed:{ .lg .middle } **T**" in out
    message = errors.ICON_NOT_FOUND.format(icon="i-lucide-no-such-icon", fallback=DEFAULT_FALLBACK_ICON)
    assert caplog.messages == [f"p.md:1: {message}"]


def test_export_writes_every_icon_once_fitted_to_material(tmp_path: Path) -> None:
    root = export_icons(tmp_path)
    assert root == tmp_path / f"icons-{icon_sets_version()}"
    assert len(list((root / "lucide").glob("*.svg"))) > 1000
    assert len(list((root / "heroicons").glob("*.svg"))) > 1000
    assert (root / "ph" / "bold" / "house-bold.svg").is_file()  # `:ph-bold-house-bold:` to Material's index
    svg = ET.parse(root / "lucide" / "book.svg").getroot()
    assert svg.get("style") == "fill: none" and svg.get("stroke") == "currentColor"
    assert svg.get("width") is None and svg.get("height") is None
    outline = ET.parse(root / "heroicons" / "home.svg").getroot()
    solid = ET.parse(root / "heroicons" / "home-solid.svg").getroot()
    assert outline.get("style") == "fill: none" and solid.get("style") is None  # only stroked icons unfilled
    (root / "lucide" / "book.svg").unlink()
    assert export_icons(tmp_path) == root
    assert not (root / "lucide" / "book.svg").exists()  # an existing export is reused, not rewritten


def test_export_is_redone_when_the_phosphor_link_broke(tmp_path: Path) -> None:
    root = export_icons(tmp_path)
    (root / "ph").unlink()
    (root / "ph").symlink_to(tmp_path / "gone", target_is_directory=True)
    assert export_icons(tmp_path) == root
    assert (root / "ph" / "regular" / "house.svg").is_file()
