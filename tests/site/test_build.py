"""The built site: both languages, every MDC block rendered, nothing fetched from elsewhere,
one search index, 404 page, llms.txt and sitemap per language, absolute hreflang links."""

import gzip
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import pytest
from message_catalogue import messages
from site_build import DEFAULT_LANGUAGE, LANGUAGE_ROOT, LANGUAGES, PAGES, REPO, build, copy_project

from doctest_harness.blocks import Kind, page_blocks

# MDC block syntax that survived conversion: a line of prose starting with `::name` or a bare `::`.
MDC_LEFTOVER = re.compile(r"(^|>)\s*::+[a-z-]*", re.MULTILINE)
# Tags whose URL the browser fetches while loading the page (a plain <a href> is not fetched).
FETCHED = re.compile(r"<(?:script|img|iframe|source|link)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"[^>]*>")
NOT_FETCHED_LINKS = re.compile(r'rel="(?:canonical|alternate|prev|next)"')
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.DOTALL)


def html_pages():
    return [(language, page) for language in LANGUAGES for page in PAGES]


def page_path(language: str, page: str) -> str:
    return f"{LANGUAGE_ROOT[language]}{page}.html"


def prose(html: str) -> str:
    """The page without code listings, where `::` is legitimate."""
    return re.sub(r"<(pre|code)\b.*?</\1>", "", html, flags=re.DOTALL)


def material_config(html: str) -> dict:
    return json.loads(CONFIG.search(html)[1])


@pytest.mark.parametrize(("language", "page"), html_pages())
def test_every_page_exists_in_both_languages_without_mdc_leftovers_or_directives(site, language, page):
    html = site.page(page_path(language, page))
    assert f'<html lang="{language}"' in html
    assert not MDC_LEFTOVER.search(prose(html))
    assert not re.search(r"<!--\s*doctest:", html)  # the harness's directives are not for readers
    assert "<p><!--" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_troubleshooting_renders_admonitions_tabs_and_cards(site, language):
    html = site.page(page_path(language, "troubleshooting"))
    assert 'class="admonition danger"' in html
    assert 'class="tabbed-set' in html
    assert 'class="grid cards"' in html
    assert "https://github.com/astercloud/aster/issues" in html
    assert "<svg" in html  # the Lucide card icons are inlined


def test_front_matter_description_reaches_the_meta_tag(site):
    html = site.page("troubleshooting.html")
    assert '<meta name="description" content="常见问题及解决方案"' in html


@pytest.mark.parametrize(("language", "page"), html_pages())
def test_nothing_is_fetched_from_another_host(site, language, page):
    html = site.page(page_path(language, page))
    tags = [tag for tag in FETCHED.finditer(html) if not NOT_FETCHED_LINKS.search(tag[0])]
    external = [tag[1] for tag in tags if urlsplit(tag[1]).netloc]
    assert tags and not external, external
    assert "fonts.googleapis.com" not in html and "api.github.com" not in html


def test_stylesheets_import_nothing_from_another_host(site):
    for css in (site.dir / "assets").rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert not re.search(r"@import|url\(\s*['\"]?https?:", text), css


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_searches_only_its_own_pages(site, language):
    root = LANGUAGE_ROOT[language]
    index = json.loads((site.dir / root / "search/search_index.json").read_text(encoding="utf-8"))
    locations = [doc["location"] for doc in index["docs"]]
    # Locations are relative to the language's root, which its pages give Material as `base`.
    assert {location.split("#")[0] for location in locations} == {f"{page}.html" for page in PAGES}
    html = site.page(page_path(language, "troubleshooting"))
    assert material_config(html)["base"] == "."
    titles = {doc["location"]: doc["title"].replace("\u200b", "") for doc in index["docs"]}
    assert titles["troubleshooting.html"] == {"zh": "故障排除", "en": "Troubleshooting"}[language]
    assert index["config"]["lang"] == {"zh": ["en", "zh"], "en": ["en"]}[language]


