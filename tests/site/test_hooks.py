"""The hooks' pieces on small inputs: PTC hints, the message index, directives, per-language search
indexes, hreflang links, sitemaps, llms.txt tab labels, and gen-files pages under static-i18n."""

import json
import xml.etree.ElementTree as ET
from textwrap import dedent
from types import SimpleNamespace

import yaml
from bs4 import BeautifulSoup
from i18n_gen_files import OUTSIDE_LANGUAGE_FOLDER
from llms_preprocess import label_tabs
from message_catalogue import NO_CAUSE
from page_content import DIRECTIVE, HINT_CLASS, add_message_index, add_ptc_hints
from per_language import X_DEFAULT, alternate_urls, hreflang_links, nav_pages, search_index, set_base, sitemap
from site_build import LANGUAGES, REPO, build, copy_project

HINT = "**Run it:** `aster-ref run`"
SITE_URL = "https://docs.example/aster/"


def file(url: str) -> SimpleNamespace:
    return SimpleNamespace(url=url)


def test_a_ptc_hint_follows_every_ptc_block_indented_like_it():
    markdown = dedent(
        """\
        1. Step

            ```python
            print(await Read(path="a.txt"))
            ```

        === "Script"

            ```python
            print(1)
            ```

        ```bash
        aster-ref serve
        ```"""
    )
    lines = add_ptc_hints(markdown, "page.md", HINT).split("\n")
    assert lines[4:9] == ["    ```", "", f"    {HINT}", f"    {{: .{HINT_CLASS} }}", ""]
    assert lines.count(f"    {HINT}") == 1  # plain Python and bash get none


def test_the_message_index_goes_at_the_end_of_its_section(monkeypatch):
    monkeypatch.setattr("page_content.message_index", lambda docs, language: f"| {language} index |")
    markdown = "# Page {#page}\n\n## Index {#message-index}\n\nIntro.\n\n## Next {#next}\n"
    assert add_message_index(markdown, REPO / "docs", "en") == (
        "# Page {#page}\n\n## Index {#message-index}\n\nIntro.\n\n| en index |\n\n## Next {#next}\n"
    )
    assert add_message_index("# Other {#other}\n", REPO / "docs", "en") == "# Other {#other}\n"


def test_directives_leave_the_html_and_other_comments_stay():
    html = '<p>a</p>\n<!-- doctest: output-of="x -y" -->\n<pre>code</pre>\n<!-- a note -->'
    assert DIRECTIVE.sub("", html) == "<p>a</p>\n<pre>code</pre>\n<!-- a note -->"


def test_a_search_index_holds_one_language_located_from_its_root_without_empty_sections():
    entries = [
        {"location": "index.html", "title": "首页", "text": ""},
        {"location": "troubleshooting.html#common-errors", "title": "常见错误", "text": ""},
        {"location": "troubleshooting.html#port-busy", "title": "端口被占用", "text": "lsof"},
        {"location": "en/troubleshooting.html#port-busy", "title": "The port is in use", "text": "lsof"},
        {"location": "en/index.html", "title": "Home", "text": ""},
    ]
    config = {"lang": ["en", "zh"], "separator": "[\\s]+", "pipeline": [], "fields": {}}
    zh = json.loads(search_index(entries, config, "zh", LANGUAGES, "zh"))
    en = json.loads(search_index(entries, config, "en", LANGUAGES, "zh"))
    assert [doc["location"] for doc in zh["docs"]] == ["index.html", "troubleshooting.html#port-busy"]
    assert [doc["location"] for doc in en["docs"]] == ["troubleshooting.html#port-busy", "index.html"]
    assert (zh["config"]["lang"], en["config"]["lang"]) == (["en", "zh"], ["en"])


