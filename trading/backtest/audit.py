"""The backtest's audit trail: decisions, verdicts, intents, orders and fills, in memory.

One record per event on the order path (never one per candle), in the live audit's event
types, written as JSONL at the end (sorted keys: the same run gives the same bytes).
"""
from __future__ import annotations

from collections import Counter
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import orjson

from trading.domain.catalog.events import AuditEventType


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


class AuditSink:
    """Append-only records `(ts_ms, event_type, decision_id, payload)`; `enabled=False` only counts."""

    def __init__(self, run_id: str, *, enabled: bool = True) -> None:
        self.run_id = run_id
        self.enabled = enabled
        self.records: list[tuple[int, str, str, dict[str, Any]]] = []
        self.counts: Counter[str] = Counter()

    def emit(self, ts_ms: int, event_type: AuditEventType, decision_id: str, **payload: Any) -> None:
        """Record one event (payload values may be Decimals and enums)."""
        self.counts[event_type.value] += 1
        if self.enabled:
            self.records.append((ts_ms, event_type.value, decision_id, payload))

    def lines(self) -> list[bytes]:
        """Return the JSONL lines, one record each, keys sorted."""
        out = []
        for seq, (ts, kind, decision_id, payload) in enumerate(self.records):
            row = {"seq": seq, "ts_ms": ts, "run_id": self.run_id, "event_type": kind, "decision_id": decision_id,
                   **_plain(payload)}
            out.append(orjson.dumps(row, option=orjson.OPT_SORT_KEYS))
        return out

    def write_jsonl(self, path: Path) -> None:
        """Write every record to `path` as JSONL."""
        path.write_bytes(b"".join(line + b"\n" for line in self.lines()))
