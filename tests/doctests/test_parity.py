"""zh and en carry the same pages and blocks; few blocks are not run in CI."""

import pytest

from doctest_harness import messages
from doctest_harness.blocks import page_blocks, site_pages
from doctest_harness.parity import differences, normalize_code
from tests.doctests.conftest import REPO
from tests.doctests.pages import parse

DOCS = REPO / "docs"
MAX_NOT_RUN_PER_LANGUAGE = 3


def test_both_languages_have_the_same_pages():
    zh = [p.relative_to(DOCS / "zh") for p in site_pages(REPO, "zh")]
    en = [p.relative_to(DOCS / "en") for p in site_pages(REPO, "en")]
    assert zh and zh == en


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_at_most_three_blocks_per_language_are_not_run(lang):
    not_run = [b.location for p in site_pages(REPO, lang) for b in page_blocks(p, REPO) if b.not_run_reason]
    assert len(not_run) <= MAX_NOT_RUN_PER_LANGUAGE, not_run


def test_comments_and_printed_prose_are_set_aside():
    zh = 'log.Printf("服务器启动失败: %v", err)  // 记录\nx := 1 // 注释\ncurl http://localhost:8080/health\n'
    en = 'log.Printf("server failed to start: %v", err)  // log it\nx := 1 // comment\ncurl http://localhost:8080/health\n'
    assert normalize_code(zh, "go") == normalize_code(en, "go")


def test_code_changes_are_not_set_aside():
    assert normalize_code('r = await Read(path="a.txt")\n', "python") != normalize_code(
        'r = await Read(path="b.txt")\n', "python"
    )


def blocks(tmp_path, zh, en):
    return list(parse(tmp_path, zh, "zh").blocks), list(parse(tmp_path, en, "en").blocks)


def test_translated_notes_and_diagrams_are_the_same_blocks(tmp_path):
    zh, en = blocks(
        tmp_path,
        "```bash\nbrew x\n```\n**CI 不运行：**只有 macOS。\n\n```text\n客户端 → 桥接\n```\n",
        "```bash\nbrew x\n```\n**Not run in CI:** macOS only.\n\n```text\nclient → bridge\n```\n",
    )
    assert differences(zh, en, "docs/zh/page.md", "en") == []


def test_a_note_only_one_language_has_differs(tmp_path):
    zh, en = blocks(tmp_path, "```bash\nfalse\n```\n**退出码 1：**失败。\n", "```bash\nfalse\n```\n")
    assert differences(zh, en, "docs/zh/page.md", "en") == [
        messages.PARITY_DIFFERS.format(
            where="docs/zh/page.md:1", other="docs/en/page.md:1", what="exit code", mine=1, theirs=0
        )
    ]


def test_a_missing_block_is_counted(tmp_path):
    zh, en = blocks(tmp_path, "```bash\ntrue\n```\n\n```bash\ntrue\n```\n", "```bash\ntrue\n```\n")
    assert differences(zh, en, "docs/zh/page.md", "en") == [
        messages.PARITY_COUNT.format(where="docs/zh/page.md", count=2, lang="en", other_count=1)
    ]
