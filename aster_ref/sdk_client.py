"""The PTC SDK: the AsterBridge client and the runner for user code.

This module is also the text of the prelude that PythonRuntime puts in front of
user code (see ``aster_ref.sdk``), so it imports nothing from aster_ref but the
message constants, which the prelude renders inline. Keep it stdlib + aiohttp.
"""

from __future__ import annotations

import ast
import asyncio
import builtins
import inspect
import io
import json
import linecache
import os
import sys
import traceback
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

import aiohttp

from aster_ref.defaults import DEFAULT_BRIDGE_URL, MAX_BATCH_CALLS, TOKEN_ENV, URL_ENV
from aster_ref.messages import (
    BATCH_ENDED_EARLY,
    BRIDGE_HTTP_ERROR,
    BRIDGE_TIMEOUT,
    CONNECTION_ERROR,
    TOOL_FAILED,
)

if TYPE_CHECKING:
    from typing_extensions import Self

DEFAULT_CALL_TIMEOUT = 60.0
DEFAULT_RETRIES = 3
# Seconds before the first retry; doubles each time (0.1, 0.2, 0.4).
DEFAULT_BACKOFF = 0.1
PTC_FILENAME = "<ptc>"
CALL_PATH = "/tools/call"
BATCH_PATH = "/tools/batch"
JSON_HEADERS = {"Content-Type": "application/json"}


class ToolError(Exception):
    """A tool failed or the bridge refused the call; the message says which and why."""


class BridgeError(Exception):
    """The bridge answered something other than a tool result, or not in time."""


class BridgeConnectionError(BridgeError, ConnectionError):
    """The bridge could not be reached, even after retrying."""


async def _read_json(response: aiohttp.ClientResponse) -> Any:
    try:
        return await response.json(content_type=None)
    except ValueError:
        return None


def _answers(lines: list[bytes]) -> Iterable[Any]:
    """The batch answers on ``lines``: parsed in one go (a fourth of the cost of one by one), or, if that
    fails, one by one, so those before a line that is not JSON still count (it raises ValueError)."""
    if not lines:
        return ()
    try:
        return json.loads(b"[" + b",".join(lines) + b"]")
    except ValueError:
        return map(json.loads, lines)


class _Pending:
    """A call waiting for its answer: the (status, JSON) /tools/call gives, or the BridgeError raised."""

    def __init__(self, tool: str, input: dict[str, Any]) -> None:
        self.tool = tool
        self.input = input
        self.answer: asyncio.Future[tuple[int, Any]] = asyncio.get_running_loop().create_future()

    def resolve(self, status: int, data: Any) -> None:
        if not self.answer.done():  # the caller may have been cancelled
            self.answer.set_result((status, data))

    def fail(self, error: Exception) -> None:
        if not self.answer.done():
            self.answer.set_exception(error)


