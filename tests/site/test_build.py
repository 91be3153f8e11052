"""The site builds strictly, in both languages, with every MDC block rendered."""

import json
import re

import pytest
from site_build import build, copy_project

PAGES = ["index.html", "troubleshooting/index.html", "testing/index.html"]
LANG_PREFIX = {"zh": "", "en": "en/"}
# MDC block syntax that survived conversion: a line of prose starting with `::name` or a bare `::`.
MDC_LEFTOVER = re.compile(r"(^|>)\s*::+[a-z-]*", re.MULTILINE)


def prose(html: str) -> str:
    """The page without code listings, where `::` is legitimate."""
    return re.sub(r"<(pre|code)\b.*?</\1>", "", html, flags=re.DOTALL)


@pytest.mark.parametrize("lang", LANG_PREFIX)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_exists_in_both_languages_without_mdc_leftovers(site, lang, page):
    html = (site / LANG_PREFIX[lang] / page).read_text(encoding="utf-8")
    assert f'<html lang="{lang}"' in html
    assert not MDC_LEFTOVER.search(prose(html))
    assert "<p><!--" not in html  # doctest directives stay invisible, with no empty paragraph around them


@pytest.mark.parametrize("lang", LANG_PREFIX)
def test_troubleshooting_renders_admonitions_tabs_and_cards(site, lang):
    html = (site / LANG_PREFIX[lang] / "troubleshooting/index.html").read_text(encoding="utf-8")
    assert 'class="admonition danger"' in html
    assert 'class="tabbed-set' in html
    assert 'class="grid cards"' in html
    assert "https://github.com/astercloud/aster/issues" in html
    assert "<svg" in html  # the Lucide card icons are inlined


def test_front_matter_description_reaches_the_meta_tag(site):
    html = (site / "troubleshooting/index.html").read_text(encoding="utf-8")
    assert '<meta name="description" content="常见问题及解决方案"' in html


def test_search_index_holds_both_languages_segmented(site):
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert set(index["config"]["lang"]) == {"zh", "en"}
    titles = {doc["location"]: doc["title"] for doc in index["docs"]}
    assert "故障排除" in titles["troubleshooting/"].replace("\u200b", "")
    assert "Troubleshooting" in titles["en/troubleshooting/"]
    # jieba segments Chinese at build time with zero-width spaces, which the separator splits on.
    assert r"\u200b" in index["config"]["separator"]
    assert any("\u200b" in doc["text"] for doc in index["docs"] if not doc["location"].startswith("en/"))


def test_unclosed_block_fails_the_strict_build_naming_file_and_line(tmp_path):
    project = copy_project(tmp_path)
    broken = project / "docs/zh/troubleshooting.md"
    lines = broken.read_text(encoding="utf-8").splitlines()
    opener = next(i for i, line in enumerate(lines) if line.startswith("::alert"))
    closer = next(i for i in range(opener + 1, len(lines)) if lines[i].strip() == "::")
    del lines[closer]
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")

    done = build(project, tmp_path / "site")

    assert done.returncode != 0
    assert re.search(rf"troubleshooting\.md:{opener + 1}: ", done.stdout + done.stderr), done.stderr


@pytest.mark.parametrize("lang", LANG_PREFIX)
def test_copy_buttons_linked_tabs_and_both_palettes_in_each_language(site, lang):
    html = (site / LANG_PREFIX[lang] / "troubleshooting/index.html").read_text(encoding="utf-8")
    config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', html, re.DOTALL)[1])
    assert {"content.code.copy", "content.tabs.link"} <= set(config["features"])
    assert 'data-md-color-scheme="default"' in html
    assert 'data-md-color-scheme="slate"' in html
