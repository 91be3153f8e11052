"""Reproduce each message the pages quote, the way a user meets it.

Every quoted message in ``aster_ref.messages.QUOTED`` has a scenario here: the
``aster-ref run`` command and PTC code that make the reference print it. A page
quote is checked against what the scenario really printed, so a page that
misquotes a message, or a reference that stops printing it, fails.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aster_ref import messages

if TYPE_CHECKING:
    from doctest_harness.session import DocTestSession


@dataclass(frozen=True)
class Scenario:
    args: tuple[str, ...]
    code: str
    needs_bridge: bool


READ_TEST_FILE = 'print(await Read(path="test.txt"))\n'

SCENARIOS: dict[str, Scenario] = {
    "AIOHTTP_REQUIRED": Scenario(("--python", "{python_without_aiohttp}", "--tools", "Read"), READ_TEST_FILE, False),
    "CONNECTION_ERROR": Scenario(("--bridge-url", "http://localhost:8080", "--tools", "Read"), READ_TEST_FILE, False),
    "EXECUTION_TIMEOUT": Scenario(("--timeout", "1", "--tools", "Read"), "import time\n\ntime.sleep(5)\n", False),
    "TOOL_FAILED": Scenario(("--tools", "Read"), 'await Read(path="nonexistent.txt")\n', True),
    "TOOL_NOT_ALLOWED": Scenario(("--tools", "Bash"), 'await Bash(command="echo hi")\n', True),
}


def python_without_aiohttp(session: DocTestSession) -> str:
    venv = session.tmp / "no-aiohttp"
    if not venv.exists():
        subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    return str(venv / "bin" / "python")


def run_scenario(session: DocTestSession, name: str) -> str:
    """What ``aster-ref run`` printed (stdout and stderr) in that situation."""
    scenario = SCENARIOS[name]
    args = [arg.replace("{python_without_aiohttp}", python_without_aiohttp(session)) for arg in scenario.args]
    if scenario.needs_bridge:
        args = ["--bridge-url", session.bridge_url(), *args]
    done = subprocess.run(
        session.aster_ref("run", *args, "-"),
        input=scenario.code,
        capture_output=True,
        text=True,
        cwd=session.workspace,
        env=session.env(),
        timeout=60,
        check=False,
    )
    return done.stdout + done.stderr


def reproduce_offline(session: DocTestSession) -> dict[str, str]:
    return {name: run_scenario(session, name) for name, s in SCENARIOS.items() if not s.needs_bridge}


def template_pattern(template: str) -> re.Pattern[str]:
    """``Tool {tool} failed: {error}`` -> a pattern a quote of that message must fit."""
    parts = re.split(r"\{\w+\}", template)
    return re.compile(".+?".join(re.escape(part) for part in parts), re.DOTALL)


def quote_pattern(quote: str) -> re.Pattern[str]:
    """A page quote as a pattern over real output: ``XXX`` is a tool name, a trailing ``...`` more text."""
    text = quote.strip()
    more = text.endswith("...")
    if more:
        text = text[:-3].rstrip()
    pattern = r"\s+".join(re.escape(word) for word in text.split())
    pattern = pattern.replace("XXX", r"[A-Z]\w*")
    return re.compile(pattern + (r"\s*\S" if more else r"(?!\S)"))


def messages_quoted_by(quote: str) -> list[str]:
    """Names of the QUOTED messages this quote is an instance of."""
    normalized = " ".join(quote.split()).replace("XXX", "Tool")
    return [name for name, template in messages.QUOTED.items() if template_pattern(template).fullmatch(normalized)]
