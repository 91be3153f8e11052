"""Reading a small file on the event loop, only when the kernel can answer without waiting.

A hop to a worker thread and back costs a Read more than the read itself (the thread's wakeup, the
GIL, the loop's wakeup: ~100 µs of CPU where the read costs ~10). So Read first asks the kernel
for the file in a way that cannot block, as io_uring does before it hands work to its own threads:

* ``openat2`` (Linux 5.12+) relative to the root's descriptor with ``RESOLVE_BENEATH`` (the kernel
  refuses, race-free, any path or symlink that leaves the root), ``RESOLVE_NO_XDEV`` (no other
  mount: a FUSE or NFS mount inside the root could block in open or fstat) and ``RESOLVE_CACHED``
  (fails with EAGAIN instead of reading a directory from the disk);
* ``preadv2`` with ``RWF_NOWAIT``: fails with EAGAIN instead of waiting for pages not in memory;
* only on a root whose filesystem is a local one (LOCAL_FILESYSTEMS), only regular files with one
  link, and at most MAX_NOWAIT_BYTES (copying more would hold the loop too long).

Whatever it cannot answer that way (an error, a symlink that leaves the root or is absolute, a
cold cache, a special or big file) it leaves to the worker thread, which does the whole Read as
before and gives every error its message: this path only ever returns the bytes or None.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import stat

MAX_NOWAIT_BYTES = 256 * 1024
SYS_OPENAT2 = 437  # the same number on every architecture (new syscalls share one table)
RESOLVE_NO_XDEV = 0x01
RESOLVE_NO_MAGICLINKS = 0x02
RESOLVE_BENEATH = 0x08
RESOLVE_CACHED = 0x20
OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
RESOLVE = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_CACHED
# statfs f_type of filesystems whose open, fstat and close of a cached file never wait on a device
# or a server: ext2/3/4, XFS, Btrfs, tmpfs, overlayfs (over these), F2FS.
LOCAL_FILESYSTEMS = frozenset({0xEF53, 0x58465342, 0x9123683E, 0x01021994, 0x794C7630, 0xF2F52010})


class OpenHow(ctypes.Structure):
    _fields_ = (("flags", ctypes.c_uint64), ("mode", ctypes.c_uint64), ("resolve", ctypes.c_uint64))


_HOW = OpenHow(OPEN_FLAGS, 0, RESOLVE)
_HOW_ARGS = (ctypes.byref(_HOW), ctypes.sizeof(_HOW))


def _libc() -> ctypes.CDLL | None:
    if platform.system() != "Linux" or not hasattr(os, "RWF_NOWAIT"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    libc.syscall.restype = ctypes.c_long
    libc.syscall.argtypes = (ctypes.c_long, ctypes.c_long, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t)
    libc.fstatfs.argtypes = (ctypes.c_int, ctypes.c_void_p)
    return libc


_LIBC = _libc()


def _openat2(dir_fd: int, path: bytes) -> int:
    """A descriptor of ``path`` under ``dir_fd``, or -1 (see RESOLVE for what refuses)."""
    assert _LIBC is not None
    fd: int = _LIBC.syscall(SYS_OPENAT2, dir_fd, path, *_HOW_ARGS)
    return fd


def _filesystem_type(fd: int) -> int | None:
    assert _LIBC is not None
    buffer = ctypes.create_string_buffer(256)  # struct statfs; f_type is its first field, a C long
    if _LIBC.fstatfs(fd, buffer) != 0:
        return None
    return ctypes.c_long.from_buffer(buffer).value


def _can_open(dir_fd: int) -> bool:
    """Whether openat2 with RESOLVE works here: not before Linux 5.12 (RESOLVE_CACHED), nor under a
    seccomp filter that refuses the syscall."""
    fd = _openat2(dir_fd, b".")
    if fd < 0:
        return False
    os.close(fd)
    return True


class NowaitReads:
    """Reads under the open directory ``root_fd`` that never wait (see the module's docstring).

    ``enabled`` when the kernel has openat2's RESOLVE_CACHED and the root is on a local filesystem;
    it turns itself off the first time the filesystem says it cannot read without waiting
    (EOPNOTSUPP: tmpfs, for one, on Linux 6.18), so a Read then goes straight to the worker.
    """

    def __init__(self, root_fd: int) -> None:
        self.root_fd = root_fd
        self.enabled = _LIBC is not None and _filesystem_type(root_fd) in LOCAL_FILESYSTEMS and _can_open(root_fd)

    def read(self, path: str, limit: int) -> bytes | None:
        """The whole content of the regular file ``path`` if the kernel has it at hand and it holds at most
        ``limit`` bytes (and MAX_NOWAIT_BYTES), else None."""
        try:
            encoded = os.fsencode(path)
        except UnicodeEncodeError:
            return None
        if b"\0" in encoded:  # C would read the path up to it
            return None
        fd = _openat2(self.root_fd, encoded)
        if fd < 0:  # EAGAIN (not in the cache), ENOENT, EXDEV (leaves the root, or absolute), ELOOP...
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1 or st.st_size > min(limit, MAX_NOWAIT_BYTES):
                return None
            buffer = bytearray(st.st_size + 1)  # one byte more: a file that grew since fstat is left to the worker
            size = os.preadv(fd, (buffer,), 0, os.RWF_NOWAIT)
        except OSError as exc:
            if exc.errno == errno.EOPNOTSUPP:  # the filesystem cannot promise not to wait
                self.enabled = False
            return None  # EAGAIN: not all of it in memory
        finally:
            os.close(fd)
        if size != st.st_size:  # grew, shrank, or only partly in memory
            return None
        return bytes(memoryview(buffer)[:size])
