"""Builders for typed requests and a helper to wait for stream events."""
from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from trading.domain.contracts.intent import OrderType
from trading.domain.ports import (
    EventStream,
    OcoLeg,
    OcoRequest,
    OrderRequest,
    Side,
    StreamEvent,
    StreamState,
    StreamStatus,
    TimeInForce,
)

E = TypeVar("E")
D = Decimal
GTC = TimeInForce.GTC


def limit(cid: str, side: Side, qty: str, price: str, symbol: str = "BTCUSDT", *,
          iceberg: str | None = None, tif: TimeInForce = GTC) -> OrderRequest:
    return OrderRequest(symbol, side, OrderType.LIMIT, cid, quantity=D(qty), price=D(price), time_in_force=tif,
                        iceberg_qty=D(iceberg) if iceberg else None)


def market(cid: str, side: Side, qty: str | None = None, quote: str | None = None) -> OrderRequest:
    return OrderRequest("BTCUSDT", side, OrderType.MARKET, cid, quantity=D(qty) if qty else None,
                        quote_order_qty=D(quote) if quote else None)


def maker(cid: str, side: Side, qty: str, price: str) -> OrderRequest:
    return OrderRequest("BTCUSDT", side, OrderType.LIMIT_MAKER, cid, quantity=D(qty), price=D(price))


def stop_limit(cid: str, side: Side, qty: str, stop: str | None, price: str, delta: int | None = None) -> OrderRequest:
    return OrderRequest("BTCUSDT", side, OrderType.STOP_LOSS_LIMIT, cid, quantity=D(qty), price=D(price),
                        stop_price=D(stop) if stop else None, trailing_delta=delta, time_in_force=GTC)


def protection_oco(list_id: str, qty: str = "0.10000", take_profit: str = "30500.00", stop: str | None = "29500.00",
                   stop_limit_price: str = "29400.00", delta: int | None = None) -> OcoRequest:
    """The bot's SELL protection: LIMIT_MAKER above, STOP_LOSS_LIMIT below (facts §2.3)."""
    return OcoRequest("BTCUSDT", Side.SELL, D(qty), list_id,
                      above=OcoLeg(OrderType.LIMIT_MAKER, price=D(take_profit), client_order_id=f"{list_id}-tp"),
                      below=OcoLeg(OrderType.STOP_LOSS_LIMIT, price=D(stop_limit_price),
                                   stop_price=D(stop) if stop else None, trailing_delta=delta, time_in_force=GTC,
                                   client_order_id=f"{list_id}-sl"))


def wait_event(stream: EventStream, kind: type[E], match: Callable[[E], bool] = lambda e: True, *,
               timeout: float = 5.0, seen: list[StreamEvent] | None = None,
               poke: Callable[[], None] | None = None) -> E:
    """Return the first event of `kind` that `match` accepts; keep every event read in `seen`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if poke is not None:
            poke()
        event = stream.get(0.2)
        if event is None:
            continue
        if seen is not None:
            seen.append(event)
        if isinstance(event, kind) and match(event):
            return event
    raise AssertionError(f"no matching {kind.__name__} within {timeout} s")


def wait_status(stream: EventStream, state: StreamState, *, timeout: float = 5.0,
                match: Callable[[StreamStatus], bool] = lambda s: True,
                seen: list[StreamEvent] | None = None) -> StreamStatus:
    """Return the next StreamStatus in `state` (that `match` accepts)."""
    return wait_event(stream, StreamStatus, lambda s: s.state is state and match(s), timeout=timeout, seen=seen)
