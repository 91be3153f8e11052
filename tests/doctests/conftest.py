from pathlib import Path

import pytest

from doctest_harness.plugin import session_of

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def doc_session(request):
    """The run's shared doc-test session (bridge on localhost:8080, sandboxes)."""
    return session_of(request.config)
