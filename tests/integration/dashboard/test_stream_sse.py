"""/api/stream and /ws/dashboard with real clients against a real daphne process: cadence, ping,
one snapshot after a stall (no burst), disconnect and reconnect, alert events, websocket."""
from __future__ import annotations

import asyncio
import json
import socket
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import websockets
import websockets.exceptions
from django.conf import settings

from dashboard.schema import AlertAggregateRow, DashboardSnapshot, PingEvent
from dashboard.sse_client import SseEvent, collect, stream_events
from tests.integration.dashboard.panel_server import PanelServer
from tests.support import factories as f
from tests.support.db_url import subprocess_db_url

INTERVAL_MS = 400
PING_MS = 700


@pytest.fixture(scope="module")
def server(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PanelServer]:
    with django_db_blocker.unblock():
        db = subprocess_db_url()
    srv = PanelServer(tmp_path_factory.mktemp("sse"), db, interval_ms=INTERVAL_MS, ping_ms=PING_MS).start()
    yield srv
    srv.stop()


def snapshots(events: list[SseEvent]) -> list[SseEvent]:
    return [e for e in events if e.event == "snapshot"]


def gaps(events: list[SseEvent]) -> list[float]:
    return [b.at - a.at for a, b in zip(events, events[1:])]


def health(server: PanelServer) -> dict[str, Any]:
    return json.loads(server.get("/health")[2])  # type: ignore[no-any-return]


def test_snapshots_come_every_interval_and_pings_every_ping_interval(server: PanelServer) -> None:
    t0 = time.monotonic()
    events = asyncio.run(collect("127.0.0.1", server.port, 3.3))
    snaps = snapshots(events)
    assert snaps and snaps[0].at - t0 < 0.5 * INTERVAL_MS / 1000 + 0.3  # the first one at once
    assert 7 <= len(snaps) <= 10
    interval = INTERVAL_MS / 1000
    assert abs(statistics.median(gaps(snaps)) - interval) < 0.15 * interval
    assert all(0.4 * interval < g < 1.8 * interval for g in gaps(snaps))
    pings = [e for e in events if e.event == "ping"]
    assert 3 <= len(pings) <= 5 and abs(statistics.median(gaps(pings)) - PING_MS / 1000) < 0.15
    for e in events:
        assert "\n" not in e.data  # one JSON line per event
    for e in snaps:
        DashboardSnapshot.model_validate_json(e.data, strict=True)
    for e in pings:
        PingEvent.model_validate_json(e.data, strict=True)


def test_one_snapshot_after_a_stall_and_no_catch_up_burst(server: PanelServer) -> None:
    async def run() -> list[SseEvent]:
        events: list[SseEvent] = []

        async def read() -> None:
            async for ev in stream_events("127.0.0.1", server.port):
                events.append(ev)

        task = asyncio.create_task(read())
        await asyncio.sleep(1.2)
        server.pause()  # SIGSTOP: the event loop misses 4 intervals
        await asyncio.sleep(1.6)
        server.resume()
        await asyncio.sleep(1.5)
        task.cancel()
        return events

    snaps = snapshots(asyncio.run(run()))
    g = gaps(snaps)
    stall = max(range(len(g)), key=g.__getitem__)
    assert g[stall] > 1.3
    after = snaps[stall + 1:]
    # Exactly one snapshot on resume, then the normal cadence from there: no burst of the missed four.
    assert len([s for s in after if s.at - after[0].at < 0.5 * INTERVAL_MS / 1000]) == 1
    assert all(x > 0.6 * INTERVAL_MS / 1000 for x in gaps(after))
    ts = [json.loads(s.data)["ts_ms"] for s in after[:2]]
    assert ts[1] - ts[0] >= 0.6 * INTERVAL_MS


