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
import uuid
from pathlib import Path

from aster_ref.process import kill_group, kill_tagged
from doctest_harness import messages

__all__ = [
    "HarnessError",
    "kill_group",
    "port_is_free",
    "run_group",
    "start_group",
    "stop_group",
    "wait_for_port",
]

# Every process run_group starts inherits this variable, so all of them can be found and killed.
TAG_VARIABLE = "ASTER_DOCTEST_RUN"
# How long the output may stay open once every process of a run is killed.
READ_GRACE = 5.0


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


class Group(subprocess.Popen):
    """A command in a process group of its own, whose every process inherits TAG_VARIABLE=``tag``:
    so those that leave the group for a session of their own (``setsid``) are found too."""

    def __init__(self, args: list[str], *, env: dict[str, str], **options) -> None:
        self.tag = uuid.uuid4().hex
        super().__init__(args, env=dict(env, **{TAG_VARIABLE: self.tag}), start_new_session=True, **options)

    def kill_all(self) -> None:
        """SIGKILL the group and every tagged process; the command is reaped."""
        kill_group(self.pid)
        kill_tagged(TAG_VARIABLE, self.tag)
        self.wait()


def start_group(args: list[str], *, cwd: Path, env: dict[str, str], log: Path | None = None) -> Group:
    """Start ``args`` as a Group, output to ``log`` (or nowhere); ``stop_group`` stops all it started."""
    with open(log or "/dev/null", "ab") as out:  # the child keeps its own copy of the descriptor
        return Group(args, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)


def stop_group(process: subprocess.Popen) -> None:
    """Stop a process started in a group of its own, children included (tagged ones too, for a Group)."""
    if isinstance(process, Group):
        process.kill_all()
    else:
        kill_group(process.pid)
        process.wait()


def run_group(
    args: list[str], *, cwd: Path, env: dict[str, str], timeout: float, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``args`` as a Group and kill everything it started when it ends.

    Whatever it left running (a server a block did not stop) goes with it, also in a
    session of its own. The call returns when the command itself exits, not when such a
    leftover closes the output pipes; if one that also cleared its environment still holds
    them after READ_GRACE, stderr ends with OUTPUT_HELD_OPEN. Past ``timeout`` the run is
    killed and ``subprocess.TimeoutExpired`` raised, with the output so far, as
    ``subprocess.run`` does.
    """
    process = Group(
        args,
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    output: dict[str, str] = {}
    threads = [
        threading.Thread(target=lambda name=name, pipe=pipe: output.__setitem__(name, pipe.read()), daemon=True)
        for name, pipe in (("stdout", process.stdout), ("stderr", process.stderr))
    ]
    if input is not None:  # from a thread too: a command that reads none of it must not hold us past the timeout
        threads.append(threading.Thread(target=_feed, args=(process.stdin, input), daemon=True))
    for thread in threads:
        thread.start()
    timed_out = False
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        process.kill_all()
    for thread in threads:
        thread.join(timeout=READ_GRACE)
    stdout, stderr = output.get("stdout", ""), output.get("stderr", "")
    if any(thread.is_alive() for thread in threads[:2]):
        stderr += "\n" + messages.OUTPUT_HELD_OPEN
    if timed_out:
        raise subprocess.TimeoutExpired(args, timeout, stdout, stderr)
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


def _feed(stdin, text: str) -> None:
    with contextlib.suppress(BrokenPipeError, OSError):
        try:
            stdin.write(text)
        finally:
            stdin.close()
