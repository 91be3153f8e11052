"""make bench: how aster_ref compares, as ratios measured in one run, in interleaved rounds.

    .venv/bin/python bench/bench.py [--rounds 5] [--quick]

Each round measures every figure once, the two sides of a ratio back to back (their order alternating
between rounds), so load from elsewhere on the machine hits both sides alike. The table gives the
min / median / max over the rounds. Not a test: nothing is asserted.

* execute: ``PythonRuntime.execute()`` of a snippet with one Read, p50 of a round's runs, cold
  (``RuntimeConfig(warm=False)``: a new interpreter per run) against warm (a fork of the warm parent).
* bridge: ``aster-ref serve --log-level warning`` against ``bench/go/server`` (a minimal Go net/http bridge
  with the same Read, which logs nothing either), both driven by ``bench/go/load`` (Go, keep-alive) at 1, 20
  and 100 calls in flight: calls/s and server CPU per call (the time its threads ran, in ns, from
  /proc/PID/task/*/schedstat).
* log: server CPU per call at 1 in flight of ``aster-ref serve`` as it starts by default, logging a line per
  call on stderr (here a pipe the bench drains, as a terminal or a journal would read it), against
  ``--log-level warning``; and against the Go server with ``-log``, which logs the same line with log.Printf.
* sdk: ``AsterBridge`` (which coalesces the calls of one event-loop tick into /tools/batch) with 20 calls in
  flight against aster-ref serve, compared with the Go load client against the Go server.
* aster-ref run: wall time of ``aster-ref run FILE`` (one Read) against a running ``aster-ref serve``, which
  runs it warm, compared with the same command where no serve run socket is found (a cold run of its own).

The Go side needs ``go`` on PATH (make puts .venv/bin first); without it those rows are left out.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

from aster_ref import AsterBridge, PythonRuntime, RuntimeConfig, messages

BENCH = Path(__file__).resolve().parent
BUILD = BENCH.parent / ".cache" / "bench"
LISTENING = re.compile(re.escape(messages.LISTENING.format(address="127.0.0.1:")) + r"(\d+)")
GO_LISTENING = re.compile(r"listening on (127\.0\.0\.1:\d+)")
SNIPPET = 'print(len(await Read(path="test.txt")))'
T = TypeVar("T")


@dataclass
class Figure:
    """One row: A and B per round, and their ratio A / B."""

    name: str
    unit: str
    goal: str
    a: list[float] = field(default_factory=list)
    b: list[float] = field(default_factory=list)

    def add(self, a: float, b: float) -> None:
        self.a.append(a)
        self.b.append(b)

    def ratios(self) -> list[float]:
        return [a / b for a, b in zip(self.a, self.b, strict=True)]


def spread(values: list[float], fmt: str) -> str:
    return " / ".join(format(v, fmt) for v in (min(values), statistics.median(values), max(values)))


# --- processes ------------------------------------------------------------------------------------------------
@contextmanager
def process(command: list[str], pattern: re.Pattern[str], *, log: bool = False) -> Iterator[tuple[int, str]]:
    """Start a server, yield (pid, URL) from its listening line, stop it. Its stderr goes to /dev/null, or
    with ``log`` to a pipe that a thread here reads (as a terminal or a journal would)."""
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE if log else subprocess.DEVNULL, text=True
    )
    assert child.stdout is not None
    if log:
        assert child.stderr is not None
        threading.Thread(target=drain, args=(child.stderr.fileno(),), daemon=True).start()
    match = pattern.search(child.stdout.readline())
    if match is None:
        child.kill()
        raise SystemExit(f"did not start: {command}")
    try:
        yield child.pid, "http://" + (match.group(1) if ":" in match.group(1) else f"127.0.0.1:{match.group(1)}")
    finally:
        child.terminate()
        child.wait()


def drain(fd: int) -> None:
    while os.read(fd, 65536):
        pass


def cpu_seconds(pid: int) -> float:
    """The time all threads of ``pid`` have run, to the ns (utime + stime in /proc/PID/stat count 10 ms ticks)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except FileNotFoundError:  # a thread that just ended
            continue
    return total / 1e9


