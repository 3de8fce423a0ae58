"""RISK_VERDICT: the deterministic final word (design §4.7), as an explicit hierarchy.

    from trading.domain.risk.engine import RiskEngine
    engine = RiskEngine.from_config(config.risk)
    verdict = engine.evaluate(gate_outcome.decision, gate_outcome, RiskContext(...))

The engine is imported from its module (not re-exported here): the guards import this
package's context, and the engine imports the guards.
"""
from trading.domain.risk.context import (
    ClosedTrade,
    GatePassThrough,
    GateView,
    KillSwitch,
    MarketQuote,
    RiskContext,
    RiskLevel,
)

__all__ = ["ClosedTrade", "GatePassThrough", "GateView", "KillSwitch", "MarketQuote", "RiskContext", "RiskLevel"]
