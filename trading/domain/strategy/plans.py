"""Entry and exit plans for a long, quantized onto the symbol's filters through the contracts.

Rounding follows quantize.py (never worse for us): the entry rounds down, the take profit and
the stop round up (a stop a fraction of a tick closer only tightens risk), the stop-limit rounds
down below the stop. A plan that collapses on the tick grid or breaks a filter is refused with
the failing ReasonCode, never nudged.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.decision import TRAILING_DELTA_MAX_BPS, TRAILING_DELTA_MIN_BPS, EntryOrderType, \
    EntryPlan, ExitPlan
from trading.domain.contracts.quantize import PriceRounding, SymbolFilters, check_order, quantize_price, \
    quantize_qty
from trading.domain.strategy.base import NoTrade

_BPS = Decimal(10_000)


@dataclass(frozen=True, slots=True)
class ExitShape:
    """Exit distances from the entry, in bps; trailing None = no trail."""

    stop_bps: Decimal
    take_profit_bps: Decimal
    stop_limit_gap_bps: Decimal
    trailing_activation_bps: Decimal | None
    trailing_delta_bps: int | None
    time_stop_ms: int | None


def exit_prices(entry: Decimal, shape: ExitShape, f: SymbolFilters) -> ExitPlan | NoTrade:
    """Return the quantized OCO (and trail) around `entry`, or a NoTrade if the grid collapses it."""
    stop = quantize_price(entry * (1 - shape.stop_bps / _BPS), f, PriceRounding.UP)
    stop_limit = quantize_price(stop * (1 - shape.stop_limit_gap_bps / _BPS), f, PriceRounding.DOWN)
    take_profit = quantize_price(entry * (1 + shape.take_profit_bps / _BPS), f, PriceRounding.UP)
    if not (Decimal(0) < stop_limit <= stop < entry < take_profit):
        return NoTrade((ReasonCode.SANITY_CHECK_FAILED,), f"plan collapses on the tick grid entry={entry}")
    activation, delta = _trail(entry, stop, take_profit, shape, f)
    return ExitPlan(take_profit_price=take_profit, stop_price=stop, stop_limit_price=stop_limit,
                    trailing_activation_price=activation, trailing_delta_bps=delta,
                    time_stop_ms=shape.time_stop_ms)


def _trail(entry: Decimal, stop: Decimal, take_profit: Decimal, shape: ExitShape,
           f: SymbolFilters) -> tuple[Decimal | None, int | None]:
    if shape.trailing_activation_bps is None or shape.trailing_delta_bps is None:
        return None, None
    activation = quantize_price(entry * (1 + shape.trailing_activation_bps / _BPS), f, PriceRounding.UP)
    low = max(TRAILING_DELTA_MIN_BPS, f.min_trailing_below_delta or 0)
    high = min(TRAILING_DELTA_MAX_BPS, f.max_trailing_below_delta or TRAILING_DELTA_MAX_BPS)
    delta = min(max(shape.trailing_delta_bps, low), high)
    # The trail must start strictly inside the OCO, else the take profit fills first anyway.
    if not (max(stop, entry) < activation < take_profit):
        return None, None
    return activation, delta


def long_plans(entry_type: EntryOrderType, reference: Decimal, quote_amount: Decimal, ttl_ms: int,
               shape: ExitShape, f: SymbolFilters) -> tuple[EntryPlan, ExitPlan] | NoTrade:
    """Return the entry (`quote_amount` at `reference`) and its exit, both passing every static filter."""
    market = entry_type is EntryOrderType.MARKET
    # A market entry's price is the expected fill; it is on the grid too, as the contract wants.
    entry = quantize_price(reference, f, PriceRounding.DOWN)
    if entry <= 0:
        return NoTrade((ReasonCode.PRICE_OUT_OF_RANGE,), f"entry={entry}")
    qty = quantize_qty(quote_amount / entry, f, market=market)
    exit_plan = exit_prices(entry, shape, f)
    if isinstance(exit_plan, NoTrade):
        return exit_plan
    problems = check_order(entry, qty, f, market=market)
    for leg_price in (exit_plan.stop_limit_price, exit_plan.take_profit_price):
        problems += [p for p in check_order(leg_price, qty, f) if p not in problems]
    if problems:
        return NoTrade(tuple(problems), f"qty={qty} entry={entry} stop_limit={exit_plan.stop_limit_price}")
    entry_plan = EntryPlan(entry_type, price=entry, qty=qty, ttl_ms=0 if market else ttl_ms)
    return entry_plan, exit_plan


def close_plan(qty: Decimal, bid: Decimal, ask: Decimal, f: SymbolFilters) -> ExitPlan | NoTrade:
    """Return the exit plan of a full close at market: sell `qty` (floored to the step) near the touch."""
    close_qty = quantize_qty(qty, f, market=True)
    if close_qty <= 0 or close_qty < f.min_qty:
        return NoTrade((ReasonCode.QTY_BELOW_MINIMUM,), f"close_qty={close_qty}")
    tick = f.tick_size or Decimal("0.00000001")
    stop = quantize_price(bid, f, PriceRounding.DOWN)
    stop_limit = max(tick, stop - tick)
    take_profit = quantize_price(max(ask, stop) + tick, f, PriceRounding.UP)
    if not (stop_limit <= stop < take_profit) or stop <= 0:
        return NoTrade((ReasonCode.SANITY_CHECK_FAILED,), f"bid={bid} ask={ask}")
    return ExitPlan(take_profit_price=take_profit, stop_price=stop, stop_limit_price=stop_limit,
                    close_qty=close_qty)
