"""`python manage.py bench dashboard`: the panel under load, over real HTTP against daphne.

1. Build a throwaway SQLite database with >= 1,000,000 audit events (bench_data.py).
2. Start daphne on it (127.0.0.1, free port), MODE=PAPER, snapshot interval 1000 ms.
3. /api/dashboard latency: sequential GETs on one keep-alive connection, in `--repeat`
   rounds (default 3) of 150; the median round's p50/p95 is reported, as `bench audit` reports
   medians (the machine is shared and noisy). Server-Timing gives the build's share.
4. 50 SSE clients (connected 25 at a time, 50 ms apart: Twisted's listen backlog is 50) for
   30 s: snapshots received, missed intervals (a gap of k intervals misses k-1), and daphne's
   CPU over the window (psutil, percent of one core).
Targets (issue 6): snapshot_p95_ms <= 30, sse_missed_intervals == 0.
"""
from __future__ import annotations

import asyncio
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil
from django.conf import settings

from dashboard.bench_data import fill_db, fresh_db
from dashboard.schema import DashboardSnapshot
from dashboard.sse_client import SseEvent, stream_events

DEFAULT_EVENTS = 1_000_000
REQUESTS = 150  # per round
SSE_CLIENTS = 50
SSE_SECONDS = 30
INTERVAL_MS = 1000
REPO = Path(__file__).resolve().parent.parent


