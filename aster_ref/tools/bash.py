"""The Bash tool's process: a time limit, output caps, and nothing it starts left running.

bash runs in its own process group with a marker in its environment. When it exits or times out, its group is
killed, and so is every process that still carries the marker: a job that left the group (``setsid``) inherits
the environment all the same. A process that clears its environment (``env -i``) escapes the marker; its
output pipes are then given up after PIPE_GRACE, so the call still returns (the process keeps running).
The runtime's supervisor (a child subreaper) catches even those, but is too heavy for a call this small.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from typing import Any

from .. import messages
from ..errors import ToolFailure
from ..process import READ_CHUNK, CappedOutput, drain_into, kill_group, kill_tagged, wait_exited

RUN_MARKER_ENV = "ASTER_REF_BASH_RUN"
# After bash exited and its processes were killed, how long a pipe may stay open (held by an escaped process).
PIPE_GRACE = 0.5


async def run_bash(command: str, cwd: str, timeout: float, max_output: int) -> dict[str, Any]:
    marker = secrets.token_hex(16)
    read_ends, write_ends = zip(*(os.pipe() for _ in range(2)), strict=True)
    try:
        process = await asyncio.create_subprocess_exec(
            "bash",
            "-c",
            command,
            cwd=cwd,
            env={**os.environ, RUN_MARKER_ENV: marker},
            stdin=asyncio.subprocess.DEVNULL,
            stdout=write_ends[0],
            stderr=write_ends[1],
            start_new_session=True,  # its own process group
        )
    except BaseException:
        for fd in read_ends:
            os.close(fd)
        raise
    finally:
        for fd in write_ends:
            os.close(fd)
    loop = asyncio.get_running_loop()
    outputs = [CappedOutput(max_output), CappedOutput(max_output)]
    pipes: list[asyncio.BaseTransport] = []
    drains = []
    for fd, output in zip(read_ends, outputs, strict=True):
        stream = asyncio.StreamReader(limit=READ_CHUNK)
        pipe = os.fdopen(fd, "rb", buffering=0)
        transport, _ = await loop.connect_read_pipe(lambda s=stream: asyncio.StreamReaderProtocol(s), pipe)
        pipes.append(transport)
        drains.append(asyncio.ensure_future(drain_into(stream, output)))
    try:
        # Wait for bash itself, not for its pipes: a background job (`server &`) would hold them open.
        await asyncio.wait_for(wait_exited(process), timeout)
    except asyncio.TimeoutError:
        raise ToolFailure(messages.COMMAND_TIMEOUT.format(seconds=timeout, command=command)) from None
    finally:
        kill_group(process.pid)
        await asyncio.to_thread(kill_tagged, RUN_MARKER_ENV, marker)  # a /proc scan: off the loop
        await wait_exited(process)
        await asyncio.wait(drains, timeout=PIPE_GRACE)
        for drain in drains:
            drain.cancel()
        await asyncio.gather(*drains, return_exceptions=True)
        for transport in pipes:
            transport.close()
    stdout, stderr = outputs
    return {"stdout": stdout.text(), "stderr": stderr.text(), "exit_code": process.returncode}
