"""Run one block by kind and check what it printed; a failure says what the reader would have seen."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import tomllib
import yaml
from pytest_examples import CodeExample
from pytest_examples.config import ExamplesConfig
from pytest_examples.lint import FormatError, ruff_check

from doctest_harness import ptc, scenarios
from doctest_harness.blocks import BlockFailure, DocBlock, Kind
from doctest_harness.go_runner import GoBlockError, free_ports_needed, run_go_block
from doctest_harness.processes import port_is_free, stop_group, wait_for_port
from doctest_harness.session import BRIDGE_PORT, DocTestSession
from doctest_harness.tools import require_tools, tools_used

BLOCK_TIMEOUT = 300
# Prepended to bash blocks: an HTTP error status fails the block, as a reader would notice it.
BASH_PRELUDE = 'curl() { command curl --fail-with-body --silent --show-error "$@"; }\n'
# Names the SDK prelude defines in PTC code; ruff must not call them undefined.
PTC_BUILTINS = json.dumps([*ptc.CODE_CALLABLE, "Bash", "input_data", "ToolError"])


def check_output(block: DocBlock, exit_code: int, stdout: str, stderr: str) -> None:
    expected = block.expected_exit()
    problems = []
    if exit_code != expected:
        problems.append(f"exit code {exit_code}, expected {expected}")
    for stream, text in (("stdout", stdout), ("stderr", stderr)):
        wanted = block.directive.get(stream)
        if wanted is not None and wanted not in text:
            problems.append(f"{stream} lacks {wanted!r}")
    if problems:
        raise BlockFailure(
            f"{block.location}: {'; '.join(problems)}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
        )


def lint_python(block: DocBlock, repo: Path, *, ptc: bool) -> None:
    """ruff (through pytest-examples) on Python blocks: undefined names, unused imports, syntax."""
    example = CodeExample.create(block.fence.code, path=repo / block.page, start_line=block.fence.line)
    config = ExamplesConfig(target_version="py310", ruff_ignore=["F704", "PLE1142"] if ptc else None)
    extra = ("--config", f"builtins = {PTC_BUILTINS}") if ptc else ()
    try:
        ruff_check(example, config, extra_ruff_args=extra)
    except FormatError as exc:
        raise BlockFailure(f"{block.location}: {exc}") from None


def run_ptc(block: DocBlock, session: DocTestSession) -> None:
    lint_python(block, session.repo, ptc=True)
    if "latency" in block.directive:
        result = ptc.run_with_latency(block, session)
        ptc.check_speedup(block, result)
    else:
        result = asyncio.run(ptc.execute_ptc(block.fence.code, session.bridge_url(), session))
    check_output(block, result.exit_code, result.stdout, result.stderr + (result.error or ""))


def run_python(block: DocBlock, session: DocTestSession) -> None:
    lint_python(block, session.repo, ptc=False)
    session.bridge_url()
    cwd = session.new_dir("python")
    (cwd / "block.py").write_text(block.fence.code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "block.py"],
        cwd=cwd,
        env=session.env(),
        capture_output=True,
        text=True,
        timeout=BLOCK_TIMEOUT,
        check=False,
    )
    check_output(block, done.returncode, done.stdout, done.stderr)


def shell(command: str, block: DocBlock, session: DocTestSession) -> subprocess.CompletedProcess[str]:
    """Run ``command`` as a reader would: bash, a fresh dir, the bridge up, the page's throwaway venv first on PATH."""
    require_tools(tools_used(command))
    session.bridge_url()
    path = [session.page_venv(block.page) / "bin"]
    if "poetry" in command:
        path.append(session.poetry_bin())
    cwd = session.new_dir("bash")
    (cwd / ".block.sh").write_text(BASH_PRELUDE + command, encoding="utf-8")
    background = start_background(block, session, cwd, path)
    try:
        return subprocess.run(
            ["bash", "-eo", "pipefail", ".block.sh"],
            cwd=cwd,
            env=session.env(first_on_path=path),
            capture_output=True,
            text=True,
            timeout=BLOCK_TIMEOUT,
            check=False,
        )
    finally:
        if background is not None:
            stop_group(background)


def start_background(block: DocBlock, session: DocTestSession, cwd: Path, path: list[Path]):
    command = block.directive.get("background")
    if not command:
        return None
    port = int(block.directive["port"])
    if not port_is_free(port):
        raise BlockFailure(f"{block.location}: port {port} is busy before `{command}` starts")
    require_tools(tools_used(command))
    process = subprocess.Popen(
        ["bash", "-c", command],
        cwd=cwd,
        env=session.env(first_on_path=path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_for_port(port, process, BLOCK_TIMEOUT, f"background `{command}`")
    return process


def run_bash(block: DocBlock, session: DocTestSession) -> None:
    done = shell(block.directive.get("run", block.fence.code), block, session)
    check_output(block, done.returncode, done.stdout, done.stderr)


def run_go(block: DocBlock, session: DocTestSession) -> None:
    require_tools(["go"])
    if BRIDGE_PORT in free_ports_needed(block.directive, session.repo):
        session.stop_bridge()
    else:
        session.bridge_url()
    try:
        done = run_go_block(
            block.fence.code, directive=block.directive, repo=session.repo, env=session.env(), timeout=BLOCK_TIMEOUT
        )
    except GoBlockError as exc:
        raise BlockFailure(f"{block.location}: {exc}") from None
    check_output(block, done.returncode, done.stdout, done.stderr)


def run_quoted(block: DocBlock, session: DocTestSession) -> None:
    quote = block.fence.code
    command = block.directive.get("output-of")
    if command:
        done = shell(command, block, session)
        outputs = {f"`{command}`": done.stdout + done.stderr}
    else:
        names = scenarios.messages_quoted_by(quote)
        if not names:
            raise BlockFailure(
                f"{block.location}: quoted text is none of the messages aster_ref defines "
                f"(aster_ref.messages.QUOTED) and has no output-of directive:\n{quote}"
            )
        outputs = {name: session.scenario_output(name) for name in names}
    pattern = scenarios.quote_pattern(quote)
    if not any(pattern.search(output) for output in outputs.values()):
        shown = "\n".join(f"--- {name} ---\n{output}" for name, output in outputs.items())
        raise BlockFailure(f"{block.location}: the reference never prints the quoted text\n{quote}\n{shown}")


def run_data(block: DocBlock, session: DocTestSession) -> None:
    parsers = {"json": json.loads, "yaml": yaml.safe_load, "toml": tomllib.loads}
    try:
        parsers[block.fence.lang.lower()](block.fence.code)
    except (ValueError, yaml.YAMLError) as exc:
        raise BlockFailure(f"{block.location}: invalid {block.fence.lang}: {exc}") from None


RUNNERS = {
    Kind.PTC: run_ptc,
    Kind.PYTHON: run_python,
    Kind.BASH: run_bash,
    Kind.GO: run_go,
    Kind.QUOTED: run_quoted,
    Kind.DATA: run_data,
}
