"""Volatility-scaled sizing with a no-trade band (002).

The stop distance carries the volatility: risking a fixed share of equity per trade, a wider
(more volatile) stop gives a smaller position. A size change smaller than the band, or an
entry too small to clear the minimum notional with room to spare, is not worth the fees.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.strategy.base import NoTrade


@dataclass(frozen=True, slots=True)
class SizingInput:
    equity_quote: Decimal
    free_quote: Decimal
    entry_price: Decimal
    stop_price: Decimal
    risk_per_trade_pct: Decimal
    max_symbol_quote: Decimal
    current_quote: Decimal
    min_notional: Decimal
    fee_bps: int
    band_pct: Decimal


def target_notional(s: SizingInput) -> Decimal:
    """Return the total position notional that loses `risk_per_trade_pct` of equity at the stop,
    capped by the symbol limit and by what the free balance (net of the entry fee) can add."""
    distance = (s.entry_price - s.stop_price) / s.entry_price
    if distance <= 0:
        return Decimal(0)
    at_risk = s.equity_quote * s.risk_per_trade_pct / 100
    fee = Decimal(s.fee_bps) / 10_000
    cap = min(s.max_symbol_quote, s.current_quote + s.free_quote / (1 + fee))
    return max(Decimal(0), min(at_risk / distance, cap))


def size_entry(s: SizingInput) -> Decimal | NoTrade:
    """Return the quote amount to add, or a NoTrade when it falls inside the no-trade band."""
    target = target_notional(s)
    change = target - s.current_quote
    if target < s.min_notional * (1 + s.band_pct):
        return NoTrade((ReasonCode.NOTIONAL_BELOW_MINIMUM,), f"target_quote={target:.2f}")
    if s.current_quote > 0 and abs(change) < target * s.band_pct:
        return NoTrade((ReasonCode.SIZE_IN_NO_TRADE_BAND,), f"change_quote={change:.2f}")
    return change
