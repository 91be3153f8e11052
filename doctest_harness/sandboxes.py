"""Where blocks run: one temp dir for the pytest run, holding the bridge's
workspace, pip's cache, a fresh dir per block, a throwaway venv per page and the
environment every block gets. Nothing a block does reaches the reader's real
environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from virtualenv import cli_run

from doctest_harness import messages
from doctest_harness.processes import HarnessError
from doctest_harness.workspace import make_workspace

# The index pip uses when none is configured; poetry blocks resolve through it too,
# since poetry's own default (PyPI's JSON API) may be unreachable where pip's is not.
DEFAULT_INDEX_URL = "https://pypi.org/simple"
# Kept in the repo's .cache/ (ignored by git) for the next run: poetry, and the data virtualenv seeds venvs from.
CACHE = Path(".cache")
POETRY_VENV = CACHE / "doctest-poetry"
VIRTUALENV_DATA = CACHE / "virtualenv"


class Sandboxes:
    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.tmp = Path(tempfile.mkdtemp(prefix="aster-doctests-"))
        self.workspace = make_workspace(self.tmp / "workspace")
        self._page_venvs: dict[Path, Path] = {}
        self._poetry_bin: Path | None = None
        self._python_without_aiohttp: Path | None = None

    @property
    def venv_bin(self) -> Path:
        """The project's .venv/bin: aster-ref, go, the python with aster_ref installed."""
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
            PIP_INDEX_URL=os.environ.get("PIP_INDEX_URL", DEFAULT_INDEX_URL),
            PIP_CACHE_DIR=str(self.tmp / "pip-cache"),  # `pip cache purge` must not empty the reader's
            PPROF_TMPDIR=str(self.tmp / "pprof"),  # go tool pprof saves profiles there, not in ~/pprof
        )
        env.pop("VIRTUAL_ENV", None)
        env.pop("PYTHONPATH", None)
        return env

    def new_dir(self, name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.tmp))

    def page_venv(self, page: Path, *, create: bool = True) -> Path | None:
        """A throwaway venv per page, so `pip install` blocks change nothing real.

        Shared by the page's blocks in order, as a reader would follow them. With
        ``create=False``, only a venv an earlier block of the page already has. Made
        by virtualenv (the Python .venv was made from, pip and setuptools, as `python -m venv`
        makes it), which seeds pip from its cached data instead of installing it.
        """
        if page not in self._page_venvs and create:
            venv = self.tmp / "venvs" / page.with_suffix("").as_posix().replace("/", "-")
            app_data = self.repo / VIRTUALENV_DATA
            cli_run(
                [str(venv), "--python", sys._base_executable, "--app-data", str(app_data), "--no-periodic-update"],
                setup_logging=False,
            )
            self._page_venvs[page] = venv
        return self._page_venvs.get(page)

    def poetry_bin(self) -> Path:
        """Poetry in a venv of its own, installed from the package index on first use and
        kept in the repo's .cache/ (ignored by git), so later runs skip the install."""
        if self._poetry_bin is None:
            venv = self.repo / POETRY_VENV
            if not (venv / "bin" / "poetry").exists():
                shutil.rmtree(venv, ignore_errors=True)
                for step in (
                    [sys._base_executable, "-m", "venv", str(venv)],
                    [str(venv / "bin" / "pip"), "install", "--quiet", "poetry"],
                ):
                    done = subprocess.run(step, capture_output=True, text=True, check=False)
                    if done.returncode != 0:
                        raise HarnessError(
                            messages.POETRY_NOT_INSTALLED.format(command=" ".join(step), output=done.stderr.strip())
                        )
            self._poetry_bin = venv / "bin"
        return self._poetry_bin

    def python_without_aiohttp(self) -> Path:
        """An interpreter that lacks aiohttp, as a reader's system Python may."""
        if self._python_without_aiohttp is None:
            venv = self.tmp / "no-aiohttp"
            subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(venv)], check=True)
            self._python_without_aiohttp = venv / "bin" / "python"
        return self._python_without_aiohttp

    def close(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)
