"""The path-escape corpus: every way out of the workspace, through Read, Write, Grep and Glob,
and a symlink-swap race. Nothing outside the root may be read, listed, changed or created."""

from __future__ import annotations

import asyncio
import errno
import os
import sys
import textwrap
from pathlib import Path

import pytest
from hostile import SECRET, HostileTree, make_hostile_tree

from aster_ref import Registry, ToolBridge, ToolFailure, messages

# Each path leaves the root at some point of its walk ({root}, {outside}, {base} are absolute).
ESCAPES = [
    "../outside/secret.txt",
    "data/../../outside/secret.txt",
    "./../outside/secret.txt",
    "data//..//..//outside/secret.txt",
    "data/./../../outside/secret.txt",
    "..",
    "../",
    "data/../..",
    "/",
    "/etc/passwd",
    "//etc/passwd",
    "{base}",
    "{outside}/secret.txt",
    "{root}/../outside/secret.txt",
    "{root}/up/outside/secret.txt",
    "up",
    "up/outside/secret.txt",
    "up/ws/test.txt",  # out and back in: still refused
    "abs_out/secret.txt",
    "abs_out/dir/secret.txt",
    "abs_out/../ws/test.txt",
    "abs_out_file",
    "data/up2/outside/secret.txt",
    "chain1",
    "root_link/etc/passwd",
    "etc_link/passwd",
    "self/../../outside/secret.txt",
    "self/self/up/outside/secret.txt",
    "data/deeper/climb/secret.txt",
    "dangling_out",
]
# Refused for another reason than leaving the root, with the message that says which.
OTHER_REFUSALS = {
    "hard.txt": lambda path: messages.HARD_LINKED.format(path=path, links=2),
    "loop1": lambda path: messages.CANNOT_ACCESS.format(path=path, reason=os.strerror(errno.ELOOP)),
    "test.txt\0/../../outside/secret.txt": lambda path: messages.NUL_IN_PATH.format(path=path),
    "test\ud800.txt": lambda path: messages.PATH_NOT_ENCODABLE.format(path=path, error="surrogates not allowed"),
}
# Links and dots that stay inside the root keep working.
INSIDE = {
    "data/in_link": "hello\n",
    "abs_in": "hello\n",
    "abs_in_dir/secret.txt": "inside\n",
    "self/test.txt": "hello\n",
    "data/../test.txt": "hello\n",
    "inside/../test.txt": "hello\n",
    "{root}/test.txt": "hello\n",
}
GLOBS = {
    "up/*": [],
    "abs_out/*": [],
    "data/up2/**": [],
    "root_link/etc/*": [],
    "**/secret.txt": ["inside/secret.txt"],
    "*/secret.txt": ["inside/secret.txt"],
}
GLOBS_REFUSED = ["../*", "/etc/*", "data/../../outside/*", "{outside}/*"]


@pytest.fixture
def tree(tmp_path: Path) -> HostileTree:
    return make_hostile_tree(tmp_path)


@pytest.fixture
def bridge(tree: HostileTree) -> ToolBridge:
    return ToolBridge(Registry.builtin(tree.root))


def concrete(path: str, tree: HostileTree) -> str:
    return path.format(root=tree.root, outside=tree.outside, base=tree.base)


async def refusal(bridge: ToolBridge, tool: str, tool_input: dict) -> str:
    """The tool's error message; fails the test if the call succeeds."""
    with pytest.raises(ToolFailure) as failure:
        await bridge.call(tool, tool_input)
    return str(failure.value)


def escape(path: str, tree: HostileTree) -> str:
    return messages.PATH_ESCAPES_ROOT.format(path=path, root=tree.root)


@pytest.mark.parametrize("template", ESCAPES)
async def test_read_refuses_every_way_out(bridge: ToolBridge, tree: HostileTree, template: str) -> None:
    path = concrete(template, tree)
    assert await refusal(bridge, "Read", {"path": path}) == escape(path, tree)


@pytest.mark.parametrize("template", ESCAPES)
async def test_write_refuses_every_way_out_and_changes_nothing_outside(
    bridge: ToolBridge, tree: HostileTree, template: str
) -> None:
    path = concrete(template, tree)
    before = tree.outside_snapshot()
    assert await refusal(bridge, "Write", {"path": path, "content": "pwned"}) == escape(path, tree)
    assert tree.outside_snapshot() == before
    assert Path("/etc/passwd").read_text() != "pwned"


@pytest.mark.parametrize("template", ESCAPES)
async def test_grep_refuses_every_way_out(bridge: ToolBridge, tree: HostileTree, template: str) -> None:
    path = concrete(template, tree)
    assert await refusal(bridge, "Grep", {"pattern": "SECRET", "path": path}) == escape(path, tree)


