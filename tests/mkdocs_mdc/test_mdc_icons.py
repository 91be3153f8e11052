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
    export_lucide_icons,
    lucide_version,
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
        ("i-lucide-no-such-icon", None),
        ("i-heroicons-home", None),
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
    root = export_lucide_icons(tmp_path)
    assert root == tmp_path / f"lucide-{lucide_version()}"
    svgs = list((root / "lucide").glob("*.svg"))
    assert len(svgs) > 1000
    svg = ET.parse(root / "lucide" / "book.svg").getroot()
    assert svg.get("style") == "fill: none" and svg.get("stroke") == "currentColor"
    assert svg.get("width") is None and svg.get("height") is None
    (root / "lucide" / "book.svg").unlink()
    assert export_lucide_icons(tmp_path) == root
    assert not (root / "lucide" / "book.svg").exists()  # an existing export is reused, not rewritten
