"""Read's path on the event loop: only what the kernel can give without waiting, everything else to a worker."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from aster_ref import Registry, ToolBridge, ToolContext, ToolFailure, messages
from aster_ref.tools import BuiltinTools, nowait
from aster_ref.tools import builtins as builtins_module
from aster_ref.tools import workspace as workspace_module
from aster_ref.tools.limits import MAX_READ_BYTES_ENV
from aster_ref.tools.nowait import MAX_NOWAIT_BYTES, NowaitReads
from aster_ref.tools.workspace import Workspace, read_regular

LIMIT = 10 * 1024 * 1024


@pytest.fixture
def root(workspace: Path) -> Workspace:
    root = Workspace(workspace)
    if not root.nowait.enabled and not os.environ.get("CI"):
        pytest.skip("the kernel (Linux 5.12+) or the filesystem under the temp dir cannot read without waiting")
    return root


@pytest.fixture
def reads(root: Workspace) -> NowaitReads:
    return root.nowait  # root (a fixture) keeps the root's descriptor open


def no_worker(*args: Any) -> None:
    raise AssertionError("this Read went to a worker thread")


async def test_a_read_the_kernel_can_answer_at_once_needs_no_worker(
    reads: NowaitReads, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(builtins_module.BuiltinTools, "_in_worker", no_worker)
    bridge = ToolBridge(registry)
    assert await bridge.call("Read", {"path": "test.txt"}) == "hello\n"
    assert await bridge.call("Read", {"path": "data/../a.txt", "offset": 2, "limit": 1}) == "beta\n"


def test_it_reads_the_whole_file_through_symlinks_that_stay_inside(reads: NowaitReads, workspace: Path) -> None:
    (workspace / "to-data").symlink_to("data")
    (workspace / "to-data" / "notes.md").read_bytes()  # a new symlink is in the cache once followed (EAGAIN before)
    assert reads.read("to-data/notes.md", LIMIT) == b"# Notes\nbeta release\n"
    (workspace / "empty.txt").touch()
    assert reads.read("empty.txt", LIMIT) == b""


def hard_link(workspace: Path) -> str:
    os.link(workspace / "a.txt", workspace / "a-link.txt")
    return "a.txt"


def fifo(workspace: Path) -> str:
    os.mkfifo(workspace / "pipe")
    return "pipe"


def device(workspace: Path) -> str:
    if os.geteuid() != 0 and not os.environ.get("CI"):
        pytest.skip("making a device file needs root")
    os.mknod(workspace / "null", 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # /dev/null's: reads as empty
    return "null"


def outside_link(workspace: Path) -> str:
    (workspace / "out").symlink_to(workspace.parent / "outside.txt")
    return "out"


def absolute_link_inside(workspace: Path) -> str:
    (workspace / "abs").symlink_to(workspace / "test.txt")  # the walk follows it; openat2 leaves it to the walk
    return "abs"


def big(workspace: Path) -> str:
    (workspace / "big.txt").write_bytes(b"x" * (MAX_NOWAIT_BYTES + 1))
    return "big.txt"


LEFT_TO_THE_WORKER = {
    "leaves the root": lambda workspace: "../outside.txt",
    "absolute": lambda workspace: str(workspace / "test.txt"),
    "symlink out": outside_link,
    "absolute symlink in": absolute_link_inside,
    "missing": lambda workspace: "nope.txt",
    "directory": lambda workspace: "data",
    "fifo": fifo,
    "device": device,
    "hard link": hard_link,
    "too big to copy on the loop": big,
    "NUL": lambda workspace: "test.txt\0.png",
    "not encodable": lambda workspace: "\ud800",
}


@pytest.mark.parametrize("make", LEFT_TO_THE_WORKER.values(), ids=LEFT_TO_THE_WORKER.keys())
def test_what_it_cannot_answer_is_left_to_the_worker(reads: NowaitReads, workspace: Path, make: Any) -> None:
    (workspace.parent / "outside.txt").write_text("SECRET\n")
    assert reads.read(make(workspace), LIMIT) is None
    assert reads.enabled
    assert reads.read("test.txt", LIMIT) == b"hello\n"  # and it still answers what it can


def test_a_file_over_the_read_limit_is_left_to_the_worker(reads: NowaitReads) -> None:
    assert reads.read("test.txt", 5) is None  # whose error says how to raise the limit
    assert reads.read("test.txt", 6) == b"hello\n"


def test_a_file_that_grew_since_fstat_is_left_to_the_worker(
    reads: NowaitReads, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "fstat", shrunk(os.fstat, 2))
    assert reads.read("test.txt", LIMIT) is None
    monkeypatch.undo()
    assert reads.read("test.txt", LIMIT) == b"hello\n"


def shrunk(fstat: Any, by: int) -> Any:
    """os.fstat that says a file is ``by`` bytes smaller than it is (it grew since)."""

    def smaller(fd: int) -> os.stat_result:
        fields = list(fstat(fd))
        fields[6] -= by  # st_size
        return os.stat_result(fields)

    return smaller


async def test_a_filesystem_that_cannot_promise_not_to_wait_turns_it_off(
    root: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unsupported(*args: Any) -> int:
        raise OSError(errno.EOPNOTSUPP, os.strerror(errno.EOPNOTSUPP))

    monkeypatch.setattr(os, "preadv", unsupported)
    tools = BuiltinTools(root)
    assert await tools.read({"path": "test.txt"}, ToolContext()) == "hello\n"  # from the worker
    assert not root.nowait.enabled


def test_a_root_on_a_network_or_fuse_filesystem_does_not_use_it(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nfs, fuse = 0x6969, 0x65735546
    for magic in (nfs, fuse):
        monkeypatch.setattr(nowait, "_filesystem_type", lambda fd, magic=magic: magic)
        assert not Workspace(workspace).nowait.enabled


def test_the_worker_reads_a_file_that_grew_since_fstat_to_its_end(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fd = os.open(workspace / "a.txt", os.O_RDONLY)
    try:
        monkeypatch.setattr(workspace_module.os, "fstat", shrunk(os.fstat, 10))
        assert read_regular(fd, "a.txt", LIMIT) == b"alpha\nbeta\ngamma\n"
        os.lseek(fd, 0, os.SEEK_SET)
        with pytest.raises(ToolFailure) as failure:
            read_regular(fd, "a.txt", 10)
    finally:
        os.close(fd)
    assert str(failure.value) == messages.FILE_TOO_LARGE.format(path="a.txt", size=11, limit=10, env=MAX_READ_BYTES_ENV)
