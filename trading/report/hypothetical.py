"""What a decision would have done, replayed on recorded prices (pure Python, no Django).

Used for the AI gate's blocked / modified proposals and for the price path (MFE/MAE) of closed
trades. Assumptions, stated in the report: the entry fills at the plan's price at the decision
time; the exit is the first recorded price at or above the take profit (filled at the take
profit) or at or below the stop (filled at the stop), else the last recorded price within the
horizon; the plan's expected costs (fees + spread + slippage, bps) are subtracted. With no
recorded price after the decision the outcome is unknown (None), never guessed.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from trading.report.labels import bps_of

__all__ = ["PlanSketch", "PricePoint", "excursions_bps", "hypothetical_net_bps"]

PricePoint = tuple[int, Decimal]  # (ts_ms, price)


@dataclass(frozen=True)
class PlanSketch:
    """The parts of a long decision's plans that decide its outcome."""

    entry_price: Decimal
    take_profit_price: Decimal
    stop_price: Decimal
    costs_bps: int = 0
    time_stop_ms: int | None = None


def hypothetical_net_bps(plan: PlanSketch, decided_ms: int, path: Sequence[PricePoint],
                         horizon_ms: int) -> int | None:
    """Return the net result in bps of entry had `plan` been traded at `decided_ms`, or None.

    `path` is every recorded price of the symbol (any order); only points after the decision and
    within the horizon (the plan's time stop when set, else `horizon_ms`) count.
    """
    if plan.entry_price <= 0:
        return None
    end = decided_ms + (plan.time_stop_ms or horizon_ms)
    after = sorted(p for p in path if decided_ms < p[0] <= end)
    if not after:
        return None
    exit_price = after[-1][1]
    for _, price in after:
        if price >= plan.take_profit_price:
            exit_price = plan.take_profit_price
            break
        if price <= plan.stop_price:
            exit_price = plan.stop_price
            break
    return bps_of(exit_price - plan.entry_price, plan.entry_price) - plan.costs_bps


def excursions_bps(entry_price: Decimal, entry_ms: int, exit_ms: int,
                   path: Sequence[PricePoint]) -> tuple[int | None, int | None]:
    """Return (MFE, MAE) in bps of entry from the recorded prices strictly inside the hold.

    (None, None) when no price was recorded between entry and exit: the entry and exit prices
    alone say nothing about the path, and a label must not pretend they do.
    """
    inside = [p for t, p in path if entry_ms < t < exit_ms]
    if not inside or entry_price <= 0:
        return None, None
    mfe = max(0, bps_of(max(inside) - entry_price, entry_price))
    mae = max(0, bps_of(entry_price - min(inside), entry_price))
    return mfe, mae
