"""STRATEGY_PROPOSE: run the strategy for one symbol; every outcome is a Decision or a reasoned no-trade.

A strategy bug must not crash the worker: a contract violation (an impossible plan) or a
quantization failure becomes a NoTrade with its ReasonCode, and the detail says which rule.
"""
from __future__ import annotations

from dataclasses import dataclass

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.canonical import ContractViolation
from trading.domain.contracts.decision import Decision
from trading.domain.contracts.quantize import QuantizationError
from trading.domain.strategy.base import NoTrade, Strategy, StrategyInput


@dataclass(frozen=True, slots=True)
class Proposal:
    """The stage's result: `decision` when accepted, else `no_trade` with its reasons."""

    symbol: str
    decision: Decision | None
    no_trade: NoTrade | None

    @property
    def reasons(self) -> tuple[ReasonCode, ...]:
        """Return the decision's reason codes, or the no-trade reasons."""
        if self.decision is not None:
            return self.decision.reason_codes
        assert self.no_trade is not None
        return self.no_trade.reasons


def strategy_propose(strategy: Strategy, inp: StrategyInput) -> Proposal:
    """Return the strategy's Decision for `inp`, or why it proposes none."""
    symbol = inp.view.symbol
    try:
        outcome = strategy.propose(inp)
    except QuantizationError as exc:
        outcome = NoTrade((exc.reason,), exc.detail)
    except (ContractViolation, ValueError) as exc:
        outcome = NoTrade((ReasonCode.SANITY_CHECK_FAILED,), str(exc)[:200])
    if isinstance(outcome, NoTrade):
        return Proposal(symbol, None, outcome)
    return Proposal(symbol, outcome, None)
