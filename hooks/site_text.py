"""The words the hooks add to the site, per language (hooks/site_text.yml), and the start of a generated page."""

from __future__ import annotations

from pathlib import Path

import yaml

SITE_TEXT = Path(__file__).resolve().parent / "site_text.yml"


def site_text() -> dict[str, dict]:
    return yaml.safe_load(SITE_TEXT.read_text(encoding="utf-8"))


def page_start(text: dict[str, str], anchor: str, intro: str) -> list[str]:
    """Front matter (title, description), the title heading with its id, and the intro of a generated page."""
    return [
        "---",
        f"title: {text['title']}",
        f"description: {text['description']}",
        "---",
        "",
        f"# {text['title']} {{#{anchor}}}",
        "",
        intro,
        "",
    ]
