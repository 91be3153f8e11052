"""Faults an unlucky operator or a hostile client meets: special files, a full disk, huge files,
catastrophic regexes, slow and idle connections, too many connections, no file descriptors.
Each one gets a clear answer, loses no data and leaves the bridge answering /health."""

from __future__ import annotations

import asyncio
import os
import socket
import stat
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hostile import HANG_GUARD, LiveBridge, closes_without_answer, exchange, read_response, request

from aster_ref import HTTPBridgeServer, Registry, ToolBridge, messages
from aster_ref.server import HTTPLimits

FAST = HTTPLimits(body_timeout=0.5, idle_timeout=0.5)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "test.txt").write_text("hello\n")
    return root


@pytest.fixture
def live(root: Path) -> Iterator[LiveBridge]:
    with LiveBridge(HTTPBridgeServer(ToolBridge(Registry.builtin(root)), "127.0.0.1", 0, limits=FAST)) as live:
        yield live


def healthy(live: LiveBridge) -> bool:
    return exchange(live.port, request("GET", "/health")).json() == {"status": "ok"}


def tool_error(live: LiveBridge, tool: str, tool_input: dict) -> str:
    response = live.call(tool, tool_input)
    assert response.status == 200
    body = response.json()
    assert body["success"] is False
    return body["error"]


def special_file_error(path: str, kind: str) -> str:
    return messages.NOT_A_REGULAR_FILE.format(path=path, kind=messages.FILE_KINDS[kind])


# --- special files -----------------------------------------------------------------
def test_read_of_a_fifo_is_refused_at_once_and_health_answers(live: LiveBridge, root: Path) -> None:
    os.mkfifo(root / "pipe")
    assert tool_error(live, "Read", {"path": "pipe"}) == special_file_error("pipe", "fifo")
    assert healthy(live)


def test_write_to_a_fifo_is_refused_and_the_fifo_stays(live: LiveBridge, root: Path) -> None:
    os.mkfifo(root / "pipe")
    assert tool_error(live, "Write", {"path": "pipe", "content": "x"}) == special_file_error("pipe", "fifo")
    assert stat.S_ISFIFO((root / "pipe").lstat().st_mode)


def test_grep_of_a_fifo_is_refused_and_a_search_skips_it(live: LiveBridge, root: Path) -> None:
    os.mkfifo(root / "pipe")
    assert tool_error(live, "Grep", {"pattern": "x", "path": "pipe"}) == special_file_error("pipe", "fifo")
    body = live.call("Grep", {"pattern": "hello"}).json()
    assert body == {"success": True, "result": [{"path": "test.txt", "line": 1, "text": "hello"}]}


def test_read_of_a_socket_is_refused(live: LiveBridge, root: Path) -> None:
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(root / "sock"))
        assert tool_error(live, "Read", {"path": "sock"}) == special_file_error("sock", "socket")


def test_read_of_a_device_is_refused(live: LiveBridge, root: Path) -> None:
    if os.geteuid() != 0 and not os.environ.get("CI"):
        pytest.skip("making a device node needs root")
    os.mknod(root / "null", stat.S_IFCHR | 0o600, os.makedev(1, 3))  # what /dev/null is
    assert tool_error(live, "Read", {"path": "null"}) == special_file_error("null", "char")
    assert tool_error(live, "Write", {"path": "null", "content": "x"}) == special_file_error("null", "char")


# --- data loss -----------------------------------------------------------------------
@pytest.fixture
def small_disk(root: Path) -> Iterator[Path]:
    """A 512 KiB tmpfs mounted in the workspace (we are root on the CI machine)."""
    if os.geteuid() != 0 and not os.environ.get("CI"):
        pytest.skip("mounting a small filesystem needs root")
    disk = root / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(disk)], check=True)
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def test_write_on_a_full_disk_keeps_the_old_file_and_leaves_no_temp_file(live: LiveBridge, small_disk: Path) -> None:
    (small_disk / "notes.txt").write_text("old content\n")
    (small_disk / "notes.txt").chmod(0o640)
    error = tool_error(live, "Write", {"path": "disk/notes.txt", "content": "new " * 200_000})
    assert error == messages.CANNOT_ACCESS.format(path="disk/notes.txt", reason=os.strerror(28))  # ENOSPC
    assert (small_disk / "notes.txt").read_text() == "old content\n"
    assert [p.name for p in small_disk.iterdir()] == ["notes.txt"]
    # A write that fits still works there, and keeps the mode.
    assert live.call("Write", {"path": "disk/notes.txt", "content": "fits\n"}).json()["success"]
    assert (small_disk / "notes.txt").read_text() == "fits\n"
    assert stat.S_IMODE((small_disk / "notes.txt").stat().st_mode) == 0o640


