"""The error catalogue: every message aster_ref prints, when it appears, and the section that fixes it.

The messages come from ``aster_ref.messages`` (every module-level string constant), the causes and
sections from ``hooks/catalogue.yml``. ``hooks/gen_pages.py`` renders the catalogue page of each
language, ``hooks/page_content.py`` the message index at the top of the troubleshooting page, and
``tests/site/test_pages.py`` checks that every message has an entry, and a section in every language
that quotes it (``problems``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from page_headings import headings, section_text
from site_text import page_start, site_text

from aster_ref import messages as messages_module

CATALOGUE = Path(__file__).resolve().parent / "catalogue.yml"
CATALOGUE_PAGE = "errors.md"
TROUBLESHOOTING_PAGE = "troubleshooting.md"

_PLACEHOLDER = re.compile(r"\{(\w+)[^}]*\}")
# A format field, not an escaped brace ({{ or }}).
_FIELD = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})")
# How much of a message's text a section must quote: a page may cut a quote short with `...`.
QUOTED_PREFIX = 24
SHORTEST_FRAGMENT = 8

NO_ENTRY = (
    "aster_ref.messages.{name} has no entry in hooks/catalogue.yml: add one with the section that fixes it "
    "(section: PAGE.md#ID) and when it appears (cause: one line per language: {languages})"
)
NO_MESSAGE = "hooks/catalogue.yml has an entry {name} for a message aster_ref.messages no longer defines: remove it"
NO_CAUSE = "hooks/catalogue.yml: {name} has no cause in {language}"
NO_SECTION = "hooks/catalogue.yml: {name} points at {section}, but docs/{language}/{page} has no heading {{#{anchor}}}"
NOT_QUOTED = (
    "hooks/catalogue.yml: {name} points at {section}, but that section of docs/{language}/{page} does not quote "
    "the message: none of {fragments} is in it"
)


@dataclass(frozen=True)
class Entry:
    name: str  # the constant in aster_ref.messages, e.g. LISTEN_FAILED
    template: str  # its text, with {placeholders}
    page: str  # the page of the section that fixes it, e.g. troubleshooting.md
    anchor: str  # the id of that section
    cause: dict[str, str]  # language -> text

    @property
    def id(self) -> str:
        """The entry's anchor on the catalogue page: LISTEN_FAILED -> listen-failed."""
        return self.name.lower().replace("_", "-")

    @property
    def text(self) -> str:
        """The message as a reader meets it: ``Tool {tool} failed`` -> ``Tool <tool> failed``."""
        return _PLACEHOLDER.sub(r"<\1>", self.template).strip()


def quotable_fragments(template: str) -> list[str]:
    """The parts of a message's text between its placeholders that a quote of it shows, each cut to
    QUOTED_PREFIX characters: ``no endpoint {path}; endpoints: /health, ...`` -> ``no endpoint``, ...
    Parts shorter than SHORTEST_FRAGMENT (``: ``) say nothing, unless the message has no longer one."""
    parts = [part.replace("{{", "{").replace("}}", "}").strip() for part in _FIELD.split(template)]
    parts = [part for part in parts if part]
    long_enough = [part for part in parts if len(part) >= SHORTEST_FRAGMENT] or parts
    return [part[:QUOTED_PREFIX].strip() for part in long_enough]


def messages() -> dict[str, str]:
    """Every message aster_ref prints: its module-level string constants, in definition order."""
    return {name: value for name, value in vars(messages_module).items() if name.isupper() and isinstance(value, str)}


def load_catalogue() -> dict:
    return yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))


def entries() -> list[Entry]:
    """The catalogue entries of the messages that have one, in aster_ref.messages order."""
    data = load_catalogue()
    found = []
    for name, template in messages().items():
        if name in data:
            entry = data[name] or {}
            page, _, anchor = str(entry.get("section", "")).partition("#")  # none: problems() says so
            found.append(Entry(name, template, page, anchor, entry.get("cause") or {}))
    return found


def problems(docs: Path, languages: list[str]) -> list[str]:
    """What keeps the catalogue from covering every message in every language, one line each."""
    data = load_catalogue()
    defined = messages()
    found = [NO_ENTRY.format(name=name, languages=", ".join(languages)) for name in defined if name not in data]
    found += [NO_MESSAGE.format(name=name) for name in data if name not in defined]
    texts: dict[tuple[str, str], str] = {}
    for entry in entries():
        where = {"name": entry.name, "section": f"{entry.page}#{entry.anchor}", "page": entry.page}
        for language in languages:
            if not entry.cause.get(language):
                found.append(NO_CAUSE.format(name=entry.name, language=language))
            key = (language, entry.page)
            if key not in texts:
                page = docs / language / entry.page
                texts[key] = page.read_text(encoding="utf-8") if page.is_file() else ""
            section = section_text(texts[key], entry.anchor)
            if section is None:
                found.append(NO_SECTION.format(**where, language=language, anchor=entry.anchor))
                continue
            fragments = quotable_fragments(entry.template)
            shown = " ".join(section.split())
            if not any(fragment in shown for fragment in fragments):
                listed = ", ".join(f"`{fragment}`" for fragment in fragments)
                found.append(NOT_QUOTED.format(**where, language=language, fragments=listed))
    return found


def section_titles(docs: Path, language: str) -> dict[str, dict[str, str]]:
    """The titles of the sections the catalogue points at, by page and id, in ``docs/<language>/``."""
    titles = {}
    for page in sorted({entry.page for entry in entries()} | {TROUBLESHOOTING_PAGE}):
        text = (docs / language / page).read_text(encoding="utf-8")
        titles[page] = {heading.id: heading.title for heading in headings(text) if heading.id}
    return titles


def _code(text: str) -> str:
    """``text`` as an inline code span, whatever backticks it holds."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _fix_link(entry: Entry, titles: dict[str, dict[str, str]], from_page: str) -> str:
    title = titles[entry.page].get(entry.anchor, entry.anchor)
    target = f"#{entry.anchor}" if entry.page == from_page else f"{entry.page}#{entry.anchor}"
    return f"[{title}]({target})"


def catalogue_page(docs: Path, language: str) -> str:
    """The catalogue page of one language, as Markdown."""
    text = site_text()[language]["catalogue"]
    titles = section_titles(docs, language)
    lines = page_start(text, "error-catalogue", text["intro"].format(troubleshooting=TROUBLESHOOTING_PAGE))
    for entry in entries():
        lines += [
            f"## {_code(entry.text)} {{#{entry.id}}}",
            "",
            f"{text['cause']} {entry.cause[language]}",
            "",
            f"{text['fix']} {_fix_link(entry, titles, CATALOGUE_PAGE)}",
            "",
        ]
    return "\n".join(lines)


def message_index(docs: Path, language: str) -> str:
    """The table of every message, sorted by text, for the top of the troubleshooting page."""
    text = site_text()[language]["message_index"]
    titles = section_titles(docs, language)
    rows = [f"| {text['message']} | {text['fix']} | {text['catalogue']} |", "|---|---|---|"]
    for entry in sorted(entries(), key=lambda entry: entry.text.casefold()):
        message = _code(entry.text).replace("|", "\\|")
        fix = _fix_link(entry, titles, TROUBLESHOOTING_PAGE)
        rows.append(f"| {message} | {fix} | [{text['catalogue_link']}]({CATALOGUE_PAGE}#{entry.id}) |")
    return "\n".join(rows) + "\n"
