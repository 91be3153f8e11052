"""Soak the bridge: 200 clients for 20 s on keep-alive connections, then 200 clients for 20 s
opening a new connection per request (churn), against `aster-ref serve` in its own process.

    .venv/bin/python bench/soak.py [--clients 200] [--seconds 20]

Each client loops over a mix of calls (Read 70 %, Glob 10 %, Grep 10 %, /health 10 %);
the table gives each phase's latencies, then each kind's.
An error is any answer other than 200 with the expected body, or no answer at all.
RSS is the bridge's resident memory, sampled every 100 ms: before the load, its peak
during each phase, and 2 s after. Not a test (not in CI): it prints a table, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from aster_ref import messages

LISTENING = re.compile(re.escape(messages.LISTENING.format(address="127.0.0.1:")) + r"(\d+)")
CALLS = [
    (70, {"tool": "Read", "input": {"path": "notes/n0.md"}}),
    (10, {"tool": "Glob", "input": {"pattern": "**/*.md"}}),
    (10, {"tool": "Grep", "input": {"pattern": "^line 1[0-9]$", "path": "notes"}}),
]
HEALTH_SHARE = 10


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    rss_peak: int = 0
    seconds: float = 0.0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def make_workspace(base: Path) -> Path:
    root = base / "ws"
    (root / "notes").mkdir(parents=True)
    for i in range(50):
        (root / "notes" / f"n{i}.md").write_text("".join(f"line {n}\n" for n in range(200)))
    return root


def start_bridge(root: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "aster_ref", "serve", "--port", "0", "--root", str(root)],
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


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class RssSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.1):
            self.peak = max(self.peak, rss_bytes(self.pid))


async def client(url: str, phase: Phase, deadline: float, keep_alive: bool, seed: int) -> None:
    rng = random.Random(seed)
    connector = aiohttp.TCPConnector(limit=1, force_close=not keep_alive)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as session:
        while time.monotonic() < deadline:
            start = time.perf_counter()
            kind = "health"
            try:
                if rng.randrange(100) < HEALTH_SHARE:
                    async with session.get(f"{url}/health") as response:
                        ok = response.status == 200 and (await response.json()) == {"status": "ok"}
                else:
                    payload = rng.choices([c for _, c in CALLS], [w for w, _ in CALLS])[0]
                    kind = payload["tool"]
                    async with session.post(f"{url}/tools/call", json=payload) as response:
                        ok = response.status == 200 and (await response.json()).get("success") is True
                if not ok:
                    phase.error(f"HTTP {response.status}")
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                phase.error(type(exc).__name__)
                continue
            phase.latencies.append(time.perf_counter() - start)
            phase.by_kind.setdefault(kind, []).append(phase.latencies[-1])


async def run_phase(url: str, pid: int, name: str, clients: int, seconds: float, keep_alive: bool) -> Phase:
    phase = Phase(name)
    sampler = RssSampler(pid)
    sampler.start()
    start = time.monotonic()
    deadline = start + seconds
    await asyncio.gather(*(client(url, phase, deadline, keep_alive, seed) for seed in range(clients)))
    phase.seconds = time.monotonic() - start
    sampler.stop.set()
    sampler.join()
    phase.rss_peak = sampler.peak
    return phase


def quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q * 100) - 1] if len(values) > 1 else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as base:
        process, url = start_bridge(make_workspace(Path(base)))
        try:
            time.sleep(0.5)
            before = rss_bytes(process.pid)
            phases = [
                asyncio.run(run_phase(url, process.pid, name, args.clients, args.seconds, keep_alive))
                for name, keep_alive in (("keep-alive", True), ("churn", False))
            ]
            time.sleep(2)
            after = rss_bytes(process.pid)
        finally:
            process.terminate()
            process.wait()
    mib = 1024 * 1024
    print(f"{args.clients} clients x {args.seconds:g} s per phase; bridge RSS before {before / mib:.1f} MiB")
    print(f"{'phase':<11} {'requests':>9} {'req/s':>7} {'errors':>7} {'p50 ms':>7} {'p99 ms':>7} {'RSS peak MiB':>13}")
    for phase in phases:
        print(
            f"{phase.name:<11} {len(phase.latencies):>9} {len(phase.latencies) / phase.seconds:>7.0f} "
            f"{sum(phase.errors.values()):>7} {quantile(phase.latencies, 0.5) * 1000:>7.1f} "
            f"{quantile(phase.latencies, 0.99) * 1000:>7.1f} {phase.rss_peak / mib:>13.1f}"
        )
        for kind, latencies in sorted(phase.by_kind.items()):
            print(
                f"  {kind:<9} {len(latencies):>9} {'':>7} {'':>7} {quantile(latencies, 0.5) * 1000:>7.1f} "
                f"{quantile(latencies, 0.99) * 1000:>7.1f}"
            )
        for kind, count in sorted(phase.errors.items()):
            print(f"    {kind}: {count}")
    print(f"bridge RSS after (2 s idle): {after / mib:.1f} MiB")


if __name__ == "__main__":
    main()
