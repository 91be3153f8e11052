"""What the doc-tests share for one pytest run: the bridge on localhost:8080, its
workspace, the reproduced error messages and per-page sandboxes.

Everything starts lazily on first use and stops at the end of the run, so
``pytest tests/`` pays nothing for it. The connection-refused message is
reproduced before the bridge takes port 8080, because the page quotes that
port.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

from pip._internal.models.index import PyPI

from doctest_harness.processes import HarnessError, port_is_free, stop_group, wait_for_port
from doctest_harness.workspace import make_workspace

BRIDGE_HOST = "localhost"
BRIDGE_PORT = 8080
BRIDGE_URL = f"http://{BRIDGE_HOST}:{BRIDGE_PORT}"
START_TIMEOUT = 20.0


class DocTestSession:
    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.tmp = Path(tempfile.mkdtemp(prefix="aster-doctests-"))
        self.workspace = make_workspace(self.tmp / "workspace")
        self.counts: Counter[str] = Counter()
        self.not_run: list[str] = []
        self._bridge: subprocess.Popen | None = None
        self._offline_outputs: dict[str, str] | None = None
        self._online_outputs: dict[str, str] = {}
        self._page_venvs: dict[Path, Path] = {}
        self._poetry_bin: Path | None = None

    # -- the environment blocks run in ------------------------------------
    @property
    def venv_bin(self) -> Path:
        """The project's .venv/bin: aster-ref, the python with aster_ref installed."""
        return Path(sys.executable).parent

    def aster_ref(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "aster_ref", *args]

    def env(self, *, first_on_path: list[Path] = ()) -> dict[str, str]:
        path = [str(p) for p in first_on_path] + [str(self.venv_bin), os.environ.get("PATH", "")]
        env = dict(
            os.environ,
            PATH=os.pathsep.join(path),
            REPO=str(self.repo),
            ASTER_REF=str(self.venv_bin / "aster-ref"),
            # Poetry blocks resolve through the index pip uses (its JSON API may be unreachable where pip's is not).
            PIP_INDEX_URL=os.environ.get("PIP_INDEX_URL", PyPI.simple_url),
            PPROF_TMPDIR=str(self.tmp / "pprof"),  # go tool pprof saves profiles there, not in ~/pprof
        )
        env.pop("VIRTUAL_ENV", None)
        env.pop("PYTHONPATH", None)
        return env

    # -- the bridge ---------------------------------------------------------
    def bridge_url(self) -> str:
        """Start the session's bridge on localhost:8080 (once) and return its URL."""
        if self._bridge is None:
            self.offline_outputs()
            if not port_is_free(BRIDGE_PORT):
                raise HarnessError(
                    f"port {BRIDGE_PORT} is busy: the doc-tests need it for the bridge the pages talk to"
                )
            with (self.tmp / "bridge.log").open("a") as log:  # the child keeps its own copy of the fd
                self._bridge = subprocess.Popen(
                    self.aster_ref("serve", "--port", str(BRIDGE_PORT), "--root", str(self.workspace)),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    env=self.env(),
                )
            wait_for_port(BRIDGE_PORT, self._bridge, START_TIMEOUT, "aster-ref serve")
            self._wait_healthy()
        return BRIDGE_URL

    def stop_bridge(self) -> None:
        """Free port 8080 for a block that starts its own bridge there; the next block restarts it."""
        if self._bridge is not None:
            stop_group(self._bridge)
            self._bridge = None

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(f"{BRIDGE_URL}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.05)

    def offline_outputs(self) -> dict[str, str]:
        """Messages that need port 8080 free, reproduced once before the bridge starts."""
        if self._offline_outputs is None:
            from doctest_harness.scenarios import reproduce_offline

            self._offline_outputs = reproduce_offline(self)
        return self._offline_outputs

    def scenario_output(self, name: str) -> str:
        """What the reference printed in the situation behind quoted message ``name``."""
        from doctest_harness.scenarios import run_scenario

        offline = self.offline_outputs()
        if name in offline:
            return offline[name]
        if name not in self._online_outputs:
            self._online_outputs[name] = run_scenario(self, name)
        return self._online_outputs[name]

    # -- sandboxes ------------------------------------------------------------
    def page_venv(self, page: Path) -> Path:
        """A throwaway venv per page, so `pip install` blocks change nothing real.

        Shared by the page's blocks in order, as a reader would follow them.
        """
        if page not in self._page_venvs:
            venv = self.tmp / "venvs" / page.with_suffix("").as_posix().replace("/", "-")
            subprocess.run([sys._base_executable, "-m", "venv", str(venv)], check=True, capture_output=True)
            self._page_venvs[page] = venv
        return self._page_venvs[page]

    def poetry_bin(self) -> Path:
        """Poetry in a venv of its own, installed on first use from PyPI."""
        if self._poetry_bin is None:
            venv = self.tmp / "poetry-venv"
            subprocess.run([sys._base_executable, "-m", "venv", str(venv)], check=True, capture_output=True)
            subprocess.run(
                [str(venv / "bin" / "pip"), "install", "--quiet", "poetry"], check=True, capture_output=True, text=True
            )
            self._poetry_bin = venv / "bin"
        return self._poetry_bin

    def new_dir(self, name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.tmp))

    def close(self) -> None:
        if self._bridge is not None:
            stop_group(self._bridge)
        shutil.rmtree(self.tmp, ignore_errors=True)
