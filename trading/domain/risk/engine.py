"""The risk engine: the final word, as 003's hierarchy (kill switch > forbidden conditions >
hard limits > sanity > AI verdict).

Every guard that applies to the decision's intent runs, so the verdict names every failed rule
(an operator fixes them all at once); the reasons are ordered by level, so the highest-level
block comes first whatever the lower levels say.
"""
from __future__ import annotations

from collections.abc import Sequence

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.config.sections import RiskSection
from trading.domain.contracts.decision import Decision, DecisionIntent
from trading.domain.contracts.risk import RiskCheck, RiskVerdict
from trading.domain.guards.risk_base import RiskGuard, RiskInput
from trading.domain.guards.risk_gates import AIVerdictGuard, KillSwitchGuard, SanityGuard, SymbolHaltedGuard, \
    SysModeGuard
from trading.domain.guards.risk_limits import BalanceGuard, CooldownGuard, DailyLossGuard, DrawdownGuard, \
    ExposureSymbolGuard, ExposureTotalGuard, HoldTimeGuard, LossStreakGuard, MaxPositionsGuard, MinEdgeGuard, \
    SpreadGuard, TradesPerHourGuard
from trading.domain.risk.context import GateView, RiskContext


def default_guards(cfg: RiskSection) -> tuple[RiskGuard, ...]:
    """Return every built-in guard configured from `cfg`, in hierarchy order."""
    guards: list[RiskGuard] = [
        KillSwitchGuard(), SysModeGuard(), SymbolHaltedGuard(),
        ExposureTotalGuard(cfg.max_exposure_total_quote), ExposureSymbolGuard(cfg.max_exposure_symbol_quote),
        DailyLossGuard(cfg.daily_loss_limit_quote), DrawdownGuard(cfg.max_drawdown_quote),
        MaxPositionsGuard(cfg.max_open_positions), SpreadGuard(cfg.max_spread_bps),
        MinEdgeGuard(cfg.min_edge_bps_after_costs), BalanceGuard(cfg.fee_bps), CooldownGuard(cfg.cooldown_s),
        TradesPerHourGuard(cfg.max_trades_per_hour), LossStreakGuard(cfg.max_loss_streak),
        HoldTimeGuard(cfg.min_hold_s, cfg.max_hold_s), SanityGuard(), AIVerdictGuard(),
    ]
    return tuple(sorted(guards, key=lambda g: g.level))


class RiskEngine:
    """Runs the guards over one decision and returns the RiskVerdict."""

    def __init__(self, guards: Sequence[RiskGuard]) -> None:
        names = [g.name for g in guards]
        if len(names) != len(set(names)):
            raise ValueError(f"risk guard names must be unique: {names}")
        self.guards = tuple(sorted(guards, key=lambda g: g.level))
        # The guards that judge each intent, in order, each with its passing RiskCheck: a check
        # that held carries no detail, so it is built once here rather than on every evaluation.
        self._plan = {intent: tuple((g, RiskCheck(g.name, True)) for g in self.guards if intent in g.intents)
                      for intent in DecisionIntent}

    @classmethod
    def from_config(cls, cfg: RiskSection) -> RiskEngine:
        """Return the engine with every built-in guard."""
        return cls(default_guards(cfg))

    def evaluate(self, decision: Decision, gate: GateView, ctx: RiskContext) -> RiskVerdict:
        """Return APPROVE when every applicable guard holds, else BLOCK naming each failed rule."""
        inp = RiskInput(decision, gate, ctx)
        checks: list[RiskCheck] = []
        reasons: list[ReasonCode] = []
        for guard, held in self._plan[decision.intent]:
            found = guard.check(inp)
            if found is None:
                checks.append(held)
            else:
                checks.append(RiskCheck(guard.name, False, found.detail))
                reasons.extend(found.reasons)
        if reasons:
            return RiskVerdict.block(decision.decision_id, ctx.now_ms, dict.fromkeys(reasons), checks)
        return RiskVerdict.approve(decision.decision_id, ctx.now_ms, checks)
