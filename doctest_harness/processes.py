"""Processes the doc-tests start: which ports are taken, waiting for one, and running
or stopping a command in its own process group, so nothing it starts outlives it.

Killing a group is aster_ref's helper (``aster_ref.process.kill_group``): one for the repo.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import threading
import time
from pathlib import Path

from aster_ref.process import kill_group
from doctest_harness import messages

__all__ = ["HarnessError", "kill_group", "port_is_free", "run_group", "start_group", "stop_group", "wait_for_port"]


class HarnessError(RuntimeError):
    """The harness itself could not set something up (not a page failure)."""


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_for_port(port: int, process: subprocess.Popen, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise HarnessError(messages.EXITED_BEFORE_LISTENING.format(what=what, code=process.returncode, port=port))
        if not port_is_free(port):
            return
        time.sleep(0.05)
    raise HarnessError(messages.DID_NOT_LISTEN.format(what=what, port=port, timeout=timeout))


def start_group(args: list[str], *, cwd: Path, env: dict[str, str], log: Path | None = None) -> subprocess.Popen:
    """Start ``args`` in a process group of its own, output to ``log`` (or nowhere)."""
    with open(log or "/dev/null", "ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            args,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_group(process: subprocess.Popen) -> None:
    """Stop a process started by ``start_group``, children included."""
    kill_group(process.pid)
    process.wait()


def run_group(
    args: list[str], *, cwd: Path, env: dict[str, str], timeout: float, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``args`` in its own process group and kill the group when it ends.

    Whatever it left running (a server a block did not stop) goes with it, and
    the call returns when the command itself exits, not when such a leftover
    closes the output pipes. Past ``timeout`` the group is killed and
    ``subprocess.TimeoutExpired`` raised, with the output so far, as
    ``subprocess.run`` does.
    """
    process = subprocess.Popen(
        args,
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    output: dict[str, str] = {}
    threads = [
        threading.Thread(target=lambda name=name, pipe=pipe: output.__setitem__(name, pipe.read()), daemon=True)
        for name, pipe in (("stdout", process.stdout), ("stderr", process.stderr))
    ]
    for thread in threads:
        thread.start()
    if input is not None:
        with contextlib.suppress(BrokenPipeError):
            process.stdin.write(input)
            process.stdin.close()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
    else:
        timed_out = False
    finally:
        kill_group(process.pid)
        process.wait()
        for thread in threads:
            thread.join()
        process.stdout.close()
        process.stderr.close()
    if timed_out:
        raise subprocess.TimeoutExpired(args, timeout, output["stdout"], output["stderr"])
    return subprocess.CompletedProcess(args, process.returncode, output["stdout"], output["stderr"])
