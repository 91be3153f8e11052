"""ToolWorkers: the threads that do the tools' file work, one hop for many jobs, helpers for slow ones."""

from __future__ import annotations

import asyncio
import threading

import pytest

from aster_ref.tools.workers import ToolWorkers

# A guard against a test hanging for ever, not a performance figure.
HANG_GUARD = 10.0
NEVER = 3600.0  # a hand-on time no test waits for: no helper ever starts


def double(value: int) -> int:
    if value < 0:
        raise ValueError(f"negative: {value}")
    return 2 * value


async def test_each_caller_gets_its_own_result_or_exception() -> None:
    workers = ToolWorkers(4)
    outcomes = await asyncio.gather(*(workers.run(double, value) for value in range(-3, 20)), return_exceptions=True)
    assert [str(o) if isinstance(o, ValueError) else o for o in outcomes] == [
        "negative: -3",
        "negative: -2",
        "negative: -1",
        *(2 * value for value in range(20)),
    ]


async def test_the_jobs_of_a_batch_go_to_one_thread_when_none_is_slow() -> None:
    workers = ToolWorkers(4, hand_on=NEVER)
    names = await asyncio.gather(*(workers.run(lambda _: threading.current_thread().name, i) for i in range(50)))
    assert set(names) == {"aster-tool"}


async def test_a_job_that_does_not_end_does_not_hold_up_the_others() -> None:
    workers = ToolWorkers(3, hand_on=0.01)
    release = threading.Event()
    stuck = asyncio.ensure_future(workers.run(lambda _: release.wait(HANG_GUARD), None))
    others = [workers.run(double, value) for value in range(5)]
    try:
        assert await asyncio.wait_for(asyncio.gather(*others), HANG_GUARD) == [0, 2, 4, 6, 8]
        assert not stuck.done()
    finally:
        release.set()
    assert await stuck is True


async def test_no_more_than_count_jobs_run_at_once() -> None:
    workers = ToolWorkers(2, hand_on=0.01)
    release, lock = threading.Event(), threading.Lock()
    running, most = 0, 0

    def blocked(_: object) -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        release.wait(HANG_GUARD)
        with lock:
            running -= 1

    jobs = asyncio.gather(*(workers.run(blocked, None) for _ in range(6)))
    await asyncio.sleep(0.2)  # long enough for every helper the hand-on would start
    release.set()
    await asyncio.wait_for(jobs, HANG_GUARD)
    assert most == 2


async def test_a_cancelled_caller_leaves_the_others_their_results() -> None:
    workers = ToolWorkers(1, hand_on=NEVER)
    release = threading.Event()
    first = asyncio.ensure_future(workers.run(lambda _: release.wait(HANG_GUARD), None))
    cancelled = asyncio.ensure_future(workers.run(double, 1))
    last = asyncio.ensure_future(workers.run(double, 2))
    await asyncio.sleep(0)
    cancelled.cancel()
    release.set()
    assert await asyncio.wait_for(first, HANG_GUARD) is True
    assert await asyncio.wait_for(last, HANG_GUARD) == 4
    assert cancelled.cancelled()


def test_two_event_loops_each_get_their_results() -> None:
    workers = ToolWorkers(2)

    async def calls(offset: int) -> list[int]:
        return await asyncio.wait_for(asyncio.gather(*(workers.run(double, offset + i) for i in range(20))), HANG_GUARD)

    elsewhere: list[int] = []
    thread = threading.Thread(target=lambda: elsewhere.extend(asyncio.run(calls(100))))
    thread.start()
    here = asyncio.run(calls(0))
    thread.join(HANG_GUARD)
    assert here == [2 * i for i in range(20)]
    assert elsewhere == [2 * (100 + i) for i in range(20)]


def test_a_result_for_a_loop_that_has_closed_does_not_stop_the_worker() -> None:
    workers = ToolWorkers(1)
    release, ended = threading.Event(), threading.Event()

    def slow(_: object) -> None:
        release.wait(HANG_GUARD)
        ended.set()

    async def give_up() -> None:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(workers.run(slow, None), 0.01)

    asyncio.run(give_up())  # its loop is closed when the job ends
    release.set()
    assert ended.wait(HANG_GUARD)

    async def again() -> int:
        return await asyncio.wait_for(workers.run(double, 21), HANG_GUARD)

    assert asyncio.run(again()) == 42