@pytest.mark.parametrize("path", list(OTHER_REFUSALS))
@pytest.mark.parametrize("tool", ["Read", "Write", "Grep"])
async def test_hard_links_loops_and_nul_are_refused_with_their_reason(
    bridge: ToolBridge, tree: HostileTree, tool: str, path: str
) -> None:
    before = tree.outside_snapshot()
    tool_input = {
        "Read": {"path": path},
        "Write": {"path": path, "content": "x"},
        "Grep": {"pattern": ".", "path": path},
    }
    assert await refusal(bridge, tool, tool_input[tool]) == OTHER_REFUSALS[path](path)
    assert tree.outside_snapshot() == before


@pytest.mark.parametrize("template", list(INSIDE))
async def test_links_and_dots_that_stay_inside_work(bridge: ToolBridge, tree: HostileTree, template: str) -> None:
    assert await bridge.call("Read", {"path": concrete(template, tree)}) == INSIDE[template]


async def test_glob_of_an_unencodable_pattern_matches_nothing(bridge: ToolBridge) -> None:
    assert await bridge.call("Glob", {"pattern": "\ud800*"}) == []


@pytest.mark.parametrize("pattern", list(GLOBS))
async def test_glob_lists_nothing_outside(bridge: ToolBridge, pattern: str) -> None:
    assert await bridge.call("Glob", {"pattern": pattern}) == GLOBS[pattern]


@pytest.mark.parametrize("template", GLOBS_REFUSED)
async def test_glob_refuses_patterns_that_leave_the_root(bridge: ToolBridge, tree: HostileTree, template: str) -> None:
    pattern = concrete(template, tree)
    message = messages.INVALID_GLOB.format(pattern=pattern, error=messages.GLOB_NOT_RELATIVE)
    assert await refusal(bridge, "Glob", {"pattern": pattern}) == message


async def test_grep_of_the_whole_root_skips_a_hard_link_to_an_outside_file(bridge: ToolBridge) -> None:
    assert await bridge.call("Grep", {"pattern": "SECRET"}) == []


RETARGET = textwrap.dedent(
    """
    import os, sys
    links = [sys.argv[i : i + 3] for i in range(1, len(sys.argv), 3)]  # link, inside target, outside target
    while True:
        for link, *targets in links:
            for target in targets:
                os.symlink(target, link + ".swap")
                os.replace(link + ".swap", link)
    """
)
EXCHANGE = textwrap.dedent(
    """
    import ctypes, sys
    renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    pairs = [(sys.argv[i].encode(), sys.argv[i + 1].encode()) for i in range(1, len(sys.argv), 2)]
    while True:
        for first, second in pairs:
            renameat2(AT_FDCWD, first, AT_FDCWD, second, RENAME_EXCHANGE)
    """
)
RACE_TRIES = 2000


async def test_symlink_swapped_during_requests_never_lets_one_out(bridge: ToolBridge, tree: HostileTree) -> None:
    """2,000 Reads and Writes while other processes swap, as fast as they can, (1) where a
    symlink points: inside or outside, for a directory (swap/) and a file (swapfile), and
    (2) a real directory or file with a symlink to the outside, atomically (renameat2
    RENAME_EXCHANGE), so a check that saw a real path is followed by an open of a symlink."""
    root = tree.root
    (root / "inside" / "file.txt").write_text("inside\n")
    (root / "file.txt").write_text("inside\n")
    (root / "inside_swap").symlink_to(tree.outside)
    (root / "file.txt_swap").symlink_to(tree.outside / "secret.txt")
    retargeted = [("swap", "inside", "../outside"), ("swapfile", "inside/file.txt", str(tree.outside / "secret.txt"))]
    for link, inside, _ in retargeted:
        (root / link).symlink_to(inside)
    exchanged = [("inside", "inside_swap"), ("file.txt", "file.txt_swap")]
    swappers = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", RETARGET, *(arg for link, *to in retargeted for arg in (str(root / link), *to))
        ),
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", EXCHANGE, *(str(root / name) for pair in exchanged for name in pair)
        ),
    ]
    before = tree.outside_snapshot()
    paths = ("swap/secret.txt", "swapfile", "inside/secret.txt", "file.txt")
    tries = [
        (tool, {"path": path} | ({"content": "written\n"} if tool == "Write" else {}))
        for _ in range(RACE_TRIES // (2 * len(paths)))
        for tool in ("Read", "Write")
        for path in paths
    ]
    try:
        results = []
        for start in range(0, len(tries), 50):  # 50 in flight: the tools' worker threads all race
            batch = tries[start : start + 50]
            results += await asyncio.gather(*(bridge.call_result(tool, input) for tool, input in batch))
    finally:
        for swapper in swappers:
            swapper.kill()
            await swapper.wait()
    escapes = [r for r in results if r.success and SECRET in str(r.result)]
    refused = [r for r in results if not r.success]
    assert len(results) == RACE_TRIES
    assert escapes == []
    assert tree.outside_snapshot() == before
    # The race ran both ways: some tries met an outside target and were refused, others worked.
    assert refused and [r.error for r in refused if not r.error.startswith("path escapes workspace root")] == []
    assert any(r.success for r in results)
