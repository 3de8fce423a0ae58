"""Turn a batch of AuditRecords into DB rows and JSONL lines, redacting secrets.

The JSONL line and the DB rows are built from the same serialized payload, so a line
and its row cannot disagree. A record whose serialized form contains a secret is
rebuilt from a redacted copy before anything is written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

import orjson

from audit.record import AuditRecord
from audit.redaction import Redactor
from trading.domain.catalog.events import AuditEventType

_STAGE_CHANGED = AuditEventType.STAGE_CHANGED.value
_ALERT_RAISED = AuditEventType.ALERT_RAISED.value

# Column order of the INSERTs; tests check these against the models.
EVENT_COLUMNS = (
    "ts_ms", "run_id", "cycle_id", "snapshot_id", "decision_id", "mode", "stage", "event_type",
    "reasons", "symbol", "seq", "order_intent_id", "severity", "data",
)
STAGE_COLUMNS = (
    "ts_ms", "run_id", "cycle_id", "snapshot_id", "decision_id", "mode", "stage", "event_type",
    "reasons", "symbol", "seq", "summary",
)
ALERT_COLUMNS = (
    "ts_ms", "run_id", "cycle_id", "snapshot_id", "decision_id", "mode", "stage", "event_type",
    "reasons", "symbol", "seq", "reason_code", "severity", "summary", "order_intent_id", "metadata",
)


def json_default(obj: Any) -> Any:
    """Serialize what orjson does not: Decimal as a plain string, enums by value, sets as lists."""
    if isinstance(obj, Decimal):
        if not obj.is_finite():
            raise TypeError("non-finite Decimal in an audit payload")
        return format(obj, "f")
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    raise TypeError(f"type {type(obj).__name__} is not JSON serializable in an audit payload")


def dumps(obj: Any) -> bytes:
    return orjson.dumps(obj, default=json_default)


@dataclass
class SerializedBatch:
    events: list[tuple[Any, ...]] = field(default_factory=list)
    stages: list[tuple[Any, ...]] = field(default_factory=list)
    alerts: list[tuple[Any, ...]] = field(default_factory=list)
    lines: list[tuple[int, bytes]] = field(default_factory=list)  # (ts_ms, line) for day routing
    redacted: int = 0
    payload_errors: int = 0


class BatchSerializer:
    """Builds rows and lines for a batch; caches the JSON of repeated reason tuples."""

    def __init__(self, redactor: Redactor) -> None:
        self._redactor = redactor
        self._reasons_json: dict[tuple[str, ...], str] = {(): "[]"}

    def _reasons(self, reasons: tuple[str, ...]) -> str:
        text = self._reasons_json.get(reasons)
        if text is None:
            text = orjson.dumps(list(reasons)).decode()
            if len(self._reasons_json) < 4096:
                self._reasons_json[reasons] = text
        return text

    def serialize(self, batch: list[AuditRecord]) -> SerializedBatch:
        """Return the rows and lines for `batch`, in the batch's order."""
        out = SerializedBatch()
        check = self._redactor.contains_bytes if self._redactor else None
        for rec in batch:
            try:
                data_bytes, line = _line(rec)
            except (TypeError, ValueError) as exc:
                # Keep the event (its envelope is valid); lose only the bad payload, visibly.
                rec.data = {"payload_error": f"not serializable: {type(exc).__name__}"}
                data_bytes, line = _line(rec)
                out.payload_errors += 1
            if check is not None and check(line):
                self._redact_in_place(rec)
                data_bytes, line = _line(rec)
                out.redacted += 1
            self._rows(rec, data_bytes.decode(), out)
            out.lines.append((rec.ts_ms, line))
        return out

    def _redact_in_place(self, rec: AuditRecord) -> None:
        red = self._redactor
        rec.data = red.value(rec.data)
        for name in ("run_id", "cycle_id", "snapshot_id", "decision_id", "order_intent_id", "symbol"):
            setattr(rec, name, red.text(getattr(rec, name)))

    def _rows(self, rec: AuditRecord, data_json: str, out: SerializedBatch) -> None:
        reasons = self._reasons(rec.reasons)
        head = (rec.ts_ms, rec.run_id, rec.cycle_id, rec.snapshot_id, rec.decision_id, rec.mode,
                rec.stage, rec.event_type, reasons, rec.symbol, rec.seq)
        out.events.append(head + (rec.order_intent_id, rec.severity, data_json))
        if rec.event_type == _STAGE_CHANGED:
            out.stages.append(head + (str(rec.data.get("summary", ""))[:200],))
        elif rec.event_type == _ALERT_RAISED:
            d = rec.data
            out.alerts.append(head + (
                str(d.get("reason_code", "")), rec.severity, str(d.get("summary", ""))[:200],
                rec.order_intent_id, dumps(d.get("metadata", {})).decode(),
            ))


def _line(rec: AuditRecord) -> tuple[bytes, bytes]:
    """Return (payload JSON, full JSONL line) of a record; the envelope keys come first."""
    data_bytes = orjson.dumps(rec.data, default=json_default)
    env = orjson.dumps({
        "ts_ms": rec.ts_ms, "run_id": rec.run_id, "seq": rec.seq, "cycle_id": rec.cycle_id,
        "snapshot_id": rec.snapshot_id, "decision_id": rec.decision_id,
        "order_intent_id": rec.order_intent_id, "mode": rec.mode, "stage": rec.stage,
        "event_type": rec.event_type, "severity": rec.severity, "reasons": rec.reasons,
        "symbol": rec.symbol,
    })
    return data_bytes, env[:-1] + b',"data":' + data_bytes + b"}\n"


def line_from_row(row: dict[str, Any]) -> bytes:
    """Rebuild the JSONL line of an audit_event row (used to repair the trail after a crash)."""
    env = {k: row[k] for k in ("ts_ms", "run_id", "seq", "cycle_id", "snapshot_id", "decision_id",
                               "order_intent_id", "mode", "stage", "event_type", "severity")}
    env["reasons"] = orjson.loads(row["reasons"])
    env["symbol"] = row["symbol"]
    return orjson.dumps(env)[:-1] + b',"data":' + row["data"].encode() + b"}\n"