def test_hreflang_links_are_absolute_with_x_default_the_default_language():
    alternates = {"en": file("en/cli.html"), "zh": file("cli.html")}
    assert alternate_urls(alternates, LANGUAGES, "zh", SITE_URL) == [
        ("zh", f"{SITE_URL}cli.html"),
        ("en", f"{SITE_URL}en/cli.html"),
        (X_DEFAULT, f"{SITE_URL}cli.html"),
    ]
    assert hreflang_links(alternates, LANGUAGES, "zh", SITE_URL)[-1] == (
        f'<link rel="alternate" href="{SITE_URL}cli.html" hreflang="x-default">'
    )


def test_a_sitemap_lists_pages_with_their_alternates():
    pages = [SimpleNamespace(url="en/cli.html", alternates={"zh": file("cli.html"), "en": file("en/cli.html")})]
    root = ET.fromstring(sitemap(pages, LANGUAGES, "zh", SITE_URL))
    namespaces = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    (url,) = root.findall("s:url", namespaces)
    assert url.find("s:loc", namespaces).text == f"{SITE_URL}en/cli.html"
    links = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", namespaces)}
    assert links == {"zh": f"{SITE_URL}cli.html", "en": f"{SITE_URL}en/cli.html", X_DEFAULT: f"{SITE_URL}cli.html"}


def test_material_base_is_set_in_the_config_script_only():
    html = (
        '<script id="__config" type="application/json">{"base": "..", "search": "../x.js"}</script><p>"base": ".."</p>'
    )
    assert set_base(html, ".") == (
        '<script id="__config" type="application/json">{"base": ".", "search": "../x.js"}</script><p>"base": ".."</p>'
    )


def test_llms_txt_pages_follow_the_nav():
    nav = [{"首页": "index.md"}, {"参考": [{"命令行": "cli.md"}, "https://example.com"]}, "testing.md"]
    assert nav_pages(nav) == ["index.md", "cli.md", "testing.md"]


def test_tab_labels_become_bold_lines_in_their_tabs():
    soup = BeautifulSoup(
        '<div class="tabbed-set"><input id="a"><input id="b"><div class="tabbed-labels"><label>pip</label>'
        '<label>conda</label></div><div class="tabbed-content"><div class="tabbed-block"><pre>pip</pre></div>'
        '<div class="tabbed-block"><pre>conda</pre></div></div></div>',
        "html.parser",
    )
    label_tabs(soup)
    blocks = soup.select("div.tabbed-block")
    assert [str(block) for block in blocks] == [
        '<div class="tabbed-block"><p><strong>pip</strong></p><pre>pip</pre></div>',
        '<div class="tabbed-block"><p><strong>conda</strong></p><pre>conda</pre></div>',
    ]
    assert not soup.select("div.tabbed-labels, input")


def test_a_generated_page_outside_a_language_folder_fails_the_strict_build_saying_where_to_put_it(tmp_path):
    project = copy_project(tmp_path)
    script = project / "hooks/gen_pages.py"
    script.write_text(
        script.read_text(encoding="utf-8")
        + '\nwith mkdocs_gen_files.open("orphan.md", "w") as page:\n    page.write("# Orphan {#orphan}\\n")\n',
        encoding="utf-8",
    )
    done = build(project, tmp_path / "site")
    assert done.returncode != 0
    assert OUTSIDE_LANGUAGE_FOLDER.format(path="orphan.md", languages="zh, en") in done.stderr, done.stderr


def test_a_catalogue_entry_without_its_cause_fails_the_build_saying_which(tmp_path):
    project = copy_project(tmp_path)
    catalogue = project / "hooks/catalogue.yml"
    data = yaml.safe_load(catalogue.read_text(encoding="utf-8"))
    del data["AIOHTTP_REQUIRED"]["cause"]
    catalogue.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    done = build(project, tmp_path / "site")
    assert done.returncode != 0
    for language in LANGUAGES:
        assert NO_CAUSE.format(name="AIOHTTP_REQUIRED", language=language) in done.stderr, done.stderr
    assert "KeyError" not in done.stderr
