"""PythonRuntime: run wrapped PTC code in a fresh process, with a hard timeout and output limits.

Every run writes the program to an ``aster_*.py`` temp file (deleted afterwards) and runs it in a new process:
its own session and process group, stdin from /dev/null, the run's environment and working directory. By
default that process is a fork of a *warm parent* (``aster_ref.warm``): an interpreter that has already
imported asyncio, aiohttp and the SDK prelude, so a run starts in a few milliseconds instead of a few hundred.
``RuntimeConfig(warm=False)`` runs a cold interpreter instead, as does an interpreter the prelude cannot run in
(no aiohttp, too old), so it prints its own error.

What a warm run sees differently from a cold start:

* modules the prelude imports (asyncio, aiohttp, json, ...) are already in ``sys.modules``, imported once with
  the parent's environment; nothing one run does to module state reaches another (each run is its own fork);
* variables read when an interpreter starts (``PYTHON*`` such as PYTHONPATH, ``LC_*``, ``LANG``, ``LD_*``,
  ``HOME``) choose the warm parent: a run whose values differ gets a parent started with them. Two things stay
  per parent: without PYTHONHASHSEED, runs share the parent's hash seed (a cold start draws one per run), and
  relative PYTHONPATH entries resolve against ``/`` (the parent's directory), not the run's;
* tracebacks through SDK frames name ``<aster-prelude>`` instead of the temp file.

The timeout is a hard wall clock: when it expires, or the code exits, or the run is cancelled, a supervisor
process kills the code and everything it started, including processes that left its process group with
setsid() (on Linux it is their child subreaper; elsewhere only the process group is killed).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import messages
from .defaults import (
    DEFAULT_BRIDGE_URL,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_OUTPUT,
    DEFAULT_TIMEOUT,
    TOKEN_ENV,
    URL_ENV,
)
from .process import READ_CHUNK, CappedOutput, drain_into
from .sdk import check_tool_names, wrap_code
from .tools import DEFAULT_CODE_TOOLS
from .warm import POOL, START_TIMEOUT, ParentUnavailable, WarmParent, resolve_interpreter

if TYPE_CHECKING:
    from typing_extensions import Self

TEMP_PREFIX = "aster_"
# After a kill, how long the supervisor may take to report; after the exit, how long the pipes may take to end.
KILL_GRACE = 5.0
DRAIN_GRACE = 2.0


@dataclass
class RuntimeConfig:
    timeout: float = DEFAULT_TIMEOUT
    work_dir: str | Path | None = None  # temp file + child cwd; None: system temp dir, inherited cwd
    env: Mapping[str, str] = field(default_factory=dict)  # added to the inherited environment
    max_output: int = DEFAULT_MAX_OUTPUT
    python: str = sys.executable  # the interpreter running aster_ref, which has aiohttp
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY
    warm: bool = True  # fork runs from a warm parent; False: a cold interpreter per run
    inherit_env: bool = True  # False: ``env`` is the whole environment of the code


@dataclass(frozen=True)
class RunSpec:
    """One run, resolved: the program and where, how and for how long it runs."""

    program: str
    python: str
    env: Mapping[str, str]
    temp_dir: str | None  # where the aster_*.py file goes; None: the system temp dir
    cwd: str
    timeout: float
    max_output: int
    warm: bool = True


@dataclass
class ExecutionResult:
    success: bool
    output: Any = None  # stdout parsed as JSON (whole, else its last line), else the stdout text
    stdout: str = ""
    stderr: str = ""
    error: str | None = None
    exit_code: int | None = None
    duration: float = 0.0  # seconds

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_output(stdout: str) -> Any:
    text = stdout.strip()
    lines = text.splitlines()
    for candidate in (text, lines[-1] if lines else ""):
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    return stdout


def _last_line(text: str) -> str | None:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else None


def _failed_to_start(error: str, started: float) -> ExecutionResult:
    # stderr as if the child had printed the error, so `aster-ref run` ends it with a newline like the others.
    return ExecutionResult(False, stderr=error + "\n", error=error, duration=time.monotonic() - started)


class _Run:
    """A run seen from the host: the socket to its supervisor and the read ends of the code's stdout and stderr.

    It owns them from the start, so a run that fails or is cancelled while it starts closes them too (and
    closing the socket makes the supervisor kill the code).
    """

    def __init__(self, sock: socket.socket, stdout_fd: int, stderr_fd: int) -> None:
        self.sock = sock
        self.outputs = [os.fdopen(fd, "rb", buffering=0) for fd in (stdout_fd, stderr_fd)]
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.pipes: list[asyncio.BaseTransport] = []
        self.streams: list[asyncio.StreamReader] = []

    async def started(self) -> bool:
        """Wait for the supervisor's ``{"pid": N}``; False if the parent was gone before the code started."""
        self.reader, self.writer = await asyncio.open_unix_connection(sock=self.sock)
        try:
            return bool(await asyncio.wait_for(self.reader.readline(), START_TIMEOUT))
        except asyncio.TimeoutError:
            return False

    async def attach(self) -> None:
        loop = asyncio.get_running_loop()
        for output in self.outputs:
            stream = asyncio.StreamReader(limit=READ_CHUNK)
            transport, _ = await loop.connect_read_pipe(lambda s=stream: asyncio.StreamReaderProtocol(s), output)
            self.streams.append(stream)
            self.pipes.append(transport)

    async def exit_status(self) -> int | None:
        """The code's exit status once it and everything it started are gone; None if the supervisor died."""
        assert self.reader is not None
        line = await self.reader.readline()
        try:
            return int(json.loads(line)["exit"])
        except (ValueError, KeyError, TypeError):
            return None

    async def kill(self) -> int | None:
        """Kill the code and its descendants; their status, or None if the supervisor does not answer."""
        assert self.writer is not None
        try:
            self.writer.write(b"kill\n")
            return await asyncio.wait_for(self.exit_status(), KILL_GRACE)
        except (OSError, asyncio.TimeoutError):
            return None

    def close(self) -> None:
        # If the supervisor still runs, closing its socket kills the code too.
        if self.writer is not None:
            self.writer.close()
        else:
            self.sock.close()
        for transport in self.pipes:
            transport.close()
        for output in self.outputs:
            output.close()


