"""The vocabulary of livespot: one module per concept, StrEnums with stable stored values.

Never rename a stored value: add a member and stop emitting the old one.
"""
from trading.domain.catalog.events import AuditEventType, Durability
from trading.domain.catalog.panel import (
    AIGateVerdict,
    DriftLabel,
    IntentState,
    Mode,
    Severity,
    SysMode,
    WriterPressure,
)
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.catalog.stages import StageName

__all__ = [
    "AIGateVerdict",
    "AuditEventType",
    "DriftLabel",
    "Durability",
    "IntentState",
    "Mode",
    "ReasonCode",
    "Severity",
    "StageName",
    "SysMode",
    "WriterPressure",
]
