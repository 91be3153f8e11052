"""The site in a real browser: Debian's chromium through Playwright, one browser and one build shared.

Every page in both languages loads with no console error, no failed request and no request to
another host; tabs and linked tabs switch; the language switch keeps the page and the section; each
language searches its own pages; the copy button copies exactly the code; nothing scrolls
sideways at 390 px; axe-core finds no serious or critical violation. Screenshots of both
languages, light and dark, are saved under .cache/site-screenshots/ (printed with -s).
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from site_build import LANGUAGE_ROOT, LANGUAGES, PAGES, REPO
from site_server import SiteServer

from conftest import SUBPATH
from mkdocs_mdc import iter_fences

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = REPO / "node_modules/axe-core/axe.min.js"
SCREENSHOTS = REPO / ".cache/site-screenshots"
MOBILE_WIDTH = 390
SERIOUS = {"serious", "critical"}
# zh queries readers type, and the section each must find first.
ZH_QUERIES = {
    "连接错误": "troubleshooting.html#bridge-not-running",
    "端口被占用": "troubleshooting.html#port-busy",
    "超时": "troubleshooting.html#execution-timeout",
}


def require(path: Path, how: str) -> None:
    """A missing tool skips locally and fails under CI=true, where set-up must install it."""
    if path.exists():
        return
    message = f"missing {path}: {how}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (CI=true: a missing tool is a failure)", pytrace=False)
    pytest.skip(message)


# One browser and one server for this module; they stop when its last test is done, so Playwright's
# event loop is gone before the doc-tests, which run event loops of their own, start.
@pytest.fixture(scope="module")
def server(site):
    with SiteServer(site.serve_root, site.port, urlsplit(site.url).path) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    require(CHROMIUM, "install it with `apt-get install -y chromium fonts-noto-cjk`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """What the browser did in a context: every request, and what went wrong."""

    origin: str
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    @property
    def external(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(self.origin)]

    def problems(self) -> list[str]:
        return (
            [f"external request: {url}" for url in self.external]
            + [f"failed request: {url}" for url in self.failed]
            + [f"console error: {text}" for text in self.console_errors]
        )

    def response(self, response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url} ({response.status})")

    def console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url')})")


def watch(context, origin: str) -> Visit:
    """Record what the context's pages request; a request to another host is recorded and never sent."""
    visit = Visit(origin)
    context.route(lambda url: not url.startswith(origin), lambda route: route.abort())
    context.on("request", lambda request: visit.requests.append(request.url))
    context.on("requestfailed", lambda request: visit.failed.append(f"{request.url} ({request.failure})"))
    context.on("response", visit.response)
    context.on("console", visit.console)
    context.on("weberror", lambda error: visit.console_errors.append(str(error.error)))
    return visit


def url_of(site, language: str, page: str) -> str:
    return f"{site.url}{LANGUAGE_ROOT[language]}{page}.html"


# A page that does not do what a test waits for fails in seconds, not Playwright's default 30.
WAIT_MS = 10_000


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    yield context
    context.close()


def test_every_page_loads_clean_in_both_languages_and_fits_390px(site, server, context):
    visit = watch(context, server.origin)
    opened = {}
    for language in LANGUAGES:  # all pages load at once: the waits for the network to settle overlap
        for name in PAGES:
            page = context.new_page()
            page.goto(url_of(site, language, name), wait_until="commit")
            opened[f"{language}/{name}"] = page
    problems = []
    for where, page in opened.items():
        page.wait_for_load_state("networkidle")
        page.set_viewport_size({"width": MOBILE_WIDTH, "height": 800})
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            problems.append(f"{where}: {overflow} px of horizontal scroll at {MOBILE_WIDTH} px")
    problems += visit.problems()
    assert not problems, "\n".join(problems)
    # Each language's pages load their own search index.
    indexes = {url for url in visit.requests if url.endswith("search/search_index.json")}
    assert indexes == {f"{site.url}search/search_index.json", f"{site.url}en/search/search_index.json"}


