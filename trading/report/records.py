"""Input records of a trading report (pure Python, no Django).

Shared by the daily report (built from the database by ``trading.report.collect``) and the
backtest (built from its own run). ``trading.report.figures.build_report`` turns a
``ReportInputs`` into the figures.

Money is ``Decimal`` (quote = USDT), time is epoch ms.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

__all__ = ["GateOutcome", "ReportInputs", "TradeRecord"]

GATE_VERDICTS = ("APPROVE", "BLOCK", "MODIFY")


@dataclass(frozen=True)
class TradeRecord:
    """One closed round trip (entry fills .. exit fills)."""

    symbol: str
    entry_ts_ms: int
    exit_ts_ms: int
    qty: Decimal  # base qty bought
    entry_price: Decimal  # average entry fill price
    exit_price: Decimal  # average exit fill price
    fees_quote: Decimal  # all fees of the round trip in quote (USDT)
    gross_pnl_quote: Decimal  # (exit - entry) * qty
    net_pnl_quote: Decimal  # gross - fees
    exit_reason: str  # ReasonCode value, e.g. "TAKE_PROFIT_HIT", "STOP_LOSS_HIT", "STRATEGY_EXIT"
    decision_id: str = ""
    # optional context for the post-trade label ("blunder" analysis)
    mfe_bps: int | None = None  # max favourable excursion during the hold, bps of entry
    mae_bps: int | None = None  # max adverse excursion during the hold, bps of entry
    # optional: best move available after the exit (e.g. within the next hour), bps of exit price
    post_exit_mfe_bps: int | None = None


@dataclass(frozen=True)
class GateOutcome:
    """An AI gate verdict and what the blocked/modified trade would have done.

    ``hypothetical_net_pnl_bps`` is None when it could not be computed from recorded prices
    (the report says so).
    """

    verdict: str  # APPROVE | BLOCK | MODIFY
    decision_id: str
    symbol: str
    hypothetical_net_pnl_bps: int | None = None


@dataclass(frozen=True)
class ReportInputs:
    period_start_ms: int
    period_end_ms: int
    start_equity_quote: Decimal
    trades: tuple[TradeRecord, ...]
    # (ts_ms, equity) points; may be empty -> built from trades
    equity_curve: tuple[tuple[int, Decimal], ...] = ()
    gate_verdicts: tuple[GateOutcome, ...] = ()
    risk_blocks: Mapping[str, int] = field(default_factory=dict)  # ReasonCode -> count
    alerts: Mapping[str, int] = field(default_factory=dict)  # ReasonCode -> count
    swap_uncovered_ms: tuple[int, ...] = ()  # uncovered time of every protection swap
    notes: tuple[str, ...] = ()  # free-text caveats shown in the report (e.g. missing prices)
