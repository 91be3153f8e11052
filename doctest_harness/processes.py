"""Processes the doc-tests start: which ports are taken, waiting for one, stopping a group."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time


class HarnessError(RuntimeError):
    """The harness itself could not set something up (not a page failure)."""


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_for_port(port: int, process: subprocess.Popen, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise HarnessError(f"{what} exited with code {process.returncode} before listening on port {port}")
        if not port_is_free(port):
            return
        time.sleep(0.05)
    raise HarnessError(f"{what} did not listen on port {port} within {timeout:.0f} s")


def stop_group(process: subprocess.Popen) -> None:
    """Stop a process started with start_new_session, children included."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
