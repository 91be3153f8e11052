"""`make serve` serves both languages, generated pages included (run here on a free port instead of 8000)."""

import subprocess
import time
import urllib.request

from site_build import MKDOCS, REPO, mkdocs_env

from tests.ports import free_port

STARTUP_LIMIT = 120


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.read().decode("utf-8")
    except OSError:
        return None


def test_mkdocs_serve_answers_in_both_languages(tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"  # a file, not a pipe nobody reads while serve logs every request
    with log.open("w") as stderr:
        server = subprocess.Popen(
            [*MKDOCS, "serve", "--dev-addr", f"127.0.0.1:{port}", "--no-livereload"],
            cwd=REPO,
            env=mkdocs_env(),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + STARTUP_LIMIT
        zh = None
        while zh is None and server.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
            zh = fetch(f"http://127.0.0.1:{port}/troubleshooting.html")
        assert zh is not None, f"mkdocs serve did not answer: {log.read_text() if server.poll() is not None else ''}"
        assert "故障排除" in zh
        expected = {
            "en/troubleshooting.html": "Troubleshooting",
            "errors.html": "错误信息目录",
            "en/errors.html": "Error messages",
            "cli.html": "命令行参考",
            "en/cli.html": "CLI reference",
        }
        for path, title in expected.items():
            page = fetch(f"http://127.0.0.1:{port}/{path}")
            assert page is not None and f"<title>{title}" in page, path
    finally:
        server.terminate()
        server.wait(timeout=10)
