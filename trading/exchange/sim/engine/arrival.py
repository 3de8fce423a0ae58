"""An order that starts working (placed, OTO-activated or stop-triggered) meets the touch.

Marketable size is limited by the displayed quantity (facts §10.8): what cannot fill now rests
(GTC) or expires with Binance's expiry reason (IOC, FOK, MARKET remainder).
"""
from __future__ import annotations

from .core import Core
from .enums import ExpiryReason, OrderStatus, OrderType, TimeInForce
from .execution import affordable_qty, close, fill
from .matching import crosses
from .orders import Order


def start_working(core: Core, order: Order) -> None:
    """Match a newly working order against the touch; untriggered stops just wait."""
    if not order.is_open or (order.is_stop and not order.triggered):
        return
    if order.acts_as_market:
        _take_market(core, order)
    elif order.type is not OrderType.LIMIT_MAKER:  # a maker was checked not to cross
        _take_limit(core, order)


def trigger(core: Core, order: Order) -> None:
    """Turn a stop into its working order and execute it (facts §4).

    STOP_LOSS/TAKE_PROFIT then work as MARKET, the *_LIMIT types as LIMIT at `price`; an OCO
    sibling expires first (facts §4, OCO_TRIGGER).
    """
    now = core.now()
    order.triggered = True
    order.working_ms = now
    order.update_ms = now
    core.hooks.before_activity(order)
    start_working(core, order)


def _take_market(core: Core, order: Order) -> None:
    market = core.market(order.symbol)
    price, available = market.touch_for(order.side)
    if price is not None and available > 0:
        qty = affordable_qty(core, order, price, min(order.remaining, available))
        if qty > 0:
            market.consume(order.side, qty)
            fill(core, order, price, qty, maker=False)
    if order.is_open:  # thin book: the rest expires (facts §2.2)
        close(core, order, OrderStatus.EXPIRED, reason=ExpiryReason.INSUFFICIENT_LIQUIDITY)


def _take_limit(core: Core, order: Order) -> None:
    market = core.market(order.symbol)
    price, available = market.touch_for(order.side)
    marketable = price is not None and available > 0 and crosses(order.side, order.price, price)
    if order.time_in_force is TimeInForce.FOK and (not marketable or available < order.remaining):
        close(core, order, OrderStatus.EXPIRED, reason=ExpiryReason.UNFILLED_FOK_ORDER_EXPIRED)
        return
    if marketable and price is not None:
        qty = affordable_qty(core, order, price, min(order.remaining, available))
        if qty > 0:
            market.consume(order.side, qty)
            fill(core, order, price, qty, maker=False)
    if order.is_open and order.time_in_force is TimeInForce.IOC:
        close(core, order, OrderStatus.EXPIRED, reason=ExpiryReason.UNFILLED_IOC_QUANTITY_EXPIRED)
