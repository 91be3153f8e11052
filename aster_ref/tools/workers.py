"""The threads that do the built-in tools' file and search work, so the event loop never waits on a disk."""

from __future__ import annotations

import asyncio
import queue
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
# When no worker has taken a job for this long while jobs wait, a helper starts (up to the limit), so a job
# that runs long (a Grep, an fsync on a slow disk, a hung network filesystem) does not hold up the others.
HAND_ON_SECONDS = 0.005

_Job = tuple[asyncio.Future[Any], "_Inbox", Callable[[Any], Any], Any]


class ToolWorkers:
    """At most ``count`` threads running jobs, with a cheaper hop than loop.run_in_executor.

    run_in_executor wakes a thread for every job and the loop for every result (~90 µs of CPU a job at
    1 in flight), and a batch's jobs wake every thread of the pool, which then fight over the GIL. Here
    one worker takes the jobs from a queue: a job queued while it works costs no wakeup, and the results
    it finishes while the loop is busy reach the loop with one call_soon_threadsafe for the lot, so the
    calls of a batch cost about one hop, not one each. Helpers (up to ``count`` - 1) start only when no
    job was taken for ``hand_on`` seconds while others wait, and end when the queue is empty.

    The threads are daemons: a process that exits has awaited its calls.
    """

    def __init__(self, count: int, hand_on: float = HAND_ON_SECONDS) -> None:
        self.count = count
        self.hand_on = hand_on
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._lock = threading.Lock()  # for starting threads, not for the jobs
        self._worker: threading.Thread | None = None
        self._working = False  # the worker is running a job
        self._helpers = 0
        self.taken = 0  # jobs taken from the queue so far: whether it moves (a lost count only starts a helper)
        self._inbox: _Inbox | None = None  # of the loop that submitted last (each job keeps its own)

    async def run(self, work: Callable[[Any], T], argument: Any) -> T:
        """``work(argument)`` on a worker thread."""
        loop = asyncio.get_running_loop()
        inbox = self._inbox
        if inbox is None or inbox.loop is not loop:
            inbox = self._inbox = _Inbox(self, loop)
        if self._worker is None:
            with self._lock:
                if self._worker is None:
                    self._worker = threading.Thread(target=self._work, name="aster-tool", daemon=True)
                    self._worker.start()
        future: asyncio.Future[T] = loop.create_future()
        behind = self._working or not self._jobs.empty()  # then make sure it does not wait there long
        self._jobs.put((future, inbox, work, argument))
        if behind:
            inbox.watch()
        return await future

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            self._working = True
            self._run(job)
            self._working = False

    def _help(self) -> None:
        try:
            while True:
                self._run(self._jobs.get_nowait())
        except queue.Empty:
            pass
        finally:
            with self._lock:
                self._helpers -= 1

    def _run(self, job: _Job) -> None:
        future, inbox, work, argument = job
        self.taken += 1
        try:
            outcome = (True, work(argument))
        except BaseException as exc:  # noqa: BLE001 - the caller gets whatever the work raised
            outcome = (False, exc)
        inbox.post(future, outcome)

    def help_if_stuck(self, taken: int) -> int | None:
        """Start a helper (if fewer than ``count`` threads work) if jobs wait and none was taken since the
        count of jobs taken was ``taken``. That count now, or None if no job waits."""
        if self._jobs.empty():
            return None
        if self.taken == taken:
            with self._lock:
                start = self._helpers < self.count - 1
                if start:
                    self._helpers += 1
            if start:
                threading.Thread(target=self._help, name="aster-tool-helper", daemon=True).start()
        return self.taken


class _Inbox:
    """Results for the futures of one event loop, and its watch on the queue."""

    def __init__(self, workers: ToolWorkers, loop: asyncio.AbstractEventLoop) -> None:
        self.workers = workers
        self.loop = loop
        self.results: deque[tuple[asyncio.Future[Any], tuple[bool, Any]]] = deque()
        self.delivering = False
        self.watching = False
        self.taken = 0  # the workers' count of jobs taken, when last looked at

    def post(self, future: asyncio.Future[Any], outcome: tuple[bool, Any]) -> None:
        """From a worker: the loop hears once of all the results that come before it takes them."""
        self.results.append((future, outcome))
        if not self.delivering:
            self.delivering = True
            try:
                self.loop.call_soon_threadsafe(self.deliver)
            except RuntimeError:  # the loop is closed: no one waits for these results any more
                self.results.clear()

    def deliver(self) -> None:
        self.delivering = False  # before taking them: a result posted from now on schedules another delivery
        while self.results:
            future, (ok, value) = self.results.popleft()
            if future.done():  # its caller was cancelled
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    def watch(self) -> None:
        if not self.watching:
            self.watching = True
            self.taken = self.workers.taken
            self.loop.call_later(self.workers.hand_on, self._look)

    def _look(self) -> None:
        taken = self.workers.help_if_stuck(self.taken)
        if taken is None:
            self.watching = False
        else:
            self.taken = taken
            self.loop.call_later(self.workers.hand_on, self._look)
