"""The workspace root that built-in tools act inside, and the walk that keeps them there.

Every path is resolved and opened in one walk relative to a directory descriptor of the
root, one component at a time, with ``O_NOFOLLOW``: a symlink is never followed by the
kernel, but read (``readlinkat``) and its target walked the same way. ``..`` pops the walk's
own stack of open directories, and popping past the root is an escape. So nothing can be
swapped between a check and the open that acts on it: the tools act on the descriptors the
walk opened. It works on every POSIX system and costs ~6 µs for a one-component path
(bench/resolve.py; the old pathlib resolve took ~35 µs). ``openat2(RESOLVE_BENEATH)`` does
the same in one Linux-only call (~3 µs), but refuses absolute symlinks that stay inside the
root, so it would need this walk as a fallback anyway: one walk keeps one behaviour.

A walk that leaves the root, even to come back (``link-to-parent/ws/file``), is refused.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from .. import messages
from ..errors import ToolFailure
from .limits import MAX_READ_BYTES_ENV, SearchBudget
from .nowait import NowaitReads

T = TypeVar("T")

# Directories are opened readable (so Grep and Glob can list them and Write can fsync them).
DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
MAX_SYMLINKS = 40  # as Linux's own limit: beyond it, ELOOP
READ_CHUNK = 1024 * 1024  # what a file that grew since fstat is read on by


class Symlink(Exception):
    """Raised by a walk's last step when the last component is a symlink, so the walk follows it."""


_KINDS = ((stat.S_ISFIFO, "fifo"), (stat.S_ISCHR, "char"), (stat.S_ISBLK, "block"), (stat.S_ISSOCK, "socket"))


def check_regular(st: os.stat_result, path: str) -> None:
    """Refuse anything but a regular file with one link: directories, FIFOs, devices, sockets, hard links."""
    if stat.S_ISREG(st.st_mode):
        if st.st_nlink > 1:
            raise ToolFailure(messages.HARD_LINKED.format(path=path, links=st.st_nlink))
        return
    if stat.S_ISDIR(st.st_mode):
        raise ToolFailure(messages.IS_A_DIRECTORY.format(path=path))
    kind = next((name for test, name in _KINDS if test(st.st_mode)), "other")
    raise ToolFailure(messages.NOT_A_REGULAR_FILE.format(path=path, kind=messages.FILE_KINDS[kind]))


