"""Each language of the site is a site of its own: search index, 404 page, llms.txt, sitemap, hreflang.

mkdocs-static-i18n 1.3 builds the default language (zh) at the root and every other language under
``<language>/``, in builds nested inside the default one's ``on_post_build``, all writing into the
same ``site_dir``. Left alone, the files each build writes at the root (``search/search_index.json``,
``404.html``, ``llms.txt``, ``sitemap.xml``) are overwritten by the next build, or merged into one
for every language: one search index serves both languages and the hit opens the other language's
page. This hook writes each language's own file under its own root and points that language's
pages at it:

- search: ``<root>/search/search_index.json`` holds that language's pages only (sections without
  text are left out: a heading with nothing under it is not a hit), and the pages of a language
  under ``<language>/`` get that folder as Material's ``base``, where its JavaScript looks for the
  index (and for ``sitemap.xml``);
- 404: ``<root>/404.html`` in that language, with absolute links, so it works at any depth and
  under the subpath of ``site_url``;
- llms.txt: ``<root>/llms.txt``, listing that language's pages (mkdocs-llmstxt, reconfigured per
  language from hooks/site_text.yml);
- sitemap: ``sitemap.xml`` lists every page with absolute hreflang alternates and ``x-default``;
  ``<language>/sitemap.xml`` that language's pages (a sitemap only lists URLs under its folder);
- hreflang: each page's ``<link rel="alternate" hreflang>`` links are absolute, plus ``x-default``.
"""

from __future__ import annotations

import gzip
import html
import json
import posixpath
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.sax.saxutils import quoteattr

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from site_text import site_text

# static-i18n's events run at priority -100: its on_config sets the language, its on_files picks the
# language's files, its on_post_build runs the other languages' builds and merges the search index.
AFTER_I18N = -110
AFTER_I18N_FILES = -120  # and after hooks/i18n_gen_files.py has put the generated pages back
BEFORE_I18N_POST_BUILD = -50  # after llmstxt (0) has written llms.txt, before the next language's build
AFTER_I18N_POST_BUILD = -200
NOT_FOUND = "404.html"
LLMS_TXT = "llms.txt"
SEARCH_INDEX = "search/search_index.json"
SITEMAP = "sitemap.xml"
X_DEFAULT = "x-default"
CONFIG_SCRIPT = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.DOTALL)
HREFLANG_LINK = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\s*\n?')
SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml"'

# i18n nests the other languages' builds inside the default one's on_post_build, where its
# current_language is already the last language built: keep our own stack of the builds under way.
_building: list[str] = []
_not_found: dict[str, str] = {}
_llms: dict[str, str] = {}


def _i18n(config: MkDocsConfig):
    return config.plugins["i18n"]


def _search_plugin(config: MkDocsConfig):
    return config.plugins.get("material/search") or config.plugins["search"]


def language_root(language: str, default: str) -> str:
    """Where a language's site starts, relative to the site root: '' for zh, 'en/' for en."""
    return "" if language == default else f"{language}/"


def _language_of(location: str, languages: list[str], default: str) -> str:
    top = location.split("/", 1)[0]
    return top if top in languages and top != default and "/" in location else default


def nav_pages(nav: list) -> list[str]:
    """The pages of mkdocs.yml's ``nav`` in order (their paths inside a language folder)."""
    pages = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            pages += nav_pages(value)
        elif isinstance(value, str) and value.endswith(".md"):
            pages.append(value)
    return pages


# --- config and files ---------------------------------------------------------------------------
@event_priority(AFTER_I18N)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    language = _i18n(config).current_language
    _building.append(language)
    llms = site_text()[language]["llms"]
    plugin = config.plugins["llmstxt"]
    plugin.config.sections = {llms["section"]: [f"{language}/{page}" for page in nav_pages(config.nav or [])]}
    plugin.config.markdown_description = llms["description"]
    return config


@event_priority(AFTER_I18N_FILES)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    # llmstxt picked its pages (on_files, priority 0) among every language's files; i18n has since
    # kept only this language's: let it pick again, or it warns about the other language's pages.
    return config.plugins["llmstxt"].on_files(files, config=config) or files


def on_env(env, config: MkDocsConfig, files: Files):
    env.globals["site_text"] = site_text()[_i18n(config).current_language]
    return env


def on_build_error(error: Exception) -> None:
    _building.clear()


# --- pages ---------------------------------------------------------------------------------------
def set_base(output: str, base: str) -> str:
    """Material's ``__config.base``: where its JavaScript finds the search index and the sitemap."""

    def replace(match: re.Match[str]) -> str:
        data = json.loads(match[2])
        data["base"] = base
        return match[1] + json.dumps(data, ensure_ascii=False) + match[3]

    return CONFIG_SCRIPT.sub(replace, output, count=1)


