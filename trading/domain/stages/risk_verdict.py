"""RISK_VERDICT: the risk engine's final word on the decision the gate handed over."""
from __future__ import annotations

from trading.domain.contracts.risk import RiskVerdict
from trading.domain.risk.context import GateView, RiskContext
from trading.domain.risk.engine import RiskEngine


def risk_verdict(engine: RiskEngine, gate: GateView, ctx: RiskContext) -> RiskVerdict:
    """Return the verdict on `gate.decision` (the applied MODIFY, else the proposal)."""
    return engine.evaluate(gate.decision, gate, ctx)
