"""The bridge the pages talk to: `aster-ref serve` on localhost:8080, started on
first use and stopped at the end of the run (or for a block that needs the port)."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from pathlib import Path

from doctest_harness import messages
from doctest_harness.processes import HarnessError, port_is_free, start_group, stop_group, wait_for_port
from doctest_harness.sandboxes import Sandboxes

BRIDGE_HOST = "localhost"
BRIDGE_PORT = 8080
BRIDGE_URL = f"http://{BRIDGE_HOST}:{BRIDGE_PORT}"
START_TIMEOUT = 20.0


class Bridge:
    def __init__(self, sandboxes: Sandboxes) -> None:
        self._sandboxes = sandboxes
        self._process: subprocess.Popen | None = None

    @property
    def running(self) -> bool:
        return self._process is not None

    def start(self) -> str:
        """Start the bridge (once) with the sandbox's workspace as its root; return its URL.

        A bridge that does not come up is stopped again, and the error ends with its log: the next
        block tries afresh instead of talking to a dead one.
        """
        if self._process is None:
            if not port_is_free(BRIDGE_PORT):
                raise HarnessError(messages.BRIDGE_PORT_BUSY.format(port=BRIDGE_PORT))
            sandboxes = self._sandboxes
            log = sandboxes.tmp / "bridge.log"
            process = start_group(
                sandboxes.aster_ref("serve", "--port", str(BRIDGE_PORT), "--root", str(sandboxes.workspace)),
                cwd=sandboxes.workspace,
                env=sandboxes.env(),
                log=log,
            )
            try:
                wait_for_port(BRIDGE_PORT, process, START_TIMEOUT, "aster-ref serve")
                _wait_healthy()
            except HarnessError as error:
                stop_group(process)
                raise HarnessError(messages.BRIDGE_LOG.format(error=error, log=_tail(log))) from None
            self._process = process
        return BRIDGE_URL

    def stop(self) -> None:
        """Free port 8080 (for a block that starts its own bridge there); the next start starts it again."""
        if self._process is not None:
            stop_group(self._process)
            self._process = None


def _wait_healthy() -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{BRIDGE_URL}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise HarnessError(messages.BRIDGE_NOT_HEALTHY.format(url=f"{BRIDGE_URL}/health", timeout=START_TIMEOUT))


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