def alternate_urls(
    alternates: dict[str, File], languages: list[str], default: str, site_url: str
) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) of each language of a page, then x-default: the default language's."""
    urls = [(language, urljoin(site_url, alternates[language].url)) for language in languages if language in alternates]
    if default in alternates:
        urls.append((X_DEFAULT, urljoin(site_url, alternates[default].url)))
    return urls


def hreflang_links(alternates: dict[str, File], languages: list[str], default: str, site_url: str) -> list[str]:
    return [
        f'<link rel="alternate" href="{html.escape(href)}" hreflang="{language}">'
        for language, href in alternate_urls(alternates, languages, default, site_url)
    ]


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    i18n = _i18n(config)
    language = i18n.current_language
    alternates = getattr(page.file, "alternates", {})
    links = hreflang_links(alternates, i18n.build_languages, i18n.default_language, config.site_url)
    first = HREFLANG_LINK.search(output)
    if first and links:
        output = HREFLANG_LINK.sub("", output)
        output = output[: first.start()] + "".join(f"      {link}\n" for link in links) + output[first.start() :]
    root = language_root(language, i18n.default_language)
    if root:
        page_dir = posixpath.dirname(page.file.dest_uri)
        output = set_base(output, posixpath.relpath(root.rstrip("/"), page_dir or "."))
    return output


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    if template_name != NOT_FOUND:
        return output
    i18n = _i18n(config)
    language = i18n.current_language
    root = language_root(language, i18n.default_language)
    if root:  # the 404 page's links are absolute from site_url's path; its base is the language's root
        output = set_base(output, posixpath.join(urlsplit(config.site_url).path, root).rstrip("/"))
    _not_found[language] = output
    return output


# --- after each language's build -----------------------------------------------------------------
def search_index(entries: list[dict], index_config: dict, language: str, languages: list[str], default: str) -> str:
    """The search index of one language: its pages, located from its root, without empty sections."""
    root = language_root(language, default)
    docs = [
        {**entry, "location": entry["location"][len(root) :]}
        for entry in entries
        if _language_of(entry["location"], languages, default) == language
        and not ("#" in entry["location"] and not entry["text"].strip())
    ]
    # Every index understands English (code, commands, messages) besides its own language.
    config = dict(index_config, lang=[lang for lang in index_config["lang"] if lang in ("en", language)])
    return json.dumps({"config": config, "docs": docs}, ensure_ascii=False, separators=(",", ":"))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@event_priority(BEFORE_I18N_POST_BUILD)
def _keep_llms_txt(config: MkDocsConfig) -> None:
    written = Path(config.site_dir, LLMS_TXT)
    if written.is_file():
        _llms[_building[-1]] = written.read_text(encoding="utf-8")


def sitemap(pages: list[File], languages: list[str], default: str, site_url: str) -> str:
    """A sitemap of ``pages`` with each page's alternates in every language and x-default."""
    urls = []
    for page in pages:
        alternates = "".join(
            f'\n    <xhtml:link rel="alternate" hreflang={quoteattr(language)} href={quoteattr(href)}/>'
            for language, href in alternate_urls(getattr(page, "alternates", {}), languages, default, site_url)
        )
        loc = html.escape(urljoin(site_url, page.url), quote=False)
        urls.append(f"  <url>\n    <loc>{loc}</loc>{alternates}\n  </url>")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {SITEMAP_NS}>\n' + "\n".join(urls) + "\n</urlset>\n"


def _write_sitemaps(config: MkDocsConfig) -> None:
    i18n = _i18n(config)
    languages, default = i18n.build_languages, i18n.default_language
    site = Path(config.site_dir)
    every_page = [page for language in languages for page in i18n.i18n_files_per_language.get(language, [])]
    text = sitemap(every_page, languages, default, config.site_url)
    _write(site / SITEMAP, text)
    (site / f"{SITEMAP}.gz").write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    for language in languages:
        if root := language_root(language, default):
            pages = i18n.i18n_files_per_language.get(language, [])
            _write(site / root / SITEMAP, sitemap(pages, languages, default, config.site_url))


@event_priority(AFTER_I18N_POST_BUILD)
def _write_language_files(config: MkDocsConfig) -> None:
    language = _building.pop()
    i18n = _i18n(config)
    root = Path(config.site_dir, language_root(language, i18n.default_language))
    plugin = _search_plugin(config)
    index_config = {key: plugin.config[key] for key in ("lang", "separator", "pipeline", "fields")}
    index = search_index(
        plugin.search_index.entries, index_config, language, i18n.build_languages, i18n.default_language
    )
    _write(root / SEARCH_INDEX, index)
    if language in _not_found:
        _write(root / NOT_FOUND, _not_found.pop(language))
    if language in _llms:
        _write(root / LLMS_TXT, _llms.pop(language))
    if not _building:  # the outermost build: every language is built
        _write_sitemaps(config)


on_post_build = CombinedEvent(_keep_llms_txt, _write_language_files)
