"""bash: run as a reader would, with ``bash -eo pipefail`` in a fresh directory, the
bridge up and the page's throwaway venv first on PATH; curl and jq fail the block
where a reader would notice them fail (see shell).

``run=`` replaces the command that runs (a package manager's dry run, say); it must
run each visible command, adding flags only, or be shown on the page.
``background=CMD port=N`` starts CMD first and waits for localhost:N.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

from doctest_harness import messages
from doctest_harness.code_text import split_comment
from doctest_harness.directives import STDERR, STDOUT, DirectiveError, Option, command, port
from doctest_harness.model import BlockFailure, DocBlock, Kind, Outcome
from doctest_harness.processes import port_is_free, start_group, stop_group, wait_for_port
from doctest_harness.registry import Runner
from doctest_harness.session import DocTestSession
from doctest_harness.shell import run_shell
from doctest_harness.tools import require_tools, tools_used

BLOCK_TIMEOUT = 300
BASH_LANGUAGES = frozenset({"bash", "sh", "shell"})
# How commands may be joined in run=: `&&` cannot hide a failure of the visible command under `bash -e`.
JOINS = {"&&"}
# A block that may run pip or Python gets the page's throwaway venv first on PATH (made on first need: it takes seconds).
USES_PYTHON = re.compile(r"\b(?:pip3?|python3?(?:\.\d+)?|venv|poetry)\b")


def _commands(source: str) -> list[list[str]]:
    """The simple commands of ``source`` as words (comments dropped), and the operators that joined them."""
    lines = [split_comment(line, "bash")[0] for line in source.replace("\\\n", " ").splitlines()]
    lexer = shlex.shlex("\n".join(lines), posix=True, punctuation_chars=True)
    lexer.whitespace = " \t\r"
    lexer.commenters = ""
    lexer.wordchars += ":@%+,{}[]^!$#"  # URLs, `$VAR`s and JSON stay whole words
    commands: list[list[str]] = [[]]
    for token in lexer:
        if token == "\n" or (token and set(token) <= set("&|;()<>")):
            commands.append([token])  # the operator leads the next command, so run= can be checked for it
            commands.append([])
        else:
            commands[-1].append(token)
    return [words for words in commands if words]


def _is_operator(words: list[str]) -> bool:
    return len(words) == 1 and set(words[0]) <= set("&|;()<>\n")


def _adds_only_flags(visible: list[str], run: list[str]) -> bool:
    """``run`` is ``visible`` with flags (words starting with `-`) added, nothing removed or changed."""
    if not run or run[0] != visible[0]:
        return False
    remaining = iter(run)
    for word in visible:
        for candidate in remaining:
            if candidate == word:
                break
            if not candidate.startswith("-"):
                return False
        else:
            return False
    return all(word.startswith("-") for word in remaining)


def check_run(block: DocBlock) -> None:
    replacement = block.directive["run"]
    try:
        run_commands = _commands(replacement)
        visible = [words for words in _commands(block.code) if not _is_operator(words)]
    except ValueError as exc:
        raise DirectiveError(messages.VALUE_NOT_COMMAND.format(reason=exc)) from None
    if block.source is not None and block.source.shows(replacement):
        return
    operators = [words[0] for words in run_commands if _is_operator(words) and words[0] not in JOINS | {"\n"}]
    operators += [" ".join(words) for words in run_commands if words[0] == "set"]  # `set +e` turns -e off
    if operators:
        raise DirectiveError(messages.RUN_HIDES_FAILURES.format(operator=operators[0]))
    candidates = iter(words for words in run_commands if not _is_operator(words))
    if not all(any(_adds_only_flags(words, candidate) for candidate in candidates) for words in visible):
        shown = " && ".join(" ".join(words) for words in visible)
        raise DirectiveError(messages.RUN_NOT_SHOWN.format(visible=shown, run=replacement))


def check(block: DocBlock) -> None:
    if "run" in block.directive:
        check_run(block)
    for key, other in (("background", "port"), ("port", "background")):
        if key in block.directive and other not in block.directive:
            raise DirectiveError(messages.DIRECTIVE_NEEDS.format(key=key, other=other))
    if "port" in block.directive and f":{block.directive['port']}" not in block.code:
        raise DirectiveError(messages.PORT_NOT_USED.format(port=block.directive["port"]))


def shell(script: str, block: DocBlock, session: DocTestSession) -> Outcome:
    """Run ``script`` for ``block`` as a reader of its page would, in a fresh directory."""
    require_tools(tools_used(script))
    session.bridge_url()
    sandboxes = session.sandboxes
    venv = sandboxes.page_venv(block.page, create=bool(USES_PYTHON.search(script)))
    path = [venv / "bin"] if venv else []
    if "poetry" in script:
        path.append(sandboxes.poetry_bin())
    cwd = sandboxes.new_dir("bash")
    background = start_background(block, session, cwd, path)
    try:
        return run_shell(
            script,
            cwd=cwd,
            scratch=sandboxes.new_dir("shell"),
            env=sandboxes.env(first_on_path=path),
            timeout=BLOCK_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise BlockFailure(messages.TIMED_OUT.format(where=block.location, timeout=BLOCK_TIMEOUT)) from None
    finally:
        if background is not None:
            stop_group(background)


def start_background(block: DocBlock, session: DocTestSession, cwd: Path, path: list[Path]):
    background = block.directive.get("background")
    if not background:
        return None
    wanted = block.directive["port"]
    if not port_is_free(wanted):
        raise BlockFailure(messages.BACKGROUND_PORT_BUSY.format(where=block.location, port=wanted, command=background))
    require_tools(tools_used(background))
    process = start_group(["bash", "-c", background], cwd=cwd, env=session.sandboxes.env(first_on_path=path))
    try:
        wait_for_port(wanted, process, BLOCK_TIMEOUT, f"background `{background}`")
    except BaseException:
        stop_group(process)
        raise
    return process


def run(block: DocBlock, session: DocTestSession) -> Outcome:
    return shell(block.directive.get("run", block.code), block, session)


RUNNER = Runner(
    kind=Kind.BASH,
    languages=BASH_LANGUAGES,
    run=run,
    options={
        "run": Option(
            "a command run instead of the block: it adds flags to the block's commands, or is shown on the page",
            command,
        ),
        "stdout": STDOUT,
        "stderr": STDERR,
        "background": Option("a command started before the block and stopped after it", command),
        "port": Option("the port the background command listens on", port),
    },
    check=check,
)