class AsterBridge:
    """Async client of the HTTP bridge. One aiohttp session is reused for every call.

    Failures to connect are retried with exponential backoff; tool errors never are.

    Calls made in the same event-loop tick (``asyncio.gather(Read(...), Read(...))``) go to the bridge as
    one request to /tools/batch, whose answers come back one by one as each call ends; each call still gets
    the result or the error a request of its own would have. A bridge without /tools/batch (404 or 405,
    e.g. the Go host) gets single requests from then on. ``coalesce=False`` sends every call on its own.
    """

    def __init__(
        self,
        url: str | None = None,
        token: str | None = None,
        *,
        timeout: float = DEFAULT_CALL_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
        coalesce: bool = True,
    ) -> None:
        self.url = (url or os.environ.get(URL_ENV) or DEFAULT_BRIDGE_URL).rstrip("/")
        self.token = token if token is not None else os.environ.get(TOKEN_ENV) or None
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.coalesce = coalesce
        self.batch_supported = True  # until the bridge answers 404 or 405 on /tools/batch
        self._session: aiohttp.ClientSession | None = None
        self._queue: list[_Pending] = []
        self._senders: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
            self._session = aiohttp.ClientSession(headers=headers, timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self._session

    async def _request(
        self,
        method: str,
        path: str,
        *,
        read: Callable[[aiohttp.ClientResponse], Awaitable[Any]] = _read_json,
        shown_path: str | None = None,
        **kwargs: Any,
    ) -> tuple[int, Any]:
        """(status, what ``read`` makes of the response: by default the decoded JSON, or None).

        Retries only failures to connect: the request was never sent, so no tool ran.
        A connection lost after sending is not retried, as the tool (a Write, a Bash)
        may already have run. Errors name ``shown_path`` (default: ``path``).
        """
        for attempt in range(self.retries + 1):
            try:
                async with self._get_session().request(method, self.url + path, **kwargs) as response:
                    return response.status, await read(response)
            except aiohttp.ClientConnectorError as exc:
                if attempt == self.retries:
                    raise BridgeConnectionError(CONNECTION_ERROR.format(detail=exc)) from None
                await asyncio.sleep(self.backoff * 2**attempt)
            except aiohttp.ClientError as exc:  # the connection lost, an answer cut short or unreadable
                raise BridgeConnectionError(CONNECTION_ERROR.format(detail=exc)) from None
            except asyncio.TimeoutError:
                url = self.url + (shown_path or path)
                raise BridgeError(BRIDGE_TIMEOUT.format(seconds=self.timeout, url=url)) from None
        raise AssertionError("unreachable: the loop returns or raises")

    @staticmethod
    def _http_error(status: int, data: Any) -> BridgeError:
        error = data.get("error") if isinstance(data, dict) else None
        return BridgeError(BRIDGE_HTTP_ERROR.format(status=status, error=error or data))

    async def call(self, tool: str, input: dict[str, Any] | None = None) -> Any:
        """Call ``tool`` and return its result; raise ToolError if it fails or is refused."""
        pending = _Pending(tool, {} if input is None else input)  # [] is the caller's, for the bridge to refuse
        if self.coalesce:
            self._queue.append(pending)
            if len(self._queue) == 1:  # the first call of this tick sends them all, once the tick is over
                asyncio.get_running_loop().call_soon(self._send_queued)
        else:
            await self._send_one(pending)
        status, data = await pending.answer
        if not isinstance(data, dict) or "success" not in data:
            raise self._http_error(status, data)
        if data["success"]:
            return data.get("result")
        if status == 200:
            raise ToolError(TOOL_FAILED.format(tool=tool, error=data.get("error", "")))
        # 403 (not allowed from code) and 404 (unknown tool): the bridge's sentence, as is.
        raise ToolError(data.get("error", ""))

    def _send_queued(self) -> None:
        queued, self._queue = self._queue, []
        for start in range(0, len(queued), MAX_BATCH_CALLS):
            sender = asyncio.ensure_future(self._send(queued[start : start + MAX_BATCH_CALLS]))
            self._senders.add(sender)  # a reference until it ends
            sender.add_done_callback(self._senders.discard)

    async def _send(self, calls: list[_Pending]) -> None:
        try:
            if len(calls) == 1:  # the usual case of code that awaits each call: no Task for it
                await self._send_one(calls[0])
            elif not (self.batch_supported and await self._send_batch(calls)):
                await asyncio.gather(*(self._send_one(pending) for pending in calls))
        finally:
            # An answer that never came (a batch cut short): as a request cut short, a connection error.
            for pending in calls:
                pending.fail(BridgeConnectionError(CONNECTION_ERROR.format(detail=BATCH_ENDED_EARLY)))

    async def _send_one(self, pending: _Pending) -> None:
        try:
            pending.resolve(
                *await self._request("POST", CALL_PATH, json={"tool": pending.tool, "input": pending.input})
            )
        except Exception as exc:  # noqa: BLE001 - whatever the request raised, its caller gets, as before
            pending.fail(exc)

    async def _send_batch(self, calls: list[_Pending]) -> bool:
        """Send ``calls`` as one batch; False if the bridge took none of them (the caller sends them singly)."""

        async def read_answers(response: aiohttp.ClientResponse) -> bool:
            if response.status != 200:  # the bridge refused the whole batch, so no call ran
                if response.status in (404, 405):
                    self.batch_supported = False
                return False
            rest = b""
            try:
                async for chunk in response.content.iter_any():  # all the answers that have arrived
                    *lines, rest = (rest + chunk).split(b"\n")
                    for answer in _answers(lines):
                        calls[answer["index"]].resolve(answer["status"], answer["answer"])
            except (ValueError, LookupError, TypeError, aiohttp.ClientPayloadError):
                pass  # not an answer we can read, or cut short: the calls it leaves get a connection error
            return True

        try:
            body = json.dumps({"calls": [{"tool": pending.tool, "input": pending.input} for pending in calls]})
        except (TypeError, ValueError):  # an input that is not JSON: single requests give its caller the error
            return False
        try:
            _, taken = await self._request(
                "POST", BATCH_PATH, data=body, headers=JSON_HEADERS, read=read_answers, shown_path=CALL_PATH
            )
        except BridgeError as exc:
            for pending in calls:
                # A copy per call: one exception raised in several tasks would collect all their tracebacks.
                pending.fail(type(exc)(*exc.args))
            return True
        return taken

    async def list_tools(self) -> list[str]:
        status, data = await self._request("GET", "/tools/list")
        if status != 200 or not isinstance(data, dict):
            raise self._http_error(status, data)
        return list(data["tools"])

    async def schema(self, name: str) -> dict[str, Any]:
        status, data = await self._request("GET", "/tools/schema", params={"name": name})
        if status != 200 or not isinstance(data, dict):
            raise self._http_error(status, data)
        return data

    async def health(self) -> dict[str, Any]:
        status, data = await self._request("GET", "/health")
        if status != 200 or not isinstance(data, dict):
            raise self._http_error(status, data)
        return data


def make_tool(bridge: AsterBridge, name: str) -> Any:
    async def tool(**kwargs: Any) -> Any:
        return await bridge.call(name, kwargs)

    tool.__name__ = tool.__qualname__ = name
    tool.__doc__ = f"Call the bridge tool {name} (keyword arguments are its input)."
    return tool


async def run_ptc(code: str, tools: Iterable[str], input_data: Any, bridge: AsterBridge) -> None:
    """Run user code with top-level await in a fresh module namespace holding the tools and ``input_data``."""
    namespace: dict[str, Any] = {
        "__name__": "__main__",
        "__builtins__": builtins,
        "input_data": input_data,
        "ToolError": ToolError,
    }
    namespace.update({name: make_tool(bridge, name) for name in tools})
    # Register the source so tracebacks show the user's lines. Split them as the compiler counts them
    # (universal newlines), not with str.splitlines, which also breaks at form feeds and U+2028.
    linecache.cache[PTC_FILENAME] = (
        len(code),
        None,
        io.StringIO(code, newline=None).readlines(),
        PTC_FILENAME,
    )
    compiled = compile(code, PTC_FILENAME, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    async with bridge:
        result = eval(compiled, namespace)
        if inspect.iscoroutine(result):
            await result


def print_user_traceback(exc: BaseException) -> None:
    """Print the traceback from the user's first frame on, leaving out the runner's frames."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != PTC_FILENAME:
        tb = tb.tb_next
    traceback.print_exception(type(exc), exc, tb, file=sys.stderr)


def main(code: str, tools: Iterable[str], input_data: Any) -> None:
    try:
        asyncio.run(run_ptc(code, tools, input_data, AsterBridge()))
    except Exception as exc:  # noqa: BLE001 - any uncaught error of user code ends the run
        print_user_traceback(exc)
        sys.exit(1)
