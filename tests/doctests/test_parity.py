"""zh and en carry the same pages and the same blocks; few blocks are declared not runnable."""

from pathlib import Path

import pytest

from doctest_harness.blocks import Kind, page_blocks, site_pages
from doctest_harness.parity import differences, normalize_code

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"

MAX_NOT_RUN_PER_LANGUAGE = 3


def test_both_languages_have_the_same_pages():
    zh = [p.relative_to(DOCS / "zh") for p in site_pages(REPO, "zh")]
    en = [p.relative_to(DOCS / "en") for p in site_pages(REPO, "en")]
    assert zh and zh == en


@pytest.mark.parametrize("page", [p.relative_to(DOCS / "zh") for p in site_pages(REPO, "zh")], ids=str)
def test_translation_carries_the_same_blocks(page):
    zh = page_blocks(DOCS / "zh" / page, REPO)
    en = page_blocks(DOCS / "en" / page, REPO)
    assert differences(zh, en) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_at_most_three_blocks_per_language_are_not_run(lang):
    not_run = [b.location for p in site_pages(REPO, lang) for b in page_blocks(p, REPO) if b.kind is Kind.NOT_RUN]
    assert len(not_run) <= MAX_NOT_RUN_PER_LANGUAGE, not_run


def test_comments_and_printed_prose_are_set_aside():
    zh = 'log.Printf("服务器启动失败: %v", err)  // 记录\nx := 1 // 注释\ncurl http://localhost:8080/health\n'
    en = 'log.Printf("server failed to start: %v", err)  // log it\nx := 1 // comment\ncurl http://localhost:8080/health\n'
    assert normalize_code(zh, "go") == normalize_code(en, "go")


def test_code_changes_are_not_set_aside():
    assert normalize_code('r = await Read(path="a.txt")\n', "python") != normalize_code(
        'r = await Read(path="b.txt")\n', "python"
    )
