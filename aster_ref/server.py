"""HTTPBridgeServer: the aiohttp app that exposes a ToolBridge to PTC code."""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import signal
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import messages
from .bridge import ToolBridge
from .defaults import DEFAULT_HOST, DEFAULT_PORT
from .errors import ToolFailure, ToolNotAllowedError, UnknownToolError
from .schema import CODE_EXECUTION, ToolContext

if TYPE_CHECKING:
    from typing_extensions import Self

MAX_BODY = 1024 * 1024
MAX_BATCH_CALLS = 1000
NDJSON = "application/x-ndjson"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
UNAUTHENTICATED_PATHS = frozenset({"/health"})

ContextFactory = Callable[[web.Request], ToolContext]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Alongside = Callable[["HTTPBridgeServer"], AbstractAsyncContextManager[object]]


def code_execution_context(request: web.Request) -> ToolContext:
    """Default context factory: everything that reaches the bridge over HTTP is PTC code."""
    return ToolContext(caller=CODE_EXECUTION)


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


def _error(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status)


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
    ) -> None:
        self.bridge = bridge
        self.host = host
        self.port = port
        self.token = token
        self.context_factory = context_factory
        # Host-header check against DNS rebinding: loopback names, plus the name the server was bound to.
        self.allowed_hosts = LOOPBACK_NAMES | ({host.lower()} if not _is_wildcard(host) else set())
        self._runner: web.AppRunner | None = None

    # --- app ------------------------------------------------------------------
    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY, middlewares=[self._json_errors, self._guard])
        app.router.add_get("/health", self.health, allow_head=False)
        app.router.add_get("/tools/list", self.list_tools, allow_head=False)
        app.router.add_get("/tools/schema", self.schema, allow_head=False)
        app.router.add_post("/tools/call", self.call)
        app.router.add_post("/tools/batch", self.batch)
        return app

    @web.middleware
    async def _json_errors(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """aiohttp's own 404/405/413 answers are plain text; turn them into JSON with a message."""
        try:
            return await handler(request)
        except web.HTTPMethodNotAllowed as exc:
            allowed = ", ".join(sorted(exc.allowed_methods))
            message = messages.METHOD_NOT_ALLOWED.format(method=request.method, path=request.path, allowed=allowed)
            return web.json_response({"error": message}, status=405, headers={"Allow": allowed})
        except web.HTTPNotFound:
            return _error(404, messages.NOT_FOUND.format(path=request.path))
        except web.HTTPRequestEntityTooLarge:
            return _error(413, messages.BODY_TOO_LARGE.format(limit=MAX_BODY))

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        host = request.headers.get("Host", "")
        if _host_name(host).lower() not in self.allowed_hosts:  # host names are case-insensitive
            return _error(
                403,
                messages.HOST_NOT_ALLOWED.format(host=host, host_name=_host_name(host)),
            )
        if self.token is not None and request.path not in UNAUTHENTICATED_PATHS:
            expected = f"Bearer {self.token}".encode()
            given = request.headers.get("Authorization", "").encode()
            if not hmac.compare_digest(given, expected):
                return web.json_response(
                    {"error": messages.UNAUTHORIZED},
                    status=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
        return await handler(request)

    # --- endpoints --------------------------------------------------------------
    async def health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def list_tools(self, request: web.Request) -> web.Response:
        return web.json_response({"tools": self.bridge.list(self.context_factory(request).caller)})

    async def schema(self, request: web.Request) -> web.Response:
        name = request.query.get("name")
        if not name:
            return _error(400, messages.MISSING_SCHEMA_NAME)
        try:
            return web.json_response(self.bridge.schema(name).to_dict())
        except UnknownToolError as exc:
            return _error(404, str(exc))

    async def call(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError as exc:  # JSONDecodeError, or UnicodeDecodeError for a body that is not UTF-8
            return _error(400, messages.BAD_JSON.format(error=exc))
        status, answer = await self.answer_call(body, self.context_factory(request))
        return web.Response(body=answer, status=status, content_type="application/json")

    async def answer_call(self, body: Any, ctx: ToolContext) -> tuple[int, bytes]:
        """What /tools/call answers to ``body``: the HTTP status and the JSON. /tools/batch answers each call so."""
        if not isinstance(body, dict):
            return 400, _json({"error": messages.BODY_NOT_OBJECT})
        tool = body.get("tool")
        if not isinstance(tool, str) or not tool:
            return 400, _json({"error": messages.MISSING_TOOL})
        tool_input = body.get("input", {})
        if not isinstance(tool_input, dict):
            return 400, _json({"error": messages.INPUT_NOT_OBJECT})
        try:
            result = await self.bridge.call(tool, tool_input, ctx)
        except UnknownToolError as exc:
            return 404, _json({"success": False, "error": str(exc)})
        except ToolNotAllowedError as exc:
            return 403, _json({"success": False, "error": str(exc)})
        except ToolFailure as exc:
            return 200, _json({"success": False, "error": str(exc)})
        try:
            return 200, _json({"success": True, "result": result})
        except (TypeError, ValueError) as exc:  # a custom handler returned e.g. bytes or a set
            return 500, _json({"error": messages.RESULT_NOT_JSON.format(tool=tool, error=exc)})

    async def batch(self, request: web.Request) -> web.StreamResponse:
        """POST /tools/batch ``{"calls": [{"tool": ..., "input": ...}, ...]}`` (the SDK sends the calls code
        makes in the same event-loop tick). The calls run concurrently, as that many /tools/call requests
        would, and each answer is streamed as soon as it is ready: one line of NDJSON per call,
        ``{"index": i, "status": s, "answer": ...}`` with what /tools/call would have answered.
        """
        try:
            body = await request.json()
        except ValueError as exc:
            return _error(400, messages.BAD_JSON.format(error=exc))
        calls = body.get("calls") if isinstance(body, dict) else None
        if not isinstance(calls, list) or not 0 < len(calls) <= MAX_BATCH_CALLS:
            return _error(400, messages.BATCH_CALLS_INVALID.format(limit=MAX_BATCH_CALLS))
        ctx = self.context_factory(request)
        response = web.StreamResponse(headers={"Content-Type": NDJSON})
        await response.prepare(request)
        pending = {asyncio.ensure_future(self._batch_line(index, call, ctx)) for index, call in enumerate(calls)}
        try:
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                await response.write(b"".join(task.result() for task in done))
            await response.write_eof()
        except ConnectionResetError:
            pass  # the client left; its calls still run to the end, as single requests would
        return response

    async def _batch_line(self, index: int, call: Any, ctx: ToolContext) -> bytes:
        status, answer = await self.answer_call(call, ctx)
        return b'{"index": %d, "status": %d, "answer": %s}\n' % (index, status, answer)

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
        runner = web.AppRunner(self.make_app(), access_log=None, handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = runner.addresses[0][1]

    async def shutdown(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start_async()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.shutdown()

    async def serve_forever(self, alongside: Alongside | None = None) -> None:
        """Start, print the listening line, serve until SIGINT/SIGTERM, then shut down cleanly.

        ``alongside(server)`` is a context entered once the port is bound, before the listening line
        (``aster-ref serve`` runs its run socket in it).
        """
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):  # before the listening line: a signal right after it stops cleanly
            loop.add_signal_handler(sig, stop.set)
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