async def _submit(parent: WarmParent, job: dict[str, Any]) -> _Run | None:
    """Hand ``job`` to ``parent``; None if the parent was gone before the code process started."""
    host_end, run_end = socket.socketpair()
    stdout_r, stdout_w = os.pipe()
    stderr_r, stderr_w = os.pipe()
    run = _Run(host_end, stdout_r, stderr_r)
    try:
        try:
            parent.submit(job, [run_end.fileno(), stdout_w, stderr_w])
        finally:
            run_end.close()
            os.close(stdout_w)
            os.close(stderr_w)
        if await run.started():
            await run.attach()
            return run
    except OSError:
        pass
    except BaseException:
        run.close()
        raise
    run.close()
    return None


async def _start(spec: RunSpec, path: str, user: object) -> _Run | None:
    """Start the code process for ``spec`` (warm if possible). Raises OSError if the interpreter cannot run."""
    python = resolve_interpreter(spec.python, spec.env)
    parent: WarmParent | None = None
    if spec.warm:
        try:
            parent = await POOL.parent(python, spec.env, preload=True, user=user)
        except ParentUnavailable:
            parent = None
    if parent is None:  # cold: this interpreter's supervisor-only parent execs the interpreter
        parent = await POOL.parent(sys.executable, os.environ, preload=False, user=user)
    job = {"path": path, "cwd": spec.cwd, "env": dict(spec.env), "exec": None if parent.warm else python}
    run = await _submit(parent, job)
    if run is None:  # the parent crashed or was killed: replace it, once
        await POOL.replace(parent)
        run = await _submit(parent, job)
    return run


async def run_program(spec: RunSpec, user: object) -> ExecutionResult:
    """Run ``spec.program`` once; ``user`` holds on to the warm parent it uses (see ``WarmPool.release``)."""
    started = time.monotonic()
    try:
        fd, path = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".py", dir=spec.temp_dir)
    except (FileNotFoundError, NotADirectoryError):
        return _failed_to_start(messages.WORK_DIR_NOT_FOUND.format(work_dir=spec.temp_dir), started)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(spec.program)
        try:
            run = await _start(spec, path, user)
        except FileNotFoundError:
            return _failed_to_start(messages.PYTHON_NOT_FOUND.format(python=spec.python), started)
        except (OSError, ParentUnavailable) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            return _failed_to_start(messages.PYTHON_CANNOT_RUN.format(python=spec.python, reason=reason), started)
        if run is None:
            return _failed_to_start(messages.RUNTIME_UNAVAILABLE, started)
        return await _collect(run, spec, started)
    finally:
        Path(path).unlink(missing_ok=True)


