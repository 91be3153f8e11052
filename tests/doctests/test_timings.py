"""A latency block's parts come from the bridge-side call log, and its comments and
prose must state what was measured (logic only: the page's own block runs for real)."""

import pytest

from doctest_harness import messages
from doctest_harness.model import BlockFailure
from doctest_harness.runners.ptc import check_parts
from doctest_harness.timings import Call, CallLog, Part
from tests.doctests.pages import only_block

BLOCK = """
<!-- doctest: latency=Read:1.0 -->
```python
import asyncio

# serial: 3 s
for name in ["a.txt", "b.txt", "c.txt"]:
    await Read(path=name)

# concurrent: ~1 s
await asyncio.gather(*(Read(path=name) for name in ["a.txt", "b.txt", "c.txt"]))
```

Each `Read` takes about {delay}: about {serial} one after another, about 1 s at once.
"""


def log(*spans):
    return CallLog([Call(start, end) for start, end in spans])


def test_calls_one_after_another_then_at_once_are_two_parts():
    parts = log((0, 1), (1, 2), (2, 3), (3, 4), (3.01, 4.01), (3.02, 4.02)).parts()
    assert parts == [Part(3, False, 3), Part(3, True, pytest.approx(1.02))]


def test_calls_that_never_overlap_are_one_part():
    assert log((0, 1), (1, 2), (2, 3), (3, 4)).parts() == [Part(4, False, 4)]


def block(tmp_path, delay="1 s", serial="3 s"):
    return only_block(tmp_path, BLOCK.replace("{delay}", delay).replace("{serial}", serial))


def test_measured_parts_that_match_the_comments_pass(tmp_path):
    check_parts(block(tmp_path), [Part(3, False, 3.05), Part(3, True, 1.02)])


def test_a_block_whose_concurrent_part_ran_serially_fails(tmp_path):
    with pytest.raises(BlockFailure) as failure:
        check_parts(block(tmp_path), [Part(6, False, 6.1)])
    assert str(failure.value) == messages.LATENCY_PARTS.format(
        where="docs/en/page.md:2",
        claimed=2,
        claims="line 5: 3 s, line 9: 1 s",
        tool="Read",
        measured=1,
        parts=messages.PART_SERIAL.format(count=6, seconds=6.1),
    )


def test_a_part_slower_than_its_comment_fails(tmp_path):
    with pytest.raises(BlockFailure) as failure:
        check_parts(block(tmp_path), [Part(3, False, 3.0), Part(3, True, 2.0)])
    assert str(failure.value) == messages.LATENCY_PART.format(
        where="docs/en/page.md:2", line=9, stated="`1 s`", measured=2.0
    )


def test_prose_stating_another_delay_fails(tmp_path):
    with pytest.raises(BlockFailure) as failure:
        check_parts(block(tmp_path, delay="2 s"), [Part(3, False, 3.0), Part(3, True, 1.0)])
    assert str(failure.value) == messages.LATENCY_PROSE_DELAY.format(
        where="docs/en/page.md:2", line=13, tool="Read", stated="`2 s`", actual=1.0
    )


def test_prose_stating_other_part_times_fails(tmp_path):
    with pytest.raises(BlockFailure) as failure:
        check_parts(block(tmp_path, serial="2 s"), [Part(3, False, 3.0), Part(3, True, 1.0)])
    assert str(failure.value) == messages.LATENCY_PROSE_PARTS.format(
        where="docs/en/page.md:2", line=13, stated="`2 s`, `1 s`", claimed="`3 s`, `1 s`"
    )


def test_a_latency_block_must_state_its_times(tmp_path):
    quiet = only_block(tmp_path, '<!-- doctest: latency=Read:1.0 -->\n```python\nawait Read(path="a.txt")\n```\n')
    with pytest.raises(BlockFailure) as failure:
        check_parts(quiet, [Part(1, False, 1.0)])
    assert str(failure.value) == messages.LATENCY_NO_CLAIMS.format(where="docs/en/page.md:2")
