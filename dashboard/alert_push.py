"""Alerts pushed through the channel layer (audit/panel_push.py) as SSE/websocket `alert` events.

The trader calls `push_alert_to_panel(alert)`; with a shared (Redis) channel layer every panel
stream receives `{"type": "panel.alert", "alert": {...}}` at once, instead of on the next
snapshot tick. Here the pushed dict becomes the AlertAggregateRow the `alert` event carries
(000: "event: alert / data: AlertAggregateRow"), coerced like every database row, and each
stream remembers what it was pushed so the same alert seen again in the database on the next
tick is not toasted twice. The database stays the truth: the snapshot's alerts_active.
"""
from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from dashboard import encode as e
from trading.domain.catalog import Severity

_SEVERITIES = tuple(m.value for m in Severity)
PUSH_DEDUPE_S = 10.0  # a pushed alert's row shows up in the database within a tick or two


def row_from_push(alert: Any, now_ms: int) -> dict[str, Any] | None:
    """Return the AlertAggregateRow of one pushed alert, or None when it names no catalog reason."""
    if not isinstance(alert, Mapping):
        return None
    reason = e.reason_or_empty(alert.get("reason_code"))
    if not reason:
        return None
    ts = e.i64(alert.get("ts_ms")) or now_ms
    return {
        "severity": e.one_of(alert.get("severity"), _SEVERITIES, Severity.WARN.value), "reason_code": reason,
        "count": max(1, e.i64(alert.get("count"), 1)), "first_ts_ms": ts, "last_ts_ms": ts,
        "stage": e.stage(alert.get("stage")), "cycle_id": e.ascii_id(alert.get("cycle_id")),
        "decision_id": e.ascii_id(alert.get("decision_id")), "order_intent_id": e.ascii_id(alert.get("order_intent_id")),
    }


class PushedAlerts:
    """The (reason_code, severity) pairs one stream was pushed lately."""

    def __init__(self, window_s: float = PUSH_DEDUPE_S) -> None:
        self.window = window_s
        self._at: dict[tuple[str, str], float] = {}

    def note(self, row: Mapping[str, Any]) -> None:
        self._at[(row["reason_code"], row["severity"])] = time.monotonic()

    def already_sent(self, row: Mapping[str, Any]) -> bool:
        """Return True when `row`'s alert was pushed to this stream within the window."""
        at = self._at.get((row["reason_code"], row["severity"]))
        return at is not None and time.monotonic() - at < self.window
