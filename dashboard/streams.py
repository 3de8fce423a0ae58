"""The shared machinery of the SSE and websocket streams: cadence, one snapshot per tick, alerts.

- `Cadence` decides when a stream is due, with 000's stall rule: after missed intervals
  exactly one snapshot is sent and the schedule restarts from now (no catch-up burst).
- `SnapshotHub` builds at most one snapshot per `max_age` for all the streams of this
  process: 50 clients cost one build per interval, not 50, and share the encoded bytes.
- `registry` counts open streams for /health and the tests.
"""
from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from dashboard import encode
from dashboard.queries import state
from dashboard.snapshot import build_snapshot, now_ms

GROUP = "dashboard"  # channel-layer group: another process may push alerts to every stream


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
    alert_rows: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    first_alert_id: int = -1  # set on the hub's first build: the id streams start after


class SnapshotHub:
    """Builds snapshots on demand, at most one per `max_age_s`, and tracks new alert rows."""

    def __init__(self, max_age_s: float) -> None:
        self.max_age = max_age_s
        self.frame: Frame | None = None
        self.alert_log: deque[tuple[int, str, str]] = deque(maxlen=200)
        self.last_alert_id = -1
        self._lock: asyncio.Lock | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _get_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._lock is None or self._loop is not loop:
            self._lock, self._loop = asyncio.Lock(), loop
        return self._lock

    async def get(self) -> Frame:
        """Return a frame at most `max_age` old, building one if needed."""
        async with self._get_lock():
            if self.frame is None or time.monotonic() - self.frame.built_at >= self.max_age:
                frame, new_alerts = await database_sync_to_async(self._build)(self.last_alert_id)
                # Mutated here, on the event loop, never in the worker thread: streams read the log.
                for row in new_alerts:
                    self.alert_log.append(row)
                    self.last_alert_id = max(self.last_alert_id, row[0])
                if self.last_alert_id < 0:
                    self.last_alert_id = frame.first_alert_id
                self.frame = frame
            return self.frame

    async def current_alert_id(self) -> int:
        """Return the id a new stream starts after (older alerts are in the snapshot already)."""
        if self.last_alert_id < 0:
            self.last_alert_id = await database_sync_to_async(state.last_alert_id)()
        return self.last_alert_id

    @staticmethod
    def _build(after_id: int) -> tuple[Frame, list[tuple[int, str, str]]]:
        """Runs in the DB thread: build a snapshot and read the alerts raised after `after_id`."""
        first = state.last_alert_id() if after_id < 0 else -1
        new = state.new_alerts_since(settings.MODE, after_id) if after_id >= 0 else []
        snap = build_snapshot()
        rows = {(a["reason_code"], a["severity"]): a for a in snap["alerts_active"]}
        frame = Frame(built_at=time.monotonic(), snapshot=snap, body=encode.dumps(snap), alert_rows=rows,
                      first_alert_id=first)
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
