"""Assemble a Decision from a strategy's pieces; Decision.build computes the content id."""
from __future__ import annotations

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.decision import Costs, Decision, DecisionIntent, EntryPlan, ExitPlan, Side
from trading.domain.strategy.base import StrategyInput


def build_decision(inp: StrategyInput, *, strategy: str, version: str, intent: DecisionIntent,
                   entry_plan: EntryPlan | None, exit_plan: ExitPlan, edge_bps: int, costs: Costs,
                   reasons: tuple[ReasonCode, ...]) -> Decision:
    """Return the validated Decision (raises ContractViolation if a piece breaks an invariant)."""
    return Decision.build(
        ts_ms=inp.now_ms, run_id=inp.run_id, cycle_id=inp.cycle_id, snapshot_id=inp.snapshot_id,
        symbol=inp.view.symbol, intent=intent, side=Side.BUY if intent is DecisionIntent.ENTRY else Side.SELL,
        entry_plan=entry_plan, exit_plan=exit_plan, constraints=inp.filters.constraints(),
        edge_bps=edge_bps, costs=costs, reason_codes=reasons, strategy=strategy, strategy_version=version,
    )