def test_section_headings_without_text_are_not_in_the_index(site):
    for root in LANGUAGE_ROOT.values():
        docs = json.loads((site.dir / root / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
        assert all(doc["text"].strip() for doc in docs if "#" in doc["location"])
        assert "troubleshooting.html#common-errors" not in {doc["location"] for doc in docs}


def test_chinese_is_segmented_for_search(site):
    index = json.loads((site.dir / "search/search_index.json").read_text(encoding="utf-8"))
    # jieba segments Chinese at build time with zero-width spaces, which the separator splits on.
    assert r"\u200b" in index["config"]["separator"]
    docs = {doc["location"]: doc for doc in index["docs"]}
    assert "连接" in docs["troubleshooting.html#bridge-not-running"]["title"].split("\u200b")


@pytest.mark.parametrize(("language", "page"), html_pages())
def test_hreflang_and_canonical_links_are_absolute_with_x_default(site, language, page):
    html = site.page(page_path(language, page))
    alternates = {
        hreflang: href
        for href, hreflang in re.findall(r'<link rel="alternate" href="([^"]*)" hreflang="([^"]*)">', html)
    }
    expected = {lang: f"{site.url}{page_path(lang, page)}" for lang in LANGUAGES}
    assert alternates == {**expected, "x-default": expected[DEFAULT_LANGUAGE]}
    assert f'<link rel="canonical" href="{expected[language]}">' in html


def sitemap_urls(path) -> dict[str, dict[str, str]]:
    tree = ET.parse(path)
    return {
        url.find("s:loc", SITEMAP_NS).text: {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", SITEMAP_NS)
        }
        for url in tree.getroot().findall("s:url", SITEMAP_NS)
    }


def test_sitemap_lists_every_page_with_absolute_alternates_and_x_default(site):
    urls = sitemap_urls(site.dir / "sitemap.xml")
    every = {f"{site.url}{page_path(language, page)}" for language, page in html_pages()}
    assert set(urls) == every
    zh_errors, en_errors = f"{site.url}errors.html", f"{site.url}en/errors.html"
    assert urls[en_errors] == {"zh": zh_errors, "en": en_errors, "x-default": zh_errors}
    assert gzip.decompress((site.dir / "sitemap.xml.gz").read_bytes()) == (site.dir / "sitemap.xml").read_bytes()


def test_a_language_folder_has_a_sitemap_of_its_own_pages(site):
    # Material looks for sitemap.xml beside the hreflang links of a page, i.e. in its language's root.
    urls = sitemap_urls(site.dir / "en/sitemap.xml")
    assert set(urls) == {f"{site.url}en/{page}.html" for page in PAGES}


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_a_404_page_that_works_under_the_subpath(site, language):
    html = site.page(f"{LANGUAGE_ROOT[language]}404.html")
    title = {"zh": "404 - 页面不存在", "en": "404 - Page not found"}[language]
    assert f"<h1>{title}</h1>" in html
    base = urlsplit(site.url).path
    # A 404 page is served for any missing URL, at any depth: its links are absolute from the subpath.
    assert f'href="{base}assets/stylesheets/main.' in html
    assert f'<a href="{base}{LANGUAGE_ROOT[language]}index.html">' in html
    assert material_config(html)["base"].rstrip("/") == f"{base}{LANGUAGE_ROOT[language]}".rstrip("/")


@pytest.mark.parametrize("language", LANGUAGES)
def test_llms_txt_lists_the_language_pages_as_markdown(site, language):
    root = LANGUAGE_ROOT[language]
    text = (site.dir / root / "llms.txt").read_text(encoding="utf-8")
    assert text.startswith({"zh": "# Aster PTC 文档\n", "en": "# Aster PTC docs\n"}[language])
    links = re.findall(r"\]\(([^)]+)\)", text)
    assert links == [f"{site.url}{root}{page}.md" for page in ["index", "troubleshooting", "errors", "cli", "testing"]]
    for page in PAGES:
        assert (site.dir / root / f"{page}.md").is_file()


@pytest.mark.parametrize("language", LANGUAGES)
def test_llms_markdown_keeps_tab_labels_and_code_languages(site, language):
    markdown = (site.dir / LANGUAGE_ROOT[language] / "troubleshooting.md").read_text(encoding="utf-8")
    assert "**pip**\n\n```bash\npip install aiohttp\n```" in markdown
    assert "**poetry**\n\n```bash\npoetry add aiohttp\n```" in markdown
    assert "```go\n" in markdown and "```python\n" in markdown


@pytest.mark.parametrize("language", LANGUAGES)
def test_ptc_blocks_carry_a_run_hint(site, language):
    blocks = page_blocks(REPO / "docs" / language / "troubleshooting.md", REPO)
    ptc = sum(block.kind is Kind.PTC for block in blocks)
    html = site.page(page_path(language, "troubleshooting"))
    hints = re.findall(r'<p class="ptc-hint">(.*?)</p>', html, re.DOTALL)
    assert ptc and len(hints) == ptc
    assert all("<code>aster-ref run" in hint for hint in hints)
    # Inside a code group, the hint is in the tab of its block ("Connection reuse" is PTC).
    tabs = html.split('<div class="tabbed-block">')
    (reuse,) = [tab for tab in tabs if 'len</span><span class="p">(</span><span class="k">await</span>' in tab]
    assert 'class="ptc-hint"' in reuse


@pytest.mark.parametrize("language", LANGUAGES)
def test_troubleshooting_starts_with_an_index_of_every_message(site, language):
    html = site.page(page_path(language, "troubleshooting"))
    index = html[html.index('id="message-index"') : html.index('id="common-errors"')]
    assert index.count('href="errors.html#') == len(messages())
    assert 'href="#port-busy"' in index


@pytest.mark.parametrize("language", LANGUAGES)
def test_generated_pages_switch_language_to_their_translation(site, language):
    other = next(lang for lang in LANGUAGES if lang != language)
    for page in ("errors", "cli"):
        html = site.page(page_path(language, page))
        switch = {
            lang: href
            for href, lang in re.findall(r'<a href="([^"]*)" hreflang="([^"]*)" class="md-select__link">', html)
        }
        here = f"{site.url}{page_path(language, page)}"
        assert urljoin(here, switch[other]) == f"{site.url}{page_path(other, page)}"


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


@pytest.mark.parametrize("language", LANGUAGES)
def test_copy_buttons_linked_tabs_and_both_palettes_in_each_language(site, language):
    html = site.page(page_path(language, "troubleshooting"))
    assert {"content.code.copy", "content.tabs.link", "navigation.tracking"} <= set(material_config(html)["features"])
    assert 'data-md-color-scheme="default"' in html
    assert 'data-md-color-scheme="slate"' in html
