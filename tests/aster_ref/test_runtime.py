"""PythonRuntime against real subprocesses and a live bridge."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from aster_ref import (
    ExecutionResult,
    HTTPBridgeServer,
    PythonRuntime,
    Registry,
    RuntimeConfig,
    ToolBridge,
    messages,
)
from aster_ref.defaults import DEFAULT_MAX_OUTPUT
from aster_ref.runtime import _Run
from aster_ref.warm import WarmParent


@pytest.fixture
def work_dir(tmp_path: Path) -> Path:
    path = tmp_path / "run"
    path.mkdir()
    return path


def make_runtime(server: HTTPBridgeServer | None, work_dir: Path, **config: object) -> PythonRuntime:
    runtime = PythonRuntime(RuntimeConfig(work_dir=work_dir, **config))  # type: ignore[arg-type]
    if server is not None:
        runtime.set_bridge_url(server.url, server.token)
    return runtime


def temp_files(work_dir: Path) -> list[Path]:
    return list(work_dir.glob("aster_*.py"))


async def test_top_level_await_and_json_output(bridge_server: HTTPBridgeServer, work_dir: Path) -> None:
    code = 'import json\ntext = await Read(path="test.txt")\nprint(json.dumps({"text": text, "n": input_data["n"]}))'
    result = await make_runtime(bridge_server, work_dir).execute(code, {"n": 3})
    assert result.success, result.stderr
    assert result.output == {"text": "hello\n", "n": 3}
    assert result.exit_code == 0
    assert result.error is None
    assert result.duration > 0
    assert temp_files(work_dir) == []


async def test_output_is_the_last_json_line_or_the_text(work_dir: Path) -> None:
    runtime = make_runtime(None, work_dir)
    assert (await runtime.execute('print("log line")\nprint("[1, 2]")')).output == [
        1,
        2,
    ]
    assert (await runtime.execute('print("just text")')).output == "just text\n"


async def test_concurrent_tool_calls_with_gather(bridge_server: HTTPBridgeServer, work_dir: Path) -> None:
    code = (
        "import asyncio\n"
        'texts = await asyncio.gather(Read(path="test.txt"), Read(path="a.txt"))\n'
        "print([len(t) for t in texts])"
    )
    assert (await make_runtime(bridge_server, work_dir).execute(code)).output == [6, 17]


async def test_globals_show_the_tools_and_input_data(bridge_server: HTTPBridgeServer, work_dir: Path) -> None:
    code = "import json\nprint(json.dumps(sorted(k for k in globals() if not k.startswith('_'))))"
    runtime = make_runtime(bridge_server, work_dir)
    runtime.set_tools(["Read", "Glob"])
    assert (await runtime.execute(code)).output == [
        "Glob",
        "Read",
        "ToolError",
        "input_data",
        "json",
    ]


async def test_uncaught_tool_error_gives_a_traceback_and_its_last_line(
    bridge_server: HTTPBridgeServer, work_dir: Path
) -> None:
    result = await make_runtime(bridge_server, work_dir).execute('x = 1\nawait Read(path="x.txt")')
    assert not result.success
    assert result.exit_code == 1
    assert (
        result.error
        == f"ToolError: {messages.TOOL_FAILED.format(tool='Read', error=messages.FILE_NOT_FOUND.format(path='x.txt'))}"
    )
    assert 'File "<ptc>", line 2, in <module>' in result.stderr
    assert 'await Read(path="x.txt")' in result.stderr
    assert temp_files(work_dir) == []


async def test_caught_tool_error_lets_the_code_go_on(bridge_server: HTTPBridgeServer, work_dir: Path) -> None:
    code = (
        "try:\n"
        '    result = await Read(path="nonexistent.txt")\n'
        "except Exception as e:\n"
        '    print(f"{type(e).__name__}: {e}")\n'
    )
    result = await make_runtime(bridge_server, work_dir).execute(code)
    assert result.success
    assert (
        result.stdout
        == f"ToolError: {messages.TOOL_FAILED.format(tool='Read', error=messages.FILE_NOT_FOUND.format(path='nonexistent.txt'))}\n"
    )


async def test_tool_not_allowed_from_code(bridge_server: HTTPBridgeServer, work_dir: Path) -> None:
    runtime = make_runtime(bridge_server, work_dir)
    runtime.set_tools(["Bash"])
    result = await runtime.execute('await Bash(command="id")')
    assert result.error == "ToolError: " + messages.TOOL_NOT_ALLOWED.format(tool="Bash")


async def test_bridge_down_gives_the_connection_error(work_dir: Path, unused_tcp_port: int) -> None:
    runtime = make_runtime(None, work_dir)
    runtime.set_bridge_url(f"http://localhost:{unused_tcp_port}")
    result = await runtime.execute('await Read(path="test.txt")')
    assert result.error is not None
    quoted = messages.CONNECTION_ERROR.format(detail=f"Cannot connect to host localhost:{unused_tcp_port} ")
    assert quoted in result.error


async def test_token_reaches_the_sdk_through_the_environment(registry: Registry, work_dir: Path) -> None:
    async with HTTPBridgeServer(ToolBridge(registry), "127.0.0.1", 0, token="s3cret") as server:
        runtime = make_runtime(server, work_dir)
        assert (await runtime.execute('print(await Read(path="test.txt"))')).success
        runtime.set_bridge_url(server.url)
        result = await runtime.execute('print(await Read(path="test.txt"))')
        assert result.error == "BridgeError: " + messages.BRIDGE_HTTP_ERROR.format(
            status=401, error=messages.UNAUTHORIZED
        )


async def test_syntax_error_points_at_the_user_line(work_dir: Path) -> None:
    result = await make_runtime(None, work_dir).execute("x = 1\nif x\n")
    assert result.error == "SyntaxError: expected ':'"
    assert 'File "<ptc>", line 2' in result.stderr


async def test_sys_exit_code_is_kept(work_dir: Path) -> None:
    result = await make_runtime(None, work_dir).execute("import sys\nsys.exit(3)")
    assert (result.success, result.exit_code, result.error) == (
        False,
        3,
        messages.EXIT_STATUS.format(code=3),
    )


async def test_timeout_kills_the_process_group(work_dir: Path, dies: Callable[[int], bool]) -> None:
    code = (
        "import subprocess, time\n"
        "child = subprocess.Popen(['sleep', '30'])\n"
        "open('child.pid', 'w').write(str(child.pid))\n"
        "print('started', flush=True)\n"
        "time.sleep(30)\n"
    )
    result = await make_runtime(None, work_dir, timeout=1.0).execute(code)
    assert result.error == messages.EXECUTION_TIMEOUT
    assert not result.success
    assert result.stdout == "started\n"
    assert dies(int((work_dir / "child.pid").read_text()))
    assert temp_files(work_dir) == []


async def test_children_left_behind_by_a_successful_run_are_killed(work_dir: Path, dies: Callable[[int], bool]) -> None:
    code = "import subprocess\nchild = subprocess.Popen(['sleep', '30'])\nopen('child.pid', 'w').write(str(child.pid))"
    assert (await make_runtime(None, work_dir).execute(code)).success
    assert dies(int((work_dir / "child.pid").read_text()))


async def test_output_past_max_output_is_truncated_with_a_marker(
    work_dir: Path,
) -> None:
    code = "import sys\nprint('x' * 5000)\nprint('e' * 5000, file=sys.stderr)"
    result = await make_runtime(None, work_dir, max_output=1000).execute(code)
    marker = messages.OUTPUT_TRUNCATED.format(limit=1000)
    assert result.stdout == "x" * 1000 + marker
    assert result.stderr == "e" * 1000 + marker


@pytest.mark.parametrize("while_starting", [False, True], ids=["running", "still-starting"])
async def test_cancellation_kills_the_run_and_deletes_the_temp_file(
    work_dir: Path, dies: Callable[[int], bool], monkeypatch: pytest.MonkeyPatch, while_starting: bool
) -> None:
    if while_starting:  # the code starts as soon as it gets its job, before the host has set up its side
        stuck = asyncio.Event()

        async def attach_never(self: object) -> None:
            await stuck.wait()

        monkeypatch.setattr(_Run, "attach", attach_never)
    code = "import os, time\nopen('run.pid', 'w').write(str(os.getpid()))\ntime.sleep(30)"
    run = asyncio.create_task(make_runtime(None, work_dir).execute(code))
    pid_file = work_dir / "run.pid"
    while not pid_file.exists() or not pid_file.read_text():
        await asyncio.sleep(0.02)
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    assert dies(int(pid_file.read_text()))
    assert temp_files(work_dir) == []


async def test_max_concurrency_limits_simultaneous_runs(work_dir: Path) -> None:
    # Each run registers itself, records how many runs it saw, holds its slot a moment, then leaves.
    code = (
        "import json, os, pathlib, time\n"
        "me = pathlib.Path(f'running.{os.getpid()}')\n"
        "me.touch()\n"
        "seen = len(list(pathlib.Path('.').glob('running.*')))\n"
        "time.sleep(0.3)\n"
        "me.unlink()\n"
        "print(json.dumps(seen))\n"
    )
    runtime = make_runtime(None, work_dir, max_concurrency=2)
    results = await asyncio.gather(*(runtime.execute(code) for _ in range(4)))
    assert all(r.success for r in results)
    assert max(r.output for r in results) <= 2


async def test_cancelling_a_waiting_run_leaves_nothing_behind(work_dir: Path) -> None:
    runtime = make_runtime(None, work_dir, max_concurrency=1)
    first = asyncio.create_task(runtime.execute("import time\ntime.sleep(30)"))
    while not temp_files(work_dir):
        await asyncio.sleep(0.02)
    waiting = asyncio.create_task(runtime.execute("print('never')"))
    await asyncio.sleep(0.1)
    assert len(temp_files(work_dir)) == 1
    waiting.cancel()
    first.cancel()
    for task in (waiting, first):
        with pytest.raises(asyncio.CancelledError):
            await task
    assert temp_files(work_dir) == []
    assert (await runtime.execute("print(1)")).output == 1  # the slot was given back


async def test_python_without_aiohttp_says_how_to_install_it(python_without_aiohttp: Path, work_dir: Path) -> None:
    result = await make_runtime(None, work_dir, python=str(python_without_aiohttp)).execute("print(1)")
    assert result.exit_code == 1
    assert result.stderr == messages.AIOHTTP_REQUIRED + "\n"
    assert result.error == messages.AIOHTTP_REQUIRED


async def test_python_older_than_3_10_is_named(work_dir: Path, tmp_path: Path) -> None:
    # Make the interpreter report 3.9 before the prelude runs (site imports sitecustomize).
    fake = tmp_path / "fake-3.9"
    fake.mkdir()
    (fake / "sitecustomize.py").write_text("import sys\nsys.version_info = (3, 9, 18, 'final', 0)\n")
    runtime = make_runtime(None, work_dir, env={"PYTHONPATH": str(fake)})
    result = await runtime.execute("print(1)")
    assert result.error == messages.PYTHON_TOO_OLD.format(minimum="3.10", executable=sys.executable, version="3.9.18")


async def test_missing_interpreter_is_named(work_dir: Path) -> None:
    result = await make_runtime(None, work_dir, python="/nonexistent/python3").execute("print(1)")
    assert result.error == messages.PYTHON_NOT_FOUND.format(python="/nonexistent/python3")
    assert temp_files(work_dir) == []


def test_defaults_mirror_the_go_host() -> None:
    config = RuntimeConfig()
    assert (config.timeout, config.max_output, config.max_concurrency) == (
        30.0,
        1024 * 1024,
        10,
    )
    assert config.python == sys.executable


def test_result_serialises_with_the_documented_keys() -> None:
    assert set(ExecutionResult(True).to_dict()) == {
        "success",
        "output",
        "stdout",
        "stderr",
        "error",
        "exit_code",
        "duration",
    }


def test_wrap_code_refuses_tool_names_code_cannot_call() -> None:
    with pytest.raises(ValueError, match=r"tool name 'my-tool' is not a Python identifier"):
        PythonRuntime().set_tools(["my-tool"])


def test_wrapped_program_embeds_the_input(work_dir: Path) -> None:
    program = make_runtime(None, work_dir).wrap_code("print(input_data)", {"k": "v"})
    assert json.dumps({"k": "v"}) in program


async def test_missing_work_dir_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    result = await PythonRuntime(RuntimeConfig(work_dir=missing)).execute("print(1)")
    assert (result.success, result.error) == (False, messages.WORK_DIR_NOT_FOUND.format(work_dir=missing))


async def test_truncation_never_splits_a_character(work_dir: Path) -> None:
    # "é" is 2 bytes in UTF-8: a 5-byte limit ends inside the third one, which is dropped whole.
    result = await make_runtime(None, work_dir, max_output=5).execute("print('é' * 10)")
    assert result.stdout == "éé" + messages.OUTPUT_TRUNCATED.format(limit=5)


@pytest.mark.parametrize("separator", ["\x0c", "\u2028", "\x1c"])
async def test_traceback_shows_the_failing_line_when_a_string_holds_a_line_separator(
    work_dir: Path, separator: str
) -> None:
    # str.splitlines breaks at these characters; the compiler does not, so line 2 is the raise.
    code = f"text = 'a{separator}b'\nraise ValueError(text)\n"
    result = await make_runtime(None, work_dir).execute(code)
    assert 'File "<ptc>", line 2, in <module>\n    raise ValueError(text)\n' in result.stderr


# --- warm runs: a fork of a warm parent behaves as a fresh interpreter ----------------------------------------
def own_startup_environment() -> dict[str, str]:
    """A variable read at interpreter start with a value no other test uses: a warm parent of the test's own."""
    return {"PYTHONASTERTEST": os.urandom(8).hex()}


