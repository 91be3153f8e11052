"""curl and jq in bash blocks fail where a reader would notice, however they are called.

Runs the real shims against a local server on a free port (no port 8080 needed)."""

import http.server
import os
import threading

import pytest

from doctest_harness import messages, shell
from doctest_harness.processes import HarnessError
from doctest_harness.shell import noticed_failures, run_shell
from doctest_harness.tools import require_tools


class Answers(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        found = self.path == "/health"
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"status": "ok"}' if found else b'{"error": "no such endpoint"}')

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    require_tools(["curl", "jq"])
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def run(script, tmp_path):
    cwd, scratch = tmp_path / "cwd", tmp_path / "scratch"
    cwd.mkdir()
    scratch.mkdir()
    return run_shell(script, cwd=cwd, scratch=scratch, env=dict(os.environ), timeout=60)


@pytest.mark.parametrize(
    "script",
    [
        "curl {url}/missing",
        "/usr/bin/curl {url}/missing",
        "command curl {url}/missing",
        'echo "answer: $(curl {url}/missing)"',
        "curl {url}/missing | cat",
        "curl {url}/missing || true",
        "env curl {url}/missing; true",
    ],
)
def test_curl_getting_an_http_error_is_noticed_in_every_form(server, tmp_path, script):
    outcome = run(script.format(url=server), tmp_path)
    assert outcome.noticed == (messages.CURL_HTTP_ERROR.format(args=f"{server}/missing"),)


def test_curl_that_cannot_connect_is_noticed(tmp_path):
    outcome = run('echo "$(curl http://127.0.0.1:9/)"', tmp_path)
    assert outcome.noticed == (messages.CURL_NO_CONNECTION.format(args="http://127.0.0.1:9/"),)


@pytest.mark.parametrize(
    "script", ["curl {url}/health", "/usr/bin/curl -s {url}/health | jq -r .status", 'echo "$(curl -sf {url}/health)"']
)
def test_curl_and_jq_that_work_notice_nothing(server, tmp_path, script):
    outcome = run(script.format(url=server), tmp_path)
    assert (outcome.exit_code, outcome.noticed) == (0, ())
    assert "ok" in outcome.stdout


@pytest.mark.parametrize(
    "script", ["curl -s {url}/health | jq .stat", 'echo "$(curl -s {url}/health | /usr/bin/jq .stat)"']
)
def test_jq_printing_null_for_a_missing_field_is_noticed(server, tmp_path, script):
    outcome = run(script.format(url=server), tmp_path)
    assert outcome.noticed == (messages.JQ_NULL.format(args=".stat"),)


def test_the_real_binaries_are_untouched_outside_the_block(server, tmp_path):
    run(f"curl {server}/health", tmp_path)
    with open("/proc/self/mountinfo", encoding="utf-8") as mounts:
        assert "curl" not in mounts.read()


def test_shim_records_read_as_what_a_reader_noticed():
    records = "curl\t22\t-s http://x/y\ncurl\t6\thttp://nowhere\njq\tnull\t.a\njq\t5\t.[\n"
    assert noticed_failures(records) == [
        messages.CURL_HTTP_ERROR.format(args="-s http://x/y"),
        messages.CURL_FAILED.format(code="6", args="http://nowhere"),
        messages.JQ_NULL.format(args=".a"),
        messages.JQ_FAILED.format(code="5", args=".["),
    ]


def test_without_unshare_bash_blocks_fail_saying_what_they_need(monkeypatch):
    monkeypatch.setattr(shell, "namespace_prefix", lambda: ["no-such-unshare", "--mount", "--"])
    shell.check_namespaces.cache_clear()
    try:
        with pytest.raises(HarnessError) as raised:
            shell.check_namespaces()
    finally:
        shell.check_namespaces.cache_clear()
    error = "[Errno 2] No such file or directory: 'no-such-unshare'"
    assert str(raised.value) == messages.NO_MOUNT_NAMESPACE.format(error=error)
