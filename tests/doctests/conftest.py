import pytest

from doctest_harness.plugin import session_of


@pytest.fixture
def doc_session(request):
    """The run's shared doc-test session (bridge on localhost:8080, sandboxes)."""
    return session_of(request.config)
