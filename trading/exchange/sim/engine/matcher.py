"""Market-driven matching: each book ticker (or trade) triggers stops and fills resting orders.

Stops trigger on the last price (facts §4, §10.9). With a book-ticker-only feed there are no
trades, so by default each ticker's mid price stands in as the last price.
"""
from __future__ import annotations

from decimal import Decimal

from .arrival import trigger
from .core import Core
from .decimals import ZERO
from .enums import Side, SymbolStatus
from .execution import affordable_qty, fill
from .matching import advance_stop, crosses, trades_through
from .orders import Order


def on_book_ticker(core: Core, symbol: str, bid: Decimal | None, bid_qty: Decimal, ask: Decimal | None,
                   ask_qty: Decimal, ts_ms: int, *, last_from_book: bool) -> None:
    """Apply a new touch: record the mid as last price (optionally), trigger stops, fill resting orders."""
    spec = core.spec(symbol)  # -1121 before any state is created for an unknown symbol
    market = core.market(symbol)
    market.update_touch(bid, bid_qty, ask, ask_qty, ts_ms)
    mid = market.mid() if last_from_book else None
    if mid is not None:
        market.record_print(mid, ZERO, ts_ms)
    if spec.status is not SymbolStatus.TRADING:
        return  # a halted market neither triggers nor fills
    if mid is not None:
        run_stops(core, symbol, mid, ts_ms)
    match_resting(core, symbol)


def on_trade(core: Core, symbol: str, price: Decimal, qty: Decimal, ts_ms: int) -> None:
    """Apply a market trade: it is the last price, and it fills resting orders it trades through."""
    spec = core.spec(symbol)
    core.market(symbol).record_print(price, qty, ts_ms)
    if spec.status is not SymbolStatus.TRADING:
        return
    run_stops(core, symbol, price, ts_ms)
    left = qty
    for order in book(core, symbol):
        if left <= 0:
            break
        if order.is_open and trades_through(order.side, order.price, price):
            take = affordable_qty(core, order, order.price, min(order.remaining, left))
            if take > 0:
                left -= take
                fill(core, order, order.price, take, maker=True)


def run_stops(core: Core, symbol: str, price: Decimal, ts_ms: int) -> None:
    """Feed `price` to every waiting stop of `symbol`, oldest first, triggering those it meets."""
    waiting = [o for o in core.open_orders(symbol) if o.is_stop and not o.triggered and not o.is_pending]
    for order in waiting:
        # An earlier trigger may have expired this one (an OCO sibling).
        if order.is_open and not order.triggered and advance_stop(order, price, ts_ms):
            trigger(core, order)


def match_resting(core: Core, symbol: str) -> None:
    """Fill resting limit orders the touch crosses, as maker at their own price, in price-time order."""
    market = core.market(symbol)
    for order in book(core, symbol):
        if not order.is_open:
            continue
        touch, available = market.touch_for(order.side)
        if touch is None or available <= 0 or not crosses(order.side, order.price, touch):
            continue
        qty = affordable_qty(core, order, order.price, min(order.remaining, available))
        if qty > 0:
            market.consume(order.side, qty)
            fill(core, order, order.price, qty, maker=True)


def book(core: Core, symbol: str) -> list[Order]:
    """Return our resting limit orders: bids best first, then asks best first (time breaks ties)."""
    resting = [o for o in core.open_orders(symbol) if o.on_book and not o.acts_as_market]
    bids = sorted((o for o in resting if o.side is Side.BUY), key=lambda o: (-o.price, o.order_id))
    asks = sorted((o for o in resting if o.side is Side.SELL), key=lambda o: (o.price, o.order_id))
    return bids + asks
