"""Reproduce each message the pages quote, the way a user meets it.

Every quoted message in the reference's list of quoted messages has a scenario
here: the ``aster-ref run`` command and PTC code that make the reference print it.
A page quote is checked against what the scenario really printed, so a page that
misquotes a message, or a reference that stops printing it, fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from aster_ref import messages as reference_messages
from doctest_harness.processes import run_group
from doctest_harness.sandboxes import Sandboxes

SCENARIO_TIMEOUT = 60


@dataclass(frozen=True)
class Scenario:
    args: tuple[str, ...]
    code: str
    needs_bridge: bool


READ_TEST_FILE = 'print(await Read(path="test.txt"))\n'
WITHOUT_AIOHTTP = "{python_without_aiohttp}"

SCENARIOS: dict[str, Scenario] = {
    "AIOHTTP_REQUIRED": Scenario(("--python", WITHOUT_AIOHTTP, "--tools", "Read"), READ_TEST_FILE, False),
    "CONNECTION_ERROR": Scenario(("--bridge-url", "http://localhost:8080", "--tools", "Read"), READ_TEST_FILE, False),
    "EXECUTION_TIMEOUT": Scenario(("--timeout", "1", "--tools", "Read"), "import time\n\ntime.sleep(5)\n", False),
    "TOOL_FAILED": Scenario(("--tools", "Read"), 'await Read(path="nonexistent.txt")\n', True),
    "TOOL_NOT_ALLOWED": Scenario(("--tools", "Bash"), 'await Bash(command="echo hi")\n', True),
}


class Scenarios:
    """What the reference printed in each scenario, run once per pytest run.

    The scenarios that need port 8080 free (the connection-refused message quotes
    that port) run together, before the bridge first starts: ``offline()``.
    """

    def __init__(self, sandboxes: Sandboxes, bridge_url: Callable[[], str]) -> None:
        self._sandboxes = sandboxes
        self._bridge_url = bridge_url
        self._outputs: dict[str, str] = {}

    def offline(self) -> None:
        for name, scenario in SCENARIOS.items():
            if not scenario.needs_bridge and name not in self._outputs:
                self._outputs[name] = self._run(scenario)

    def output(self, name: str) -> str:
        """What ``aster-ref run`` printed (stdout and stderr) in the situation behind quoted message ``name``."""
        if name not in self._outputs:
            self._outputs[name] = self._run(SCENARIOS[name])
        return self._outputs[name]

    def _run(self, scenario: Scenario) -> str:
        sandboxes = self._sandboxes
        without = str(sandboxes.python_without_aiohttp()) if WITHOUT_AIOHTTP in scenario.args else ""
        args = [arg.replace(WITHOUT_AIOHTTP, without) for arg in scenario.args]
        if scenario.needs_bridge:
            args = ["--bridge-url", self._bridge_url(), *args]
        done = run_group(
            sandboxes.aster_ref("run", *args, "-"),
            input=scenario.code,
            cwd=sandboxes.workspace,
            env=sandboxes.env(),
            timeout=SCENARIO_TIMEOUT,
        )
        return done.stdout + done.stderr


def template_pattern(template: str) -> re.Pattern[str]:
    """``Tool {tool} failed: {error}`` -> a pattern a quote of that message must fit."""
    parts = re.split(r"\{\w+\}", template)
    return re.compile(".+?".join(re.escape(part) for part in parts), re.DOTALL)


def messages_quoted_by(quote: str) -> list[str]:
    """Names of the quoted reference messages this quote is an instance of."""
    normalized = " ".join(quote.split()).replace("XXX", "Tool")
    return [
        name for name, template in reference_messages.QUOTED.items() if template_pattern(template).fullmatch(normalized)
    ]
