"""HTTPBridgeServer: the aiohttp app that exposes a ToolBridge to PTC code.

What a client sends is bounded (HTTPLimits) and every error it can cause is answered by
one error middleware as a JSON body with a 4xx. Below the app, aiohttp's HTTP parser
answers malformed framing (request line, header syntax, oversized lines, bad
Content-Length or chunking) with its own plain-text 400 before any handler runs.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from aiohttp import web
from aiohttp.web_protocol import RequestPayloadError

from . import messages
from .bridge import ToolBridge
from .connections import NOISY_LOGGERS, ConnectionLimiter, LimitedSite, RateLimitedLog, connection_cap
from .defaults import DEFAULT_HOST, DEFAULT_PORT, MAX_BATCH_CALLS
from .errors import RequestError, ToolFailure, ToolNotAllowedError, UnknownToolError
from .runsocket import LOOPBACK_HOSTS
from .schema import CODE_EXECUTION, ToolContext
from .validation import nested_deeper_than

if TYPE_CHECKING:
    from typing_extensions import Self

T = TypeVar("T")
MAX_BODY = 1024 * 1024
# A batch starts this many calls, then lets the loop serve other requests, and has at most BATCH_IN_FLIGHT
# running: 1000 Reads of 250 KB files started at once held the loop for over a second.
BATCH_START_STEP = 32
BATCH_IN_FLIGHT = 64
# Answers ready together go out in writes of about this many bytes (one answer may be larger), not one join.
BATCH_WRITE_BYTES = 256 * 1024
EAGER_TASKS = sys.version_info >= (3, 12)
NDJSON = "application/x-ndjson"
UNAUTHENTICATED_PATHS = frozenset({"/health"})

LOG_FORMAT = "%(asctime)s %(message)s"
LOG_DATE_FORMAT = "%Y/%m/%d %H:%M:%S"  # as Go's log package: 2025/01/30 10:30:46

ContextFactory = Callable[[web.Request], ToolContext]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Alongside = Callable[["HTTPBridgeServer"], AbstractAsyncContextManager[object]]
log = logging.getLogger("aster_ref.server")


@dataclass(frozen=True)
class HTTPLimits:
    """What one client may hold. ``idle_timeout`` is aiohttp's keepalive_timeout: the seconds a
    connection may go without a complete request head, idle keep-alive and slow headers alike
    (longer than aiohttp clients' own 15 s, so a client never reuses a connection being closed).
    ``max_connections`` is lowered to fit the file descriptor limit."""

    max_body: int = MAX_BODY
    max_json_depth: int = 100
    idle_timeout: float = 30.0
    body_timeout: float = 30.0
    max_connections: int = 512


LIMITS = web.AppKey("limits", HTTPLimits)
CONNECTIONS = web.AppKey("connections", ConnectionLimiter)


PTC_CODE = ToolContext(caller=CODE_EXECUTION)


def code_execution_context(request: web.Request) -> ToolContext:
    """Default context factory: everything that reaches the bridge over HTTP is PTC code."""
    return PTC_CODE


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


def _success(result: Any) -> bytes:
    """``_json({"success": True, "result": result})``, byte for byte, in a fifth of the time (json.dumps
    of a dict goes through JSONEncoder's Python code, of a string or a list straight to C)."""
    return b'{"success": true, "result": %s}' % json.dumps(result).encode()


def json_error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    """An error answer. Always stdlib json: it escapes what a client sent, lone surrogates included."""
    return web.Response(
        text=json.dumps({"error": message}), status=status, content_type="application/json", headers=headers
    )


def _header(request: web.Request, name: str) -> str:
    """A header's value; one that is not UTF-8 text (aiohttp keeps the bytes as surrogates) is refused."""
    value = request.headers.get(name, "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise RequestError(400, messages.BAD_HEADER.format(header=name)) from None
    return value


async def expect_continue(request: web.Request) -> web.StreamResponse | None:
    """aiohttp's handling of ``Expect`` (it runs before any middleware), with a JSON 417."""
    expect = request.headers.get("Expect", "")
    if request.version != (1, 1):  # only HTTP/1.1 has interim answers
        return None
    if expect.lower() != "100-continue":
        return json_error(417, messages.EXPECT_UNSUPPORTED.format(expect=expect))
    await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    request.writer.output_size = 0  # the answer proper has not started
    return None


async def read_json(request: web.Request) -> Any:
    """The request's JSON body, bounded in size (413), in time (408) and in depth (400)."""
    limits = request.app[LIMITS]
    if (request.content_length or 0) > limits.max_body:  # refuse at once, not after reading it
        raise RequestError(413, messages.BODY_TOO_LARGE.format(limit=limits.max_body))
    if request.content.is_eof():  # the usual case: the body came with the head (wait_for costs ~9 µs)
        raw = await request.read()
    else:
        try:
            raw = await asyncio.wait_for(request.read(), limits.body_timeout)
        except asyncio.TimeoutError:
            raise RequestError(408, messages.BODY_TIMEOUT.format(seconds=limits.body_timeout)) from None
    try:
        text = raw.decode(request.charset or "utf-8")
        body = json.loads(text)
    except RecursionError:
        raise RequestError(400, messages.JSON_TOO_DEEP.format(limit=limits.max_json_depth)) from None
    except (ValueError, LookupError) as exc:  # not JSON, not in its charset, or an unknown charset
        raise RequestError(400, messages.BAD_JSON.format(error=exc)) from None
    # Each level of nesting opens a bracket: a body with few of them needs no walk (most bodies: ~1 µs less).
    brackets = text.count("[") + text.count("{")
    if brackets > limits.max_json_depth and nested_deeper_than(body, limits.max_json_depth):
        raise RequestError(400, messages.JSON_TOO_DEEP.format(limit=limits.max_json_depth))
    return body


def start_task(coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
    """``coro`` in a Task of its own, so a tool's ``asyncio.timeout`` or cancellation is its own, never the
    batch's. From Python 3.12 on the Task starts eagerly: a call that never waits (a Read the kernel answered)
    is done before this returns, without a trip through the loop."""
    if EAGER_TASKS:
        return asyncio.Task(coro, eager_start=True)
    return asyncio.ensure_future(coro)


def _answer_line(index: int, status: int, answer: bytes) -> bytes:
    return b'{"index": %d, "status": %d, "answer": %s}\n' % (index, status, answer)


def _cancelled_line(index: int) -> bytes:
    """The answer of a call whose tool raised CancelledError (the bridge turns every Exception into a failure)."""
    log.error("batch call %d was cancelled", index)
    return _answer_line(index, 500, _json({"error": messages.INTERNAL_ERROR.format(error="CancelledError")}))


class _Batch:
    """The calls of one batch: each started in its own Task (a reference in ``running`` until it ends), at most
    BATCH_IN_FLIGHT running, each putting its answer line on ``answers`` as it ends."""

    def __init__(self, server: HTTPBridgeServer, calls: list[Any], ctx: ToolContext) -> None:
        self.server = server
        self.calls = calls
        self.ctx = ctx
        self.answers: asyncio.Queue[bytes] = asyncio.Queue()
        self.running: set[asyncio.Task[bytes]] = set()
        self.in_flight = asyncio.Semaphore(BATCH_IN_FLIGHT)

    async def start(self, index: int) -> None:
        await self.in_flight.acquire()  # returns at once while fewer than BATCH_IN_FLIGHT run
        task = start_task(self.server._batch_line(index, self.calls[index], self.ctx))
        self.running.add(task)
        task.add_done_callback(partial(self._answered, index))

    async def start_from(self, first: int) -> None:
        """Start the calls from ``first`` on, BATCH_START_STEP at a time: the loop serves other requests between."""
        for index in range(first, len(self.calls)):
            if index % BATCH_START_STEP == 0:
                await asyncio.sleep(0)
            await self.start(index)

    def _answered(self, index: int, task: asyncio.Task[bytes]) -> None:
        self.running.discard(task)
        self.in_flight.release()
        self.answers.put_nowait(task.result() if not task.cancelled() else _cancelled_line(index))


def _host_name(header: str) -> str:
    """The host part of a Host header: 'localhost:8080' -> 'localhost', '[::1]:8080' -> '::1'."""
    if header.startswith("["):
        return header[1 : header.find("]")]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def _is_wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


class _LogFormatter(logging.Formatter):
    """Renders the time once a second, not once a line (strftime was a fifth of a line's cost)."""

    _second: int | None = None
    _time = ""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        second = int(record.created)
        if second != self._second:
            self._time, self._second = super().formatTime(record, datefmt), second
        return self._time


def log_to_stderr(level: str = "info") -> None:
    """How ``aster-ref serve`` logs: on stderr, ``2025/01/30 10:30:46 Calling tool Read with input
    map[path:test.txt]`` for every tool call at ``info``; only problems at ``warning`` and up.

    The format uses neither the caller nor the thread nor the process, so logging is told not to look them up
    (the knobs its documentation gives for this): that, and the time rendered once a second, halves the cost
    of the line every call logs.
    """
    logging._srcfile = None  # no frame walk to find the caller (documented in the logging HOWTO, "Optimization")
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LogFormatter(LOG_FORMAT, LOG_DATE_FORMAT))
    logging.basicConfig(level=level.upper(), handlers=[handler])


def format_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class HTTPBridgeServer:
    def __init__(
        self,
        bridge: ToolBridge,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        *,
        token: str | None = None,
        context_factory: ContextFactory = code_execution_context,
        limits: HTTPLimits | None = None,
    ) -> None:
        self.bridge = bridge
        self.host = host
        self.port = port
        self.token = token
        self.context_factory = context_factory
        self.limits = limits or HTTPLimits()
        self.connections: ConnectionLimiter | None = None  # once started
        self._log_filter = RateLimitedLog()
        # Host-header check against DNS rebinding: loopback names, plus the name the server was bound to.
        self.allowed_hosts = LOOPBACK_HOSTS | ({host.lower()} if not _is_wildcard(host) else set())
        self._runner: web.AppRunner | None = None

    # --- app ------------------------------------------------------------------
    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=self.limits.max_body, middlewares=[self._middleware])
        app[LIMITS] = self.limits
        app[CONNECTIONS] = ConnectionLimiter(connection_cap(self.limits.max_connections))
        app.router.add_get("/health", self.health, allow_head=False, expect_handler=expect_continue)
        app.router.add_get("/tools/list", self.list_tools, allow_head=False, expect_handler=expect_continue)
        app.router.add_get("/tools/schema", self.schema, allow_head=False, expect_handler=expect_continue)
        app.router.add_post("/tools/call", self.call, expect_handler=expect_continue)
        app.router.add_post("/tools/batch", self.batch, expect_handler=expect_continue)
        return app

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """The one middleware (each one more costs every request a few µs): the Host and token checks,
        and the one place errors become answers: a JSON body with a 4xx for whatever the client did,
        a JSON 500 (traceback in the log) for a bug in the bridge. Never aiohttp's plain text."""
        connections = request.app[CONNECTIONS]
        connections.request_started(request.protocol)
        try:
            self._check_caller(request)
            return await handler(request)
        except RequestError as exc:
            response = json_error(exc.status, exc.message, exc.headers)
            if exc.status == 408:  # the rest of the body may still come: this connection is done
                response.force_close()
            return response
        except web.HTTPMethodNotAllowed as exc:
            allowed = ", ".join(sorted(exc.allowed_methods))
            message = messages.METHOD_NOT_ALLOWED.format(method=request.method, path=request.path, allowed=allowed)
            return json_error(405, message, {"Allow": allowed})
        except web.HTTPNotFound:
            return json_error(404, messages.NOT_FOUND.format(path=request.path))
        except web.HTTPRequestEntityTooLarge:
            return json_error(413, messages.BODY_TOO_LARGE.format(limit=request.app[LIMITS].max_body))
        except web.HTTPException as exc:  # any other refusal aiohttp raises on its own
            return json_error(exc.status, exc.reason)
        except RequestPayloadError as exc:  # bad gzip/deflate, broken chunking: aiohttp says which
            error = getattr(exc.__cause__, "message", None) or str(exc)
            return json_error(400, messages.BODY_UNREADABLE.format(error=error))
        except Exception as exc:
            log.exception("error handling %s %s", request.method, request.path)
            return json_error(500, messages.INTERNAL_ERROR.format(error=f"{type(exc).__name__}: {exc}"))
        finally:
            connections.request_ended(request.protocol)

    def _check_caller(self, request: web.Request) -> None:
        """The Host header (against DNS rebinding) and, when the bridge has one, the bearer token."""
        host = _header(request, "Host")
        if _host_name(host).lower() not in self.allowed_hosts:  # host names are case-insensitive
            raise RequestError(403, messages.HOST_NOT_ALLOWED.format(host=host, host_name=_host_name(host)))
        if self.token is not None and request.path not in UNAUTHENTICATED_PATHS:
            expected = f"Bearer {self.token}".encode()
            # surrogateescape: the bytes as sent, so a header that is not UTF-8 is simply wrong.
            given = request.headers.get("Authorization", "").encode("utf-8", "surrogateescape")
            if not hmac.compare_digest(given, expected):
                raise RequestError(401, messages.UNAUTHORIZED, {"WWW-Authenticate": "Bearer"})

    # --- endpoints --------------------------------------------------------------
    async def health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def list_tools(self, request: web.Request) -> web.Response:
        return web.json_response({"tools": self.bridge.list(self.context_factory(request).caller)})

    async def schema(self, request: web.Request) -> web.Response:
        name = request.query.get("name")
        if not name:
            raise RequestError(400, messages.MISSING_SCHEMA_NAME)
        try:
            return web.json_response(self.bridge.schema(name).to_dict())
        except UnknownToolError as exc:
            raise RequestError(404, str(exc)) from None

    async def call(self, request: web.Request) -> web.Response:
        status, answer = await self.answer_call(await read_json(request), self.context_factory(request))
        return web.Response(body=answer, status=status, content_type="application/json")

    async def answer_call(self, body: Any, ctx: ToolContext) -> tuple[int, bytes]:
        """What /tools/call answers to ``body``: the HTTP status and the JSON. /tools/batch answers each call so."""
        try:
            if not isinstance(body, dict):
                raise RequestError(400, messages.BODY_NOT_OBJECT)
            tool = body.get("tool")
            if not isinstance(tool, str) or not tool:
                raise RequestError(400, messages.MISSING_TOOL)
            tool_input = body.get("input", {})
            if not isinstance(tool_input, dict):
                raise RequestError(400, messages.INPUT_NOT_OBJECT)
            try:
                result = await self.bridge.call(tool, tool_input, ctx)
            except UnknownToolError as exc:
                return 404, _json({"success": False, "error": str(exc)})
            except ToolNotAllowedError as exc:
                return 403, _json({"success": False, "error": str(exc)})
            except ToolFailure as exc:
                return 200, _json({"success": False, "error": str(exc)})
            try:
                return 200, _success(result)
            except (TypeError, ValueError) as exc:  # a custom handler returned e.g. bytes or a set
                raise RequestError(500, messages.RESULT_NOT_JSON.format(tool=tool, error=exc)) from None
        except RequestError as exc:  # as json_error answers it
            return exc.status, _json({"error": exc.message})

    async def batch(self, request: web.Request) -> web.StreamResponse:
        """POST /tools/batch ``{"calls": [{"tool": ..., "input": ...}, ...]}`` (the SDK sends the calls code
        makes in the same event-loop tick). The calls run concurrently, as that many /tools/call requests
        would, and each answer is streamed as soon as it is ready: one line of NDJSON per call,
        ``{"index": i, "status": s, "answer": ...}`` with what /tools/call would have answered.
        """
        body = await read_json(request)
        calls = body.get("calls") if isinstance(body, dict) else None
        if not isinstance(calls, list) or not 0 < len(calls) <= MAX_BATCH_CALLS:
            raise RequestError(400, messages.BATCH_CALLS_INVALID.format(limit=MAX_BATCH_CALLS))
        ctx = self.context_factory(request)
        response = web.StreamResponse(headers={"Content-Type": NDJSON})
        await response.prepare(request)
        batch = _Batch(self, calls, ctx)
        first_step = min(len(calls), BATCH_START_STEP)
        for index in range(first_step):  # here: most batches fit in one step, and need no Task to start them
            await batch.start(index)
        rest = asyncio.ensure_future(batch.start_from(first_step)) if first_step < len(calls) else None
        connected = True
        try:
            unanswered = len(calls)
            while unanswered:  # the batch ends with its last call, as the calls' Tasks do
                chunk = [await batch.answers.get()]
                size = len(chunk[0])
                while size < BATCH_WRITE_BYTES and not batch.answers.empty():
                    chunk.append(batch.answers.get_nowait())
                    size += len(chunk[-1])
                unanswered -= len(chunk)
                if connected:
                    try:
                        await response.write(b"".join(chunk))
                    except ConnectionResetError:
                        # The client left; its calls still run to the end, as single requests would.
                        connected = False
            if connected:
                await response.write_eof()
        finally:
            if rest is not None:
                rest.cancel()  # done by now, unless this handler is cancelled (the bridge shutting down)
        return response

    async def _batch_line(self, index: int, call: Any, ctx: ToolContext) -> bytes:
        status, answer = await self.answer_call(call, ctx)
        return _answer_line(index, status, answer)

    # --- lifecycle --------------------------------------------------------------
    @property
    def address(self) -> str:
        return format_address(self.host, self.port)

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    async def start_async(self) -> None:
        """Bind and serve in the running loop; returns once the socket is bound (``port`` then holds the real port)."""
        if self._runner is not None:
            raise RuntimeError(messages.SERVER_ALREADY_STARTED.format(address=self.address))
        app = self.make_app()
        # keepalive_timeout bounds idle keep-alive and slow request heads alike (see HTTPLimits).
        runner = web.AppRunner(app, access_log=None, handle_signals=False, keepalive_timeout=self.limits.idle_timeout)
        await runner.setup()
        try:
            await LimitedSite(runner, self.host, self.port, app[CONNECTIONS]).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.connections = app[CONNECTIONS]
        self.port = runner.addresses[0][1]
        for name in NOISY_LOGGERS:
            logging.getLogger(name).addFilter(self._log_filter)

    async def shutdown(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
            for name in NOISY_LOGGERS:
                logging.getLogger(name).removeFilter(self._log_filter)

    async def __aenter__(self) -> Self:
        await self.start_async()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.shutdown()

    async def serve_forever(self, alongside: Alongside | None = None, *, stop_on_stdin_eof: bool = False) -> None:
        """Start, print the listening line, serve until SIGINT/SIGTERM/SIGHUP, then shut down cleanly.

        ``alongside(server)`` is a context entered once the port is bound, before the listening line
        (``aster-ref serve`` runs its run socket in it). With ``stop_on_stdin_eof``, standard input
        reaching its end stops it too: a program that starts the bridge holds the pipe, and its exit,
        however it ends, closes it.
        """
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        # Before the listening line: a signal right after it stops cleanly. SIGHUP: the terminal closed.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(sig, stop.set)
        if stop_on_stdin_eof:
            stdin = sys.stdin.fileno()

            def read_stdin() -> None:
                if not os.read(stdin, 4096):
                    loop.remove_reader(stdin)
                    stop.set()

            loop.add_reader(stdin, read_stdin)
        await self.start_async()
        try:
            async with AsyncExitStack() as stack:
                if alongside is not None:
                    await stack.enter_async_context(alongside(self))
                print(messages.LISTENING.format(address=self.address), flush=True)
                await stop.wait()
        finally:
            await self.shutdown()

    def start(self) -> None:
        """Blocking: serve in a new event loop until interrupted (like the Go host's Start)."""
        asyncio.run(self.serve_forever())
