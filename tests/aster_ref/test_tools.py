"""Built-in tools and the workspace guard."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import signal
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import re2

from aster_ref import DIRECT, Registry, ToolBridge, ToolContext, ToolFailure, messages
from aster_ref import bridge as bridge_module
from aster_ref.tools import ToolLimits, builtin_tools
from aster_ref.tools import builtins as builtins_module
from aster_ref.tools import limits as limits_module
from aster_ref.tools import workspace as workspace_module
from aster_ref.tools.limits import MAX_READ_BYTES_ENV
from aster_ref.tools.nowait import NowaitReads

DIRECT_CALL = ToolContext(DIRECT)


def cold_cache(self: NowaitReads, path: str, limit: int) -> None:
    """NowaitReads.read as on a cold cache (or a slow disk): the kernel cannot answer without waiting."""


@pytest.fixture
def bridge(registry: Registry) -> ToolBridge:
    return ToolBridge(registry)


async def test_read_returns_text(bridge: ToolBridge) -> None:
    assert await bridge.call("Read", {"path": "test.txt"}) == "hello\n"


async def test_read_offset_and_limit_select_lines(bridge: ToolBridge) -> None:
    assert await bridge.call("Read", {"path": "a.txt", "offset": 2, "limit": 1}) == "beta\n"


@pytest.mark.parametrize(("offset", "limit"), [(0, 1), (-3, None), (1, -1)])
async def test_read_range_out_of_bounds_says_what_is_allowed(bridge: ToolBridge, offset, limit) -> None:
    input = {"path": "a.txt", "offset": offset} | ({} if limit is None else {"limit": limit})
    with pytest.raises(ToolFailure) as failure:
        await bridge.call("Read", input)
    error = messages.READ_RANGE_INVALID.format(offset=offset, limit=limit)
    assert str(failure.value) == messages.INVALID_INPUT.format(tool="Read", error=error)


async def test_read_of_a_missing_file_says_file_not_found(bridge: ToolBridge) -> None:
    with pytest.raises(ToolFailure) as failure:
        await bridge.call("Read", {"path": "x.txt"})
    assert str(failure.value) == messages.FILE_NOT_FOUND.format(path="x.txt")


async def test_read_of_a_directory_says_so(bridge: ToolBridge) -> None:
    with pytest.raises(ToolFailure, match="is a directory, not a file: data"):
        await bridge.call("Read", {"path": "data"})


@pytest.mark.parametrize("path", ["../outside.txt", "data/../../outside.txt", "/etc/hostname"])
async def test_paths_leaving_the_root_are_refused(bridge: ToolBridge, workspace: Path, path: str) -> None:
    (workspace.parent / "outside.txt").write_text("secret")
    with pytest.raises(ToolFailure) as failure:
        await bridge.call("Read", {"path": path})
    assert str(failure.value) == messages.PATH_ESCAPES_ROOT.format(path=path, root=workspace)


async def test_symlink_out_of_the_root_is_refused(bridge: ToolBridge, workspace: Path) -> None:
    (workspace.parent / "outside.txt").write_text("secret")
    (workspace / "link.txt").symlink_to(workspace.parent / "outside.txt")
    with pytest.raises(ToolFailure, match="path escapes workspace root: link.txt"):
        await bridge.call("Read", {"path": "link.txt"})
    with pytest.raises(ToolFailure, match="path escapes workspace root: link.txt"):
        await bridge.call("Write", {"path": "link.txt", "content": "x"})
    assert (workspace.parent / "outside.txt").read_text() == "secret"


async def test_absolute_path_inside_the_root_is_allowed(bridge: ToolBridge, workspace: Path) -> None:
    assert await bridge.call("Read", {"path": str(workspace / "test.txt")}) == "hello\n"


async def test_write_creates_parents_and_reports_bytes(bridge: ToolBridge, workspace: Path) -> None:
    result = await bridge.call("Write", {"path": "out/new.txt", "content": "héllo"})
    assert result == {"path": "out/new.txt", "bytes_written": 6}
    assert (workspace / "out" / "new.txt").read_text() == "héllo"


async def test_glob_lists_files_relative_to_root(bridge: ToolBridge, workspace: Path) -> None:
    (workspace.parent / "outside.txt").write_text("secret")
    (workspace / "escape").symlink_to(workspace.parent)
    assert await bridge.call("Glob", {"pattern": "**/*.md"}) == ["data/notes.md"]
    assert await bridge.call("Glob", {"pattern": "*.txt"}) == ["a.txt", "test.txt"]
    assert await bridge.call("Glob", {"pattern": "escape/*.txt"}) == []


@pytest.mark.parametrize("pattern", ["/etc/*", "../*.txt", "data/../../*", ""])
async def test_glob_refuses_patterns_that_leave_the_root(bridge: ToolBridge, pattern: str) -> None:
    with pytest.raises(ToolFailure) as failure:
        await bridge.call("Glob", {"pattern": pattern})
    assert str(failure.value) == messages.INVALID_GLOB.format(pattern=pattern, error=messages.GLOB_NOT_RELATIVE)


async def test_grep_finds_lines_with_path_and_number(bridge: ToolBridge) -> None:
    assert await bridge.call("Grep", {"pattern": "^beta"}) == [
        {"path": "a.txt", "line": 2, "text": "beta"},
        {"path": "data/notes.md", "line": 2, "text": "beta release"},
    ]
    assert await bridge.call("Grep", {"pattern": "beta", "glob": "*.md"}) == [
        {"path": "data/notes.md", "line": 2, "text": "beta release"}
    ]
    assert await bridge.call("Grep", {"pattern": "a", "path": "test.txt"}) == []


async def test_grep_reports_a_bad_regex(bridge: ToolBridge) -> None:
    with pytest.raises(ToolFailure, match="invalid regular expression '\\(': missing \\)"):
        await bridge.call("Grep", {"pattern": "("})


async def test_grep_outside_the_root_is_refused(bridge: ToolBridge) -> None:
    with pytest.raises(ToolFailure, match="path escapes workspace root"):
        await bridge.call("Grep", {"pattern": "x", "path": ".."})


async def test_bash_runs_in_the_root_for_direct_callers(bridge: ToolBridge, workspace: Path) -> None:
    result = await bridge.call("Bash", {"command": "pwd; echo err >&2; exit 3"}, DIRECT_CALL)
    assert result == {"stdout": f"{workspace}\n", "stderr": "err\n", "exit_code": 3}


async def test_bash_timeout_kills_the_command_and_its_children(
    bridge: ToolBridge, workspace: Path, dies: Callable[[int], bool]
) -> None:
    command = "sleep 30 & echo $! > child.pid; wait"
    with pytest.raises(ToolFailure) as failure:
        await bridge.call("Bash", {"command": command, "timeout": 0.5}, DIRECT_CALL)
    assert str(failure.value) == messages.COMMAND_TIMEOUT.format(seconds=0.5, command=command)
    child = int((workspace / "child.pid").read_text())
    assert dies(child)


async def test_write_under_a_file_says_it_cannot_access_the_path(bridge: ToolBridge) -> None:
    with pytest.raises(ToolFailure) as failure:
        await bridge.call("Write", {"path": "test.txt/new.txt", "content": "x"})
    reason = os.strerror(errno.ENOTDIR)
    assert str(failure.value) == messages.CANNOT_ACCESS.format(path="test.txt/new.txt", reason=reason)


async def test_bash_returns_when_the_command_ends_and_kills_its_background_jobs(
    bridge: ToolBridge, workspace: Path, dies: Callable[[int], bool]
) -> None:
    # The background job inherits bash's stdout; waiting for the pipe to close would wait for the timeout.
    command = "sleep 30 & echo $! > child.pid; echo started"
    result = await bridge.call("Bash", {"command": command, "timeout": 10}, DIRECT_CALL)
    assert result == {"stdout": "started\n", "stderr": "", "exit_code": 0}
    assert dies(int((workspace / "child.pid").read_text()))


# Without the fix these hung until the sleep ended: bound them, so a regression fails instead of hanging.
HANG_GUARD = 60


async def test_bash_returns_and_kills_a_background_job_that_left_its_group(
    bridge: ToolBridge, workspace: Path, dies: Callable[[int], bool]
) -> None:
    command = "setsid sleep 600 & echo $! > child.pid; echo hi"
    call = bridge.call("Bash", {"command": command, "timeout": 30}, DIRECT_CALL)
    assert await asyncio.wait_for(call, HANG_GUARD) == {"stdout": "hi\n", "stderr": "", "exit_code": 0}
    assert dies(int((workspace / "child.pid").read_text()))


async def test_bash_timeout_kills_a_job_that_left_its_group(
    bridge: ToolBridge, workspace: Path, dies: Callable[[int], bool]
) -> None:
    command = "setsid sleep 600 & echo $! > child.pid; sleep infinity"
    with pytest.raises(ToolFailure) as failure:
        await asyncio.wait_for(bridge.call("Bash", {"command": command, "timeout": 0.5}, DIRECT_CALL), HANG_GUARD)
    assert str(failure.value) == messages.COMMAND_TIMEOUT.format(seconds=0.5, command=command)
    assert dies(int((workspace / "child.pid").read_text()))


async def test_bash_returns_though_a_job_that_cleared_its_environment_holds_the_output(
    bridge: ToolBridge, workspace: Path
) -> None:
    # env -i drops the marker that finds descendants outside the group: that job survives (the documented
    # limit), but the call no longer waits for the pipe it holds.
    command = "env -i setsid sleep 600 & echo $! > child.pid; echo hi"
    call = bridge.call("Bash", {"command": command, "timeout": 30}, DIRECT_CALL)
    try:
        assert await asyncio.wait_for(call, HANG_GUARD) == {"stdout": "hi\n", "stderr": "", "exit_code": 0}
    finally:
        os.kill(int((workspace / "child.pid").read_text()), signal.SIGKILL)


async def test_bash_keeps_the_first_max_output_bytes_of_each_stream_and_marks_the_cut(workspace: Path) -> None:
    command = "head -c 5000000 /dev/zero | tr '\\0' a; echo -n bcd >&2"
    result = await limited(workspace, max_output=1000).call("Bash", {"command": command}, DIRECT_CALL)
    truncated = messages.OUTPUT_TRUNCATED.format(limit=1000)
    assert result == {"stdout": "a" * 1000 + truncated, "stderr": "bcd", "exit_code": 0}


def limited(workspace: Path, **limits: Any) -> ToolBridge:
    return ToolBridge(Registry(builtin_tools(workspace, ToolLimits(**limits))))


async def test_read_past_the_size_limit_says_how_to_raise_it(workspace: Path) -> None:
    with pytest.raises(ToolFailure) as failure:
        await limited(workspace, max_read_bytes=5).call("Read", {"path": "a.txt"})
    expected = messages.FILE_TOO_LARGE.format(path="a.txt", size=17, limit=5, env=MAX_READ_BYTES_ENV)
    assert str(failure.value) == expected
    assert await limited(workspace, max_read_bytes=6).call("Read", {"path": "test.txt"}) == "hello\n"


def test_read_limit_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MAX_READ_BYTES_ENV, raising=False)
    assert ToolLimits.from_env().max_read_bytes == 10 * 1024 * 1024
    monkeypatch.setenv(MAX_READ_BYTES_ENV, "123")
    assert ToolLimits.from_env().max_read_bytes == 123
    monkeypatch.setenv(MAX_READ_BYTES_ENV, "lots")
    with pytest.raises(ValueError) as refused:
        ToolLimits.from_env()
    error = messages.NOT_A_POSITIVE_INTEGER.format(value="lots")
    assert str(refused.value) == messages.ENV_INVALID.format(env=MAX_READ_BYTES_ENV, error=error)


async def test_write_keeps_the_mode_and_new_files_follow_the_umask(bridge: ToolBridge, workspace: Path) -> None:
    (workspace / "test.txt").chmod(0o640)
    await bridge.call("Write", {"path": "test.txt", "content": "new\n"})
    assert stat.S_IMODE((workspace / "test.txt").stat().st_mode) == 0o640
    umask = os.umask(0o027)
    try:
        await bridge.call("Write", {"path": "fresh.txt", "content": "x"})
    finally:
        os.umask(umask)
    assert stat.S_IMODE((workspace / "fresh.txt").stat().st_mode) == 0o640


async def test_write_that_fails_keeps_the_old_file_and_removes_its_temp_file(
    bridge: ToolBridge, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_disk(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(workspace_module.os, "fsync", broken_disk)
    with pytest.raises(ToolFailure) as failure:
        await bridge.call("Write", {"path": "test.txt", "content": "new\n"})
    assert str(failure.value) == messages.CANNOT_ACCESS.format(path="test.txt", reason=os.strerror(errno.EIO))
    assert (workspace / "test.txt").read_text() == "hello\n"
    assert sorted(p.name for p in workspace.iterdir()) == ["a.txt", "data", "test.txt"]


async def test_write_through_a_symlink_inside_the_root_replaces_its_target(bridge: ToolBridge, workspace: Path) -> None:
    (workspace / "link.txt").symlink_to("data/notes.md")
    (workspace / "dangling.txt").symlink_to("data/new.md")
    assert await bridge.call("Write", {"path": "link.txt", "content": "via link\n"}) == {
        "path": "data/notes.md",
        "bytes_written": 9,
    }
    await bridge.call("Write", {"path": "dangling.txt", "content": "made\n"})
    assert (workspace / "link.txt").is_symlink() and (workspace / "data" / "notes.md").read_text() == "via link\n"
    assert (workspace / "data" / "new.md").read_text() == "made\n"


async def test_write_of_text_that_is_not_unicode_says_so(bridge: ToolBridge) -> None:
    with pytest.raises(ToolFailure) as failure:
        await bridge.call("Write", {"path": "s.txt", "content": "\ud800"})
    error = messages.CONTENT_NOT_UTF8.format(
        error="'utf-8' codec can't encode character '\\ud800' in position 0: surrogates not allowed"
    )
    assert str(failure.value) == messages.INVALID_INPUT.format(tool="Write", error=error)


async def test_glob_patterns(bridge: ToolBridge, workspace: Path) -> None:
    for name in ("data/sub/deep.md", "data/sub/x.txt", ".hidden.md", "b1.txt", "b2.txt"):
        (workspace / name).parent.mkdir(parents=True, exist_ok=True)
        (workspace / name).write_text("x")
    (workspace / "linked.md").symlink_to("data/notes.md")  # links are not listed, as ripgrep
    assert await bridge.call("Glob", {"pattern": "**/*.md"}) == [".hidden.md", "data/notes.md", "data/sub/deep.md"]
    assert await bridge.call("Glob", {"pattern": "data/**/*.md"}) == ["data/notes.md", "data/sub/deep.md"]
    assert await bridge.call("Glob", {"pattern": "*/*/*.txt"}) == ["data/sub/x.txt"]
    assert await bridge.call("Glob", {"pattern": "b[12].txt"}) == ["b1.txt", "b2.txt"]
    assert await bridge.call("Glob", {"pattern": "b?.txt"}) == ["b1.txt", "b2.txt"]
    assert await bridge.call("Glob", {"pattern": "data/**"}) == ["data/notes.md", "data/sub/deep.md", "data/sub/x.txt"]
    assert await bridge.call("Glob", {"pattern": "**/**/x.txt"}) == ["data/sub/x.txt"]


def search_stopped(tool: str, path: str, reason: str) -> str:
    return messages.SEARCH_STOPPED.format(tool=tool, path=path, reason=reason)


async def test_glob_and_grep_stop_past_the_entry_limit(workspace: Path) -> None:
    bridge = limited(workspace, max_walk_entries=3)
    reason = messages.SEARCH_TOO_MANY_ENTRIES.format(limit=3)
    with pytest.raises(ToolFailure) as failure:
        await bridge.call("Glob", {"pattern": "**/*.md"})
    assert str(failure.value) == search_stopped("Glob", ".", reason)
    with pytest.raises(ToolFailure) as failure:
        await bridge.call("Grep", {"pattern": "x", "path": "."})
    assert str(failure.value) == search_stopped("Grep", ".", reason)


class CountingScandir:
    """os.scandir that counts the entries the walk has taken from it."""

    def __init__(self) -> None:
        self.listed = 0
        self.scandir = os.scandir

    @contextlib.contextmanager
    def __call__(self, fd: int) -> Iterator[Iterator[os.DirEntry[str]]]:
        with self.scandir(fd) as scan:
            yield self._counted(scan)

    def _counted(self, scan: Iterator[os.DirEntry[str]]) -> Iterator[os.DirEntry[str]]:
        for entry in scan:
            self.listed += 1
            yield entry


@pytest.fixture
def big_directory(workspace: Path) -> Path:
    directory = workspace / "big"
    directory.mkdir()
    for number in range(3000):
        (directory / f"{number}.txt").touch()
    return directory


async def test_a_huge_directory_stops_at_the_entry_limit_while_it_is_listed(
    workspace: Path, big_directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scandir = CountingScandir()
    monkeypatch.setattr(workspace_module.os, "scandir", scandir)
    with pytest.raises(ToolFailure) as failure:
        await limited(workspace, max_walk_entries=10).call("Glob", {"pattern": "big/*.txt"})
    reason = messages.SEARCH_TOO_MANY_ENTRIES.format(limit=10)
    assert str(failure.value) == search_stopped("Glob", ".", reason)
    assert scandir.listed == 11  # not the whole directory (3000 and more)


async def test_a_huge_directory_stops_at_the_time_limit_while_it_is_listed(
    workspace: Path, big_directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A clock that advances 1 ms per entry listed: the 1 s limit passes inside the big directory.
    scandir = CountingScandir()
    monkeypatch.setattr(workspace_module.os, "scandir", scandir)
    monkeypatch.setattr(limits_module, "time", SimpleNamespace(monotonic=lambda: scandir.listed / 1000))
    with pytest.raises(ToolFailure) as failure:
        await limited(workspace, search_seconds=1).call("Glob", {"pattern": "big/*.txt"})
    assert str(failure.value) == search_stopped("Glob", ".", messages.SEARCH_TOO_SLOW.format(seconds=1))
    assert scandir.listed < 3000


async def test_glob_and_grep_stop_past_the_depth_limit(workspace: Path) -> None:
    (workspace / "a" / "b" / "c").mkdir(parents=True)
    reason = messages.SEARCH_TOO_DEEP.format(depth=2)
    with pytest.raises(ToolFailure) as failure:
        await limited(workspace, max_walk_depth=2).call("Glob", {"pattern": "**/*.md"})
    assert str(failure.value) == search_stopped("Glob", ".", reason)
    assert await limited(workspace, max_walk_depth=3).call("Glob", {"pattern": "**/*.md"}) == ["data/notes.md"]


async def test_grep_stops_at_its_time_limit(workspace: Path) -> None:
    with pytest.raises(ToolFailure) as failure:
        await limited(workspace, search_seconds=0).call("Grep", {"pattern": "beta"})
    reason = messages.SEARCH_TOO_SLOW.format(seconds=0)
    assert str(failure.value) == search_stopped("Grep", ".", reason)


async def test_grep_speaks_re2(bridge: ToolBridge) -> None:
    with pytest.raises(ToolFailure) as failure:
        await bridge.call("Grep", {"pattern": "(?<=al)pha"})
    error = "invalid perl operator: (?<="
    assert str(failure.value) == messages.INVALID_REGEX.format(pattern="(?<=al)pha", error=error)
    assert await bridge.call("Grep", {"pattern": r"^[bg]\w+a$", "path": "a.txt"}) == [
        {"path": "a.txt", "line": 2, "text": "beta"},
        {"path": "a.txt", "line": 3, "text": "gamma"},
    ]


async def test_grep_line_numbers_are_read_offsets(bridge: ToolBridge, workspace: Path) -> None:
    (workspace / "crlf.txt").write_text("one\r\ntwo\rthree\u2028four\nfive", newline="")
    [match] = await bridge.call("Grep", {"pattern": "five", "path": "crlf.txt"})
    assert await bridge.call("Read", {"path": "crlf.txt", "offset": match["line"], "limit": 1}) == "five"


async def test_grep_skips_big_files_in_a_search_but_refuses_a_named_one(workspace: Path) -> None:
    (workspace / "big.txt").write_text("beta " * 10)
    bridge = limited(workspace, max_read_bytes=30)
    assert [m["path"] for m in await bridge.call("Grep", {"pattern": "beta"})] == ["a.txt", "data/notes.md"]
    with pytest.raises(ToolFailure) as failure:
        await bridge.call("Grep", {"pattern": "beta", "path": "big.txt"})
    assert str(failure.value) == messages.FILE_TOO_LARGE.format(
        path="big.txt", size=50, limit=30, env=MAX_READ_BYTES_ENV
    )


async def test_at_most_workers_tool_calls_work_at_once(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release, lock = threading.Event(), threading.Lock()
    working, most = 0, 0
    real_read = builtins_module.read_regular

    def counted_read(*args: Any) -> bytes:
        nonlocal working, most
        with lock:
            working += 1
            most = max(most, working)
        release.wait(10)
        with lock:
            working -= 1
        return real_read(*args)

    monkeypatch.setattr(builtins_module, "read_regular", counted_read)
    monkeypatch.setattr(NowaitReads, "read", cold_cache)
    bridge = limited(workspace, workers=2)
    calls = asyncio.gather(*(bridge.call("Read", {"path": "test.txt"}) for _ in range(6)))
    await asyncio.sleep(0.1)
    release.set()
    assert await calls == ["hello\n"] * 6
    assert most == 2


async def test_the_call_log_line_is_only_rendered_when_shown(
    bridge: ToolBridge, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    rendered = []
    monkeypatch.setattr(bridge_module, "go_format", lambda value: rendered.append(value) or "map[path:test.txt]")
    caplog.set_level(logging.WARNING, "aster_ref.bridge")
    await bridge.call("Read", {"path": "test.txt"})
    assert rendered == []
    caplog.set_level(logging.INFO, "aster_ref.bridge")
    await bridge.call("Read", {"path": "test.txt"})
    assert caplog.messages == [messages.CALLING_TOOL.format(tool="Read", input="map[path:test.txt]")]


@pytest.mark.parametrize(
    "pattern",
    [
        "^beta",
        "a$",
        r"\Abeta",
        r"a\z",
        "(?s)a.b",
        "(?-m)^b",
        "[^x]+b",
        r"\s",
        r"\bgamma\b",
        "(?i)BETA",
        "^$",
        ".*",
        "a\nb",
    ],
)
async def test_grep_finds_exactly_the_lines_that_match_on_their_own(
    bridge: ToolBridge, workspace: Path, pattern: str
) -> None:
    """Searching a file whole first (to skip files without matches) must not change which lines match."""
    text = "alpha\r\nbeta\n\ngamma\u2028a b\rdelta"
    (workspace / "mixed.txt").write_text(text, newline="")
    found = [m["line"] for m in await bridge.call("Grep", {"pattern": pattern, "path": "mixed.txt"})]
    assert found == [n for n, line in enumerate(text.splitlines(), 1) if re2.search(pattern, line)]


async def test_write_fsyncs_the_data_and_then_the_directory(
    bridge: ToolBridge, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Durable: the new content is on disk before the rename, and the rename before Write answers."""
    synced = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    monkeypatch.setattr(workspace_module.os, "fsync", recording_fsync)
    await bridge.call("Write", {"path": "data/new.md", "content": "x"})
    assert synced == ["file", "dir"]
