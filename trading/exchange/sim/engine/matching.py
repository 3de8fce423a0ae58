"""Pure matching decisions: crossing, stop conditions and trailing-stop tracking (facts §4).

Nothing here moves funds or emits events; the callers in `arrival` and `matcher` do that.
"""
from __future__ import annotations

from decimal import Decimal

from .decimals import BIPS, ONE, div, mul
from .enums import STOP_TYPES, OrderType, Side, triggers_on_rise
from .market import MarketState
from .orders import Order, OrderRequest


def crosses(side: Side, limit: Decimal, touch: Decimal) -> bool:
    """Return True when a `side` order at `limit` trades with an opposite touch at `touch`."""
    return touch <= limit if side is Side.BUY else touch >= limit


def trades_through(side: Side, limit: Decimal, trade_price: Decimal) -> bool:
    """Return True when a market trade proves a resting order at `limit` was reached.

    Strictly through: a print *at* our price may have filled orders queued ahead of ours.
    """
    return trade_price < limit if side is Side.BUY else trade_price > limit


def would_take(order_side: Side, price: Decimal, market: MarketState) -> bool:
    """Return True when a LIMIT_MAKER at `price` would cross the current touch (facts §2.2)."""
    touch = market.ask if order_side is Side.BUY else market.bid
    return touch is not None and crosses(order_side, price, touch)


def condition_met(order_type: OrderType, side: Side, stop_price: Decimal | None, price: Decimal) -> bool:
    """Return True when `price` meets the stop condition (SL BUY/TP SELL: >=, else <=)."""
    if stop_price is None:
        return False
    return price >= stop_price if triggers_on_rise(order_type, side) else price <= stop_price


def stop_condition_met(order: Order, price: Decimal) -> bool:
    """Return True when `price` meets `order`'s stop condition."""
    return condition_met(order.type, order.side, order.stop_price, price)


def would_trigger_immediately(req: OrderRequest, last: Decimal | None) -> bool:
    """Return True when a plain stop would trigger at placement (-2010, facts §2.2).

    Trailing stops with a stopPrice are accepted: the met condition only starts their tracking.
    """
    if last is None or req.trailing_delta is not None or req.type not in STOP_TYPES:
        return False
    return condition_met(req.type, req.side, req.stop_price, last)


def advance_stop(order: Order, price: Decimal, ts_ms: int) -> bool:
    """Feed one market price to an untriggered stop; return True when it triggers.

    Trailing (facts §4, trailing-stop FAQ): without stopPrice tracking starts at the next print;
    with one, at the first print meeting the stop condition, which sets the extreme. A SELL
    triggers at last <= highest*(1-d/10000), a BUY at last >= lowest*(1+d/10000).
    """
    if order.trailing_delta is None:
        return stop_condition_met(order, price)
    if order.trail_extreme is None:
        if order.stop_price is not None and not stop_condition_met(order, price):
            return False
        order.trail_extreme = price
        order.trailing_time = ts_ms
    delta = div(Decimal(order.trailing_delta), BIPS)
    if order.side is Side.SELL:
        order.trail_extreme = max(order.trail_extreme, price)
        return price <= mul(order.trail_extreme, ONE - delta)
    order.trail_extreme = min(order.trail_extreme, price)
    return price >= mul(order.trail_extreme, ONE + delta)