async def _collect(run: _Run, spec: RunSpec, started: float) -> ExecutionResult:
    stdout, stderr = CappedOutput(spec.max_output), CappedOutput(spec.max_output)
    drains = [asyncio.ensure_future(drain_into(s, o)) for s, o in zip(run.streams, (stdout, stderr), strict=True)]
    try:
        try:
            status = await asyncio.wait_for(run.exit_status(), spec.timeout)
            timed_out = False
        except asyncio.TimeoutError:
            timed_out = True
            status = await run.kill()
        # Everything that could write is dead; only a descriptor handed outside the run keeps a pipe open.
        await asyncio.wait(drains, timeout=DRAIN_GRACE)
    except asyncio.CancelledError:
        await run.kill()
        raise
    finally:
        for drain in drains:
            drain.cancel()
        await asyncio.gather(*drains, return_exceptions=True)
        run.close()
    duration = time.monotonic() - started
    out, err = stdout.text(), stderr.text()
    if timed_out:
        error = messages.EXECUTION_TIMEOUT
    elif status is None:
        error = messages.RUN_SUPERVISOR_LOST
    elif status != 0:
        error = _last_line(err) or messages.EXIT_STATUS.format(code=status)
    else:
        return ExecutionResult(True, output=parse_output(out), stdout=out, stderr=err, exit_code=0, duration=duration)
    return ExecutionResult(False, stdout=out, stderr=err, error=error, exit_code=status, duration=duration)


class PythonRuntime:
    def __init__(self, config: RuntimeConfig | None = None) -> None:
        self.config = config or RuntimeConfig()
        self.tools: list[str] = list(DEFAULT_CODE_TOOLS)
        self.bridge_url = DEFAULT_BRIDGE_URL
        self.bridge_token: str | None = None
        self._slots = asyncio.Semaphore(self.config.max_concurrency)
        self._lease = object()  # what this runtime holds its warm parents by

    def set_tools(self, tools: Iterable[str]) -> None:
        self.tools = check_tool_names(tools)

    def set_bridge_url(self, url: str, token: str | None = None) -> None:
        self.bridge_url = url
        self.bridge_token = token

    def wrap_code(self, code: str, input: Any = None) -> str:
        return wrap_code(code, self.tools, input)

    async def execute(self, code: str, input: Any = None) -> ExecutionResult:
        """Wrap ``code`` and run it. Waits for a free slot when max_concurrency runs are active."""
        return await self.execute_wrapped(self.wrap_code(code, input))

    async def execute_wrapped(self, program: str) -> ExecutionResult:
        """Run an already wrapped program (as ``wrap_code`` returns it)."""
        async with self._slots:
            return await run_program(self.spec(program), self._lease)

    def spec(self, program: str) -> RunSpec:
        # Absolute: the code process starts from the warm parent's directory, not this one.
        work_dir = None if self.config.work_dir is None else os.path.abspath(self.config.work_dir)
        return RunSpec(
            program=program,
            python=self.config.python,
            env=self._environment(),
            temp_dir=work_dir,
            cwd=work_dir or os.getcwd(),
            timeout=self.config.timeout,
            max_output=self.config.max_output,
            warm=self.config.warm,
        )

    def _environment(self) -> dict[str, str]:
        env = {
            **(os.environ if self.config.inherit_env else {}),
            "PYTHONIOENCODING": "utf-8",
            **self.config.env,
            URL_ENV: self.bridge_url,
        }
        if self.bridge_token:
            env[TOKEN_ENV] = self.bridge_token
        else:
            env.pop(TOKEN_ENV, None)
        return env

    def warm_parents(self) -> list[int]:
        """Process ids of the warm parents this runtime's runs fork from (diagnostics)."""
        return POOL.pids(self._lease)

    async def close(self) -> None:
        """Stop the warm parents this runtime used, unless another runtime still uses them. It can run again."""
        POOL.release(self._lease)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
