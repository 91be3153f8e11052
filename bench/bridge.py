"""Benchmark the reference bridge: /tools/call latency and throughput through the SDK,
and the wall time of PythonRuntime.execute() for a one-tool-call snippet.

    .venv/bin/python bench/bridge.py [--runs 5] [--calls 200] [--concurrency 20] [--executes 5]

The bridge runs as `aster-ref serve` in its own process, as in real use. Every figure is
the median over --runs runs. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from aster_ref import AsterBridge, PythonRuntime, RuntimeConfig, messages

LISTENING = re.compile(re.escape(messages.LISTENING.format(address="127.0.0.1:")) + r"(\d+)")


def start_bridge(root: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aster_ref",
            "serve",
            "--port",
            "0",
            "--root",
            str(root),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    match = LISTENING.fullmatch(process.stdout.readline().strip())
    if match is None:
        process.kill()
        raise SystemExit("the bridge did not start")
    return process, f"http://127.0.0.1:{match.group(1)}"


async def timed(call: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await call()
    return time.perf_counter() - started


async def sequential(url: str, calls: int) -> tuple[float, float]:
    """(median latency in s, calls per second) for calls made one after another."""
    async with AsterBridge(url) as bridge:
        await bridge.call("Read", {"path": "test.txt"})  # open the session outside the timing
        started = time.perf_counter()
        latencies = [await timed(lambda: bridge.call("Read", {"path": "test.txt"})) for _ in range(calls)]
        return statistics.median(latencies), calls / (time.perf_counter() - started)


async def concurrent(url: str, calls: int, concurrency: int) -> tuple[float, float]:
    """(median latency in s, calls per second) with ``concurrency`` calls in flight."""
    slots = asyncio.Semaphore(concurrency)
    async with AsterBridge(url) as bridge:
        await bridge.call("Read", {"path": "test.txt"})

        async def one() -> float:
            async with slots:
                return await timed(lambda: bridge.call("Read", {"path": "test.txt"}))

        started = time.perf_counter()
        latencies = await asyncio.gather(*(one() for _ in range(calls)))
        return statistics.median(latencies), calls / (time.perf_counter() - started)


async def execute_wall_time(url: str, work_dir: Path) -> float:
    runtime = PythonRuntime(RuntimeConfig(work_dir=work_dir))
    runtime.set_bridge_url(url)
    started = time.perf_counter()
    result = await runtime.execute('print(len(await Read(path="test.txt")))')
    if not result.success:
        raise SystemExit(f"execute() failed: {result.error}")
    return time.perf_counter() - started


def median_of(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "test.txt").write_text("hello\n")
        process, url = start_bridge(root)
        try:
            seq = median_of([await sequential(url, args.calls) for _ in range(args.runs)])
            conc = median_of([await concurrent(url, args.calls, args.concurrency) for _ in range(args.runs)])
            walls = [await execute_wall_time(url, root) for _ in range(args.executes)]
        finally:
            process.terminate()
            process.wait()
    print(f"bridge: aster-ref serve, {args.calls} Read calls per run, medians over {args.runs} runs")
    print(f"  sequential   latency {seq[0] * 1000:7.2f} ms   throughput {seq[1]:7.0f} calls/s")
    print(
        f"  concurrent   latency {conc[0] * 1000:7.2f} ms   throughput {conc[1]:7.0f} calls/s"
        f"   ({args.concurrency} in flight)"
    )
    print(f"execute() of a one-call snippet: median {statistics.median(walls) * 1000:.0f} ms over {args.executes} runs")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--executes", type=int, default=5)
    asyncio.run(main(parser.parse_args()))
