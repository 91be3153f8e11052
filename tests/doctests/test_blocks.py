"""How the harness reads a block: kind, directive, not-run marker, quotes."""

import pytest

from aster_ref import messages
from doctest_harness.blocks import BlockError, Kind, classify, parse_directive
from doctest_harness.scenarios import SCENARIOS, messages_quoted_by, quote_pattern
from mkdocs_mdc import Fence


def fence(code: str, lang: str = "python") -> Fence:
    return Fence(line=3, lang=lang, label=None, meta="", code=code, ancestors=(), directive=None)


@pytest.mark.parametrize(
    ("lang", "code", "kind"),
    [
        ("python", 'print("hi")\n', Kind.PYTHON),
        ("python", 'r = await Read(path="a.txt")\n', Kind.PTC),
        ("python", "# awaited later\nx = 'await'\n", Kind.PYTHON),
        (
            "python",
            "import asyncio\n\nasync def main():\n    await asyncio.sleep(0)\n\nasyncio.run(main())\n",
            Kind.PYTHON,
        ),
        ("bash", "curl http://localhost:8080/health\n", Kind.BASH),
        ("go", "package main\n", Kind.GO),
        ("", "execution timeout\n", Kind.QUOTED),
        ("text", "execution timeout\n", Kind.QUOTED),
        ("json", "{}\n", Kind.DATA),
        ("bash", "# not run in CI: Homebrew is macOS-only\nbrew install python@3.11\n", Kind.NOT_RUN),
        ("bash", "# CI 不运行:Homebrew 只在 macOS 上\nbrew install python@3.11\n", Kind.NOT_RUN),
    ],
)
def test_kind_follows_language_and_await(lang, code, kind):
    assert classify(fence(code, lang), "p.md:3")[0] is kind


def test_not_run_marker_carries_its_reason():
    assert classify(fence("# not run in CI: needs macOS\nbrew x\n", "bash"), "p.md:3") == (Kind.NOT_RUN, "needs macOS")


def test_unknown_language_is_an_error_naming_the_block():
    with pytest.raises(BlockError, match=r"^p\.md:3: no doc-test runner for language 'ruby'$"):
        classify(fence("puts 1\n", "ruby"), "p.md:3")


def test_directive_keys_and_quoted_values():
    assert parse_directive('run="poetry add --dry-run aiohttp" exit=1', "p.md:3") == {
        "run": "poetry add --dry-run aiohttp",
        "exit": "1",
    }
    assert parse_directive(None, "p.md:3") == {}


def test_unknown_directive_key_is_an_error():
    with pytest.raises(BlockError, match=r"^p\.md:3: unknown doctest directive 'skip=yes' \(known keys: "):
        parse_directive("skip=yes", "p.md:3")


def test_unbalanced_quotes_in_directive_are_an_error():
    with pytest.raises(BlockError, match=r"^p\.md:3: unparsable doctest directive 'run=\"poetry'"):
        parse_directive('run="poetry', "p.md:3")


def test_every_quoted_message_has_a_scenario():
    assert set(SCENARIOS) == set(messages.QUOTED)


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


def test_quote_placeholders_match_real_output():
    output = "Traceback ...\nToolError: Tool Bash is not allowed in code_execution context\n"
    assert quote_pattern("Tool XXX is not allowed in code_execution context").search(output)
    assert quote_pattern("Tool Read failed: file not found ...").search("Tool Read failed: file not found: x.txt")
    assert not quote_pattern("Tool Read failed: file not found ...").search("Tool Read failed: file not found")
    assert not quote_pattern("execution timeout").search("execution timeouts")