def build_go() -> Path | None:
    if shutil.which("go") is None:
        return None
    BUILD.mkdir(parents=True, exist_ok=True)
    subprocess.run(["go", "build", "-o", str(BUILD), "./server", "./load"], cwd=BENCH / "go", check=True)
    return BUILD


def go_load(build: Path, url: str, calls: int, in_flight: int) -> float:
    """calls/s of the Go load client against ``url``."""
    done = subprocess.run(
        [str(build / "load"), "-url", url, "-n", str(calls), "-c", str(in_flight)],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout)
    if report["errors"]:
        raise SystemExit(f"{report['errors']} calls failed against {url}")
    return report["calls"] / report["seconds"]


def go_load_measured(build: Path, pid: int, url: str, calls: int, in_flight: int) -> tuple[float, float]:
    """(calls/s, CPU µs per call of the server ``pid``) of the Go load client against ``url``."""
    before = cpu_seconds(pid)
    rate = go_load(build, url, calls, in_flight)
    return rate, (cpu_seconds(pid) - before) / calls * 1e6


# --- measurements ----------------------------------------------------------------------------------------------
async def execute_p50(runtime: PythonRuntime, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = await runtime.execute(SNIPPET)
        times.append(time.perf_counter() - started)
        if not result.success:
            raise SystemExit(f"execute() failed: {result.error}")
    return statistics.median(times) * 1000


async def sdk_rate(url: str, calls: int, in_flight: int) -> float:
    """calls/s of AsterBridge.call with ``in_flight`` callers."""
    per_caller = calls // in_flight
    async with AsterBridge(url) as bridge:
        await bridge.call("Read", {"path": "test.txt"})

        async def caller() -> None:
            for _ in range(per_caller):
                await bridge.call("Read", {"path": "test.txt"})

        started = time.perf_counter()
        await asyncio.gather(*(caller() for _ in range(in_flight)))
        return per_caller * in_flight / (time.perf_counter() - started)


def cli_p50(url: str, program: Path, runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            ["aster-ref", "run", "--bridge-url", url, str(program)], env=env, check=True, capture_output=True
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


# --- the run ------------------------------------------------------------------------------------------------------
def in_order(sides: list[Callable[[], T]], flip: bool) -> list[T]:
    """Run both sides, B first when ``flip``; results as [A, B]."""
    if flip:
        b = sides[1]()
        return [sides[0](), b]
    return [side() for side in sides]


async def in_order_async(sides: list[Callable[[], Awaitable[T]]], flip: bool) -> list[T]:
    if flip:
        b = await sides[1]()
        return [await sides[0](), b]
    return [await side() for side in sides]


@contextmanager
def nothing() -> Iterator[tuple[int, str]]:
    yield 0, ""


async def main(args: argparse.Namespace) -> None:
    load_before = os.getloadavg()[0]
    calls = 600 if args.quick else 3000
    executes = 5 if args.quick else 15
    build = build_go()
    figures = {
        "execute": Figure("execute() p50: A cold, B warm", "ms", "A/B >= 15, B <= 20 ms"),
        "cli": Figure("aster-ref run p50: A on its own, B through serve", "ms", "B <= 60 ms"),
    }
    for in_flight in (1, 20, 100):
        figures[f"rate{in_flight}"] = Figure(f"calls/s, {in_flight} in flight: A aster, B Go", "/s", "")
        goal = "A/B <= 1.5" if in_flight == 1 else ""
        figures[f"cpu{in_flight}"] = Figure(f"server CPU per call, {in_flight} in flight: A aster, B Go", "µs", goal)
    figures["sdk"] = Figure("calls/s, 20 in flight: A SDK to aster, B Go client to Go", "/s", "A/B >= 1.0")
    figures["sdk-go"] = Figure("calls/s, 20 in flight: A SDK to Go, B Go client to Go", "/s", "")
    figures["log"] = Figure(
        "aster server CPU per call, 1 in flight: A logging each call (the default), B --log-level warning", "µs", ""
    )
    figures["log-go"] = Figure("server CPU per call, 1 in flight, both logging each call: A aster, B Go", "µs", "")

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "test.txt").write_text("hello\n")
        program = root / "snippet.py"
        program.write_text(SNIPPET + "\n")
        no_socket = root / "no-run-socket"
        no_socket.mkdir(mode=0o700)
        own_env = {**os.environ, "XDG_RUNTIME_DIR": str(no_socket)}  # finds no serve: runs the code itself
        warm = PythonRuntime(RuntimeConfig(work_dir=root))
        cold = PythonRuntime(RuntimeConfig(work_dir=root, warm=False))
        serve = [sys.executable, "-m", "aster_ref", "serve", "--port", "0", "--root", str(root)]
        go_server = process([str(build / "server"), "--root", str(root)], GO_LISTENING) if build else nothing()
        go_logging = (
            process([str(build / "server"), "--root", str(root), "-log"], GO_LISTENING, log=True)
            if build
            else nothing()
        )
        with (
            process([*serve, "--log-level", "warning"], LISTENING) as (aster_pid, aster_url),
            process(serve, LISTENING, log=True) as (logging_pid, logging_url),
            go_server as (go_pid, go_url),
            go_logging as (go_logging_pid, go_logging_url),
        ):
            for runtime in (warm, cold):
                runtime.set_bridge_url(aster_url)
                await runtime.execute(SNIPPET)  # start the warm parents outside the timing
            for round_ in range(args.rounds):
                flip = round_ % 2 == 1
                figures["execute"].add(
                    *await in_order_async(
                        [lambda: execute_p50(cold, executes), lambda: execute_p50(warm, executes)], flip
                    )
                )
                figures["cli"].add(
                    *in_order(
                        [
                            lambda: cli_p50(aster_url, program, executes, own_env),
                            lambda: cli_p50(aster_url, program, executes, dict(os.environ)),
                        ],
                        flip,
                    )
                )
                if build is not None:
                    load = partial(go_load_measured, build)
                    for in_flight in (1, 20, 100):
                        n = calls // 3 if in_flight == 1 else calls
                        ours, theirs = in_order(
                            [
                                partial(load, aster_pid, aster_url, n, in_flight),
                                partial(load, go_pid, go_url, n, in_flight),
                            ],
                            flip,
                        )
                        figures[f"rate{in_flight}"].add(ours[0], theirs[0])
                        figures[f"cpu{in_flight}"].add(ours[1], theirs[1])
                    sdk, go_rate = await in_order_async(
                        [
                            lambda: sdk_rate(aster_url, calls, 20),
                            lambda: asyncio.to_thread(go_load, build, go_url, calls, 20),
                        ],
                        flip,
                    )
                    figures["sdk"].add(sdk, go_rate)
                    figures["sdk-go"].add(await sdk_rate(go_url, calls, 20), go_rate)
                    logging_side, quiet_side = in_order(
                        [
                            partial(load, logging_pid, logging_url, calls // 3, 1),
                            partial(load, aster_pid, aster_url, calls // 3, 1),
                        ],
                        flip,
                    )
                    figures["log"].add(logging_side[1], quiet_side[1])
                    ours, theirs = in_order(
                        [
                            partial(load, logging_pid, logging_url, calls // 3, 1),
                            partial(load, go_logging_pid, go_logging_url, calls // 3, 1),
                        ],
                        flip,
                    )
                    figures["log-go"].add(ours[1], theirs[1])
                print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
        await warm.close()
        await cold.close()
    if build is None:
        print("go not found: the bridge rows are left out", file=sys.stderr)
    print_table(figures, args, load_before)


def print_table(figures: dict[str, Figure], args: argparse.Namespace, load_before: float) -> None:
    load = os.getloadavg()[0]
    print(
        f"\n{args.rounds} interleaved rounds; min / median / max over rounds; "
        f"load average {load_before:.2f} before, {load:.2f} after"
    )
    print()
    print("| figure | A | B | A/B | goal |")
    print("|---|---|---|---|---|")
    for figure in figures.values():
        if not figure.a:
            continue
        fmt = ".1f" if figure.unit in ("ms", "µs") else ".0f"
        a, b = spread(figure.a, fmt), spread(figure.b, fmt)
        print(
            f"| {figure.name} | {a} {figure.unit} | {b} {figure.unit} | {spread(figure.ratios(), '.2f')} | {figure.goal} |"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="fewer calls and runs per round")
    asyncio.run(main(parser.parse_args()))