def test_each_tab_shows_its_block_and_linked_tabs_follow(site, server, context):
    page = context.new_page()
    page.goto(url_of(site, "en", "troubleshooting"))
    sets = page.locator(".tabbed-set")
    for index in range(sets.count()):
        tabs = sets.nth(index)
        labels = tabs.locator(":scope > .tabbed-labels > label")
        blocks = tabs.locator(":scope > .tabbed-content > .tabbed-block")
        for position in range(labels.count()):
            labels.nth(position).click()
            visible = blocks.evaluate_all("blocks => blocks.map(block => block.checkVisibility())")
            assert visible == [other == position for other in range(len(visible))], labels.nth(position).inner_text()
    # Linked tabs: choosing "Python" in one code group chooses it in every group that has it.
    page.reload()
    python = page.locator(":scope > .tabbed-labels > label", has_text=re.compile("^Python$"))
    groups = page.locator(".tabbed-set").filter(has=python)
    assert groups.count() >= 2
    groups.nth(0).locator(python).click()
    page.wait_for_function(
        """() => [...document.querySelectorAll('.tabbed-set > .tabbed-labels > label')]
            .filter(label => label.textContent.trim() === 'Python')
            .every(label => document.getElementById(label.htmlFor).checked)""",
    )


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (("zh", "troubleshooting", "port-busy"), "en"),
        (("en", "troubleshooting", "bearer-token"), "zh"),
        (("zh", "errors", "listen-failed"), "en"),
    ],
)
def test_the_language_switch_keeps_the_page_and_the_section(site, server, context, start, target):
    language, name, section = start
    page = context.new_page()
    page.goto(f"{url_of(site, language, name)}#{section}")
    page.hover(".md-header__option .md-select")
    page.click(f"a.md-select__link[hreflang='{target}']")
    page.wait_for_url(f"{url_of(site, target, name)}#{section}")
    assert page.locator(f"#{section}").is_visible()
    top = page.evaluate(f"document.getElementById('{section}').getBoundingClientRect().top")
    assert 0 <= top < 300  # the section is where the reader is


def test_the_language_switch_keeps_a_section_reached_by_scrolling(site, server, context):
    page = context.new_page()
    page.goto(url_of(site, "zh", "troubleshooting"))
    page.evaluate("document.getElementById('host-refused').scrollIntoView()")
    page.wait_for_timeout(300)  # Material ignores the first scroll (a jump to an anchor), debounced by 250 ms
    page.mouse.wheel(0, 200)
    page.wait_for_function("location.hash !== ''")  # navigation.tracking: the address follows the reading
    section = page.evaluate("location.hash")
    page.hover(".md-header__option .md-select")
    page.click("a.md-select__link[hreflang='en']")
    page.wait_for_url(f"{url_of(site, 'en', 'troubleshooting')}{section}")


def search(page, query: str) -> list[str]:
    """The result links Material shows for ``query``, best first, as absolute URLs without ``?h=``."""
    page.click(".md-search__input")
    page.fill(".md-search__input", query)
    page.keyboard.press("End")  # Material searches on keyup, as when an input method commits the words
    page.locator(".md-search-result__list a.md-search-result__link").first.wait_for()
    links = page.evaluate(
        "() => [...document.querySelectorAll('.md-search-result__list a.md-search-result__link')].map(a => a.href)"
    )
    return [re.sub(r"\?h=[^#]*", "", link) for link in links]


def test_each_language_searches_its_own_pages(site, server, context):
    page = context.new_page()
    page.goto(url_of(site, "en", "troubleshooting"))
    hits = search(page, "allowed_callers")
    assert hits and all(hit.startswith(f"{site.url}en/") for hit in hits), hits
    page.goto(url_of(site, "zh", "troubleshooting"))
    hits = search(page, "allowed_callers")
    assert hits and not any(hit.startswith(f"{site.url}en/") for hit in hits), hits


@pytest.mark.parametrize(("query", "section"), ZH_QUERIES.items())
def test_zh_queries_find_the_section_readers_look_for(site, server, context, query, section):
    page = context.new_page()
    page.goto(url_of(site, "zh", "index"))
    hits = search(page, query)
    assert f"{site.url}{section}" in hits[:2], hits


