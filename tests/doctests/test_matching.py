"""Quoted output matches whole lines of what was printed; `...` only where the page shows it."""

import pytest

from aster_ref import messages as reference_messages
from doctest_harness.matching import quote_matches
from doctest_harness.scenarios import SCENARIOS, messages_quoted_by

TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "<ptc>", line 1, in <module>\n'
    "ToolError: Tool Read failed: file not found: nonexistent.txt\n"
)


@pytest.mark.parametrize(
    ("quote", "output"),
    [
        ("Tool Read failed: file not found: nonexistent.txt", TRACEBACK),
        ("Tool Read failed: file not found ...", TRACEBACK),
        ("ToolError: Tool Read failed: file not found: nonexistent.txt", TRACEBACK),
        ("Tool XXX failed: file not found ...", TRACEBACK),
        ("... file not found: nonexistent.txt", TRACEBACK),
        ("Traceback (most recent call last):\n...\nToolError: Tool Read failed: ...", TRACEBACK),
        ('{\n  "success": false,\n  "error":   "x ..."\n}', 'a\n{\n  "success": false,\n  "error": "x y"\n}\n'),
        ("execution timeout", "execution timeout\n"),
    ],
)
def test_whole_lines_match(quote, output):
    assert quote_matches(quote, output)


@pytest.mark.parametrize(
    ("quote", "output"),
    [
        ("Tool Read failed: file not found", TRACEBACK),  # drops the end of the real line without `...`
        ("Tool Read failed: file not", TRACEBACK),
        ("file not found: nonexistent.txt", TRACEBACK),  # drops the start without `...`
        ("Tool Read failed: file not found: nonexistent.txt ...", TRACEBACK),  # `...` where nothing follows
        ("execution timeout", "execution timeouts\n"),
        ("Traceback (most recent call last):\nToolError: Tool Read failed: ...", TRACEBACK),  # lines not adjacent
        ("tool read failed: file not found ...", TRACEBACK),
        ("", TRACEBACK),
    ],
)
def test_partial_lines_do_not_match(quote, output):
    assert not quote_matches(quote, output)


def test_every_quoted_message_has_a_scenario():
    assert set(SCENARIOS) == set(reference_messages.QUOTED)


@pytest.mark.parametrize(
    ("quote", "name"),
    [
        ("Error: aiohttp is required. Install it with: pip install aiohttp", "AIOHTTP_REQUIRED"),
        ("Connection error: Cannot connect to host localhost:8080 ...", "CONNECTION_ERROR"),
        ("execution timeout", "EXECUTION_TIMEOUT"),
        ("Tool Read failed: file not found ...", "TOOL_FAILED"),
        ("Tool XXX is not allowed in code_execution context", "TOOL_NOT_ALLOWED"),
    ],
)
def test_quotes_are_recognised_as_the_message_they_quote(quote, name):
    assert messages_quoted_by(quote) == [name]


def test_a_misquoted_message_is_recognised_as_none():
    assert messages_quoted_by("execution timed out") == []
