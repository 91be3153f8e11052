"""Each Go template takes the values it checks from the page's block and exercises the block's
claim: for every template, an edit that changes what the block claims fails with the
template's reason, and an edit a writer may make consistently (another port, interval or
limit, reworded text) passes.

The edits apply to the zh page's blocks (the en blocks hold the same code). They run
concurrently (each is a Go program that mostly waits on aster-ref or on sleeps), on free
ports, against a bridge of their own that stands in for the session's localhost:8080."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from doctest_harness.blocks import Kind, page_blocks
from doctest_harness.go_runner import run_go_block
from doctest_harness.processes import stop_group, wait_for_port
from doctest_harness.workspace import make_workspace
from tests.ports import free_port

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "docs/zh/troubleshooting.md"
BLOCKS = {
    block.directive["go"]: block
    for block in page_blocks(PAGE, REPO)
    if block.kind is Kind.GO and "go" in block.directive
}
WORKERS = 4


@dataclass(frozen=True)
class Edit:
    template: str
    name: str
    # (old, new) replacements in the block; new may name {port}, {other} (free ports) and {bridge} (the bridge's port).
    replace: tuple[tuple[str, str], ...]
    # What the template says when the edit changes the claim; None when the edit must pass.
    failure: str | None = None

    @property
    def id(self):
        return f"{self.template}-{'fails' if self.failure else 'passes'}-{self.name}"


SESSION_URL = ("http://localhost:8080", "http://localhost:{bridge}")

EDITS = [
    Edit(
        "start_log",
        "health URL on another port than the server",
        (("localhost:8080/health", "localhost:{other}/health"), ('"localhost:8080"', '"localhost:{port}"')),
        "FAIL: the block asks http://localhost:{other}/health, but its server listens on localhost:{port}",
    ),
    Edit("start_log", "both on another port", (("8080", "{port}"), ("8080", "{port}"))),
    Edit(
        "change_port",
        "URL and server on different ports",
        (('"http://localhost:9000"', '"http://localhost:{port}"'), ('"localhost:9000"', '"localhost:{other}"')),
        "FAIL: CodeExecute calls http://localhost:{port}, but the server listens on localhost:{other}",
    ),
    Edit(
        "change_port",
        "back on the default port",
        (("9000", "8080"), ("9000", "8080")),
        "FAIL: the block still uses the default http://localhost:8080",
    ),
    Edit("change_port", "another port", (("9000", "{port}"), ("9000", "{port}"))),
    Edit(
        "manual_start",
        "polls another port than the server's",
        (
            ("localhost:8080/health", "localhost:{other}/health"),
            ('"localhost:8080"', '"localhost:{port}"'),
            ("for range 50", "for range 3"),
        ),
        "FAIL: the block polls http://localhost:{other}/health, but its server listens on localhost:{port}",
    ),
    Edit(
        "manual_start",
        "another port, fewer checks",
        (
            ("8080", "{port}"),
            ("8080", "{port}"),
            ("for range 50 { // 最多检查 50 次", "for range 20 { // 最多检查 20 次"),
        ),
    ),
    Edit(
        "runtime_timeout",
        "lowers the timeout",
        (("60 * time.Second // 从 30s 增加到 60s", "20 * time.Second // 从 30s 减少到 20s"),),
        "FAIL: the block sets the timeout to 20s, which does not raise upstream's default 30s",
    ),
    Edit(
        "runtime_timeout", "90 s", (("60 * time.Second // 从 30s 增加到 60s", "90 * time.Second // 从 30s 增加到 90s"),)
    ),
    Edit(
        "allowed_callers",
        "code execution not allowed",
        (('[]string{"direct", "code_execution_20250825"}', '[]string{"direct"}'),),
        'FAIL: with AllowedCallers ["direct"], code could not call Read',
    ),
    Edit(
        "allowed_callers",
        "callers reordered, description reworded",
        (
            ('[]string{"direct", "code_execution_20250825"}', '[]string{"code_execution_20250825", "direct"}'),
            ('"Read a UTF-8 text file inside the workspace"', '"读取工作区内的文本文件"'),
        ),
    ),
    Edit(
        "tool_latency",
        "latency logged without its unit",
        (('"Tool %s latency: %v", name, latency)', '"Tool %s latency: %d", name, latency.Milliseconds())'),),
        "the latency log (the measured latency, with its unit)",
    ),
    Edit("tool_latency", "reworded", (('"Tool %s latency: %v", name, latency)', '"%s took %v", name, latency)'),)),
    Edit(
        "bridge_url",
        "the remote URL recommended",
        (
            ('"http://localhost:8080")  // ✅', '"http://remote-server:8080")  // ✅'),
            ('"http://remote-server:8080")  // ❌', '"http://localhost:{bridge}")  // ❌'),
        ),
        "FAIL: no bridge on this machine answers at the recommended http://remote-server:8080",
    ),
    Edit("bridge_url", "127.0.0.1", (('"http://localhost:8080")  // ✅', '"http://127.0.0.1:{bridge}")  // ✅'),)),
    Edit(
        "memstats",
        "KB labelled MB",
        (("m.Alloc/1024/1024", "m.Alloc/1024"),),
        "FAIL: figure 1,",
    ),
    Edit(
        "memstats",
        "labels translated",
        (('"Alloc = %v MB, TotalAlloc = %v MB, Sys = %v MB"', '"已分配 = %v MB, 累计分配 = %v MB, 系统占用 = %v MB"'),),
    ),
    Edit(
        "verbose_log",
        "no file:line",
        (("log.SetFlags(log.LstdFlags | log.Lshortfile)", "log.SetFlags(log.LstdFlags)"),),
        "want date, time and file:line before the message",
    ),
    Edit(
        "verbose_log",
        "another message",
        (('"启动桥接服务器: %s", "localhost:8080"', '"bridge: %s", "localhost:9000"'),),
    ),
    Edit(
        "wrapped_code",
        "prints the code, not the program",
        (("wrappedCode)\n", "code)\n"),),
        "FAIL: what Execute printed (the SDK prelude)",
    ),
    Edit(
        "wrapped_code",
        "printed on stdout",
        (("fmt.Fprintf(os.Stderr, ", "fmt.Printf("),),
    ),
    Edit(
        "pprof",
        "without the pprof import",
        (('import _ "net/http/pprof"\n', ""), ("6060", "{port}")),
        "FAIL: http://localhost:{port}/debug/pprof/ answered HTTP 404",
    ),
    Edit("pprof", "another port", (("6060", "{port}"),)),
    Edit(
        "health_monitor",
        "healthy taken for unhealthy",
        (SESSION_URL, ("resp.StatusCode == 200", "resp.StatusCode != 200")),
        "FAIL: the check against the healthy bridge at http://localhost:{bridge}/health logged",
    ),
    Edit(
        "health_monitor",
        "no alert",
        (SESSION_URL, ('log.Printf("⚠️  Bridge server unhealthy")', "_ = healthy")),
        "FAIL: the check answered 503 logged 0 lines, want one",
    ),
    Edit(
        "health_monitor",
        "every 10 s, reworded",
        (
            SESSION_URL,
            ("30 * time.Second", "10 * time.Second"),
            ('"⚠️  Bridge server unhealthy"', '"桥接服务器不健康"'),
        ),
    ),
    Edit(
        "error_handling",
        "the internal error shown to the caller",
        (('"error":   "Internal server error"', '"error":   err.Error()'),),
        "want a friendly text, not the internal error",
    ),
    Edit("error_handling", "reworded", (('"Internal server error"', '"服务暂时不可用,请稍后再试"'),)),
    Edit(
        "concurrency_limit",
        "slots never freed",
        (("        defer func() { <-sem }()\n", ""),),
        "slots are still taken",
    ),
    Edit(
        "concurrency_limit",
        "5 slots",
        (("make(chan struct{}, 10)  // 最多10个并发", "make(chan struct{}, 5)  // 最多5个并发"),),
    ),
]


@pytest.fixture(scope="module")
def bridge_port(tmp_path_factory):
    """A bridge for the blocks that talk to the session's, on a free port."""
    port = free_port()
    root = make_workspace(tmp_path_factory.mktemp("workspace"))
    serve = subprocess.Popen(
        [sys.executable, "-m", "aster_ref", "serve", "--port", str(port), "--root", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for_port(port, serve, 30, "aster-ref serve")
        yield port
    finally:
        stop_group(serve)


def fill(text, values):
    """``text`` with {port}, {other} and {bridge} filled in (Go's own braces left alone)."""
    for name, value in values.items():
        text = text.replace(f"{{{name}}}", str(value))
    return text


def apply(edit, values):
    code = BLOCKS[edit.template].fence.code
    for old, new in edit.replace:
        assert old in code, f"the page's {edit.template} block no longer holds {old!r}: update this edit"
        code = code.replace(old, fill(new, values), 1)
    return code


def run_edit(edit, bridge):
    values = {"port": free_port(), "other": free_port(), "bridge": bridge}
    block = BLOCKS[edit.template]
    env = dict(os.environ, ASTER_DOCTEST_BRIDGE_URL=f"http://localhost:{bridge}")
    done = run_go_block(
        apply(edit, values), directive=block.directive, repo=REPO, env=env, timeout=120, location=block.location
    )
    return values, done


@pytest.fixture(scope="module")
def outcomes(request, bridge_port, go):
    """The selected edits, run concurrently: id -> future of (values, result)."""
    selected = {
        item.callspec.id
        for item in request.session.items
        if getattr(item, "originalname", None) == "test_template_edit"
    }
    pool = ThreadPoolExecutor(WORKERS)
    futures = {edit.id: pool.submit(run_edit, edit, bridge_port) for edit in EDITS if edit.id in selected}
    yield futures
    pool.shutdown(cancel_futures=True)


@pytest.mark.parametrize("edit", EDITS, ids=lambda edit: edit.id)
def test_template_edit(edit, outcomes):
    values, done = outcomes[edit.id].result()
    output = f"--- stdout ---\n{done.stdout}\n--- stderr ---\n{done.stderr}"
    if edit.failure is None:
        assert done.returncode == 0, output
    else:
        assert done.returncode != 0, output
        assert fill(edit.failure, values) in done.stderr, output


def test_every_template_has_a_failing_and_a_passing_edit():
    for template in BLOCKS:
        kinds = {edit.failure is None for edit in EDITS if edit.template == template}
        assert kinds == {True, False}, f"{template} needs an edit that fails and one that passes"
