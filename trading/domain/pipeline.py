"""One symbol's decision path: STRATEGY_PROPOSE -> AIGATE_CALL -> RISK_VERDICT (design §4.5-4.7).

Orchestration only: each step is a stage function; nothing is calculated here. No I/O: the
gate is a callable the trader plugs in (the real AI gate, or None for the pass-through when
it is off), and the trader records the stages this returns.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from trading.domain.catalog.stages import StageName
from trading.domain.contracts.decision import Decision
from trading.domain.contracts.risk import RiskVerdict
from trading.domain.risk.context import GatePassThrough, GateView, RiskContext
from trading.domain.risk.engine import RiskEngine
from trading.domain.stages.risk_verdict import risk_verdict
from trading.domain.stages.strategy_propose import Proposal, strategy_propose
from trading.domain.state.store import MarketView
from trading.domain.strategy.base import Strategy, StrategyInput

GateFn = Callable[[Decision, MarketView], GateView]


@dataclass(frozen=True, slots=True)
class CycleResult:
    """What happened to one symbol: the stages run, the proposal, the gate outcome and the verdict."""

    symbol: str
    stages: tuple[StageName, ...]
    proposal: Proposal
    gate: GateView | None = None
    verdict: RiskVerdict | None = None

    @property
    def approved_decision(self) -> Decision | None:
        """Return the decision to execute (the gate's applied version), None unless risk approved."""
        if self.verdict is None or not self.verdict.approved or self.gate is None:
            return None
        return self.gate.decision


def run_decision_pipeline(strategy: Strategy, inp: StrategyInput, engine: RiskEngine, ctx: RiskContext,
                          gate: GateFn | None = None) -> CycleResult:
    """Return the CycleResult of proposing, gating and judging one symbol's decision.

    Steps: 1. strategy_propose; stop on no-trade. 2. the gate callable (pass-through when None).
    3. risk_verdict on the decision the gate hands over.
    """
    proposal = strategy_propose(strategy, inp)
    if proposal.decision is None:
        return CycleResult(proposal.symbol, (StageName.STRATEGY_PROPOSE,), proposal)
    outcome = GatePassThrough.for_decision(proposal.decision) if gate is None else gate(proposal.decision, inp.view)
    verdict = risk_verdict(engine, outcome, ctx)
    return CycleResult(proposal.symbol, (StageName.STRATEGY_PROPOSE, StageName.AIGATE_CALL, StageName.RISK_VERDICT),
                       proposal, outcome, verdict)
