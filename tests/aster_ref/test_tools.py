"""Built-in tools and the workspace guard."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from aster_ref import DIRECT, Registry, ToolBridge, ToolContext, ToolFailure, messages

DIRECT_CALL = ToolContext(DIRECT)


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
