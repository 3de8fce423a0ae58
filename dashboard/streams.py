"""The shared machinery of the SSE and websocket streams: cadence, one snapshot per tick, alerts.

- `Cadence` decides when a stream is due, with 000's stall rule: after missed intervals
  exactly one snapshot is sent and the schedule restarts from now (no catch-up burst).
- `SnapshotHub` builds at most one snapshot per `max_age` for all the streams of this
  process: 50 clients cost one build per interval, not 50, and share the encoded bytes.
  Requests that arrive while a build runs wait for that build instead of starting another
  (single flight); every build runs on the panel's database thread (`db_thread.py`).
- `registry` counts open streams for /health and the tests.
"""
from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from dashboard import encode
from dashboard.db_thread import db_thread
from dashboard.queries import state
from dashboard.snapshot import build_snapshot, now_ms



class Cadence:
    """A fixed-interval schedule that skips missed slots instead of catching up."""

    def __init__(self, interval_s: float, start: float, *, immediate: bool = True) -> None:
        self.interval = interval_s
        self.next = start if immediate else start + interval_s

    def due(self, now: float) -> bool:
        """Return True when a send is due at `now`, and move the schedule past it.

        On time (or late by less than one interval) the grid is kept, so there is no drift;
        a whole interval or more late means the loop stalled: send once, re-anchor at now.
        """
        if now < self.next:
            return False
        late = now - self.next
        self.next = now + self.interval if late >= self.interval else self.next + self.interval
        return True


@dataclass
class Frame:
    """One built snapshot, shared by every stream of the process."""

    built_at: float
    snapshot: dict[str, Any]
    body: bytes  # the snapshot as one JSON line
    build_ms: float = 0.0  # time spent in the database thread (Server-Timing of /api/dashboard)
    alert_rows: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    first_alert_id: int = -1  # set on the hub's first build: the id streams start after


class SnapshotHub:
    """Builds snapshots on demand, at most one per `max_age_s`, and tracks new alert rows."""

    def __init__(self, max_age_s: float) -> None:
        self.max_age = max_age_s
        self.frame: Frame | None = None
        self.alert_log: deque[tuple[int, str, str]] = deque(maxlen=200)
        self.last_alert_id = -1
        self._inflight: asyncio.Future[Frame] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def get(self) -> Frame:
        """Return a frame at most `max_age` old (the streams' tick), building one if needed."""
        if self.frame is not None and time.monotonic() - self.frame.built_at < self.max_age:
            return self.frame
        return await self.fresh()

    async def fresh(self) -> Frame:
        """Return a frame built now: join the build in flight if there is one, else start one.

        A joined build started at most one build time ago, so every caller gets data read after
        (or within milliseconds of) its request, and N concurrent callers cost one build.
        """
        loop = asyncio.get_running_loop()
        if self._inflight is None or self._inflight.done() or self._loop is not loop:
            self._loop = loop
            self._inflight = loop.create_task(self._build_frame())
        # shield: a caller that goes away (client disconnect) must not cancel the others' build
        return await asyncio.shield(self._inflight)

    async def _build_frame(self) -> Frame:
        frame, new_alerts = await db_thread.run(self._build, self.last_alert_id)
        # Mutated here, on the event loop, never in the worker thread: streams read the log.
        for row in new_alerts:
            self.alert_log.append(row)
            self.last_alert_id = max(self.last_alert_id, row[0])
        if self.last_alert_id < 0:
            self.last_alert_id = frame.first_alert_id
        self.frame = frame
        return frame

    async def current_alert_id(self) -> int:
        """Return the id a new stream starts after (older alerts are in the snapshot already)."""
        if self.last_alert_id < 0:
            self.last_alert_id = await db_thread.run(state.last_alert_id)
        return self.last_alert_id

    @staticmethod
    def _build(after_id: int) -> tuple[Frame, list[tuple[int, str, str]]]:
        """Runs in the DB thread: build a snapshot and read the alerts raised after `after_id`."""
        t0 = time.perf_counter()
        first = state.last_alert_id() if after_id < 0 else -1
        new = state.new_alerts_since(settings.MODE, after_id) if after_id >= 0 else []
        snap = build_snapshot()
        rows = {(a["reason_code"], a["severity"]): a for a in snap["alerts_active"]}
        body = encode.dumps(snap)
        frame = Frame(built_at=time.monotonic(), snapshot=snap, body=body, alert_rows=rows,
                      first_alert_id=first, build_ms=(time.perf_counter() - t0) * 1000)
        return frame, new

    def alerts_after(self, after_id: int, frame: Frame) -> tuple[int, list[dict[str, Any]]]:
        """Return (newest id, aggregate rows of alerts raised after `after_id`), one per group."""
        newest, rows, seen = after_id, [], set()
        for alert_id, reason, severity in self.alert_log:
            if alert_id <= after_id:
                continue
            newest = max(newest, alert_id)
            row = frame.alert_rows.get((reason, severity))
            if row is not None and (reason, severity) not in seen:
                seen.add((reason, severity))
                rows.append(row)
        return newest, rows


class StreamRegistry:
    """Open stream counts of this process (read by /health)."""

    def __init__(self) -> None:
        self.sse = 0
        self.ws = 0


registry = StreamRegistry()
_hubs: dict[float, SnapshotHub] = {}


def hub_for(interval_ms: int) -> SnapshotHub:
    """Return the process's hub; a snapshot is reused for up to a quarter interval (>= 50 ms)."""
    max_age = max(0.05, interval_ms / 4000)
    if max_age not in _hubs:
        _hubs[max_age] = SnapshotHub(max_age)
    return _hubs[max_age]


def ping_payload() -> bytes:
    return encode.dumps({"ts_ms": now_ms()})
