"""Trading tables (design §8). Append-only ones inherit the audit envelope; the few whose rows
change state (intents, orders, positions, heartbeat, control commands) are written only by
trading services and have each change audited as an event.
"""
from trading.models.decisions import Decision, RiskVerdict
from trading.models.execution import Fill, Order, OrderIntent
from trading.models.market import MarketSnapshot, TopKSnapshot
from trading.models.operations import ControlCommand, DailyReport, Heartbeat
from trading.models.positions import Position
from trading.models.reconcile import ReconcileDiff, ReconcileRun

__all__ = [
    "ControlCommand",
    "DailyReport",
    "Decision",
    "Fill",
    "Heartbeat",
    "MarketSnapshot",
    "Order",
    "OrderIntent",
    "Position",
    "ReconcileDiff",
    "ReconcileRun",
    "RiskVerdict",
    "TopKSnapshot",
]
