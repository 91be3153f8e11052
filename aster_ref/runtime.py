"""PythonRuntime: run wrapped PTC code in a fresh interpreter, with a timeout and output limits."""

from __future__ import annotations

import asyncio
import codecs
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import messages
from .process import kill_group, wait_exited
from .sdk import check_tool_names, wrap_code
from .sdk_client import DEFAULT_BRIDGE_URL, TOKEN_ENV, URL_ENV
from .tools import DEFAULT_CODE_TOOLS

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_OUTPUT = 1024 * 1024  # per stream, in bytes
DEFAULT_MAX_CONCURRENCY = 10
TEMP_PREFIX = "aster_"


@dataclass
class RuntimeConfig:
    timeout: float = DEFAULT_TIMEOUT
    work_dir: str | Path | None = None  # temp file + child cwd; None: system temp dir, inherited cwd
    env: Mapping[str, str] = field(default_factory=dict)  # added to the inherited environment
    max_output: int = DEFAULT_MAX_OUTPUT
    python: str = sys.executable  # the interpreter running aster_ref, which has aiohttp
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY


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


async def _read_limited(stream: asyncio.StreamReader, limit: int) -> str:
    """Read a stream to EOF, keeping the first ``limit`` bytes (draining the rest so the child never blocks)."""
    kept = bytearray()
    truncated = False
    while chunk := await stream.read(65536):
        room = limit - len(kept)
        if len(chunk) > room:
            truncated = True
        kept += chunk[: max(room, 0)]
    if not truncated:
        return kept.decode("utf-8", errors="replace")
    # The cut may fall inside a multi-byte character: drop that partial character rather than show U+FFFD.
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(bytes(kept), final=False)
    return text + messages.OUTPUT_TRUNCATED.format(limit=limit)


def _failed_to_start(error: str, started: float) -> ExecutionResult:
    # stderr as if the child had printed the error, so `aster-ref run` ends it with a newline like the others.
    return ExecutionResult(False, stderr=error + "\n", error=error, duration=time.monotonic() - started)


class PythonRuntime:
    def __init__(self, config: RuntimeConfig | None = None) -> None:
        self.config = config or RuntimeConfig()
        self.tools: list[str] = list(DEFAULT_CODE_TOOLS)
        self.bridge_url = DEFAULT_BRIDGE_URL
        self.bridge_token: str | None = None
        self._slots = asyncio.Semaphore(self.config.max_concurrency)

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
            return await self._run(program)

    def _environment(self) -> dict[str, str]:
        env = {
            **os.environ,
            "PYTHONIOENCODING": "utf-8",
            **self.config.env,
            URL_ENV: self.bridge_url,
        }
        if self.bridge_token:
            env[TOKEN_ENV] = self.bridge_token
        else:
            env.pop(TOKEN_ENV, None)
        return env

    async def _run(self, program: str) -> ExecutionResult:
        work_dir = self.config.work_dir
        started = time.monotonic()
        try:
            fd, path = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".py", dir=work_dir)
        except (FileNotFoundError, NotADirectoryError):
            return _failed_to_start(messages.WORK_DIR_NOT_FOUND.format(work_dir=work_dir), started)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                file.write(program)
            try:
                process = await asyncio.create_subprocess_exec(
                    self.config.python,
                    path,
                    cwd=work_dir,
                    env=self._environment(),
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.PIPE,
                    start_new_session=True,  # its own process group, so a timeout kills its children too
                )
            except FileNotFoundError:
                return _failed_to_start(messages.PYTHON_NOT_FOUND.format(python=self.config.python), started)
            return await self._collect(process, started)
        finally:
            Path(path).unlink(missing_ok=True)

    async def _collect(self, process: asyncio.subprocess.Process, started: float) -> ExecutionResult:
        assert process.stdout is not None and process.stderr is not None
        limit = self.config.max_output
        readers = asyncio.gather(_read_limited(process.stdout, limit), _read_limited(process.stderr, limit))
        try:
            try:
                await asyncio.wait_for(wait_exited(process), self.config.timeout)
                timed_out = False
            except asyncio.TimeoutError:
                timed_out = True
            # Also after a normal exit: nothing the code started outlives it (and holds the pipes open).
            kill_group(process.pid)
            stdout, stderr = await readers
            await process.wait()
        except asyncio.CancelledError:
            kill_group(process.pid)
            await process.wait()
            # The pipes are closed now: collect the readers (asyncio.run may have cancelled them) before re-raising.
            await asyncio.gather(readers, return_exceptions=True)
            raise
        duration = time.monotonic() - started
        if timed_out:
            return ExecutionResult(
                False,
                stdout=stdout,
                stderr=stderr,
                error=messages.EXECUTION_TIMEOUT,
                exit_code=process.returncode,
                duration=duration,
            )
        code = process.returncode
        if code != 0:
            error = _last_line(stderr) or messages.EXIT_STATUS.format(code=code)
            return ExecutionResult(
                False,
                stdout=stdout,
                stderr=stderr,
                error=error,
                exit_code=code,
                duration=duration,
            )
        return ExecutionResult(
            True,
            output=parse_output(stdout),
            stdout=stdout,
            stderr=stderr,
            exit_code=0,
            duration=duration,
        )
