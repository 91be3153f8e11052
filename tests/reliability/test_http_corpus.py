"""The malformed-HTTP corpus: raw requests over raw sockets, none answered with a 5xx.

Every error the application produces is a JSON body. Requests that aiohttp's HTTP parser
rejects before the application sees them (PARSER below: a broken request line or header
syntax, oversized lines, more than 128 headers, bad or conflicting Content-Length or
Transfer-Encoding, a Content-Encoding aiohttp cannot decode at all) get the parser's own
plain-text 400.
"""

from __future__ import annotations

import gzip
import json
import socket
import zlib
from collections.abc import Iterator

import pytest
from hostile import HANG_GUARD, LiveBridge, exchange, read_response

from aster_ref import HTTPBridgeServer, Registry, ToolBridge
from aster_ref.server import HTTPLimits

TOKEN = "tok"
PARSER = "aiohttp's parser: plain 400"
LIMITS = HTTPLimits(body_timeout=0.5, idle_timeout=2.0)
READ = b'{"tool": "Read", "input": {"path": "test.txt"}}'


def raw(
    method: str = "GET",
    path: str = "/health",
    body: bytes | None = None,
    headers: tuple[str, ...] = (),
    *,
    host: str = "localhost",
    auth: str = f"Bearer {TOKEN}",
    version: str = "HTTP/1.1",
    length: bool = True,
) -> bytes:
    """A request with the usual headers, each of which a case can drop (None-like '') or replace."""
    lines = [f"{method} {path} {version}"]
    lines += [f"Host: {host}"] if host else []
    lines += [f"Authorization: {auth}"] if auth else []
    lines += ["Connection: close", *headers]
    if body is not None and length:
        lines.append(f"Content-Length: {len(body)}")
    return "\r\n".join(lines).encode("utf-8", "surrogateescape") + b"\r\n\r\n" + (body or b"")


def call(body: bytes, *headers: str) -> bytes:
    return raw("POST", "/tools/call", body, headers)


def nested(depth: int) -> bytes:
    return b'{"tool": "Read", "input": {"path": "test.txt", "x": ' + b"[" * depth + b"]" * depth + b"}}"


def chunked(*chunks: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks)


