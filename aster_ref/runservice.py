"""The serve side of the run socket (see ``aster_ref.runsocket`` for the path and the protocol)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import messages
from .defaults import DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_OUTPUT, DEFAULT_TIMEOUT
from .runsocket import MAX_REQUEST, PROTOCOL_VERSION, peer_is_me, socket_path
from .runtime import ExecutionResult, PythonRuntime, RunSpec, RuntimeConfig, run_program
from .warm import POOL

if TYPE_CHECKING:
    from typing_extensions import Self

log = logging.getLogger("aster_ref.runservice")
STALE_AFTER = 10.0  # seconds


def remove_stale_sockets(directory: Path) -> None:
    """Remove the sockets of serves that were killed (SIGKILL leaves the file): those nothing listens on.

    Only files bound a while ago: a serve that is starting binds its socket a moment before it listens.
    """
    settled = time.time() - STALE_AFTER
    for path in directory.glob("*.sock"):
        with socket.socket(socket.AF_UNIX) as probe:
            try:
                if path.lstat().st_mtime > settled:
                    continue
                probe.connect(str(path))
            except ConnectionRefusedError:
                path.unlink(missing_ok=True)
            except OSError:
                continue  # gone meanwhile, or not a socket of ours to judge


class RunService:
    """Serve runs on the run socket of ``port`` with a warm runtime; ``tools`` gives the default tool list.

    If the socket cannot be made (an unsafe directory, no Unix sockets), serve goes on without it and
    ``aster-ref run`` runs code itself.
    """

    def __init__(
        self, port: int, tools: Callable[[], list[str]], *, max_concurrency: int = DEFAULT_MAX_CONCURRENCY
    ) -> None:
        self.path = socket_path(port)
        self.tools = tools
        self._slots = asyncio.Semaphore(max_concurrency)
        self._server: asyncio.AbstractServer | None = None
        self._lease = object()  # what the service holds its warm parents by

    async def __aenter__(self) -> Self:
        try:
            directory = self.path.parent
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            info = directory.stat()
            if info.st_uid != os.getuid() or info.st_mode & 0o077:
                raise PermissionError(messages.RUN_SOCKET_DIR_UNSAFE.format(path=directory))
            # Only one serve can have the TCP port, so a socket file left here belongs to one that is gone.
            self.path.unlink(missing_ok=True)
            remove_stale_sockets(directory)
            self._server = await asyncio.start_unix_server(self._handle, str(self.path), limit=MAX_REQUEST)
        except OSError as exc:
            log.warning(messages.RUN_SOCKET_UNAVAILABLE.format(path=self.path, reason=exc))
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self.path.unlink(missing_ok=True)
        POOL.release(self._lease)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            if not peer_is_me(writer.get_extra_info("socket")):
                return
            try:
                line = await reader.readline()
            except OSError:
                return  # the client is gone before it asked
            answer = await self._answer_line(line, reader)
            try:
                writer.write(json.dumps(answer, ensure_ascii=False).encode() + b"\n")
                await writer.drain()
            except OSError:
                pass  # the client is gone; its run, if any, was cancelled
        finally:
            writer.close()

    async def _answer_line(self, line: bytes, reader: asyncio.StreamReader) -> dict[str, Any]:
        """The answer to one request line: the run's result, or an error the client prints."""
        try:
            spec = self._spec(json.loads(line))
        except (ValueError, KeyError, TypeError) as exc:
            return {"error": messages.RUN_REQUEST_INVALID.format(error=exc)}
        try:
            return await self._answer(spec, reader)
        except Exception as exc:  # the run's own failure (a temp dir it may not write in): the client says why
            error = messages.RUN_FAILED.format(error=exc)
            log.exception(error)
            return {"error": error}

    async def _answer(self, spec: RunSpec, reader: asyncio.StreamReader) -> dict[str, Any]:
        """Run ``spec``, unless the client cancels first (it shuts down its side, or goes away)."""
        run = asyncio.ensure_future(self._run(spec))
        hangup = asyncio.ensure_future(reader.read(1))
        await asyncio.wait({run, hangup}, return_when=asyncio.FIRST_COMPLETED)
        hangup.cancel()
        if run.done():
            return {"result": run.result().to_dict()}
        run.cancel()
        await asyncio.gather(run, return_exceptions=True)  # killed, temp file deleted
        return {"cancelled": True}

    def _spec(self, request: Any) -> RunSpec:
        """The RunSpec for a request; ValueError, KeyError or TypeError if it is not one."""
        if not isinstance(request, dict):
            raise TypeError(messages.RUN_REQUEST_NOT_OBJECT)
        if request.get("version") != PROTOCOL_VERSION:
            version = request.get("version")
            raise ValueError(messages.RUN_PROTOCOL_MISMATCH.format(version=version, expected=PROTOCOL_VERSION))
        timeout = float(request.get("timeout", DEFAULT_TIMEOUT))
        max_output = int(request.get("max_output", DEFAULT_MAX_OUTPUT))
        if timeout <= 0 or max_output <= 0:
            raise ValueError(messages.RUN_LIMITS_NOT_POSITIVE)
        config = RuntimeConfig(
            timeout=timeout,
            work_dir=request.get("work_dir"),
            env=dict(request.get("env") or {}),
            max_output=max_output,
            python=_interpreter(request),
            inherit_env="env" not in request,  # without one, the code gets serve's environment
        )
        runtime = PythonRuntime(config)
        runtime.set_bridge_url(str(request["bridge_url"]), request.get("token"))
        if "program" in request:
            program = str(request["program"])
        else:
            tools = request.get("tools")
            if tools is not None and not (isinstance(tools, list) and all(isinstance(tool, str) for tool in tools)):
                raise TypeError(messages.RUN_TOOLS_NOT_NAMES)
            runtime.set_tools(self.tools() if tools is None else tools)
            program = runtime.wrap_code(str(request["code"]), request.get("input"))
        spec = runtime.spec(program)
        if config.work_dir is None:
            spec = replace(spec, temp_dir=request.get("temp_dir"), cwd=str(request.get("cwd") or spec.cwd))
        return spec

    async def _run(self, spec: RunSpec) -> ExecutionResult:
        async with self._slots:
            return await run_program(spec, self._lease)


def _interpreter(request: dict[str, Any]) -> str:
    """The request's interpreter; a relative path (``venv/bin/python``) is relative to the client's directory, as a
    local run would read it, and a bare name (``python3``) is looked up on PATH."""
    python = str(request.get("python") or sys.executable)
    if os.sep in python and not os.path.isabs(python) and request.get("cwd"):
        return os.path.join(str(request["cwd"]), python)
    return python