async def test_runs_are_warm_by_default_and_cold_on_request(work_dir: Path) -> None:
    # A warm run is a fork of the parent started with -c; a cold run is the interpreter started on the file.
    code = "import json, sys\nprint(json.dumps(sys.orig_argv[1:2]))"
    warm = await make_runtime(None, work_dir).execute(code)
    cold = await make_runtime(None, work_dir, warm=False).execute(code)
    assert warm.output == ["-c"]
    assert cold.output[0].startswith(str(work_dir / "aster_"))


async def test_each_run_gets_its_own_environment(work_dir: Path) -> None:
    code = "import json, os\nprint(json.dumps([os.environ.get('COLOUR'), os.environ.get('LEFT_BY_FIRST')]))"
    first = make_runtime(None, work_dir, env={"COLOUR": "red"})
    assert (await first.execute("import os\nos.environ['LEFT_BY_FIRST'] = '1'")).success
    assert (await first.execute(code)).output == ["red", None]
    assert (await make_runtime(None, work_dir, env={"COLOUR": "blue"}).execute(code)).output == ["blue", None]


async def test_environment_changes_of_the_host_reach_the_next_run(
    work_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = make_runtime(None, work_dir)
    code = "import os\nprint(os.environ.get('ASTER_TEST_LATE', 'unset'))"
    assert (await runtime.execute(code)).output == "unset\n"
    monkeypatch.setenv("ASTER_TEST_LATE", "set")
    assert (await runtime.execute(code)).output == "set\n"


async def test_each_run_gets_its_own_working_directory(tmp_path: Path) -> None:
    code = "import os\nprint(os.getcwd())"
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        assert (await make_runtime(None, tmp_path / name).execute(code)).stdout == f"{tmp_path / name}\n"


async def test_without_work_dir_the_code_runs_in_the_hosts_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = await PythonRuntime().execute("import os\nprint(os.getcwd())")
    assert result.stdout == f"{tmp_path}\n"


async def test_module_state_does_not_leak_between_runs(work_dir: Path) -> None:
    runtime = make_runtime(None, work_dir)
    assert (await runtime.execute("import json\njson.left_behind = True")).success
    assert (await runtime.execute("import json\nprint(json.dumps(hasattr(json, 'left_behind')))")).output is False


async def test_stdin_is_empty_and_the_same_descriptors_are_open_as_in_a_cold_run(work_dir: Path) -> None:
    program = "import json, os, sys\nprint(json.dumps([sys.stdin.read(), sorted(os.listdir('/proc/self/fd'))]))"
    warm = await make_runtime(None, work_dir).execute_wrapped(program)
    cold = await make_runtime(None, work_dir, warm=False).execute_wrapped(program)
    assert warm.output == cold.output
    assert warm.output[0] == ""


async def test_code_runs_in_its_own_session_and_process_group(work_dir: Path) -> None:
    code = "import json, os\nprint(json.dumps([os.getsid(0) == os.getpid(), os.getpgid(0) == os.getpid()]))"
    assert (await make_runtime(None, work_dir).execute(code)).output == [True, True]


async def test_a_run_killed_by_a_signal_reports_it(work_dir: Path) -> None:
    result = await make_runtime(None, work_dir).execute("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    assert (result.success, result.exit_code, result.error) == (False, -9, messages.EXIT_STATUS.format(code=-9))


async def test_sys_exit_with_a_message_prints_it_and_exits_1(work_dir: Path) -> None:
    result = await make_runtime(None, work_dir).execute_wrapped("import sys\nsys.exit('bye')")
    assert (result.exit_code, result.stderr) == (1, "bye\n")


async def test_atexit_handlers_and_threads_finish_before_the_run_ends(work_dir: Path) -> None:
    code = (
        "import atexit, threading, time\n"
        "atexit.register(print, 'atexit ran')\n"
        "threading.Thread(target=lambda: (time.sleep(0.2), print('thread done', flush=True))).start()\n"
    )
    assert (await make_runtime(None, work_dir).execute(code)).stdout == "thread done\natexit ran\n"


async def test_a_setsid_child_holding_the_pipes_is_killed_at_the_timeout(
    work_dir: Path, dies: Callable[[int], bool]
) -> None:
    code = (
        "import subprocess, time\n"
        "sleeper = subprocess.Popen(['setsid', 'sleep', '600'])\n"  # keeps stdout and stderr open
        "open('sleeper.pid', 'w').write(str(sleeper.pid))\n"
        "time.sleep(600)\n"
    )
    result = await make_runtime(None, work_dir, timeout=1.0).execute(code)
    assert result.error == messages.EXECUTION_TIMEOUT
    assert dies(int((work_dir / "sleeper.pid").read_text()))


async def test_a_double_forked_daemon_is_killed_when_the_run_ends(work_dir: Path, dies: Callable[[int], bool]) -> None:
    code = textwrap.dedent(
        """\
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                open('daemon.pid', 'w').write(str(os.getpid()))
                time.sleep(600)
            os._exit(0)
        os.wait()
        while not os.path.exists('daemon.pid') or not open('daemon.pid').read():
            time.sleep(0.01)
        """
    )
    assert (await make_runtime(None, work_dir).execute(code)).success
    assert dies(int((work_dir / "daemon.pid").read_text()))


async def test_fifty_megabytes_of_output_are_capped_without_holding_them(tmp_path: Path) -> None:
    # Peak memory of a host that ran a 1-byte run, then a 50 MB one: the second adds about nothing.
    script = textwrap.dedent(
        """\
        import asyncio, resource, sys
        from aster_ref import PythonRuntime, RuntimeConfig
        async def main():
            runtime = PythonRuntime(RuntimeConfig(work_dir=sys.argv[1]))
            await runtime.execute_wrapped("print(1)")
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            result = await runtime.execute_wrapped("import sys\\nfor _ in range(50): sys.stdout.write('x' * 2**20)")
            after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            print(len(result.stdout), (after - before) // 1024)
        asyncio.run(main())
        """
    )
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    kept, grown_mb = map(int, done.stdout.split())
    assert kept == DEFAULT_MAX_OUTPUT + len(messages.OUTPUT_TRUNCATED.format(limit=DEFAULT_MAX_OUTPUT))
    assert grown_mb < 10


async def test_a_python_that_cannot_run_the_warm_parent_still_runs_the_file_cold(
    work_dir: Path, tmp_path: Path
) -> None:
    fake = tmp_path / "fake-python"
    fake.write_text('#!/bin/sh\necho "ran $1"\n')
    fake.chmod(0o755)
    result = await make_runtime(None, work_dir, python=str(fake)).execute("print(1)")
    assert result.success, result.stderr
    assert result.stdout.startswith(f"ran {work_dir / 'aster_'}")


async def test_the_warm_parent_keeps_only_the_startup_environment_of_the_run_that_started_it(work_dir: Path) -> None:
    env = {**own_startup_environment(), "RUN_TAG": "first run only"}
    runtime = make_runtime(None, work_dir, env=env)
    assert (await runtime.execute("import os\nprint(os.environ['RUN_TAG'])")).output == "first run only\n"
    (parent,) = runtime.warm_parents()
    parent_env = Path(f"/proc/{parent}/environ").read_bytes().split(b"\0")
    assert f"PYTHONASTERTEST={env['PYTHONASTERTEST']}".encode() in parent_env
    assert not [var for var in parent_env if var.startswith(b"RUN_TAG=")]
    await runtime.close()


async def test_a_crashed_warm_parent_is_replaced(work_dir: Path, dies: Callable[[int], bool]) -> None:
    runtime = make_runtime(None, work_dir, env=own_startup_environment())
    assert (await runtime.execute("print(1)")).success
    (crashed,) = runtime.warm_parents()
    os.kill(crashed, signal.SIGKILL)
    assert dies(crashed)
    assert (await runtime.execute("print(2)")).output == 2
    (replacement,) = runtime.warm_parents()
    assert replacement != crashed
    await runtime.close()


async def test_closing_the_last_runtime_stops_its_warm_parent(work_dir: Path, dies: Callable[[int], bool]) -> None:
    env = own_startup_environment()
    first, second = make_runtime(None, work_dir, env=env), make_runtime(None, work_dir, env=env)
    await first.execute("print(1)")
    await second.execute("print(1)")
    (parent,) = first.warm_parents()
    assert second.warm_parents() == [parent]  # shared: same interpreter, same startup environment
    await first.close()
    assert second.warm_parents() == [parent]
    await second.close()
    assert dies(parent)
    assert second.warm_parents() == []
    assert (await second.execute("print(3)")).output == 3  # a closed runtime starts a new parent when used again
    await second.close()


def test_the_warm_parent_dies_with_its_host(tmp_path: Path, dies: Callable[[int], bool]) -> None:
    script = textwrap.dedent(
        """\
        import asyncio, time
        from aster_ref import PythonRuntime
        runtime = PythonRuntime()
        asyncio.run(runtime.execute("print(1)"))
        print(*runtime.warm_parents(), flush=True)
        time.sleep(600)
        """
    )
    host = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    assert host.stdout is not None
    (parent,) = map(int, host.stdout.readline().split())
    host.kill()  # no atexit, no close()
    host.wait()
    assert dies(parent)


def test_a_process_armed_with_die_with_parent_is_killed_with_its_parent(dies: Callable[[int], bool]) -> None:
    # The parent's last resort when its host is killed while something else keeps the control socket open.
    child = "import sys, time\nfrom aster_ref.warm_parent import die_with_parent\ndie_with_parent(int(sys.argv[1]))\nprint('armed', flush=True)\ntime.sleep(600)"
    parent = (
        "import os, subprocess, sys, time\n"
        f"child = subprocess.Popen([sys.executable, '-c', {child!r}, str(os.getpid())], stdout=subprocess.PIPE)\n"
        "child.stdout.readline()\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    host = subprocess.Popen([sys.executable, "-c", parent], stdout=subprocess.PIPE, text=True)
    assert host.stdout is not None
    armed = int(host.stdout.readline())
    host.kill()
    host.wait()
    assert dies(armed)


async def test_a_parent_that_dies_unnoticed_before_a_run_starts_is_replaced_for_that_run(
    work_dir: Path, dies: Callable[[int], bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = make_runtime(None, work_dir, env=own_startup_environment())
    assert (await runtime.execute("print(1)")).success
    (parent,) = runtime.warm_parents()
    os.kill(parent, signal.SIGKILL)
    assert dies(parent)
    monkeypatch.setattr(WarmParent, "alive", property(lambda self: True))  # the run finds out when it submits
    assert (await runtime.execute("print(2)")).output == 2
    monkeypatch.undo()
    assert runtime.warm_parents() not in ([], [parent])
    await runtime.close()


async def test_a_warm_run_of_the_sdk_shows_sdk_frames_in_tracebacks(
    bridge_server: HTTPBridgeServer, work_dir: Path
) -> None:
    result = await make_runtime(bridge_server, work_dir).execute('await Read(path="x.txt")')
    assert 'File "<aster-prelude>", line' in result.stderr
    assert "raise ToolError(" in result.stderr


async def test_code_that_kills_its_supervisor_ends_the_run_and_leaves_nothing(
    work_dir: Path, dies: Callable[[int], bool]
) -> None:
    code = (
        "import os, signal, subprocess\n"
        "sleeper = subprocess.Popen(['setsid', 'sleep', '600'])\n"
        "open('sleeper.pid', 'w').write(str(sleeper.pid))\n"
        "os.kill(os.getppid(), signal.SIGKILL)\n"
        "signal.pause()\n"
    )
    result = await make_runtime(None, work_dir).execute(code)
    assert (result.success, result.error, result.exit_code) == (False, messages.RUN_SUPERVISOR_LOST, None)
    assert dies(int((work_dir / "sleeper.pid").read_text()))  # adopted and killed by the warm parent
    assert (await make_runtime(None, work_dir).execute("print(1)")).output == 1


def children_of(parent: int) -> list[int]:
    """The live children of ``parent`` (not the zombies of runs that just ended)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, ppid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
            if state != "Z" and int(ppid) == parent:
                found.append(int(entry.name))
        except (OSError, IndexError):
            continue
    return found


async def test_a_spare_that_died_while_waiting_is_replaced_by_the_same_parent(
    work_dir: Path, dies: Callable[[int], bool]
) -> None:
    runtime = make_runtime(None, work_dir, env=own_startup_environment())
    assert (await runtime.execute("print(1)")).success
    (parent,) = runtime.warm_parents()
    spares = children_of(parent)  # the supervisor waiting for the next run (its code process dies with it)
    assert spares
    for spare in spares:
        with contextlib.suppress(ProcessLookupError):  # the last run's supervisor, reaped meanwhile
            os.kill(spare, signal.SIGKILL)
    assert all(dies(spare) for spare in spares)
    assert (await runtime.execute("print(2)")).output == 2
    assert runtime.warm_parents() == [parent]
    await runtime.close()


async def test_an_interpreter_that_cannot_be_run_is_named_with_the_reason(work_dir: Path, tmp_path: Path) -> None:
    not_executable = tmp_path / "python3"
    not_executable.write_text("")
    result = await make_runtime(None, work_dir, python=str(not_executable)).execute("print(1)")
    reason = os.strerror(13)  # Permission denied
    assert result.error == messages.PYTHON_CANNOT_RUN.format(python=not_executable, reason=reason)
    assert temp_files(work_dir) == []


async def test_a_parent_that_refuses_every_run_gives_a_clear_error(
    work_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: WarmParent, job: dict, fds: list[int]) -> None:
        raise BrokenPipeError

    monkeypatch.setattr(WarmParent, "submit", refuse)
    result = await make_runtime(None, work_dir, env=own_startup_environment()).execute("print(1)")
    assert (result.success, result.error) == (False, messages.RUNTIME_UNAVAILABLE)
    assert temp_files(work_dir) == []
