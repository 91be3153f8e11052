"""run_group, which runs every bash and Python block and every Go build and program: what a
command leaves running goes with it, also in a session of its own; output held open by a
process that hid from the harness is reported, not waited for; a timeout keeps the output so far."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from doctest_harness import messages, processes
from doctest_harness.processes import run_group


def sleepers(seconds: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "cmdline").read_bytes().split(b"\0")[:2] == [
                b"sleep",
                seconds.encode(),
            ]:
                found.append(int(entry.name))
        except OSError:
            pass
    return found


@pytest.fixture
def kill_sleepers():
    names = []
    yield names.append
    for seconds in names:
        for pid in sleepers(seconds):
            os.kill(pid, signal.SIGKILL)


def test_a_process_left_in_a_session_of_its_own_is_killed(tmp_path, kill_sleepers):
    kill_sleepers("301")
    script = "setsid sleep 301 </dev/null >/dev/null 2>&1 &\nsleep 0.2\necho done"
    done = run_group(["bash", "-c", script], cwd=tmp_path, env=dict(os.environ), timeout=30)
    assert (done.returncode, done.stdout) == (0, "done\n")
    assert sleepers("301") == []


def test_output_held_open_by_a_process_without_the_tag_is_reported(tmp_path, monkeypatch, kill_sleepers):
    kill_sleepers("302")
    monkeypatch.setattr(processes, "READ_GRACE", 0.5)
    script = "setsid env -i sleep 302 &\nwhile ! grep -qz '^sleep$' /proc/$!/cmdline 2>/dev/null; do sleep 0.01; done"
    started = time.monotonic()
    done = run_group(["bash", "-c", script], cwd=tmp_path, env=dict(os.environ), timeout=30)
    assert time.monotonic() - started < 10
    assert done.stderr.endswith(messages.OUTPUT_HELD_OPEN)


def test_a_timeout_raises_with_the_output_so_far(tmp_path):
    with pytest.raises(subprocess.TimeoutExpired) as raised:
        run_group(["bash", "-c", "echo started; sleep 60"], cwd=tmp_path, env=dict(os.environ), timeout=1)
    assert raised.value.stdout == "started\n"


def test_stopping_a_started_group_stops_what_left_it_too(tmp_path, kill_sleepers):
    kill_sleepers("303")
    script = "setsid sleep 303 </dev/null >/dev/null 2>&1 &\nsleep 60"
    started = processes.start_group(["bash", "-c", script], cwd=tmp_path, env=dict(os.environ))
    while not sleepers("303"):
        time.sleep(0.01)
    processes.stop_group(started)
    assert sleepers("303") == []


def test_input_a_command_never_reads_does_not_hold_the_run_past_its_timeout(tmp_path):
    with pytest.raises(subprocess.TimeoutExpired):
        run_group(["sleep", "60"], cwd=tmp_path, env=dict(os.environ), timeout=1, input="x" * (1 << 20))