def open_entry(dir_fd: int, name: str, path: str) -> int:
    """Open ``name`` read-only without following a symlink or waiting for a FIFO's writer."""
    try:
        return os.open(name, FILE_FLAGS, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Symlink from None
        if exc.errno == errno.ENXIO:  # a socket cannot be opened: say what it is
            check_regular(os.stat(name, dir_fd=dir_fd, follow_symlinks=False), path)
        raise


def read_regular(fd: int, path: str, limit: int) -> bytes:
    """The content of the open regular file ``fd``, refused past ``limit`` bytes (checked before reading)."""
    st = os.fstat(fd)
    check_regular(st, path)
    if st.st_size > limit:
        raise file_too_large(path, st.st_size, limit)
    # os.read, not a file object: open() costs three syscalls more, and read(limit + 1) allocates the whole
    # limit (10 MB: an mmap per call). A first read of the size seen; more only if the file grew since.
    chunks = [os.read(fd, st.st_size + 1)]
    size = len(chunks[0])
    while chunks[-1] and size <= limit:
        chunks.append(os.read(fd, min(limit + 1 - size, READ_CHUNK)))
        size += len(chunks[-1])
    if size > limit:
        raise file_too_large(path, size, limit)
    return b"".join(chunks)


def file_too_large(path: str, size: int, limit: int) -> ToolFailure:
    return ToolFailure(messages.FILE_TOO_LARGE.format(path=path, size=size, limit=limit, env=MAX_READ_BYTES_ENV))


def replace_file(dir_fd: int, name: str, path: str, data: bytes) -> None:
    """Atomically and durably replace (or create) ``name`` with ``data``.

    The data goes to a temp file in the same directory, is fsynced and renamed over the
    target, then the directory is fsynced: a reader sees the old or the new content, never a
    part, and on any failure (a full disk) the old file is intact and the temp file gone.
    The mode (and, where allowed, the owner) of the old file is kept. A symlink is followed
    by the walk; rename never writes through one.
    """
    if name == ".":
        raise ToolFailure(messages.IS_A_DIRECTORY.format(path=path))
    try:
        old = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        old = None
    if old is not None:
        if stat.S_ISLNK(old.st_mode):
            raise Symlink
        check_regular(old, path)
    temp = f".aster-write-{secrets.token_hex(8)}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666, dir_fd=dir_fd)
    try:
        try:
            if old is not None:
                os.fchmod(fd, stat.S_IMODE(old.st_mode))
                with contextlib.suppress(PermissionError):  # only root may give a file away
                    os.fchown(fd, old.st_uid, old.st_gid)
            with open(fd, "wb", closefd=False) as file:
                file.write(data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=dir_fd)
        raise
    os.fsync(dir_fd)  # the rename itself survives a crash


class Workspace:
    def __init__(self, root: str | Path = ".") -> None:
        self.root = Path(root).resolve(strict=True)
        if not self.root.is_dir():
            raise NotADirectoryError(messages.NOT_A_DIRECTORY.format(path=root))
        self.root_fd = os.open(self.root, DIR_FLAGS)
        weakref.finalize(self, os.close, self.root_fd)
        self.nowait = NowaitReads(self.root_fd)
        # Absolute paths name the root as it was given or as it really is (/tmp vs /private/tmp).
        self._root_parts = {_parts(str(self.root)), _parts(os.path.abspath(root))}

    def walk(self, path: str, last: Callable[[int, str], T], *, make_parents: bool = False) -> tuple[T, str]:
        """Walk ``path`` inside the root and call ``last(dir_fd, name)`` on its last component.

        ``last`` acts on the name relative to the open directory that holds it (open it, or
        replace it) and raises ``Symlink`` when the name is a symlink, to have it followed.
        Returns what ``last`` returned and the path relative to the root that it acted on.
        Raises ToolFailure for an escape, OSError otherwise. ``make_parents`` creates missing
        directories on the way (for Write).
        """
        if "\0" in path:
            raise ToolFailure(messages.NUL_IN_PATH.format(path=path))
        try:
            os.fsencode(path)
        except UnicodeEncodeError as exc:  # a lone surrogate ("\ud800"): no file can have that name
            raise ToolFailure(messages.PATH_NOT_ENCODABLE.format(path=path, error=exc.reason)) from None
        pending = self._start(path)  # components still to walk, in reverse order for pop()
        stack = [self.root_fd]  # open directories from the root down
        names: list[str] = []
        links = 0
        try:
            while True:
                name = pending.pop() if pending else "."
                if name in ("", ".") and pending:
                    continue
                if name == "..":
                    if len(stack) == 1:
                        raise self._escape(path)
                    os.close(stack.pop())
                    names.pop()
                    if pending:
                        continue
                if name in ("", ".", ".."):
                    name = "."
                if pending:
                    try:
                        stack.append(self._open_dir(stack[-1], name, make_parents))
                        names.append(name)
                        continue
                    except OSError as exc:  # a symlink: Linux says ENOTDIR (as to a file), macOS ELOOP
                        if exc.errno not in (errno.ENOTDIR, errno.ELOOP):
                            raise
                        target = _link_target(stack[-1], name)
                        if target is None and not _walkable(stack[-1], name):
                            raise
                else:
                    try:
                        return last(stack[-1], name), "/".join([*names, name] if name != "." else names) or "."
                    except Symlink:
                        target = _link_target(stack[-1], name)
                links += 1
                if links > MAX_SYMLINKS:
                    raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), path)
                if target is None:  # it was swapped (symlink <-> directory) meanwhile: look again
                    pending.append(name)
                elif target.startswith("/"):
                    for fd in stack[1:]:
                        os.close(fd)
                    del stack[1:], names[:]
                    pending += self._start(target, path)
                else:
                    pending += reversed(target.split("/"))
        finally:
            for fd in stack[1:]:
                os.close(fd)

    def _start(self, path: str, shown: str | None = None) -> list[str]:
        """The components of ``path`` relative to the root, reversed; an absolute path must name the root."""
        if not path.startswith("/"):
            return path.split("/")[::-1]
        parts = _parts(path)
        for root in self._root_parts:
            if parts[: len(root)] == root:
                return list(parts[len(root) :][::-1])
        raise self._escape(shown or path)

    def _escape(self, path: str) -> ToolFailure:
        return ToolFailure(messages.PATH_ESCAPES_ROOT.format(path=path, root=self.root))

    @staticmethod
    def _open_dir(dir_fd: int, name: str, make_parents: bool) -> int:
        try:
            return os.open(name, DIR_FLAGS, dir_fd=dir_fd)
        except FileNotFoundError:
            if not make_parents:
                raise
        try:
            os.mkdir(name, dir_fd=dir_fd)
        except FileExistsError:  # made meanwhile by another call
            pass
        return os.open(name, DIR_FLAGS, dir_fd=dir_fd)


def _parts(path: str) -> tuple[str, ...]:
    return tuple(part for part in path.split("/") if part not in ("", "."))


def _walkable(dir_fd: int, name: str) -> bool:
    """Whether ``name`` is a directory or a symlink (now): one being swapped, so worth a new look."""
    try:
        mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return False
    return stat.S_ISDIR(mode) or stat.S_ISLNK(mode)


def _link_target(dir_fd: int, name: str) -> str | None:
    """The target of the symlink ``name``, or None if it is not a symlink."""
    try:
        return os.readlink(name, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.EINVAL:
            return None
        raise


def walk_files(
    dir_fd: int, relative: str, budget: SearchBudget, descend: Callable[[str], bool], depth: int = 0
) -> Iterator[tuple[int, str, str]]:
    """The regular files under the open directory ``dir_fd``, depth first in name order.

    Yields (fd of the directory holding it, name, path relative to the root). Symlinks are
    neither listed nor followed (as ripgrep does by default); ``descend(relative_dir)`` prunes.
    Every directory entry looked at is charged to ``budget``.
    """
    budget.enter(depth)
    entries = []
    with os.scandir(dir_fd) as scan:
        for entry in scan:  # charged as listed: a directory of millions of entries stops at the limit
            budget.charge_one()
            entries.append(entry)
    entries.sort(key=lambda entry: entry.name)
    for entry in entries:
        entry_path = entry.name if relative == "." else f"{relative}/{entry.name}"
        if entry.is_dir(follow_symlinks=False):
            if not descend(entry_path):
                continue
            try:
                sub_fd = os.open(entry.name, DIR_FLAGS, dir_fd=dir_fd)
            except OSError:  # gone, swapped for a symlink, or unreadable since the scan
                continue
            try:
                yield from walk_files(sub_fd, entry_path, budget, descend, depth + 1)
            finally:
                os.close(sub_fd)
        elif entry.is_file(follow_symlinks=False):
            yield dir_fd, entry.name, entry_path
