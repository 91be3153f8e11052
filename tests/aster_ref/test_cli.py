"""The aster-ref command line, through real subprocesses."""

from __future__ import annotations

import asyncio
import errno
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from aster_ref import ExecutionResult, messages
from aster_ref.cli import event_loop_runner

CLI = [sys.executable, "-m", "aster_ref"]
LISTENING = re.compile(re.escape(messages.LISTENING.format(address="127.0.0.1:")) + r"(\d+)")


@pytest.fixture(autouse=True)
def own_run_sockets(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run sockets of this session's serves only: never hand a run to another serve on this machine."""
    runtime_dir = tmp_path_factory.getbasetemp() / "xdg-runtime"
    runtime_dir.mkdir(mode=0o700, exist_ok=True)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime_dir))
    return runtime_dir


def aster_ref(
    *args: str, input: str | None = None, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        check=False,
        input=input,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=env,
    )


class Bridge:
    def __init__(self, process: subprocess.Popen[str], port: int) -> None:
        self.process = process
        self.port = port
        self.url = f"http://localhost:{port}"

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGINT)
        _, stderr = self.process.communicate(timeout=10)
        return self.process.returncode, stderr


def start_bridge(*args: str) -> Bridge:
    process = subprocess.Popen(
        [*CLI, "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = LISTENING.fullmatch(line.strip())
    if match is None:
        process.kill()
        pytest.fail(f"no listening line: {line!r} {process.communicate()}")
    return Bridge(process, int(match.group(1)))


@pytest.fixture
def bridge(workspace: Path) -> Iterator[Bridge]:
    running = start_bridge("--root", str(workspace))
    yield running
    if running.process.poll() is None:
        running.stop()


def write(tmp_path: Path, code: str) -> str:
    path = tmp_path / "snippet.py"
    path.write_text(code)
    return str(path)


def test_serve_prints_listening_serves_logs_and_stops_on_ctrl_c(bridge: Bridge) -> None:
    with socket.create_connection(("127.0.0.1", bridge.port)):
        pass
    result = aster_ref("call", "Read", '{"path": "x"}')  # unrelated in-process call, bridge keeps running
    assert result.returncode == 1
    run = aster_ref(
        "run",
        "--bridge-url",
        bridge.url,
        "-",
        input='print(await Read(path="test.txt"), end="")',
    )
    assert (run.returncode, run.stdout) == (0, "hello\n")
    code, stderr = bridge.stop()
    assert code == 0
    assert messages.CALLING_TOOL.format(tool="Read", input="map[path:test.txt]") in stderr


@pytest.mark.parametrize(("level", "logged"), [("info", True), ("warning", False)])
def test_serve_log_level_says_whether_each_call_is_logged(workspace: Path, level: str, logged: bool) -> None:
    running = start_bridge("--root", str(workspace), "--log-level", level)
    try:
        call = urllib.request.Request(
            running.url + "/tools/call", data=b'{"tool": "Read", "input": {"path": "test.txt"}}', method="POST"
        )
        with urllib.request.urlopen(call, timeout=10) as response:
            assert json.load(response) == {"success": True, "result": "hello\n"}
    finally:
        _, stderr = running.stop()
    line = re.escape(messages.CALLING_TOOL.format(tool="Read", input="map[path:test.txt]"))
    assert bool(re.search(rf"^\d{{4}}/\d\d/\d\d \d\d:\d\d:\d\d {line}$", stderr, re.MULTILINE)) is logged


def test_serve_on_a_busy_port_fails_clearly(workspace: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = aster_ref("serve", "--port", str(port), "--root", str(workspace))
    assert result.returncode == 1
    assert result.stderr.startswith(messages.LISTEN_FAILED.format(address=f"127.0.0.1:{port}", reason=""))


def test_serve_with_a_bad_flag_exits_2() -> None:
    result = aster_ref("serve", "--port", "eighty")
    assert result.returncode == 2
    assert "invalid int value: 'eighty'" in result.stderr


def test_serve_allow_opens_bash_to_code(workspace: Path, tmp_path: Path) -> None:
    running = start_bridge("--root", str(workspace), "--allow", "Bash")
    try:
        code = 'r = await Bash(command="echo hi")\nprint(r["stdout"], end="")'
        result = aster_ref("run", "--bridge-url", running.url, write(tmp_path, code))
        assert (result.returncode, result.stdout) == (0, "hi\n")
    finally:
        running.stop()


def test_serve_schemas_file_overrides_metadata(workspace: Path, tmp_path: Path) -> None:
    schemas = tmp_path / "schemas.json"
    schemas.write_text(json.dumps([{"name": "Read", "description": "d", "allowed_callers": ["direct"]}]))
    running = start_bridge("--root", str(workspace), "--schemas", str(schemas))
    try:
        result = aster_ref(
            "run",
            "--bridge-url",
            running.url,
            "--tools",
            "Read",
            "-",
            input='await Read(path="test.txt")',
        )
        assert result.returncode == 1
        assert result.stderr.endswith(f"ToolError: {messages.TOOL_NOT_ALLOWED.format(tool='Read')}\n")
    finally:
        running.stop()


def test_serve_schemas_naming_a_tool_without_handler_exits_2(workspace: Path, tmp_path: Path) -> None:
    schemas = tmp_path / "schemas.json"
    schemas.write_text(json.dumps([{"name": "Deploy", "allowed_callers": ["direct"]}]))
    result = aster_ref("serve", "--port", "0", "--root", str(workspace), "--schemas", str(schemas))
    assert result.returncode == 2
    builtins = "Bash, Glob, Grep, Read, Write"
    assert result.stderr == messages.NO_HANDLER.format(tool="Deploy", source=schemas, builtins=builtins) + "\n"


def test_serve_with_an_unreadable_schemas_file_exits_2(workspace: Path, tmp_path: Path) -> None:
    schemas = tmp_path / "schemas.json"
    schemas.write_text("{")
    result = aster_ref("serve", "--port", "0", "--root", str(workspace), "--schemas", str(schemas))
    assert result.returncode == 2
    assert result.stderr.startswith(messages.SCHEMAS_FILE_INVALID.format(path=schemas, error=""))


def test_serve_schema_without_a_name_says_so(workspace: Path, tmp_path: Path) -> None:
    schemas = tmp_path / "schemas.json"
    schemas.write_text('[{"description": "no name"}]')
    result = aster_ref("serve", "--port", "0", "--root", str(workspace), "--schemas", str(schemas))
    assert result.returncode == 2
    assert messages.SCHEMAS_FILE_INVALID.format(path=schemas, error=messages.SCHEMA_WITHOUT_NAME) in result.stderr


def test_run_failure_prints_the_traceback_and_exits_1(bridge: Bridge) -> None:
    result = aster_ref(
        "run",
        "--bridge-url",
        bridge.url,
        "-",
        input='print("before")\nawait Read(path="x.txt")',
    )
    assert result.returncode == 1
    assert result.stdout == "before\n"
    assert result.stderr.endswith(
        f"ToolError: {messages.TOOL_FAILED.format(tool='Read', error=messages.FILE_NOT_FOUND.format(path='x.txt'))}\n"
    )


def test_run_json_prints_the_execution_result(bridge: Bridge) -> None:
    result = aster_ref(
        "run",
        "--json",
        "--bridge-url",
        bridge.url,
        "--input",
        '{"n": 2}',
        "-",
        input="print(input_data['n'] * 21)",
    )
    assert result.returncode == 0
    body = json.loads(result.stdout)
    assert set(body) == set(ExecutionResult(True).to_dict())
    assert (body["success"], body["output"], body["stdout"], body["exit_code"]) == (
        True,
        42,
        "42\n",
        0,
    )
    assert isinstance(body["duration"], float)


def test_run_timeout_prints_execution_timeout(tmp_path: Path) -> None:
    result = aster_ref("run", "--timeout", "0.5", write(tmp_path, "import time\ntime.sleep(10)"))
    assert result.returncode == 1
    assert result.stderr == messages.EXECUTION_TIMEOUT + "\n"


def test_run_without_a_bridge_prints_the_connection_error(unused_tcp_port: int, tmp_path: Path) -> None:
    result = aster_ref(
        "run",
        "--bridge-url",
        f"http://localhost:{unused_tcp_port}",
        write(tmp_path, 'await Read(path="a")'),
    )
    assert result.returncode == 1
    quoted = messages.CONNECTION_ERROR.format(detail=f"Cannot connect to host localhost:{unused_tcp_port} ")
    assert quoted in result.stderr.splitlines()[-1]


def test_run_with_a_missing_interpreter_names_it(tmp_path: Path) -> None:
    result = aster_ref("run", "--python", "/nonexistent/python3", "--tools", "Read", write(tmp_path, "print(1)"))
    message = messages.PYTHON_NOT_FOUND.format(python="/nonexistent/python3")
    assert (result.returncode, result.stdout, result.stderr) == (1, "", message + "\n")


def test_run_with_python_lacking_aiohttp(python_without_aiohttp: Path, tmp_path: Path) -> None:
    result = aster_ref("run", "--python", str(python_without_aiohttp), write(tmp_path, "print(1)"))
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        messages.AIOHTTP_REQUIRED + "\n",
    )


def test_run_bridge_url_defaults_to_the_environment(bridge: Bridge, tmp_path: Path) -> None:
    env = {**os.environ, "ASTER_BRIDGE_URL": bridge.url}
    result = subprocess.run(
        [*CLI, "run", write(tmp_path, 'print(await Glob(pattern="*.md"))')],
        check=False,
        capture_output=True,
        text=True,
        env=env,
    )
    assert (result.returncode, result.stdout) == (0, "[]\n")


def test_run_with_bad_input_json_exits_2(tmp_path: Path) -> None:
    result = aster_ref("run", "--tools", "Read", "--input", "[1]", write(tmp_path, "print(1)"))
    assert (result.returncode, result.stderr) == (
        2,
        messages.JSON_ARGUMENT_NOT_OBJECT.format(what="--input") + "\n",
    )


def test_wrap_then_run_wrapped(bridge: Bridge, tmp_path: Path) -> None:
    wrapped = aster_ref(
        "wrap",
        "--tools",
        "Read",
        "--input",
        '{"p": "test.txt"}',
        "-",
        input="print(await Read(path=input_data['p']), end='')",
    )
    assert wrapped.returncode == 0
    assert wrapped.stdout.startswith("# Generated by aster_ref")
    program = tmp_path / "wrapped.py"
    program.write_text(wrapped.stdout)
    result = aster_ref("run", "--wrapped", "--bridge-url", bridge.url, str(program))
    assert (result.returncode, result.stdout) == (0, "hello\n")


def test_run_wrapped_refuses_tools_and_input(tmp_path: Path) -> None:
    result = aster_ref("run", "--wrapped", "--tools", "Read", write(tmp_path, ""))
    assert (result.returncode, result.stderr) == (2, messages.WRAPPED_WITH_TOOLS_OR_INPUT + "\n")


def test_run_work_dir_holds_the_temp_file_and_the_code_runs_there(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    code = "import glob, os\nprint(os.getcwd(), glob.glob('aster_*.py')[0][:6])"
    result = aster_ref("run", "--tools", "Read", "--work-dir", str(work), write(tmp_path, code))
    assert (result.returncode, result.stdout) == (0, f"{work} aster_\n")
    assert list(work.iterdir()) == []


def test_run_work_dir_that_does_not_exist_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    result = aster_ref("run", "--tools", "Read", "--work-dir", str(missing), write(tmp_path, "print(1)"))
    assert (result.returncode, result.stderr) == (1, messages.WORK_DIR_NOT_FOUND.format(work_dir=missing) + "\n")


def test_run_max_output_truncates_each_stream(tmp_path: Path) -> None:
    code = "import sys\nprint('o' * 50)\nprint('e' * 50, file=sys.stderr)"
    result = aster_ref("run", "--json", "--tools", "Read", "--max-output", "10", write(tmp_path, code))
    body = json.loads(result.stdout)
    marker = messages.OUTPUT_TRUNCATED.format(limit=10)
    assert (body["stdout"], body["stderr"]) == ("o" * 10 + marker, "e" * 10 + marker)


@pytest.mark.parametrize("value", ["0", "-1", "lots"])
def test_run_max_output_must_be_a_positive_integer(tmp_path: Path, value: str) -> None:
    result = aster_ref("run", "--max-output", value, write(tmp_path, "print(1)"))
    assert result.returncode == 2
    assert result.stderr.endswith(f"argument --max-output: {messages.NOT_A_POSITIVE_INTEGER.format(value=value)}\n")


@pytest.mark.parametrize("command", [["call", "Read", '{"path": "test.txt"}'], ["serve", "--port", "0"]])
def test_a_bad_max_read_bytes_in_the_environment_is_a_usage_error(workspace: Path, command: list[str]) -> None:
    # Before the fix: a ValueError traceback.
    result = aster_ref(*command, "--root", str(workspace), env={**os.environ, "ASTER_REF_MAX_READ_BYTES": "abc"})
    error = messages.NOT_A_POSITIVE_INTEGER.format(value="abc")
    expected = messages.ENV_INVALID.format(env="ASTER_REF_MAX_READ_BYTES", error=error)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", expected + "\n")


@pytest.mark.parametrize("url", ["foo", "localhost:8080", "ftp://localhost:8080", "http://", "http://localhost:x"])
def test_run_refuses_a_bridge_url_it_cannot_connect_to(tmp_path: Path, url: str) -> None:
    # Before the fix: aiohttp's InvalidUrlClientError traceback (or a wait for a connection that cannot be made).
    result = aster_ref("run", "--bridge-url", url, write(tmp_path, "print(1)"), cwd=tmp_path)
    expected = messages.BRIDGE_URL_INVALID.format(url=url)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", expected + "\n")


def test_call_with_a_missing_root_or_unknown_allow_exits_2(tmp_path: Path, workspace: Path) -> None:
    missing = tmp_path / "missing"
    bad_root = aster_ref("call", "--root", str(missing), "Read", '{"path": "x"}')
    reason = "No such file or directory"
    assert (bad_root.returncode, bad_root.stderr) == (
        2,
        messages.ROOT_INVALID.format(root=missing, reason=reason) + "\n",
    )
    bad_allow = aster_ref("call", "--root", str(workspace), "--allow", "Nope", "Read", '{"path": "x"}')
    error = messages.UNKNOWN_TOOL.format(tool="Nope")
    assert (bad_allow.returncode, bad_allow.stderr) == (
        2,
        messages.ALLOW_UNKNOWN.format(tool="Nope", error=error) + "\n",
    )


def test_call_runs_one_tool_as_a_direct_caller(workspace: Path) -> None:
    result = aster_ref("call", "--root", str(workspace), "Bash", '{"command": "cat test.txt"}')
    assert result.returncode == 0
    assert json.loads(result.stdout) == {
        "success": True,
        "result": {"stdout": "hello\n", "stderr": "", "exit_code": 0},
    }


def test_call_reads_input_from_stdin(workspace: Path) -> None:
    result = aster_ref("call", "--root", str(workspace), "Read", "-", input='{"path": "test.txt"}')
    assert (result.returncode, json.loads(result.stdout)) == (
        0,
        {"success": True, "result": "hello\n"},
    )


def test_call_tool_error_exits_1(workspace: Path) -> None:
    result = aster_ref("call", "Read", '{"path": "x.txt"}', cwd=workspace)
    assert result.returncode == 1
    assert json.loads(result.stdout) == {
        "success": False,
        "error": messages.FILE_NOT_FOUND.format(path="x.txt"),
    }


def test_call_unknown_tool_or_bad_json_exits_2(workspace: Path) -> None:
    unknown = aster_ref("call", "--root", str(workspace), "Nope")
    assert (unknown.returncode, json.loads(unknown.stdout)) == (
        2,
        {"success": False, "error": "unknown tool: Nope"},
    )
    bad = aster_ref("call", "--root", str(workspace), "Read", "{path}")
    assert bad.returncode == 2
    assert bad.stderr.startswith(messages.BAD_JSON_ARGUMENT.format(what="tool input", error=""))


def test_console_script_matches_python_m(workspace: Path) -> None:
    script = Path(sys.executable).parent / "aster-ref"
    result = subprocess.run(
        [str(script), "call", "--root", str(workspace), "Glob", '{"pattern": "*.txt"}'],
        check=False,
        capture_output=True,
        text=True,
    )
    assert json.loads(result.stdout) == {
        "success": True,
        "result": ["a.txt", "test.txt"],
    }


WAITS_FOR_A_SIGNAL = (
    "import os, subprocess, time\n"
    "child = subprocess.Popen(['sleep', '600'])\n"
    "open('run.pid', 'w').write(f'{os.getpid()} {child.pid}')\n"
    "time.sleep(600)\n"
)


@pytest.mark.parametrize("through_serve", [False, True], ids=["local", "through-serve"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_a_signal_during_run_kills_the_code_and_its_children_and_cleans_up(
    tmp_path: Path, workspace: Path, dies: Callable[[int], bool], signum: signal.Signals, through_serve: bool
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    running = start_bridge("--root", str(workspace)) if through_serve else None
    url = running.url if running else "http://localhost:1"  # no serve there: a local run
    try:
        process = subprocess.Popen(
            [*CLI, "run", "--tools", "Read", "--bridge-url", url, write(tmp_path, WAITS_FOR_A_SIGNAL)],
            cwd=tmp_path,
            env={**os.environ, "TMPDIR": str(temp)},
            stderr=subprocess.PIPE,
            text=True,
        )
        pid_file = tmp_path / "run.pid"
        deadline = time.monotonic() + 30
        while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=30)
        assert (process.returncode, stderr) == (128 + signum, "")
        assert all(dies(int(pid)) for pid in pid_file.read_text().split())
        assert list(temp.iterdir()) == []
    finally:
        if running:
            running.stop()


def test_run_timeout_returns_and_kills_a_setsid_child_that_holds_the_output(
    tmp_path: Path, dies: Callable[[int], bool]
) -> None:
    code = (
        "import subprocess, time\n"
        "sleeper = subprocess.Popen(['setsid', 'sleep', '600'])\n"
        "open('sleeper.pid', 'w').write(str(sleeper.pid))\n"
        "time.sleep(600)\n"
    )
    result = aster_ref("run", "--timeout", "2", "--tools", "Read", write(tmp_path, code), cwd=tmp_path)
    assert (result.returncode, result.stderr) == (1, messages.EXECUTION_TIMEOUT + "\n")
    assert dies(int((tmp_path / "sleeper.pid").read_text()))


# --- aster-ref run through a running aster-ref serve ----------------------------------------------------------
def test_run_hands_the_code_to_a_running_serve_with_its_own_environment_and_directories(
    bridge: Bridge, tmp_path: Path
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    code = (
        "import glob, json, os, sys\n"
        "text = await Read(path='test.txt')\n"
        "print(json.dumps([sys.orig_argv[1], os.environ['MARK'], os.getcwd(), glob.glob(os.environ['TMPDIR'] + '/aster_*.py') != [], text]))"
    )
    env = {**os.environ, "MARK": "from the cli", "TMPDIR": str(temp)}
    result = aster_ref("run", "--json", "--bridge-url", bridge.url, write(tmp_path, code), cwd=tmp_path, env=env)
    body = json.loads(result.stdout)
    # "-c": the code is a fork of serve's warm parent; a local `aster-ref run` starts the interpreter on the file.
    assert body["output"] == ["-c", "from the cli", str(tmp_path), True, "hello\n"], body
    assert list(temp.iterdir()) == []


def test_run_through_serve_reads_a_relative_python_from_the_cli_directory(bridge: Bridge, tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    python = tmp_path / "bin" / "python"
    python.write_text(f'#!/bin/sh\nexec {sys.executable} -X mark=wrapped "$@"\n')
    python.chmod(0o755)
    code = "import sys; print(sys._xoptions.get('mark'))"
    result = aster_ref("run", "--python", "bin/python", "--bridge-url", bridge.url, write(tmp_path, code), cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "wrapped\n"), result.stderr


def test_run_through_serve_uses_the_bridge_tools_by_default(bridge: Bridge, tmp_path: Path) -> None:
    code = "print(sorted(k for k in globals() if k[0].isupper() and k != 'ToolError'))"
    result = aster_ref("run", "--bridge-url", bridge.url, write(tmp_path, code))
    assert result.stdout == "['Glob', 'Grep', 'Read', 'Write']\n"


@pytest.mark.parametrize("through_serve", [False, True], ids=["local", "through-serve"])
def test_run_refuses_a_tool_name_code_cannot_call(bridge: Bridge, tmp_path: Path, through_serve: bool) -> None:
    url = bridge.url if through_serve else "http://localhost:1"
    result = aster_ref("run", "--tools", "my-tool", "--bridge-url", url, write(tmp_path, "print(1)"))
    expected = "Error: " + messages.BAD_TOOL_NAME.format(tool="my-tool")
    assert (result.returncode, result.stderr) == (2, expected + "\n")


def test_serve_removes_its_run_socket_when_it_stops(workspace: Path, own_run_sockets: Path) -> None:
    running = start_bridge("--root", str(workspace))
    socket_file = own_run_sockets / "aster-ref" / f"{running.port}.sock"
    assert socket_file.is_socket()
    code, _ = running.stop()  # a Ctrl-C right after the listening line: serve handles it already
    assert code == 0
    assert not socket_file.exists()


def test_a_stale_run_socket_is_ignored(workspace: Path, own_run_sockets: Path, tmp_path: Path) -> None:
    running = start_bridge("--root", str(workspace))
    socket_file = own_run_sockets / "aster-ref" / f"{running.port}.sock"
    socket_file.unlink()
    with socket.socket(socket.AF_UNIX) as stale:  # bound, never listening: connecting is refused
        stale.bind(str(socket_file))
        try:
            code = "import json, sys\nprint(json.dumps(sys.orig_argv[1]))"
            result = aster_ref("run", "--json", "--bridge-url", running.url, write(tmp_path, code))
            assert json.loads(result.stdout)["output"].startswith(tempfile.gettempdir())  # a cold local run
        finally:
            running.stop()
            socket_file.unlink(missing_ok=True)


def test_serve_with_an_unsafe_socket_directory_warns_and_run_runs_locally(
    workspace: Path, own_run_sockets: Path, tmp_path: Path
) -> None:
    directory = own_run_sockets / "aster-ref"
    directory.mkdir(exist_ok=True)
    directory.chmod(0o755)
    try:
        running = start_bridge("--root", str(workspace))
        try:
            code = "import json, sys\nprint(json.dumps(sys.orig_argv[1]))"
            result = aster_ref("run", "--json", "--bridge-url", running.url, write(tmp_path, code))
            assert json.loads(result.stdout)["output"] != "-c"  # not a fork of serve's warm parent
        finally:
            _, stderr = running.stop()
    finally:
        directory.chmod(0o700)
    unsafe = messages.RUN_SOCKET_DIR_UNSAFE.format(path=directory)
    reason = messages.RUN_SOCKET_UNAVAILABLE.format(path=directory / f"{running.port}.sock", reason=unsafe)
    assert reason in stderr


def ask_serve(bridge: Bridge, run_sockets: Path, request: object) -> dict:
    """Send one request on the run socket of ``bridge`` the way another client (the Go mirror) would."""
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(str(run_sockets / "aster-ref" / f"{bridge.port}.sock"))
        client.sendall(json.dumps(request).encode() + b"\n")
        return json.loads(client.makefile().readline())


def test_the_run_socket_runs_a_minimal_request_with_the_defaults(bridge: Bridge, own_run_sockets: Path) -> None:
    request = {"version": 1, "bridge_url": bridge.url, "code": 'print(await Read(path="test.txt"), end="")'}
    result = ask_serve(bridge, own_run_sockets, request)["result"]
    assert (result["success"], result["stdout"]) == (True, "hello\n")


@pytest.mark.parametrize(
    ("request_body", "error"),
    [
        ({"version": 1, "code": "print(1)"}, "'bridge_url'"),
        (
            {"version": 2, "bridge_url": "http://localhost:1", "code": "print(1)"},
            messages.RUN_PROTOCOL_MISMATCH.format(version=2, expected=1),
        ),
        (
            {"version": 1, "bridge_url": "http://localhost:1", "code": "1", "timeout": 0},
            messages.RUN_LIMITS_NOT_POSITIVE,
        ),
        (
            {"version": 1, "bridge_url": "http://localhost:1", "code": "1", "tools": ["my-tool"]},
            messages.BAD_TOOL_NAME.format(tool="my-tool"),
        ),
        ([1, 2], messages.RUN_REQUEST_NOT_OBJECT),
        ({"version": 1, "bridge_url": "http://localhost:1", "code": "1", "tools": [1]}, messages.RUN_TOOLS_NOT_NAMES),
        (
            {"version": 1, "bridge_url": "http://localhost:1", "code": "1", "tools": "Read"},
            messages.RUN_TOOLS_NOT_NAMES,
        ),
    ],
    ids=[
        "no-bridge-url",
        "other-version",
        "zero-timeout",
        "bad-tool",
        "not-an-object",
        "tool-not-a-name",
        "tools-not-a-list",
    ],
)
def test_the_run_socket_refuses_a_request_it_cannot_run(
    bridge: Bridge, own_run_sockets: Path, request_body: object, error: str
) -> None:
    assert ask_serve(bridge, own_run_sockets, request_body) == {
        "error": messages.RUN_REQUEST_INVALID.format(error=error)
    }


def test_the_run_socket_answers_a_run_that_fails_in_serve_with_its_error(bridge: Bridge, own_run_sockets: Path) -> None:
    # /sys takes no new files, even for root: the temp file cannot be made. Before the fix the client got no
    # answer ("closed the run socket without an answer") and serve logged nothing.
    request = {"version": 1, "bridge_url": bridge.url, "code": "print(1)", "temp_dir": "/sys"}
    answer = ask_serve(bridge, own_run_sockets, request)
    denied = messages.RUN_FAILED.format(error=f"[Errno {errno.EACCES}] {os.strerror(errno.EACCES)}: '/sys/")
    assert re.fullmatch(re.escape(denied) + r"aster_\w+\.py'", answer["error"])


def test_run_says_so_when_serve_closes_the_socket_without_an_answer(own_run_sockets: Path, tmp_path: Path) -> None:
    directory = own_run_sockets / "aster-ref"
    directory.mkdir(mode=0o700, exist_ok=True)
    with socket.socket(socket.AF_UNIX) as rude:
        rude.bind(str(directory / "9.sock"))
        rude.listen()

        def hang_up() -> None:
            connection, _ = rude.accept()
            connection.makefile().readline()
            connection.close()

        closer = threading.Thread(target=hang_up)
        closer.start()
        result = aster_ref("run", "--tools", "Read", "--bridge-url", "http://localhost:9", write(tmp_path, "print(1)"))
        closer.join()
    (directory / "9.sock").unlink()
    assert (result.returncode, result.stderr) == (1, messages.RUN_SOCKET_CLOSED + "\n")


def test_serve_runs_on_uvloop_when_it_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvloop  # requirements.lock installs the fast extra

    assert event_loop_runner() is uvloop.run
    monkeypatch.setitem(sys.modules, "uvloop", None)  # not installed
    assert event_loop_runner() is asyncio.run


def test_ctrl_c_right_after_the_listening_line_stops_serve_cleanly(workspace: Path, own_run_sockets: Path) -> None:
    # Before the fix, a signal this early raised KeyboardInterrupt: exit 130 and the cleanup skipped.
    serves = [
        subprocess.Popen([*CLI, "serve", "--port", "0", "--root", str(workspace)], stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    ports = []
    for serve in serves:
        assert serve.stdout is not None
        line = serve.stdout.readline()
        serve.send_signal(signal.SIGINT)
        match = LISTENING.fullmatch(line.strip())
        assert match is not None
        ports.append(match.group(1))
    assert [serve.wait(timeout=30) for serve in serves] == [0] * len(serves)
    assert [port for port in ports if (own_run_sockets / "aster-ref" / f"{port}.sock").exists()] == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_serve_stops_cleanly_on_a_signal_and_cleans_up_its_runs(
    tmp_path: Path, workspace: Path, own_run_sockets: Path, dies: Callable[[int], bool], signum: signal.Signals
) -> None:
    # SIGHUP is what a closing terminal sends: before the fix it killed serve outright, leaving the run's code,
    # its temp file and the run socket behind.
    temp = tmp_path / "tmp"
    temp.mkdir()
    running = start_bridge("--root", str(workspace))
    client = subprocess.Popen(
        [*CLI, "run", "--tools", "Read", "--bridge-url", running.url, write(tmp_path, WAITS_FOR_A_SIGNAL)],
        cwd=tmp_path,
        env={**os.environ, "TMPDIR": str(temp)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        pid_file = tmp_path / "run.pid"
        deadline = time.monotonic() + 30
        while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        running.process.send_signal(signum)
        assert running.process.wait(timeout=30) == 0
        assert all(dies(int(pid)) for pid in pid_file.read_text().split())
        assert list(temp.iterdir()) == []
        assert not (own_run_sockets / "aster-ref" / f"{running.port}.sock").exists()
    finally:
        client.kill()
        client.wait()


def test_serve_stops_when_the_program_holding_its_stdin_is_gone(workspace: Path) -> None:
    # What the Go mirror relies on: it holds serve's stdin, and its exit, however it ends, closes the pipe.
    process = subprocess.Popen(
        [*CLI, "serve", "--port", "0", "--root", str(workspace), "--exit-on-stdin-eof"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert LISTENING.fullmatch(process.stdout.readline().strip())
        process.stdin.close()
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        process.wait()


def test_without_the_flag_serve_ignores_its_stdin(workspace: Path) -> None:
    process = subprocess.Popen(
        [*CLI, "serve", "--port", "0", "--root", str(workspace)],
        stdin=subprocess.DEVNULL,  # at its end from the start
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        match = LISTENING.fullmatch(process.stdout.readline().strip())
        with urllib.request.urlopen(f"http://127.0.0.1:{match.group(1)}/health", timeout=10) as answer:
            assert answer.status == 200
        assert process.poll() is None
    finally:
        process.kill()
        process.wait()


def test_serve_removes_run_sockets_left_by_killed_serves(workspace: Path, own_run_sockets: Path) -> None:
    directory = own_run_sockets / "aster-ref"
    directory.mkdir(mode=0o700, exist_ok=True)
    left, fresh = directory / "1.sock", directory / "2.sock"
    for path in (left, fresh):
        with socket.socket(socket.AF_UNIX) as dead:  # bound, then closed: what SIGKILL leaves
            dead.bind(str(path))
    old = time.time() - 60
    os.utime(left, (old, old))
    running = start_bridge("--root", str(workspace))
    running.stop()
    assert (left.exists(), fresh.exists()) == (False, True)  # a fresh one may be a serve still starting
    fresh.unlink()
