"""The workspace root that built-in tools act inside, and the guard that keeps them there."""

from __future__ import annotations

from pathlib import Path

from .. import messages
from ..errors import ToolFailure


class Workspace:
    def __init__(self, root: str | Path = ".") -> None:
        self.root = Path(root).resolve(strict=True)
        if not self.root.is_dir():
            raise NotADirectoryError(messages.NOT_A_DIRECTORY.format(path=root))

    def resolve(self, path: str | Path) -> Path:
        """The real path of ``path`` (relative to the root, or absolute inside it).

        Resolving follows symlinks and ``..`` first, so both a ``../`` escape and a
        symlink pointing out of the root are refused.
        """
        resolved = (self.root / path).resolve()  # an absolute ``path`` replaces the root
        if not resolved.is_relative_to(self.root):
            raise ToolFailure(messages.PATH_ESCAPES_ROOT.format(path=path, root=self.root))
        return resolved

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def contains(self, path: Path) -> bool:
        return path.resolve().is_relative_to(self.root)