CASES: list[tuple[str, bytes, int | str]] = [
    # --- request line and method ---
    ("garbage", b"GARBAGE\r\n\r\n", PARSER),
    ("method only", b"GET\r\n\r\n", PARSER),
    ("http/0.9 without host", b"GET /health\r\n\r\n", 403),
    ("http/2.0 line", raw(version="HTTP/2.0"), 200),
    ("http/1.0", raw(version="HTTP/1.0"), 200),
    ("version garbage", raw(version="HTTP/x.y"), PARSER),
    ("extra token", raw(path="/health extra"), PARSER),
    ("lowercase method", raw("get"), PARSER),
    ("unknown method", raw("FOO"), PARSER),
    ("put call", raw("PUT", "/tools/call", READ), 405),
    ("delete health", raw("DELETE"), 405),
    ("patch call", raw("PATCH", "/tools/call", READ), 405),
    ("options health", raw("OPTIONS"), 405),
    ("options star", raw("OPTIONS", "*"), 404),
    ("trace", raw("TRACE", "/"), 404),
    ("connect", raw("CONNECT", "localhost:8080"), 404),
    ("post health", raw("POST", "/health", b"{}"), 405),
    ("get call", raw("GET", "/tools/call"), 405),
    ("url 9000 bytes", raw(path="/" + "a" * 9000), PARSER),
    ("url with nul", raw(path="/health\0"), PARSER),
    ("url with space", raw(path="/he alth"), PARSER),
    ("url with tab", raw(path="/he\talth"), PARSER),
    ("absolute form", raw(path="http://localhost/health"), 200),
    ("absolute form foreign", raw(path="http://evil.example/health"), 200),
    ("double slash", raw(path="//health"), 404),
    ("trailing slash", raw(path="/health/"), 404),
    ("dot segments", raw(path="/../../etc/passwd"), 404),
    ("encoded dots", raw(path="/%2e%2e/%2e%2e/etc/passwd"), 404),
    ("bad percent byte", raw(path="/%ff"), 404),
    ("bad percent escape", raw(path="/%zz"), 404),
    ("schema bad byte", raw(path="/tools/schema?name=%ff"), 404),
    ("schema empty name", raw(path="/tools/schema?name="), 400),
    ("schema no name", raw(path="/tools/schema"), 400),
    ("schema two names", raw(path="/tools/schema?name=Read&name=Write"), 200),
    ("schema bad query", raw(path="/tools/schema?%zz"), 400),
    ("schema long name", raw(path="/tools/schema?name=" + "A" * 5000), 404),
    ("query too long", raw(path="/health?" + "a" * 9000), PARSER),
    ("unknown path", raw(path="/nope"), 404),
    ("del char path", raw(path="/\x7f"), PARSER),
    ("raw utf-8 path", raw(path="/héllo"), PARSER),
    ("encoded utf-8 path", raw(path="/h%C3%A9llo"), 404),
    # --- headers ---
    ("no host", raw(host=""), PARSER),
    ("no host, http/1.0", raw(host="", version="HTTP/1.0"), 403),
    ("foreign host", raw(host="evil.example"), 403),
    ("host with port", raw(host="localhost:1"), 200),
    ("host ipv6 loopback", raw(host="[::1]:8080"), 200),
    ("host latin-1", raw(host="l\udcf6calhost"), 400),
    ("host utf-8", raw(host="lö.example"), 403),
    ("host 8000 bytes", raw(host="a" * 8000), 403),
    ("host twice", raw(headers=("Host: evil.example",)), PARSER),
    ("header without colon", raw(headers=("NoColonHere",)), PARSER),
    ("header name with space", raw(headers=("Bad Name: x",)), PARSER),
    ("header with nul", raw(headers=("X-A: a\0b",)), PARSER),
    ("obs-fold", raw(headers=("X-A: a", " continued")), PARSER),
    ("200 headers", raw(headers=tuple(f"X-H{i}: v" for i in range(200))), PARSER),
    ("header 9000 bytes", raw(headers=("X-Big: " + "v" * 9000,)), PARSER),
    ("no authorization", raw(path="/tools/list", auth=""), 401),
    ("wrong token", raw(path="/tools/list", auth="Bearer nope"), 401),
    ("token latin-1", raw(path="/tools/list", auth="Bearer t\udcf6k"), 401),
    ("token utf-8", raw(path="/tools/list", auth="Bearer tök€"), 401),
    ("bearer only", raw(path="/tools/list", auth="Bearer"), 401),
    ("basic scheme", raw(path="/tools/list", auth="Basic dG9rOg=="), 401),
    ("token 8000 bytes", raw(path="/tools/list", auth="Bearer " + "t" * 8000), 401),
    ("lowercase scheme", raw(path="/tools/list", auth=f"bearer {TOKEN}"), 401),
    ("token with padding", raw(path="/tools/list", auth=f"Bearer {TOKEN}   "), 200),
    ("health needs no token", raw(auth=""), 200),
    # --- framing ---
    ("transfer-encoding gzip", call(READ, "Transfer-Encoding: gzip"), PARSER),
    (
        "chunked",
        raw("POST", "/tools/call", chunked(READ) + b"0\r\n\r\n", ("Transfer-Encoding: chunked",), length=False),
        200,
    ),
    (
        "chunk size garbage",
        raw("POST", "/tools/call", b"zz\r\nab\r\n0\r\n\r\n", ("Transfer-Encoding: chunked",), length=False),
        PARSER,
    ),
    ("chunk never ends", raw("POST", "/tools/call", chunked(READ), ("Transfer-Encoding: chunked",), length=False), 408),
    ("chunked and length", call(chunked(READ) + b"0\r\n\r\n", "Transfer-Encoding: chunked"), PARSER),
    ("length negative", raw("POST", "/tools/call", READ, ("Content-Length: -1",), length=False), PARSER),
    ("length letters", raw("POST", "/tools/call", READ, ("Content-Length: abc",), length=False), PARSER),
    ("length list", raw("POST", "/tools/call", READ, ("Content-Length: 1, 2",), length=False), PARSER),
    (
        "length twice",
        raw("POST", "/tools/call", READ, ("Content-Length: 48", "Content-Length: 47"), length=False),
        PARSER,
    ),
    ("length huge", raw("POST", "/tools/call", b"", ("Content-Length: 99999999999",), length=False), 413),
    ("length over limit", raw("POST", "/tools/call", b"{}", ("Content-Length: 2000000",), length=False), 413),
    ("body shorter than length", raw("POST", "/tools/call", b"{}", ("Content-Length: 100",), length=False), 408),
    ("no length no body", raw("POST", "/tools/call"), 400),
    ("expect 100-continue", call(READ, "Expect: 100-continue"), 200),
    ("expect garbage", call(READ, "Expect: teapot"), 417),
    ("upgrade websocket", raw(headers=("Upgrade: websocket", "Connection: Upgrade")), 200),
    ("upgrade h2c", raw(headers=("Upgrade: h2c", "HTTP2-Settings: AAMAAABkAAQAAP__")), 200),
    # --- encodings ---
    ("content-type text", call(READ, "Content-Type: text/plain"), 200),
    ("charset unknown", call(READ, "Content-Type: application/json; charset=foo"), 400),
    (
        "charset latin-1",
        call('{"tool": "Nöpe"}'.encode("latin-1"), "Content-Type: application/json; charset=latin-1"),
        404,
    ),
    (
        "charset utf-16 with utf-8 body",
        call('{"tool": "é"}'.encode(), "Content-Type: application/json; charset=utf-16"),
        400,
    ),
    ("gzip garbage", call(b"hello", "Content-Encoding: gzip"), 400),
    ("deflate garbage", call(b"hello", "Content-Encoding: deflate"), 400),
    ("gzip truncated", call(gzip.compress(READ)[:20], "Content-Encoding: gzip"), 400),
    ("gzip valid", call(gzip.compress(READ), "Content-Encoding: gzip"), 200),
    ("deflate valid", call(zlib.compress(READ), "Content-Encoding: deflate"), 200),
    ("gzip bomb", call(gzip.compress(b" " * 50_000_000), "Content-Encoding: gzip"), 413),
    ("brotli", call(b"hello", "Content-Encoding: br"), PARSER),
    ("zstd", call(b"hello", "Content-Encoding: zstd"), PARSER),
    ("unknown encoding", call(READ, "Content-Encoding: foo"), 200),
    # --- bodies ---
    ("empty body", call(b""), 400),
    ("not json", call(b"not json"), 400),
    ("json array", call(b"[1, 2]"), 400),
    ("json null", call(b"null"), 400),
    ("json string", call(b'"Read"'), 400),
    ("empty object", call(b"{}"), 400),
    ("tool null", call(b'{"tool": null}'), 400),
    ("tool empty", call(b'{"tool": ""}'), 400),
    ("tool number", call(b'{"tool": 3}'), 400),
    ("tool list", call(b'{"tool": ["Read"]}'), 400),
    ("input string", call(b'{"tool": "Read", "input": "test.txt"}'), 400),
    ("input list", call(b'{"tool": "Read", "input": []}'), 400),
    ("input null", call(b'{"tool": "Read", "input": null}'), 400),
    ("input missing", call(b'{"tool": "Read"}'), 200),
    ("unknown tool", call(b'{"tool": "Nope", "input": {}}'), 404),
    ("direct-only tool", call(b'{"tool": "Bash", "input": {"command": "id"}}'), 403),
    ("nested 100 levels", call(nested(98)), 200),
    ("nested 101 levels", call(nested(99)), 400),
    ("nested 400", call(nested(400)), 400),
    ("nested 100000", call(b"[" * 100_000 + b"]" * 100_000), 400),
    (
        "nested objects",
        call(b'{"tool": "Read", "input": {"path": "test.txt", "x": ' + b'{"a":' * 500 + b"1" + b"}" * 502),
        400,
    ),
    ("not utf-8", call(b'{"tool": "\xff"}'), 400),
    ("utf-8 bom", call(b"\xef\xbb\xbf" + READ), 400),
    ("nan", call(b'{"tool": "Read", "input": {"path": "test.txt", "offset": NaN}}'), 200),
    ("infinity", call(b'{"tool": "Read", "input": {"path": "test.txt", "limit": 1e400}}'), 200),
    (
        "5000-digit integer",
        call(b'{"tool": "Read", "input": {"path": "test.txt", "limit": ' + b"9" * 5000 + b"}}"),
        400,
    ),
    ("lone surrogate", call(b'{"tool": "Write", "input": {"path": "s.txt", "content": "\\ud800"}}'), 200),
    ("nul in path", call(b'{"tool": "Read", "input": {"path": "test.txt\\u0000x"}}'), 200),
    ("duplicate keys", call(b'{"tool": "Nope", "tool": "Read", "input": {"path": "test.txt"}}'), 200),
    ("trailing garbage", call(READ + b" x"), 400),
    ("truncated json", call(b'{"tool": "Read", "input": {'), 400),
    ("body over 1 MiB", call(b'{"x": "' + b"a" * (1024 * 1024) + b'"}'), 413),
    (
        "write 900 KB",
        call(json.dumps({"tool": "Write", "input": {"path": "big.txt", "content": "x" * 900_000}}).encode()),
        200,
    ),
    ("read a directory", call(b'{"tool": "Read", "input": {"path": "."}}'), 200),
    ("grep bad regex", call(b'{"tool": "Grep", "input": {"pattern": "(?<=a)b"}}'), 200),
]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBridge]:
    root = tmp_path_factory.mktemp("corpus")
    (root / "test.txt").write_text("hello\n")
    server = HTTPBridgeServer(ToolBridge(Registry.builtin(root)), "127.0.0.1", 0, token=TOKEN, limits=LIMITS)
    with LiveBridge(server) as live:
        yield live


