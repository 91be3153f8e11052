"""Helpers for the reliability suite: a bridge on its own thread, raw HTTP, a hostile file tree."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from aster_ref import HTTPBridgeServer

if TYPE_CHECKING:
    from typing_extensions import Self

SECRET = "SECRET outside the workspace\n"
# A guard against a test hanging for ever, not a performance figure: every answer expected
# here comes within milliseconds, and a frozen bridge never answers at all.
HANG_GUARD = 10.0


class LiveBridge:
    """An HTTPBridgeServer served from its own thread and event loop, so a test (its client)
    keeps running and can see a refusal or a hang even if a request froze the bridge's loop."""

    def __init__(self, server: HTTPBridgeServer) -> None:
        self.server = server
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="live-bridge", daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start_async(), self.loop).result(HANG_GUARD)
        return self

    def __exit__(self, *exc_info: object) -> None:
        asyncio.run_coroutine_threadsafe(self.server.shutdown(), self.loop).result(HANG_GUARD)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(HANG_GUARD)
        self.loop.close()

    @property
    def port(self) -> int:
        return self.server.port

    def call(self, tool: str, tool_input: dict[str, Any], timeout: float = HANG_GUARD) -> Response:
        body = json.dumps({"tool": tool, "input": tool_input}).encode()
        return exchange(self.port, request("POST", "/tools/call", body), timeout=timeout)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def request(method: str, path: str, body: bytes | None = None, headers: list[str] | None = None) -> bytes:
    """A raw HTTP/1.1 request with Host: localhost and Connection: close, and Content-Length for a body."""
    lines = [f"{method} {path} HTTP/1.1", "Host: localhost", "Connection: close", *(headers or [])]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return "\r\n".join(lines).encode("utf-8", "surrogateescape") + b"\r\n\r\n" + (body or b"")


def exchange(port: int, raw: bytes, timeout: float = HANG_GUARD) -> Response:
    """Send ``raw`` on a new connection and read one response; raises TimeoutError if none comes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(raw)
        return read_response(sock.makefile("rb"))


def read_response(stream: BinaryIO) -> Response:
    """The next final response on ``stream`` (past any 1xx): its head, then Content-Length
    bytes of body, or everything until the server closes."""
    status, headers = 100, {}
    while status < 200:
        status_line = stream.readline()
        if not status_line:
            raise ConnectionError("closed without an answer")
        status = int(status_line.split()[1])
        headers = {}
        for line in iter(stream.readline, b"\r\n"):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", -1))
    body = stream.read(length) if length >= 0 else stream.read()
    return Response(status, headers, body)


def closes_without_answer(port: int, raw: bytes, timeout: float = HANG_GUARD) -> bool:
    """True if the server closes a connection that sent ``raw`` without answering it."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(raw)
        try:
            return sock.recv(65536) == b""
        except ConnectionResetError:
            return True


@dataclass
class HostileTree:
    """A workspace ``ws`` beside an ``outside`` folder holding a secret, with every kind of link out."""

    base: Path
    root: Path
    outside: Path

    def outside_snapshot(self) -> dict[str, bytes]:
        return {
            str(path.relative_to(self.outside)): path.read_bytes()
            for path in sorted(self.outside.rglob("*"))
            if path.is_file() and not path.is_symlink()
        }


def make_hostile_tree(base: Path) -> HostileTree:
    root, outside = base / "ws", base / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "secret.txt").write_text(SECRET)
    (outside / "dir" / "secret.txt").write_text(SECRET)
    (root / "data" / "deeper").mkdir(parents=True)
    (root / "inside").mkdir()
    (root / "test.txt").write_text("hello\n")
    (root / "inside" / "secret.txt").write_text("inside\n")
    links = {
        "up": "..",
        "abs_out": str(outside),
        "abs_out_file": str(outside / "secret.txt"),
        "data/up2": "../..",
        "chain1": "chain2",
        "chain2": "../outside/secret.txt",
        "loop1": "loop2",
        "loop2": "loop1",
        "root_link": "/",
        "etc_link": "/etc",
        "self": ".",
        "dangling_out": "../outside/new.txt",
        "data/deeper/climb": "../../../outside",
        # Inside the root: these must keep working.
        "data/in_link": "../test.txt",
        "abs_in": str(root / "test.txt"),
        "abs_in_dir": str(root / "inside"),
    }
    for name, target in links.items():
        (root / name).symlink_to(target)
    os.link(outside / "dir" / "secret.txt", root / "hard.txt")
    return HostileTree(base, root, outside)
