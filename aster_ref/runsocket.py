"""``aster-ref run`` through a running ``aster-ref serve``: the run socket.

``aster-ref serve --port P`` also listens on a Unix socket for runs, so ``aster-ref run --bridge-url
http://localhost:P`` hands its code to the serve process, whose warm runtime runs it: the command then costs
an interpreter start without aiohttp plus a fork. A Unix socket rather than an HTTP endpoint, because running
code is more than calling a tool: only the user who started ``serve`` may do it, which the socket's directory
(mode 0700) and a peer-credential check on both ends enforce, with or without a bridge token.

Path: ``$XDG_RUNTIME_DIR/aster-ref/P.sock``, or ``/tmp/aster-ref-UID/P.sock`` without XDG_RUNTIME_DIR.

Protocol (version 1): one connection per run; each side sends one line of UTF-8 JSON.

* request: ``{"version": 1, "bridge_url": str, "code": str}`` or ``{"version": 1, "bridge_url": str,
  "program": str}`` (already wrapped), and optionally: ``"tools": [str]`` (default: every tool the bridge
  lets code call), ``"input": object``, ``"token": str``, ``"timeout": seconds`` (default 30),
  ``"max_output": bytes`` (default 1 MiB), ``"python": path`` (default: serve's interpreter),
  ``"work_dir": absolute path`` (temp file and working directory), ``"temp_dir"`` and ``"cwd"`` (used
  without ``work_dir``; default: serve's), ``"env": {str: str}``: the whole environment of the code (the
  runtime adds PYTHONIOENCODING, ASTER_BRIDGE_URL and ASTER_BRIDGE_TOKEN; default: serve's environment).
* answer: ``{"result": ExecutionResult}`` (``aster_ref.ExecutionResult.to_dict()``, as ``aster-ref run
  --json`` prints it), or ``{"error": message}`` for a request it refuses (a bad tool name, a missing or
  bad field, another version).
* cancel: the client shuts down its sending side; serve kills the run and everything it started, deletes the
  temp file, answers ``{"cancelled": true}`` and closes. A client that just disconnects cancels too.

This module is the path and the client, standard library only: it runs in a CLI that must start fast.
The serve side is ``aster_ref.runservice``.
"""

from __future__ import annotations

import json
import os
import socket
import struct
from pathlib import Path
from urllib.parse import urlsplit

from . import messages

# `typing` costs `aster-ref run` milliseconds at every start: only type checkers import it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from typing_extensions import Self

PROTOCOL_VERSION = 1
MAX_REQUEST = 64 * 1024 * 1024
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
CANCEL_GRACE = 10.0  # how long a cancelling client waits for serve to clean up


def socket_dir() -> Path:
    """Not under TMPDIR: a client and its serve must agree on it whatever temp dir each is given."""
    runtime_dir = os.environ.get("XDG_RUNTIME_DIR")
    if runtime_dir:
        return Path(runtime_dir) / "aster-ref"
    return Path("/tmp") / f"aster-ref-{os.getuid()}"


def socket_path(port: int) -> Path:
    return socket_dir() / f"{port}.sock"


def peer_is_me(sock: socket.socket) -> bool:
    """The process at the other end runs as this user (Linux: SO_PEERCRED; elsewhere: refuse)."""
    if not hasattr(socket, "SO_PEERCRED"):
        return False
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1] == os.getuid()


class RunClient:
    """One run sent to a serve process. ``connect`` gives None when no serve of ours listens for that bridge."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    @classmethod
    def connect(cls, bridge_url: str) -> RunClient | None:
        parts = urlsplit(bridge_url)
        try:
            port = parts.port
        except ValueError:
            return None
        if parts.hostname not in LOOPBACK_HOSTS or port is None:
            return None
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(socket_path(port)))
            if not peer_is_me(sock):
                raise ConnectionRefusedError("the run socket belongs to another user")
        except OSError:
            sock.close()
            return None
        return cls(sock)

    def run(self, request: dict[str, Any]) -> dict[str, Any]:
        """Send the run and wait for the answer. A signal handler may raise to interrupt the wait.

        ConnectionError if serve goes away without answering.
        """
        try:
            self.sock.sendall(json.dumps({"version": PROTOCOL_VERSION, **request}).encode() + b"\n")
            return self._answer()
        except OSError:
            raise ConnectionError(messages.RUN_SOCKET_CLOSED) from None

    def cancel(self) -> None:
        """Ask serve to kill the run; returns once it has cleaned up (its answer), or after CANCEL_GRACE."""
        try:
            self.sock.shutdown(socket.SHUT_WR)
            self.sock.settimeout(CANCEL_GRACE)
            self._answer()
        except OSError:
            pass  # serve is gone: closing the socket was the cancel

    def _answer(self) -> dict[str, Any]:
        with self.sock.makefile("rb") as answers:
            line = answers.readline()
        if not line:
            raise ConnectionError(messages.RUN_SOCKET_CLOSED)
        try:
            return json.loads(line)
        except ValueError:
            raise ConnectionError(messages.RUN_SOCKET_CLOSED) from None

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