def _start_daphne(folder: Path, db_path: str, port: int) -> subprocess.Popen[bytes]:
    config = folder / "trading.toml"
    config.write_text(f"[panel]\nstream_snapshot_interval_ms = {INTERVAL_MS}\n")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_path}", "MODE": "PAPER",
           "LIVESPOT_TRADING_CONFIG": str(config), "DJANGO_SETTINGS_MODULE": "livespot_site.settings"}
    log = open(folder / "daphne.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                             "livespot_site.asgi:application"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("daphne did not start: " + (folder / "daphne.log").read_text()[-2000:])


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure_latency(port: int, n: int) -> tuple[list[float], list[float]]:
    """Return (wall ms, server build ms) of `n` sequential GET /api/dashboard on one connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    times, builds = [], []
    for i in range(n + 20):
        t0 = time.perf_counter()
        conn.request("GET", "/api/dashboard")
        resp = conn.getresponse()
        body = resp.read()
        elapsed = (time.perf_counter() - t0) * 1000
        if resp.status != 200:
            raise RuntimeError(f"/api/dashboard answered {resp.status}")
        if i == 0:
            DashboardSnapshot.model_validate_json(body, strict=True)
        if i >= 20:  # warm-up: first connections, caches
            times.append(elapsed)
            builds.append(float((resp.getheader("Server-Timing") or "build;dur=0").rpartition("=")[2]))
    conn.close()
    return times, builds


def _pcts(values: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(values, n=100)
    return statistics.median(values), q[94]


async def _sse_client(port: int, until: float, out: list[SseEvent]) -> None:
    try:
        async for ev in stream_events("127.0.0.1", port):
            if ev.event == "snapshot":
                out.append(ev)
            if time.monotonic() >= until:
                return
    except (OSError, asyncio.IncompleteReadError):
        return


async def _sse_load(port: int, clients: int, seconds: float) -> list[list[SseEvent]]:
    results: list[list[SseEvent]] = [[] for _ in range(clients)]
    until = time.monotonic() + seconds + 3  # + connect ramp
    tasks = []
    for i in range(clients):
        tasks.append(asyncio.create_task(_sse_client(port, until, results[i])))
        if i % 25 == 24:
            await asyncio.sleep(0.05)
    await asyncio.gather(*tasks)
    return results


def missed_intervals(events: list[SseEvent], start: float, end: float, interval_s: float) -> tuple[int, int]:
    """Return (snapshots inside [start, end], intervals missed there)."""
    times = [e.at for e in events if start <= e.at <= end]
    missed = sum(max(0, round((b - a) / interval_s) - 1) for a, b in zip(times, times[1:]))
    if times:  # a stream that stopped early misses the rest of the window
        missed += max(0, int((end - times[-1]) / interval_s) - 1) + max(0, int((times[0] - start) / interval_s) - 1)
    else:
        missed += int((end - start) / interval_s)
    return len(times), missed


def run_sse(port: int, proc: psutil.Process, clients: int, seconds: int) -> dict[str, Any]:
    """Run the SSE load; return clients, snapshots, missed intervals and daphne's CPU."""
    cpu0, t0 = proc.cpu_times(), time.monotonic()
    results = asyncio.run(_sse_load(port, clients, seconds))
    cpu1, t1 = proc.cpu_times(), time.monotonic()
    # The window starts 2 s in (every client connected) and lasts `seconds`.
    start = t0 + 2.0
    counted = [missed_intervals(r, start, start + seconds, INTERVAL_MS / 1000) for r in results]
    busy = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    return {"sse_clients": sum(1 for n, _ in counted if n), "sse_snapshots": sum(n for n, _ in counted),
            "sse_missed_intervals": sum(m for _, m in counted), "sse_cpu_pct": round(100 * busy / (t1 - t0), 1)}


def run(options: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Return the summary lines and the figures of the dashboard benchmark."""
    n_events = options.get("events") or DEFAULT_EVENTS
    base = Path(settings.VAR_DIR)
    base.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-", dir=base) as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        _, db_path = fresh_db(folder)
        counts = fill_db(db_path, n_events)
        build_s = time.perf_counter() - t0
        db_bytes = os.path.getsize(db_path)
        port = _free_port()
        daphne = _start_daphne(folder, db_path, port)
        try:
            rounds = [measure_latency(port, REQUESTS) for _ in range(max(1, options.get("repeat") or 3))]
            sse = run_sse(port, psutil.Process(daphne.pid), SSE_CLIENTS, SSE_SECONDS)
        finally:
            daphne.terminate()
            try:
                daphne.wait(15)
            except subprocess.TimeoutExpired:
                daphne.kill()
    walls = [_pcts(t) for t, _ in rounds]
    builds = [_pcts(b) for _, b in rounds]
    med = statistics.median
    figures = {"audit_events": counts["audit_event"], "db_bytes": db_bytes,
               "snapshot_requests": sum(len(t) for t, _ in rounds), "snapshot_rounds": len(rounds),
               "snapshot_p50_ms": round(med(w[0] for w in walls), 2), "snapshot_p95_ms": round(med(w[1] for w in walls), 2),
               "snapshot_p95_ms_rounds": [round(w[1], 2) for w in walls],
               "snapshot_build_p50_ms": round(med(b[0] for b in builds), 2),
               "snapshot_build_p95_ms": round(med(b[1] for b in builds), 2), "sse_seconds": SSE_SECONDS, **sse}
    lines = [
        f"dashboard benchmark: {counts['audit_event']:,} audit events, {sum(counts.values()):,} rows, "
        f"{db_bytes / 2**20:.0f} MiB (built in {build_s:.1f} s)",
        f"  GET /api/dashboard over HTTP ({len(rounds)} rounds of {REQUESTS}): p50 {figures['snapshot_p50_ms']} ms, "
        f"p95 {figures['snapshot_p95_ms']} ms (rounds {figures['snapshot_p95_ms_rounds']})   (target p95 <= 30 ms)",
        f"    of which the snapshot build (Server-Timing): p50 {figures['snapshot_build_p50_ms']} ms, "
        f"p95 {figures['snapshot_build_p95_ms']} ms",
        f"  SSE: {sse['sse_clients']} clients x {SSE_SECONDS} s at {INTERVAL_MS} ms: {sse['sse_snapshots']} snapshots, "
        f"{sse['sse_missed_intervals']} missed intervals (target 0), daphne CPU {sse['sse_cpu_pct']} %",
    ]
    return lines, figures
