"""A page that lies fails: each mutation of a copy of the English troubleshooting
page turns a passing block into a failing one."""

from pathlib import Path

import pytest

from doctest_harness.blocks import BlockFailure, DocBlock, page_blocks
from doctest_harness.runners import RUNNERS

REPO = Path(__file__).resolve().parents[2]
PAGE = Path("docs/en/troubleshooting.md")

MUTATIONS = {
    "quoted message reworded": ("execution timeout\n", "execution timed out\n"),
    "quoted message detail changed": ("Tool Read failed: file not found ...", "Tool Read failed: no such file ..."),
    "curl endpoint renamed": ("curl http://localhost:8080/health", "curl http://localhost:8080/healthz"),
    "tool name in Python misspelt": ('await Read(path="nonexistent.txt")', 'await Reed(path="nonexistent.txt")'),
    "Go struct field misspelt": ("config.Timeout = 60 * time.Second", "config.TimeOut = 60 * time.Second"),
}


def block_at(blocks: list[DocBlock], line: int) -> DocBlock:
    for block in blocks:
        last = block.fence.line + block.fence.code.count("\n") + 1
        if block.fence.line <= line <= last:
            return block
    raise LookupError(f"no block spans line {line}")


@pytest.mark.parametrize(("old", "new"), MUTATIONS.values(), ids=MUTATIONS.keys())
def test_mutated_block_fails_where_the_original_passes(tmp_path, doc_session, old, new):
    text = (REPO / PAGE).read_text(encoding="utf-8")
    assert old in text, f"the page no longer contains {old!r}: update this test"
    line = text[: text.index(old)].count("\n") + 1
    copy = tmp_path / PAGE
    copy.parent.mkdir(parents=True)
    copy.write_text(text.replace(old, new, 1), encoding="utf-8")

    original = block_at(page_blocks(REPO / PAGE, REPO), line)
    mutated = block_at(page_blocks(copy, tmp_path), line)

    RUNNERS[original.kind](original, doc_session)
    with pytest.raises(BlockFailure) as failure:
        RUNNERS[mutated.kind](mutated, doc_session)
    assert str(failure.value).startswith(f"{PAGE.as_posix()}:{mutated.fence.line}")