def test_a_client_that_leaves_is_dropped_and_can_reconnect(server: PanelServer) -> None:
    first = asyncio.run(collect("127.0.0.1", server.port, 0.6))
    assert snapshots(first)
    deadline = time.monotonic() + 3
    while health(server)["sse_clients"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert health(server)["sse_clients"] == 0
    t0 = time.monotonic()
    again = snapshots(asyncio.run(collect("127.0.0.1", server.port, 0.6)))
    assert again and again[0].at - t0 < 0.4


def test_the_stream_tells_browsers_when_to_reconnect(server: PanelServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(b"GET /api/stream HTTP/1.0\r\nHost: x\r\n\r\n")
        head = b""
        while b"retry:" not in head and len(head) < 4096:
            head += s.recv(1024)
    assert b"200" in head.split(b"\r\n")[0] and b"\r\n\r\nretry: 2000\n\n" in head
    assert b"cache-control: no-cache" in head.lower()


def test_reconnect_after_a_server_restart(server: PanelServer, tmp_path: Path) -> None:
    other = PanelServer(tmp_path, server.db, interval_ms=INTERVAL_MS).start()

    async def client() -> list[SseEvent]:
        events: list[SseEvent] = []
        for _ in range(40):  # EventSource behaviour: reconnect after the retry delay
            try:
                async for ev in stream_events("127.0.0.1", other.port):
                    events.append(ev)
                    if len(snapshots(events)) >= 4:
                        return events
            except OSError:
                pass
            await asyncio.sleep(0.3)
        return events

    async def restart() -> None:
        await asyncio.sleep(1.0)
        await asyncio.to_thread(other.kill)  # a crash: no goodbye to the client
        await asyncio.sleep(0.3)
        await asyncio.to_thread(other.start)

    async def both() -> list[SseEvent]:
        events, _ = await asyncio.gather(client(), restart())
        return events

    try:
        events = asyncio.run(asyncio.wait_for(both(), 30))
    finally:
        other.stop()
    snaps = snapshots(events)
    assert len(snaps) >= 4 and max(gaps(snaps)) > 0.5  # the outage is visible, the stream came back


@pytest.mark.django_db(transaction=True)
def test_a_new_alert_is_pushed_as_an_alert_event(server: PanelServer) -> None:
    async def run() -> list[SseEvent]:
        events: list[SseEvent] = []

        async def read() -> None:
            async for ev in stream_events("127.0.0.1", server.port):
                events.append(ev)

        task = asyncio.create_task(read())
        await asyncio.sleep(0.6)
        await asyncio.to_thread(f.AlertFactory, mode=settings.MODE, reason_code="DISK_LOW_DEGRADE", severity="CRIT")
        await asyncio.sleep(1.5)
        task.cancel()
        return events

    events = asyncio.run(run())
    alerts = [e for e in events if e.event == "alert"]
    assert len(alerts) == 1
    row = AlertAggregateRow.model_validate_json(alerts[0].data, strict=True)
    assert (row.reason_code, row.severity) == ("DISK_LOW_DEGRADE", "CRIT")
    after = events[events.index(alerts[0]) + 1]
    assert after.event == "snapshot" and "DISK_LOW_DEGRADE" in after.data


def test_post_to_the_stream_is_refused(server: PanelServer) -> None:
    assert server.request("POST", "/api/stream", body=b"{}")[0] == 405  # 403 in LIVE (test_live_routes)


def test_the_websocket_pushes_the_same_snapshots(server: PanelServer) -> None:
    origin = f"http://127.0.0.1:{server.port}"

    async def run() -> list[dict[str, Any]]:
        frames = []
        async with websockets.connect(f"ws://127.0.0.1:{server.port}/ws/dashboard", origin=origin) as ws:
            await ws.send('{"command": "flatten"}')  # ignored: there is no command
            while len([x for x in frames if x["event"] == "snapshot"]) < 2:
                frames.append(json.loads(await asyncio.wait_for(ws.recv(), 3)))
            assert health(server)["ws_clients"] == 1
        return frames

    frames = asyncio.run(run())
    for frame in frames:
        assert set(frame) == {"event", "data"}
        if frame["event"] == "snapshot":
            DashboardSnapshot.model_validate(frame["data"], strict=True)


@pytest.mark.parametrize(("path", "origin"), [("/ws/dashboard", "http://evil.example"), ("/ws/other", None)])
def test_websocket_refuses_foreign_origins_and_unknown_paths(server: PanelServer, path: str, origin: str | None) -> None:
    async def run() -> None:
        async with websockets.connect(f"ws://127.0.0.1:{server.port}{path}",
                                      origin=origin or f"http://127.0.0.1:{server.port}") as ws:
            await asyncio.wait_for(ws.recv(), 2)

    with pytest.raises((websockets.exceptions.InvalidStatus, websockets.exceptions.ConnectionClosed)):
        asyncio.run(run())
