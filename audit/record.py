"""The audit record: one envelope event on its way from a producer to the writer.

Catalog enforcement happens here, at construction: a stage that is not a StageName,
an event_type that is not an AuditEventType or a reason that is not a ReasonCode
raises CatalogError in the producer, before anything is queued.
"""
from __future__ import annotations

from typing import Any

from trading.domain.catalog.events import EVENT_TYPE_VALUES, TELEMETRY_VALUES
from trading.domain.catalog.panel import Mode, Severity
from trading.domain.catalog.reasons import REASON_VALUES
from trading.domain.catalog.stages import STAGE_VALUES

MODE_VALUES = frozenset(m.value for m in Mode)
SEVERITY_VALUES = frozenset(s.value for s in Severity) | {""}
SYMBOL_MAX = 32


class CatalogError(ValueError):
    """A stage, event type, reason, mode or severity outside its catalog."""


def check_catalog(event_type: str, stage: str, reasons: tuple[str, ...], mode: str, severity: str) -> None:
    """Raise CatalogError unless every enumerated field is a member of its catalog."""
    if (event_type in EVENT_TYPE_VALUES and stage in STAGE_VALUES and mode in MODE_VALUES
            and severity in SEVERITY_VALUES and (not reasons or REASON_VALUES.issuperset(reasons))):
        return  # the common case, in one expression
    if event_type not in EVENT_TYPE_VALUES:
        raise CatalogError(f"event_type {event_type!r} is not an AuditEventType")
    if stage not in STAGE_VALUES:
        raise CatalogError(f"stage {stage!r} is not a StageName")
    for reason in reasons:
        if reason not in REASON_VALUES:
            raise CatalogError(f"reason {reason!r} is not a ReasonCode")
    if mode not in MODE_VALUES:
        raise CatalogError(f"mode {mode!r} is not a Mode")
    if severity not in SEVERITY_VALUES:
        raise CatalogError(f"severity {severity!r} is not a Severity")


class AuditRecord:
    """An envelope event plus its payload. `seq` is set by the writer when it is queued."""

    __slots__ = (
        "seq", "ts_ms", "run_id", "cycle_id", "snapshot_id", "decision_id", "mode", "stage",
        "event_type", "reasons", "symbol", "order_intent_id", "severity", "data", "critical",
        "queued_ns",
    )

    def __init__(
        self,
        *,
        ts_ms: int,
        run_id: str,
        mode: str,
        stage: str,
        event_type: str,
        reasons: tuple[str, ...] = (),
        symbol: str = "",
        cycle_id: str = "",
        snapshot_id: str = "",
        decision_id: str = "",
        order_intent_id: str = "",
        severity: str = "",
        data: dict[str, Any] | None = None,
    ) -> None:
        if type(reasons) is not tuple:
            reasons = tuple(reasons)
        check_catalog(event_type, stage, reasons, mode, severity)
        if len(symbol) > SYMBOL_MAX:
            raise ValueError(f"symbol must be at most {SYMBOL_MAX} chars")
        self.seq = 0
        self.ts_ms = int(ts_ms)
        self.run_id = run_id
        self.cycle_id = cycle_id
        self.snapshot_id = snapshot_id
        self.decision_id = decision_id
        self.mode = mode
        self.stage = stage
        self.event_type = event_type
        self.reasons = reasons
        self.symbol = symbol
        self.order_intent_id = order_intent_id
        self.severity = severity
        self.data = data if data is not None else {}
        self.critical = event_type not in TELEMETRY_VALUES
        self.queued_ns = 0
