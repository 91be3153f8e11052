"""Warm parents, host side: one fork server per interpreter, shared by the runtimes of this process.

A warm parent (``aster_ref/warm_parent.py``, run inside the chosen interpreter) imports the SDK prelude once and
forks a fresh process per run, so a run costs a fork instead of an interpreter start and an aiohttp import.

* Key: the interpreter and the environment variables an interpreter reads when it starts (``PYTHON*``,
  ``LC_*``, ``LANG``, ``LD_*``, ``HOME``). Runs whose values differ get their own parent, so they see them as a
  cold start would. Every other variable is set per run.
* Lifetime: a parent is killed when the last runtime that used it closes, at interpreter exit, and, through
  PR_SET_PDEATHSIG, when this process dies. One that crashed is started again on the next run.
* Fallback: an interpreter whose parent cannot import the prelude (no aiohttp, too old) runs each program
  cold (fork + exec of the interpreter on the program file), so it prints its own error as before; one that
  cannot even run the parent gets a cold run supervised by this interpreter's parent.

Parents are started from one long-lived thread: PR_SET_PDEATHSIG fires when the *thread* that started the
process ends, and the event loop's default executor ends with each ``asyncio.run``.
"""

from __future__ import annotations

import array
import asyncio
import atexit
import json
import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from . import messages
from .sdk import render_prelude

# Reads the parent's source from the control socket (argv[1]) and runs it; argv[2] is the host's pid.
BOOTSTRAP = "import socket,sys;_control=socket.socket(fileno=int(sys.argv[1]));exec(_control.recv(1<<22))"
START_TIMEOUT = 60.0  # an aiohttp import on a busy machine
SEND_TIMEOUT = 5.0
STARTUP_PREFIXES = ("PYTHON", "LC_", "LD_")
STARTUP_NAMES = frozenset({"LANG", "HOME"})


class ParentUnavailable(Exception):
    """The interpreter ran but did not become a warm parent (not Python, or too old for the parent's code)."""


@cache
def parent_source() -> bytes:
    return Path(__file__).with_name("warm_parent.py").read_bytes()


def startup_environment(env: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The variables of ``env`` an interpreter reads when it starts."""
    return tuple(
        sorted((k, v) for k, v in env.items() if k.startswith(STARTUP_PREFIXES) or k in STARTUP_NAMES),
    )


def resolve_interpreter(python: str, env: Mapping[str, str]) -> str:
    """An absolute path to ``python`` (a bare name is looked up on the run's PATH); FileNotFoundError if none."""
    if os.sep not in python:
        found = shutil.which(python, path=env.get("PATH", os.defpath))
        if found is None:
            raise FileNotFoundError(python)
        python = found
    path = os.path.abspath(python)
    if not os.path.exists(path):
        raise FileNotFoundError(path)
    return path


class WarmParent:
    """One warm parent process and its control socket (a SOCK_SEQPACKET pair: one message per run)."""

    def __init__(self, python: str, env: Mapping[str, str], preload: bool) -> None:
        self.python = python
        # Only what an interpreter reads at start: the parent outlives the run that started it, and the rest of
        # that run's environment (a tag a caller kills its processes by, say) is not the parent's.
        self.env = dict(startup_environment(env))
        self.preload = preload
        self.process: subprocess.Popen[bytes] | None = None
        self.control: socket.socket | None = None
        self.warm = False

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def ensure_started(self) -> None:
        """Start the parent unless it runs (in the spawner thread). Raises OSError or ParentUnavailable."""
        if not self.alive:
            self.restart()

    def restart(self) -> None:
        """Stop the parent if it runs, start a new one and wait until it is ready."""
        self.stop()
        host, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.process = subprocess.Popen(
                [self.python, "-c", BOOTSTRAP, str(child.fileno()), str(os.getpid())],
                pass_fds=[child.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd="/",
                env=self.env,
                start_new_session=True,  # a Ctrl-C at the terminal is for the host, which then ends the runs
            )
        except OSError:
            host.close()
            raise
        finally:
            child.close()
        self.control = host
        config = {
            "prelude": render_prelude(),
            "preload": self.preload,
            "messages": {"not_found": messages.PYTHON_NOT_FOUND, "cannot_run": messages.PYTHON_CANNOT_RUN},
        }
        try:
            host.settimeout(START_TIMEOUT)
            host.sendall(parent_source())
            host.sendall(json.dumps(config).encode())
            ready = json.loads(host.recv(4096) or b"null")
            host.settimeout(SEND_TIMEOUT)
        except (OSError, ValueError):
            ready = None
        if not isinstance(ready, dict):
            self.stop()
            raise ParentUnavailable(self.python)
        self.warm = bool(ready["warm"])

    def submit(self, job: dict, fds: list[int]) -> None:
        """Hand one run to the parent. OSError if it is gone."""
        if self.control is None:
            raise ConnectionError("warm parent not started")
        self.control.sendmsg(
            [json.dumps(job).encode()],
            [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))],
        )

    def stop(self) -> None:
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
            self.process = None


Key = tuple[str, tuple[tuple[str, str], ...], bool]


class WarmPool:
    """The warm parents of this process, by interpreter and startup environment, with the runtimes using each."""

    def __init__(self) -> None:
        self._parents: dict[Key, WarmParent] = {}
        self._users: dict[Key, set[object]] = {}
        self._lock = threading.Lock()
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aster-warm-parents")

    async def parent(self, python: str, env: Mapping[str, str], *, preload: bool, user: object) -> WarmParent:
        """The running parent for ``python`` under ``env``, started (or restarted) if needed."""
        key: Key = (python, startup_environment(env), preload)
        with self._lock:
            parent = self._parents.get(key)
            if parent is None:
                parent = self._parents[key] = WarmParent(python, env, preload)
            self._users.setdefault(key, set()).add(user)
        if not parent.alive:
            await asyncio.get_running_loop().run_in_executor(self._spawner, parent.ensure_started)
        return parent

    async def replace(self, parent: WarmParent) -> None:
        """Replace a parent that failed a run however alive it looks."""
        await asyncio.get_running_loop().run_in_executor(self._spawner, parent.restart)

    def release(self, user: object) -> None:
        """``user`` is done: stop every parent no other user needs."""
        with self._lock:
            unused = []
            for key, users in self._users.items():
                users.discard(user)
                if not users:
                    unused.append(key)
            stopping = [self._parents.pop(key) for key in unused if key in self._parents]
            for key in unused:
                del self._users[key]
        for parent in stopping:
            parent.stop()

    def pids(self, user: object) -> list[int]:
        """Process ids of the running parents ``user`` holds (diagnostics)."""
        with self._lock:
            parents = [self._parents[key] for key, users in self._users.items() if user in users]
        return [p.process.pid for p in parents if p.process is not None and p.alive]

    def close(self) -> None:
        with self._lock:
            parents = list(self._parents.values())
            self._parents.clear()
            self._users.clear()
        for parent in parents:
            parent.stop()

    def forget(self) -> None:
        """In a forked copy of this process: the parents belong to the original, leave them alone."""
        self.__init__()


POOL = WarmPool()
atexit.register(POOL.close)
os.register_at_fork(after_in_child=POOL.forget)
