"""The pages' sources and the generated pages, without building: section ids, zh punctuation, and
an error catalogue that covers every message aster_ref prints."""

import re

import message_catalogue
import pytest
from cli_reference import reference_page, subcommands
from message_catalogue import (
    NO_ENTRY,
    NO_MESSAGE,
    NO_SECTION,
    NOT_QUOTED,
    catalogue_page,
    load_catalogue,
    messages,
    problems,
)
from page_headings import headings
from site_build import LANGUAGES, REPO
from site_text import site_text

from aster_ref import messages as messages_module
from aster_ref.cli import build_parser

DOCS = REPO / "docs"
PAGE_NAMES = sorted(path.name for path in (DOCS / "zh").glob("*.md"))
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
HALF_WIDTH = re.compile(r"[,:;!?()]")
# What is not prose in a page's Markdown: inline code, link targets, autolinks and HTML tags,
# attribute lists ({#id}, {: .class }), and table rules.
NOT_PROSE = [
    re.compile(r"(`+)(?:(?!\1).)+\1"),
    re.compile(r"\]\([^)]*\)"),
    re.compile(r"<[^>\n]*>"),
    re.compile(r"\{[:#.][^}]*\}|\{ *\.[^}]*\}"),
    re.compile(r"^\s*\|?[\s:|-]+\|[\s:|-]*$"),
]
MDC_LINE = re.compile(r"^\s*::")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def prose_lines(markdown: str) -> list[tuple[int, str]]:
    """The lines of ``markdown`` that readers read as text, with code, comments and markup taken out."""
    lines = markdown.split("\n")
    found = []
    fence = None
    in_comment = in_props = in_front_matter = False
    props_start = 0
    for number, line in enumerate(lines, start=1):
        if number == 1 and line == "---":
            in_front_matter = True
            continue
        if in_front_matter:
            if line == "---":
                in_front_matter = False
            elif not line.lstrip().startswith("#") and ":" in line:
                found.append((number, line.split(":", 1)[1]))  # a value: title, description
            continue
        if fence:
            fence = None if FENCE.match(line) and FENCE.match(line)[1].startswith(fence) else fence
            continue
        if FENCE.match(line):
            fence = FENCE.match(line)[1]
            continue
        if in_comment or line.lstrip().startswith("<!--"):
            in_comment = "-->" not in line
            continue
        if in_props:  # the YAML props of an MDC block: ::card, then --- ... ---
            in_props = number == props_start or line.strip() != "---"
            continue
        if MDC_LINE.match(line):
            in_props = number < len(lines) and lines[number].strip() == "---"
            props_start = number + 1
            continue
        for pattern in NOT_PROSE:
            line = pattern.sub(" ", line)
        found.append((number, line))
    return found


def half_width_punctuation(markdown: str) -> list[str]:
    """Chinese prose lines that use , : ; ! ? ( ) where Chinese uses ，：；！？（）."""
    return [
        f"line {number}: {line.strip()}"
        for number, line in prose_lines(markdown)
        if CJK.search(line) and HALF_WIDTH.search(line)
    ]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_heading_has_the_same_explicit_id_in_every_language(name):
    ids = {}
    for language in LANGUAGES:
        found = headings((DOCS / language / name).read_text(encoding="utf-8"))
        missing = [f"{language}/{name}:{heading.line} {heading.title}" for heading in found if not heading.id]
        assert not missing, f"headings without an explicit {{#id}}: {missing}"
        ids[language] = [heading.id for heading in found]
    assert all(ids[language] == ids[LANGUAGES[0]] for language in LANGUAGES), ids


def test_ids_are_unique_on_a_page():
    for name in PAGE_NAMES:
        ids = [heading.id for heading in headings((DOCS / "zh" / name).read_text(encoding="utf-8"))]
        assert len(ids) == len(set(ids)), name


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_chinese_prose_uses_full_width_punctuation(name):
    assert half_width_punctuation((DOCS / "zh" / name).read_text(encoding="utf-8")) == []


