"""Cost of confining a path, per call: the old pathlib resolve vs the fd walk the tools use now.

    .venv/bin/python bench/resolve.py [--rounds 15] [--calls 20000]

"old" is what Read did before: ``(root / path).resolve()`` (realpath, one lstat per
component) and the containment check, then open. "walk" is Workspace.walk with open_entry:
one openat per component relative to the root's descriptor, O_NOFOLLOW. Both open and close
the file, so both include the open that acts on the path. Rounds alternate old and walk;
the table gives the median, min and max of the per-round means, and the ratio per round.
Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from aster_ref.tools.workspace import Workspace, open_entry

PATHS = ("test.txt", "a/b/c/deep.txt", "linked/deep.txt")


def make_root(base: Path) -> Path:
    root = base / "ws"
    (root / "a" / "b" / "c").mkdir(parents=True)
    (root / "test.txt").write_text("hello\n")
    (root / "a" / "b" / "c" / "deep.txt").write_text("deep\n")
    (root / "linked").symlink_to("a/b/c")
    return root


def old_resolve_and_open(root: Path, path: str) -> None:
    resolved = (root / path).resolve()
    if not resolved.is_relative_to(root):
        raise ValueError(path)
    os.close(os.open(resolved, os.O_RDONLY))


def walk_and_open(workspace: Workspace, path: str) -> None:
    fd, _ = workspace.walk(path, partial(open_entry, path=path))
    os.close(fd)


def per_call_us(action: Callable[[], None], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        action()
    return (time.perf_counter() - start) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as base:
        root = make_root(Path(base))
        workspace = Workspace(root)
        print(f"{'path':<18} {'old µs (min-max)':>22} {'walk µs (min-max)':>22} {'old/walk (min-max)':>22}")
        for path in PATHS:
            old, new, ratios = [], [], []
            for _ in range(args.rounds):
                old.append(per_call_us(partial(old_resolve_and_open, root, path), args.calls))
                new.append(per_call_us(partial(walk_and_open, workspace, path), args.calls))
                ratios.append(old[-1] / new[-1])
            print(f"{path:<18} {_spread(old):>22} {_spread(new):>22} {_spread(ratios, 'x'):>22}")


def _spread(values: list[float], unit: str = "") -> str:
    return f"{statistics.median(values):.1f}{unit} ({min(values):.1f}-{max(values):.1f})"


if __name__ == "__main__":
    main()