def test_headings_without_text_are_not_hits(site, server, context):
    page = context.new_page()
    page.goto(url_of(site, "zh", "troubleshooting"))
    hits = search(page, "常见错误")
    assert f"{site.url}troubleshooting.html#common-errors" not in hits


# Every block of the home page, and the troubleshooting page's first sections: blocks in an alert,
# in each tab of a code group (one with a CI note under it), in list items, and on their own.
COPY_CHECKS = [("en", "index", None), ("zh", "troubleshooting", 12)]


@pytest.mark.parametrize(("language", "name", "blocks_checked"), COPY_CHECKS)
def test_the_copy_button_copies_exactly_the_code(site, server, browser, language, name, blocks_checked):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto(url_of(site, language, name))
    source = (REPO / "docs" / language / f"{name}.md").read_text(encoding="utf-8")
    fences = iter_fences(source)
    blocks = page.locator(".md-content pre:has(> code)")
    assert blocks.count() == len(fences)
    for index, fence in enumerate(fences[:blocks_checked]):
        block = blocks.nth(index)
        tab = block.locator("xpath=ancestor::div[contains(@class, 'tabbed-block')][1]")
        if tab.count():
            position = tab.evaluate("block => [...block.parentElement.children].indexOf(block)")
            labels = tab.locator("xpath=../../div[contains(@class, 'tabbed-labels')]/label")
            labels.nth(position).click()
        block.hover()
        block.locator("button.md-code__button[data-md-type='copy']").click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.rstrip("\n") == fence.code.rstrip("\n"), f"{name}.md:{fence.line}"
    context.close()


# Every page in the light palette; the dark one changes only colours, so there only the colour rules
# run, on the pages with the most code.
AXE_RUNS = {"light": (PAGES, None), "dark": (["troubleshooting", "errors"], ["color-contrast"])}


def test_axe_finds_no_serious_violation_and_screenshots_both_languages_and_palettes(site, server, browser):
    require(AXE, "run `make test`, which installs axe-core from package-lock.json (npm ci)")
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    violations = []
    for scheme, (names, rules) in AXE_RUNS.items():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
        context.set_default_timeout(WAIT_MS)
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        options = {"resultTypes": ["violations"], **({"runOnly": rules} if rules else {})}
        for language in LANGUAGES:
            for name in names:
                page.goto(url_of(site, language, name))
                # The site's content and its CSS; Material's own header, navigation and footer are not ours.
                result = page.evaluate("options => axe.run('.md-content', options)", options)
                for violation in result["violations"]:
                    if violation["impact"] in SERIOUS:
                        targets = [node["target"] for node in violation["nodes"]][:5]
                        violations.append(
                            f"{scheme} {language}/{name}: {violation['id']} {violation['help']} {targets}"
                        )
                if name == "troubleshooting":
                    page.screenshot(path=str(SCREENSHOTS / f"{language}-{scheme}.png"))
        context.close()
    print(f"\nscreenshots: {SCREENSHOTS}")
    assert sorted(path.name for path in SCREENSHOTS.iterdir()) == [
        f"{language}-{scheme}.png" for language in sorted(LANGUAGES) for scheme in ("dark", "light")
    ]
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_page_gets_the_404_page_of_its_language_under_the_subpath(site, server, context, language):
    visit = watch(context, server.origin)
    page = context.new_page()
    missing = f"{site.url}{LANGUAGE_ROOT[language]}no-such-page/at/depth.html"
    answer = page.goto(missing, wait_until="networkidle")
    assert answer.status == 404
    title = {"zh": "404 - 页面不存在", "en": "404 - Page not found"}[language]
    assert page.locator("h1").inner_text() == title
    # Only the missing page itself failed: styles, scripts and the search index load from the subpath.
    assert [problem for problem in visit.problems() if missing not in problem] == []
    assert page.locator("link[rel=stylesheet]").first.evaluate("link => link.sheet !== null")
    page.click(f"a[href='/{SUBPATH}{LANGUAGE_ROOT[language]}index.html']")
    page.wait_for_url(url_of(site, language, "index"))