def test_generated_chinese_pages_and_hints_use_full_width_punctuation():
    text = site_text()["zh"]
    generated = [catalogue_page(DOCS, "zh"), reference_page("zh"), text["ptc_hint"], *text["catalogue"].values()]
    assert [problem for page in generated for problem in half_width_punctuation(page)] == []


def test_the_punctuation_check_reads_prose_not_code():
    page = "---\ntitle: 标题\n---\n\n中文,逗号\n\n`代码,可以`\n\n```bash\n# 注释,可以\n```\n\n[链接](a.md#b,c)：好\n"
    assert half_width_punctuation(page) == ["line 5: 中文,逗号"]


def test_every_message_has_a_catalogue_entry_and_a_section_in_every_language():
    assert problems(DOCS, LANGUAGES) == []
    # Not vacuously: the messages are aster_ref's own, each with its entry.
    assert "EXECUTION_TIMEOUT" in messages()
    assert messages().keys() == load_catalogue().keys()


def test_a_new_message_without_an_entry_fails_saying_what_to_add(monkeypatch):
    monkeypatch.setattr(messages_module, "QUOTA_EXCEEDED", "quota exceeded: {what}", raising=False)
    assert NO_ENTRY.format(name="QUOTA_EXCEEDED", languages="zh, en") in problems(DOCS, LANGUAGES)


def use_catalogue(monkeypatch, tmp_path, text: str) -> None:
    catalogue = tmp_path / "catalogue.yml"
    catalogue.write_text(text, encoding="utf-8")
    monkeypatch.setattr(message_catalogue, "CATALOGUE", catalogue)


def test_an_entry_for_a_removed_message_or_a_missing_section_fails(monkeypatch, tmp_path):
    original = message_catalogue.CATALOGUE.read_text(encoding="utf-8")
    use_catalogue(
        monkeypatch,
        tmp_path,
        original.replace("troubleshooting.md#port-busy", "troubleshooting.md#no-such-section")
        + "\nGONE:\n  section: troubleshooting.md#port-busy\n  cause: {zh: 无, en: none}\n",
    )
    found = problems(DOCS, LANGUAGES)
    assert NO_MESSAGE.format(name="GONE") in found
    missing = NO_SECTION.format(
        name="LISTEN_FAILED",
        section="troubleshooting.md#no-such-section",
        language="en",
        page="troubleshooting.md",
        anchor="no-such-section",
    )
    assert missing in found


def test_an_entry_whose_section_does_not_quote_its_message_fails(monkeypatch, tmp_path):
    # The bad-request section exists, but says nothing of a port that is taken.
    original = message_catalogue.CATALOGUE.read_text(encoding="utf-8")
    use_catalogue(
        monkeypatch, tmp_path, original.replace("troubleshooting.md#port-busy", "troubleshooting.md#bad-request")
    )
    unquoted = NOT_QUOTED.format(
        name="LISTEN_FAILED",
        section="troubleshooting.md#bad-request",
        language="zh",
        page="troubleshooting.md",
        fragments="`Error: cannot listen on`",
    )
    assert unquoted in problems(DOCS, LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_page_has_an_entry_for_every_message(language):
    page = catalogue_page(DOCS, language)
    ids = {heading.id for heading in headings(page)}
    assert {name.lower().replace("_", "-") for name in messages()} <= ids


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_cli_reference_has_every_command_and_option(language):
    page = reference_page(language)
    for name, (_, command) in subcommands(build_parser()).items():
        assert f"## aster-ref {name} {{#{name}}}" in page
        for action in command._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert f"`{option}" in page, (name, option)


def test_pages_named_in_the_nav_exist_in_every_language_or_are_generated():
    nav = re.findall(r":\s*(\S+\.md)\s*$", (REPO / "mkdocs.yml").read_text(encoding="utf-8"), re.MULTILINE)
    generated = {"errors.md", "cli.md"}
    for language in LANGUAGES:
        assert all((DOCS / language / page).is_file() or page in generated for page in nav), nav
