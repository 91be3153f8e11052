"""Below the app: a cap on open connections and rate-limited logs about exhaustion.

aiohttp has no connection cap, and when the process runs out of file descriptors asyncio
logs every failed accept() with a traceback (megabytes a second). So the bridge listens
through LimitedSite, whose protocol factory puts each connection behind a
ConnectionLimiter, and filters its loggers with RateLimitedLog.
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from . import messages

FD_RESERVE = 64  # descriptors kept for tools, child processes and the listening socket
MIN_CONNECTIONS = 8
# Loggers that can repeat one line per connection or per accept() when something runs out, or per call
# (aster_ref.bridge: a handler bug's traceback, which every call that hits it would log again).
NOISY_LOGGERS = ("asyncio", "aiohttp.server", "aster_ref.server", "aster_ref.bridge")


def connection_cap(wanted: int) -> int:
    """``wanted``, lowered to fit the process's file descriptor limit (RLIMIT_NOFILE)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return min(wanted, max(MIN_CONNECTIONS, soft - FD_RESERVE))


class ConnectionLimiter:
    """At most ``limit`` open connections, as nginx's worker_connections.

    At the cap, a new connection closes the connection idle longest (waiting for a request:
    keep-alive or a slow request head) to make room, as nginx reuses keep-alive connections;
    only when every open connection is busy with a request is it refused with a 503 JSON.
    The error middleware tells it when a connection starts and ends a request.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: dict[RequestHandler, asyncio.BaseTransport] = {}
        self._idle: OrderedDict[RequestHandler, None] = OrderedDict()  # oldest first
        body = json.dumps({"error": messages.TOO_MANY_CONNECTIONS.format(limit=limit)}).encode()
        self.refusal = (
            b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
            b"Retry-After: 1\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        )

    def admit(self) -> bool:
        if len(self._open) < self.limit:
            return True
        if not self._idle:
            return False
        oldest, _ = self._idle.popitem(last=False)
        self._open.pop(oldest).close()  # its connection_lost comes later: it no longer counts
        return True

    def opened(self, handler: RequestHandler, transport: asyncio.BaseTransport) -> None:
        self._open[handler] = transport
        self._idle[handler] = None

    def closed(self, handler: RequestHandler) -> None:
        self._open.pop(handler, None)
        self._idle.pop(handler, None)

    def request_started(self, handler: Any) -> None:
        self._idle.pop(handler, None)

    def request_ended(self, handler: Any) -> None:
        if handler in self._open:  # not one of ours (a test client's server): nothing to track
            self._idle[handler] = None

    @property
    def busy(self) -> int:
        """Open connections in the middle of a request."""
        return len(self._open) - len(self._idle)


class _LimitedConnection(asyncio.Protocol):
    """aiohttp's RequestHandler for one connection, admitted by the ConnectionLimiter first."""

    __slots__ = ("_handler", "_limiter", "_make_handler")

    def __init__(self, limiter: ConnectionLimiter, make_handler: Callable[[], RequestHandler]) -> None:
        self._limiter = limiter
        self._make_handler = make_handler
        self._handler: RequestHandler | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if not self._limiter.admit():
            assert isinstance(transport, asyncio.WriteTransport)
            transport.write(self._limiter.refusal)
            transport.close()
            return
        self._handler = self._make_handler()
        self._limiter.opened(self._handler, transport)
        self._handler.connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._handler is not None:
            self._limiter.closed(self._handler)
            self._handler.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._handler is not None:
            self._handler.data_received(data)

    def eof_received(self) -> bool | None:
        return self._handler.eof_received() if self._handler is not None else None

    def pause_writing(self) -> None:
        if self._handler is not None:
            self._handler.pause_writing()

    def resume_writing(self) -> None:
        if self._handler is not None:
            self._handler.resume_writing()


class LimitedSite(web.BaseSite):
    """aiohttp's TCPSite, with every connection going through ``limiter``."""

    __slots__ = ("_host", "_limiter", "_port")

    def __init__(self, runner: web.BaseRunner, host: str, port: int, limiter: ConnectionLimiter) -> None:
        super().__init__(runner)
        self._host = host
        self._port = port
        self._limiter = limiter

    @property
    def name(self) -> str:
        return f"http://{self._host}:{self._port}"

    async def start(self) -> None:
        await super().start()
        server = self._runner.server
        assert server is not None
        self._server = await asyncio.get_running_loop().create_server(
            lambda: _LimitedConnection(self._limiter, server), self._host, self._port, backlog=self._backlog
        )


class RateLimitedLog(logging.Filter):
    """Lets one record per message through every ``interval`` seconds; the next one that passes
    says how many were dropped. Warnings and errors only: debug and info lines pass."""

    def __init__(self, interval: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.interval = interval
        self.clock = clock
        self._seen: dict[str, tuple[float, int]] = {}  # message -> (when last let through, dropped since)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        key = str(record.msg)
        now = self.clock()
        last, dropped = self._seen.get(key, (None, 0))
        if last is not None and now - last < self.interval:
            self._seen[key] = (last, dropped + 1)
            return False
        self._seen[key] = (now, 0)
        if dropped:
            note = messages.LOG_SUPPRESSED.format(count=dropped, seconds=self.interval)
            record.msg = key + (note.replace("%", "%%") if record.args else note)
        return True
