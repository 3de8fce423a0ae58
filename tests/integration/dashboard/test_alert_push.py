"""Alerts pushed through the channel layer reach every open stream at once, as `alert` events.

The arrangement is the production one with Redis: a real redis-server, a real daphne with
REDIS_URL, and the pusher in *another process* (as the trader is) calling
`audit.panel_push.push_alert_to_panel`. No alert row is written before the event arrives, so
the event can only have come through the push; the row written afterwards (as the audit
writer would) is not toasted a second time.
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
import websockets
from django.conf import settings

from audit.models import Alert
from dashboard.schema import AlertAggregateRow, DashboardSnapshot
from dashboard.sse_client import SseEvent, stream_events
from tests.integration.dashboard.panel_server import REPO, PanelServer
from tests.support import factories as f
from tests.support.redis_server import RedisServer, redis_server  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)

PUSHER = """
import json, sys, django
django.setup()
from audit.panel_push import push_alert_to_panel
print(json.dumps(push_alert_to_panel(json.loads(sys.argv[1]))))
"""
ALERT = {"ts_ms": 1_700_000_000_123, "severity": "CRIT", "reason_code": "DISK_LOW_DEGRADE",
         "summary": "free disk below the degrade threshold", "stage": "RECONCILE_REST", "cycle_id": "r1-c7",
         "decision_id": "", "order_intent_id": "oi-1", "symbol": ""}


def push(redis: RedisServer, alert: dict[str, Any]) -> None:
    """Push `alert` from a separate process, as the trader does."""
    env = {**os.environ, "REDIS_URL": redis.url(), "DJANGO_SETTINGS_MODULE": "livespot_site.settings"}
    result = subprocess.run([sys.executable, "-c", PUSHER, json.dumps(alert)], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == "true", result.stderr[-2000:]


def expected_row() -> dict[str, Any]:
    return {"severity": "CRIT", "reason_code": "DISK_LOW_DEGRADE", "count": 1, "first_ts_ms": ALERT["ts_ms"],
            "last_ts_ms": ALERT["ts_ms"], "stage": "RECONCILE_REST", "cycle_id": "r1-c7", "decision_id": "",
            "order_intent_id": "oi-1"}


@pytest.fixture
def server(start_server: Callable[..., PanelServer], redis_server: RedisServer) -> PanelServer:  # noqa: F811
    return start_server(interval_ms=400, extra_env={"REDIS_URL": redis_server.url()})


def test_a_pushed_alert_reaches_sse_and_websocket_clients_at_once(server: PanelServer,
                                                                  redis_server: RedisServer) -> None:  # noqa: F811
    origin = f"http://127.0.0.1:{server.port}"

    async def run() -> tuple[list[SseEvent], list[dict[str, Any]]]:
        sse: list[SseEvent] = []
        frames: list[dict[str, Any]] = []
        sse_ready, ws_ready = asyncio.Event(), asyncio.Event()

        async def read_sse() -> None:
            async for ev in stream_events("127.0.0.1", server.port):
                sse.append(ev)
                sse_ready.set()  # the first snapshot: the stream has joined the alerts group

        async def read_ws() -> None:
            async with websockets.connect(f"ws://127.0.0.1:{server.port}/ws/dashboard", origin=origin) as ws:
                while True:
                    frames.append(json.loads(await ws.recv()))
                    ws_ready.set()

        tasks = [asyncio.create_task(read_sse()), asyncio.create_task(read_ws())]
        await asyncio.wait_for(asyncio.gather(sse_ready.wait(), ws_ready.wait()), 10)
        await asyncio.to_thread(push, redis_server, ALERT)
        for _ in range(100):  # until both got it (each poll is one snapshot tick or less)
            if any(e.event == "alert" for e in sse) and any(x["event"] == "alert" for x in frames):
                break
            await asyncio.sleep(0.1)
        # Now the audit writer's row lands: the streams see it on their next ticks, and must not
        # send the same alert again.
        await asyncio.to_thread(f.AlertFactory, mode=settings.MODE, reason_code="DISK_LOW_DEGRADE", severity="CRIT")
        await asyncio.sleep(1.5)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return sse, frames

    sse, frames = asyncio.run(run())
    sse_alerts = [json.loads(e.data) for e in sse if e.event == "alert"]
    ws_alerts = [x["data"] for x in frames if x["event"] == "alert"]
    assert sse_alerts == [expected_row()] and ws_alerts == [expected_row()]
    AlertAggregateRow.model_validate(sse_alerts[0], strict=True)
    # The truth stays the snapshot: the row written afterwards is in alerts_active.
    last = [e for e in sse if e.event == "snapshot"][-1]
    snap = DashboardSnapshot.model_validate_json(last.data, strict=True)
    assert [(a.reason_code, a.count) for a in snap.alerts_active] == [("DISK_LOW_DEGRADE", 1)]


def sse_while(server: PanelServer, act: Callable[[], object], until: Callable[[list[SseEvent]], bool],
              polls: int = 50) -> list[SseEvent]:
    """Open one SSE stream, run `act` (in a thread) once it delivered its first event, then collect
    until `until(events)` or `polls` x 0.1 s; return every event seen."""
    async def run() -> list[SseEvent]:
        events: list[SseEvent] = []
        ready = asyncio.Event()

        async def read() -> None:
            async for ev in stream_events("127.0.0.1", server.port):
                events.append(ev)
                ready.set()

        task = asyncio.create_task(read())
        await asyncio.wait_for(ready.wait(), 10)
        await asyncio.to_thread(act)
        for _ in range(polls):
            if until(events):
                break
            await asyncio.sleep(0.1)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return events

    return asyncio.run(run())


def test_a_pushed_alert_without_a_catalog_reason_is_dropped(server: PanelServer,
                                                            redis_server: RedisServer) -> None:  # noqa: F811
    def act() -> None:
        push(redis_server, dict(ALERT, reason_code="NOT_A_CODE"))
        push(redis_server, dict(ALERT, reason_code="DISK_LOW_WARN", severity="WARN"))

    events = sse_while(server, act, lambda evs: any(e.event == "alert" for e in evs))
    alerts = [json.loads(e.data) for e in events if e.event == "alert"]
    # The second push arrived, so the first (sent before it, same channel) was seen and dropped.
    assert [a["reason_code"] for a in alerts] == ["DISK_LOW_WARN"]
    assert not Alert.objects.exists()  # nothing was written: the push is display only


def test_the_trader_pushes_its_alerts_to_open_panels(server: PanelServer, redis_server: RedisServer,  # noqa: F811
                                                     tmp_path: Any) -> None:
    """The trader boots for several seconds before its first alert: the stream must survive that idle
    time on the channel layer too (redis-py 8's 5 s socket timeout used to kill it, see settings)."""
    from tests.integration.test_runtrader import _manage

    assert _manage(tmp_path, "migrate", "-v", "0").returncode == 0
    (tmp_path / "KILL_SWITCH").write_text("close_only\n")

    def act() -> None:
        result = _manage(tmp_path, "runtrader", "--cycles", "2", REDIS_URL=redis_server.url(),
                         LIVESPOT_KILL_SWITCH_FILE=str(tmp_path / "KILL_SWITCH"))
        assert result.returncode == 0, result.stderr[-2000:]

    events = sse_while(server, act, lambda evs: any(e.event == "alert" and "KILL_SWITCH_ACTIVE" in e.data
                                                    for e in evs), polls=30)
    pushed = [json.loads(e.data) for e in events if e.event == "alert"]
    kill = [a for a in pushed if a["reason_code"] == "KILL_SWITCH_ACTIVE"]
    assert kill and kill[0]["severity"] == "CRIT" and kill[0]["stage"]
    assert not Alert.objects.filter(reason_code="KILL_SWITCH_ACTIVE").exists()  # it came by push, not this DB