def test_the_corpus_has_more_than_100_requests() -> None:
    assert len(CASES) > 100
    assert len({name for name, _, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(("name", "request_bytes", "expected"), CASES, ids=[name for name, _, _ in CASES])
def test_malformed_request_gets_a_4xx_and_json_from_the_app(
    live: LiveBridge, name: str, request_bytes: bytes, expected: int | str
) -> None:
    response = exchange(live.port, request_bytes)
    assert response.status < 500
    if expected == PARSER:
        assert response.status == 400
        return
    assert response.status == expected
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert (
        set(body) in ({"error"}, {"success", "error"}, {"success", "result"}, {"status"}, {"tools"}) or "name" in body
    )
    if response.status >= 400:
        assert body["error"]


def test_head_is_refused_without_a_body(live: LiveBridge) -> None:
    response = exchange(live.port, raw("HEAD"))
    assert (response.status, response.body) == (405, b"")


def test_pipelined_requests_are_answered_in_order(live: LiveBridge) -> None:
    requests = [raw(), call(b"[]"), raw(path="/nope")]
    pipelined = b"".join(r.replace(b"Connection: close", b"Connection: keep-alive") for r in requests[:-1])
    with socket.create_connection(("127.0.0.1", live.port), timeout=HANG_GUARD) as sock:
        sock.sendall(pipelined + requests[-1])
        stream = sock.makefile("rb")
        assert [read_response(stream).status for _ in requests] == [200, 400, 404]
