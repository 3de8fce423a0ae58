"""The Strategy interface: one symbol's frozen inputs in, a Decision or a NoTrade out.

To add a strategy, write a class with `name`, `version` and `propose(inp)`, and register it
(`strategy.registry.register`). It must be deterministic: the same StrategyInput gives the
same Decision (hence the same decision_id), so a replay or a backtest reproduces live.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.config.sections import ExecutionSection, RiskSection
from trading.domain.contracts.decision import Decision
from trading.domain.contracts.quantize import SymbolFilters
from trading.domain.state.store import MarketView

Scalar = bool | int | str


@dataclass(frozen=True, slots=True)
class OpenPosition:
    """The open long on a symbol, as the position manager knows it."""

    symbol: str
    qty: Decimal
    entry_price: Decimal
    opened_ms: int

    @property
    def notional(self) -> Decimal:
        """Return qty * entry price (the exposure at cost)."""
        return self.qty * self.entry_price


@dataclass(frozen=True, slots=True)
class StrategyInput:
    """Everything a strategy may read for one symbol at one moment (no clock call, no I/O)."""

    run_id: str
    cycle_id: str
    snapshot_id: str
    now_ms: int
    view: MarketView
    filters: SymbolFilters
    params: Mapping[str, Scalar]
    risk: RiskSection
    execution: ExecutionSection
    equity_quote: Decimal
    free_quote: Decimal
    position: OpenPosition | None = None


@dataclass(frozen=True, slots=True)
class NoTrade:
    """The strategy proposes nothing; `reasons` say why (NO_SIGNAL, EDGE_BELOW_COSTS...)."""

    reasons: tuple[ReasonCode, ...]
    detail: str = ""
    edge_bps: int | None = None


class Strategy(Protocol):
    name: str
    version: str

    def propose(self, inp: StrategyInput) -> Decision | NoTrade:
        """Return a Decision for `inp.view.symbol`, or a NoTrade with its reasons."""
        ...
