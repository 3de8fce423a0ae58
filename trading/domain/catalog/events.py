"""AuditEventType: auditable facts, past tense, grouped by prefix; each declares its durability.

CRITICAL events are never shed: when the audit queue is full their producer blocks.
TELEMETRY events may be shed under pressure; every shed event is counted.
A type is CRITICAL unless it is listed in _TELEMETRY, so a new type is safe by default.
"""
from __future__ import annotations

from enum import StrEnum


class Durability(StrEnum):
    CRITICAL = "CRITICAL"
    TELEMETRY = "TELEMETRY"


class AuditEventType(StrEnum):
    # lifecycle and configuration
    STAGE_CHANGED = "STAGE_CHANGED"
    SYS_MODE_CHANGED = "SYS_MODE_CHANGED"
    CONFIG_LOADED = "CONFIG_LOADED"
    RUN_STARTED = "RUN_STARTED"
    RUN_STOPPED = "RUN_STOPPED"
    HEARTBEAT = "HEARTBEAT"
    DOCTOR_CHECKED = "DOCTOR_CHECKED"
    OPERATOR_COMMAND = "OPERATOR_COMMAND"
    # market and selection
    MARKET_SNAPSHOT = "MARKET_SNAPSHOT"
    TOPK_RANKED = "TOPK_RANKED"
    # decision pipeline
    DECISION_PROPOSED = "DECISION_PROPOSED"
    AIGATE_CALL = "AIGATE_CALL"
    RISK_VERDICT = "RISK_VERDICT"
    # execution (order path: never dropped)
    ORDER_SUBMIT = "ORDER_SUBMIT"
    ORDER_UPDATE = "ORDER_UPDATE"
    INTENT_CHANGED = "INTENT_CHANGED"
    FILL = "FILL"
    POSITION_UPDATE = "POSITION_UPDATE"
    PROTECTION_SWAP = "PROTECTION_SWAP"
    # reconcile, alerts, reports
    RECONCILE_RUN = "RECONCILE_RUN"
    RECONCILE_DIFF = "RECONCILE_DIFF"
    ALERT_RAISED = "ALERT_RAISED"
    DAILY_REPORT = "DAILY_REPORT"
    # the audit layer about itself
    AUDIT_WRITER_STATS = "AUDIT_WRITER_STATS"


_TELEMETRY = frozenset(
    {
        AuditEventType.STAGE_CHANGED,
        AuditEventType.HEARTBEAT,
        AuditEventType.MARKET_SNAPSHOT,
        AuditEventType.AUDIT_WRITER_STATS,
    }
)

EVENT_TYPE_VALUES: frozenset[str] = frozenset(m.value for m in AuditEventType)
TELEMETRY_VALUES: frozenset[str] = frozenset(m.value for m in _TELEMETRY)


def durability_of(event_type: str) -> Durability:
    """Return how the audit writer must treat an event of this type under pressure."""
    return Durability.TELEMETRY if event_type in TELEMETRY_VALUES else Durability.CRITICAL