def test_a_reader_during_writes_sees_the_old_or_the_new_content_never_a_part(live: LiveBridge, root: Path) -> None:
    """Another program reading the file while the bridge rewrites it 1 MB at a time."""
    contents = ["A" * 1_000_000, "B" * 1_000_000]
    (root / "big.txt").write_text(contents[0])
    seen: set[str] = set()
    done = threading.Event()

    def read_until_done() -> None:
        while not done.is_set():
            seen.add((root / "big.txt").read_text())

    reader = threading.Thread(target=read_until_done)
    reader.start()
    try:
        for i in range(30):
            assert live.call("Write", {"path": "big.txt", "content": contents[i % 2]}).json()["success"]
    finally:
        done.set()
        reader.join(HANG_GUARD)
    assert seen and seen <= set(contents)


# --- one request must not freeze the bridge ------------------------------------------------
def test_read_of_a_huge_file_is_refused_before_reading_it(live: LiveBridge, root: Path) -> None:
    with open(root / "huge.bin", "wb") as huge:
        huge.truncate(200 * 1024 * 1024)  # sparse: costs no disk
    limit = 10 * 1024 * 1024
    error = tool_error(live, "Read", {"path": "huge.bin"})
    assert error == messages.FILE_TOO_LARGE.format(
        path="huge.bin", size=200 * 1024 * 1024, limit=limit, env="ASTER_REF_MAX_READ_BYTES"
    )
    assert healthy(live)


def test_catastrophic_regex_answers_at_once(live: LiveBridge, root: Path) -> None:
    """^(a+)+$ against a's and a '!' backtracks exponentially in Python's re (32 a's: hours)."""
    (root / "evil.txt").write_text("a" * 32 + "!\n" + "a" * 32 + "\n")
    body = live.call("Grep", {"pattern": "^(a+)+$", "path": "evil.txt"}).json()
    assert body == {"success": True, "result": [{"path": "evil.txt", "line": 2, "text": "a" * 32}]}
    assert healthy(live)


