"""`/api/stream` (SSE) and `/ws/dashboard` (websocket): the same snapshots, pushed.

SSE follows stack-notes §3: `handle()` sends the headers and starts a task, and
`http_request` is overridden so returning from `handle()` does not end the response; the
task is cancelled in `disconnect()`. Events: `snapshot` (DashboardSnapshot), `alert`
(AlertAggregateRow: at once when the trader pushes one through the channel layer, see
alert_push.py, else as soon as a new alert row is seen) and `ping` ({"ts_ms"}), each one
JSON line. Websocket frames carry the same payloads as {"event": ..., "data": ...}.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from channels.exceptions import StopConsumer
from channels.generic.http import AsyncHttpConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from audit.panel_push import PANEL_ALERTS_GROUP
from dashboard import encode
from dashboard.alert_push import PushedAlerts, row_from_push
from dashboard.panel_config import panel_config
from dashboard.snapshot import now_ms
from dashboard.streams import Cadence, hub_for, ping_payload, registry

Send = Callable[[str, bytes], Awaitable[None]]
RETRY_MS = 2000  # EventSource reconnect delay after the server goes away
log = logging.getLogger(__name__)


async def run_stream(send: Send, pushed: PushedAlerts) -> None:
    """Send a snapshot now and then every interval, a ping every ping interval, alerts as seen.

    An alert row already pushed to this stream (`pushed`) is not sent again when its row appears.
    """
    cfg = panel_config()
    hub = hub_for(cfg.snapshot_interval_ms)
    loop = asyncio.get_running_loop()
    start = loop.time()
    snapshots = Cadence(cfg.snapshot_interval_ms / 1000, start)
    pings = Cadence(cfg.ping_interval_ms / 1000, start, immediate=False)
    alert_id = await hub.current_alert_id()
    while True:
        now = loop.time()
        if pings.due(now):
            await send("ping", ping_payload())
        if snapshots.due(now):
            try:
                frame = await hub.get()
            except Exception as exc:  # noqa: BLE001 - a bad tick must not end the stream
                log.warning("panel snapshot failed: %s", type(exc).__name__)
            else:
                alert_id, rows = hub.alerts_after(alert_id, frame)
                for row in rows:
                    if not pushed.already_sent(row):
                        await send("alert", encode.dumps(row))
                await send("snapshot", frame.body)
        await asyncio.sleep(max(0.0, min(snapshots.next, pings.next) - loop.time()))


async def _forward_pushed(message: dict[str, Any], pushed: PushedAlerts, send: Send, open_: bool) -> None:
    row = row_from_push(message.get("alert"), now_ms())
    if row is None or not open_:
        return
    pushed.note(row)
    await send("alert", encode.dumps(row))


async def _stop_task(task: asyncio.Task[None] | None) -> None:
    if task is not None and not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


class SnapshotApiConsumer(AsyncHttpConsumer):
    """GET /api/dashboard under daphne: one DashboardSnapshot from the hub, built for this request.

    The same body as `views.api_dashboard` (which serves the Django test client and WSGI), but
    without the sync view stack: no thread hop per request, the build runs on the panel's
    database thread with its warm connection, and concurrent requests share one build.
    """

    channel_layer_alias = "dashboard-api-none"  # not configured: one request needs no layer channel

    async def handle(self, body: bytes) -> None:
        if self.scope["method"] != "GET":
            status = 403 if settings.MODE == "LIVE" else 405
            await self.send_response(status, b"GET only\n", headers=[(b"Content-Type", b"text/plain"),
                                                                   (b"Allow", b"GET")])
            return
        cfg = panel_config()
        frame = await hub_for(cfg.snapshot_interval_ms).fresh()
        await self.send_response(200, frame.body, headers=[
            (b"Content-Type", b"application/json"), (b"Cache-Control", b"no-store"),
            (b"Server-Timing", f"build;dur={frame.build_ms:.1f}".encode())])


class SnapshotStreamConsumer(AsyncHttpConsumer):
    """GET /api/stream: text/event-stream of snapshot, alert and ping events."""

    task: asyncio.Task[None] | None = None
    counted = False  # True while the event stream is open (headers sent, not yet disconnected)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pushed = PushedAlerts()

    async def http_request(self, message: dict[str, Any]) -> None:
        # Channels would raise StopConsumer as soon as handle() returns (stack-notes §3.1).
        if "body" in message:
            self.body.append(message["body"])
        if not message.get("more_body"):
            await self.handle(b"".join(self.body))

    async def handle(self, body: bytes) -> None:
        if self.scope["method"] != "GET":
            status = 403 if settings.MODE == "LIVE" else 405
            await self.send_response(status, b"GET only\n", headers=[(b"Content-Type", b"text/plain"),
                                                                   (b"Allow", b"GET")])
            await self.disconnect()
            raise StopConsumer()
        await self.send_headers(status=200, headers=[
            (b"Content-Type", b"text/event-stream; charset=utf-8"), (b"Cache-Control", b"no-cache"),
            (b"X-Accel-Buffering", b"no")])
        await self.send_body(f"retry: {RETRY_MS}\n\n".encode(), more_body=True)
        registry.sse += 1
        self.counted = True
        if self.channel_layer is not None:
            await self.channel_layer.group_add(PANEL_ALERTS_GROUP, self.channel_name)
        self.task = asyncio.create_task(run_stream(self._send_event, self.pushed))

    async def _send_event(self, event: str, data: bytes) -> None:
        await self.send_body(b"event: " + event.encode() + b"\ndata: " + data + b"\n\n", more_body=True)

    async def panel_alert(self, message: dict[str, Any]) -> None:
        """An alert pushed through the channel layer (audit/panel_push.py): send it at once."""
        await _forward_pushed(message, self.pushed, self._send_event, self.counted)

    async def disconnect(self) -> None:
        await _stop_task(self.task)
        if self.counted:
            registry.sse -= 1
            self.counted = False
        if self.channel_layer is not None:
            await self.channel_layer.group_discard(PANEL_ALERTS_GROUP, self.channel_name)


class SnapshotSocketConsumer(AsyncWebsocketConsumer):
    """/ws/dashboard: the SSE events as JSON text frames; anything the client sends is ignored."""

    groups = [PANEL_ALERTS_GROUP]
    task: asyncio.Task[None] | None = None
    counted = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pushed = PushedAlerts()

    async def connect(self) -> None:
        await self.accept()
        registry.ws += 1
        self.counted = True
        self.task = asyncio.create_task(run_stream(self._send_event, self.pushed))

    async def _send_event(self, event: str, data: bytes) -> None:
        await self.send(text_data='{"event":"' + event + '","data":' + data.decode() + "}")

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        return None  # read-only: no command exists

    async def panel_alert(self, message: dict[str, Any]) -> None:
        """An alert pushed through the channel layer (audit/panel_push.py): send it at once."""
        await _forward_pushed(message, self.pushed, self._send_event, self.counted)

    async def disconnect(self, code: int) -> None:
        await _stop_task(self.task)
        if self.counted:
            registry.ws -= 1
            self.counted = False


class UnknownSocketConsumer(AsyncWebsocketConsumer):
    """Any other websocket path: refused at the handshake (daphne answers 403)."""

    async def connect(self) -> None:
        await self.close()
