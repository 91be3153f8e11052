"""messages.py is the one definition of every quoted message."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import aster_ref
from aster_ref import messages, render_prelude

PACKAGE = Path(aster_ref.__file__).parent


def test_quoted_holds_the_five_messages_the_docs_quote() -> None:
    assert messages.QUOTED == {
        "AIOHTTP_REQUIRED": "Error: aiohttp is required. Install it with: pip install aiohttp",
        "CONNECTION_ERROR": "Connection error: {detail}",
        "EXECUTION_TIMEOUT": "execution timeout",
        "TOOL_FAILED": "Tool {tool} failed: {error}",
        "TOOL_NOT_ALLOWED": "Tool {tool} is not allowed in code_execution context",
    }


def test_invalid_input_reads_as_the_docs_quote_it() -> None:
    required = messages.INVALID_INPUT.format(tool="Read", error=messages.INPUT_REQUIRED.format(name="path"))
    assert required == "invalid input for Read: 'path' is required"
    wrong_type = messages.INPUT_WRONG_TYPE.format(name="path", types="string", got="int")
    assert messages.INVALID_INPUT.format(tool="Read", error=wrong_type) == (
        "invalid input for Read: 'path' must be of type string, got int"
    )


def test_file_not_found_reads_as_the_docs_quote_it() -> None:
    error = messages.FILE_NOT_FOUND.format(path="x.txt")
    assert messages.TOOL_FAILED.format(tool="Read", error=error) == "Tool Read failed: file not found: x.txt"


def test_no_other_module_repeats_a_quoted_message() -> None:
    fixed_parts = [
        part
        for template in messages.QUOTED.values()
        for part in re.split(r"\{[^}]*\}", template)
        if len(part.strip()) >= 6
    ]
    for source in PACKAGE.rglob("*.py"):
        if source.name == "messages.py":
            continue
        text = source.read_text()
        repeated = [part for part in fixed_parts if part and part in text]
        assert not repeated, f"{source.name} repeats {repeated}; use aster_ref.messages"


def test_prelude_carries_the_messages_it_raises() -> None:
    prelude = render_prelude()
    for name in ("AIOHTTP_REQUIRED", "CONNECTION_ERROR", "TOOL_FAILED"):
        assert repr(getattr(messages, name)) in prelude
    # It runs where aster_ref may not be installed: nothing may import it.
    imported = set()
    for node in ast.walk(ast.parse(prelude)):
        if isinstance(node, ast.ImportFrom):
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    assert not {name for name in imported if name.startswith("aster_ref")}