# --- slow and idle connections --------------------------------------------------------------
def test_slow_request_head_is_cut_off(live: LiveBridge) -> None:
    """Slowloris: a request head that never ends is closed by the idle timeout, unanswered."""
    assert closes_without_answer(live.port, b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
    assert healthy(live)


def test_idle_connection_is_closed(live: LiveBridge) -> None:
    assert closes_without_answer(live.port, b"")


def test_body_shorter_than_its_content_length_gets_408(live: LiveBridge) -> None:
    response = exchange(live.port, request("POST", "/tools/call", headers=["Content-Length: 100"]) + b'{"to')
    assert response.status == 408
    assert response.json() == {"error": messages.BODY_TIMEOUT.format(seconds=FAST.body_timeout)}
    assert healthy(live)


# --- too many connections ---------------------------------------------------------------------
@pytest.fixture
def capped(root: Path) -> Iterator[LiveBridge]:
    limits = HTTPLimits(max_connections=4, body_timeout=HANG_GUARD, idle_timeout=HANG_GUARD)
    with LiveBridge(HTTPBridgeServer(ToolBridge(Registry.builtin(root)), "127.0.0.1", 0, limits=limits)) as live:
        yield live


def test_at_the_cap_a_new_connection_closes_the_longest_idle_one(capped: LiveBridge) -> None:
    idle = [socket.create_connection(("127.0.0.1", capped.port), timeout=HANG_GUARD) for _ in range(4)]
    try:
        for sock in idle:  # one request each, answered: four open connections, now idle, oldest first
            sock.sendall(request("GET", "/health").replace(b"Connection: close", b"Connection: keep-alive"))
            assert read_response(sock.makefile("rb")).status == 200
        assert healthy(capped)
        assert idle[0].recv(1) == b""  # the oldest idle one was closed to make room
    finally:
        for sock in idle:
            sock.close()


def test_when_every_connection_is_busy_a_new_one_gets_503(capped: LiveBridge) -> None:
    # Four requests whose bodies never finish keep four handlers busy reading.
    busy = [socket.create_connection(("127.0.0.1", capped.port), timeout=HANG_GUARD) for _ in range(4)]
    try:
        for sock in busy:
            sock.sendall(request("POST", "/tools/call", headers=["Content-Length: 100"]) + b"{")
        assert eventually(lambda: capped.server.connections.busy == 4)
        response = exchange(capped.port, request("GET", "/health"))
        assert response.status == 503
        assert response.json() == {"error": messages.TOO_MANY_CONNECTIONS.format(limit=4)}
    finally:
        for sock in busy:
            sock.close()


def eventually(condition: Callable[[], bool]) -> bool:
    """Whether ``condition`` holds within the hang guard (it is polled: a sync point, not a timing)."""
    deadline = time.monotonic() + HANG_GUARD
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


FD_HOG = textwrap.dedent(
    """
    import asyncio, logging, os, sys
    from concurrent.futures import ThreadPoolExecutor  # for to_thread: importing it later needs a descriptor
    from aster_ref import HTTPBridgeServer, Registry, ToolBridge

    logging.basicConfig(level=logging.INFO, stream=sys.stderr)

    async def main():
        async with HTTPBridgeServer(ToolBridge(Registry.builtin(sys.argv[1])), "127.0.0.1", 0) as server:
            print(server.port, flush=True)
            hog = []
            try:
                while True:
                    hog.append(os.open(os.devnull, os.O_RDONLY))
            except OSError:
                pass
            print("full", flush=True)
            await asyncio.to_thread(sys.stdin.readline)  # the test says when
            for fd in hog:
                os.close(fd)
            print("freed", flush=True)
            await asyncio.to_thread(sys.stdin.readline)

    asyncio.run(main())
    """
)


def test_out_of_file_descriptors_logs_a_line_not_megabytes_and_recovers(root: Path) -> None:
    """With no descriptor left, asyncio logs every failed accept() with a traceback (megabytes
    a second); the bridge lets one such line through per 10 s, then serves again once freed."""
    process = subprocess.Popen(
        [sys.executable, "-c", FD_HOG, str(root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    try:
        port = int(process.stdout.readline())
        assert process.stdout.readline() == "full\n"
        waiting = [socket.create_connection(("127.0.0.1", port), timeout=HANG_GUARD) for _ in range(20)]
        time.sleep(1.0)  # a second of failing accept() calls
        process.stdin.write("\n")
        process.stdin.flush()
        assert process.stdout.readline() == "freed\n"
        waiting[0].sendall(request("GET", "/health"))
        assert waiting[0].recv(65536).startswith(b"HTTP/1.1 200 OK")
        for sock in waiting:
            sock.close()
        process.stdin.write("\n")
        process.stdin.flush()
        process.wait(HANG_GUARD)
        log = process.stderr.read()
    finally:
        process.kill()
    assert 1 <= log.count("out of system resource") <= 2  # one per 10 s
    assert len(log) < 20_000


# --- the event loop stays free --------------------------------------------------------------------
async def test_tool_work_runs_off_the_event_loop(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Read stuck on a slow disk (here: an event) leaves the loop free to answer others."""
    from aster_ref.tools import builtins
    from aster_ref.tools.nowait import NowaitReads

    release = threading.Event()
    real_read = builtins.read_regular

    def slow_read(*args: object) -> bytes:
        release.wait(HANG_GUARD)
        return real_read(*args)

    monkeypatch.setattr(builtins, "read_regular", slow_read)
    monkeypatch.setattr(NowaitReads, "read", lambda self, path, limit: None)  # a slow disk is no cache hit
    bridge = ToolBridge(Registry.builtin(root))
    stuck = asyncio.ensure_future(bridge.call("Read", {"path": "test.txt"}))
    await asyncio.sleep(0.05)
    assert not stuck.done()
    assert await bridge.call("Glob", {"pattern": "*.txt"}) == ["test.txt"]  # the loop was free
    release.set()
    assert await stuck == "hello\n"
