"""The REST endpoint table: path, method, weight, security and handler (facts §2, §2.2, §2.3).

Signed handlers pass the parameters straight to the engine, which reads Binance's names and
ignores the transport ones (timestamp, recvWindow, signature).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import market_rest as m
from .state import SimState

Raw = Mapping[str, str]
Handler = Callable[[SimState, Raw], Any]
Weight = Callable[[Raw], int]


@dataclass(frozen=True)
class Endpoint:
    """One REST endpoint under /api/v3."""

    method: str
    path: str
    handler: Handler
    weight: Weight
    signed: bool = False
    new_orders: int = 0  # orders it places: counted against the ORDERS limits (facts §5)
    free_on_success: bool = False  # POST /order weighs 0 when it succeeds (facts §2.2, 2026-04-02)


def _w(value: int) -> Weight:
    return lambda raw: value


def _engine(name: str) -> Handler:
    return lambda state, raw: getattr(state.engine, name)(dict(raw))


PUBLIC: tuple[Endpoint, ...] = (
    Endpoint("GET", "/api/v3/ping", m.ping, _w(1)),
    Endpoint("GET", "/api/v3/time", m.server_time, _w(1)),
    Endpoint("GET", "/api/v3/exchangeInfo", m.exchange_info, _w(20)),
    Endpoint("GET", "/api/v3/depth", m.depth, m.depth_weight),
    Endpoint("GET", "/api/v3/klines", m.klines, _w(2)),
    Endpoint("GET", "/api/v3/ticker/24hr", m.ticker_24h, m.ticker_24h_weight),
    Endpoint("GET", "/api/v3/ticker/bookTicker", m.book_ticker, m.symbol_weight(2, 4)),
    Endpoint("GET", "/api/v3/ticker/price", m.price, m.symbol_weight(2, 4)),
    Endpoint("GET", "/api/v3/avgPrice", m.avg_price, _w(2)),
)

SIGNED: tuple[Endpoint, ...] = (
    Endpoint("POST", "/api/v3/order", _engine("new_order"), _w(1), True, 1, free_on_success=True),
    Endpoint("POST", "/api/v3/order/test", _engine("test_order"), _w(1), True),
    Endpoint("GET", "/api/v3/order", _engine("get_order"), _w(4), True),
    Endpoint("DELETE", "/api/v3/order", _engine("cancel_order"), _w(1), True),
    Endpoint("POST", "/api/v3/order/cancelReplace", _engine("cancel_replace"), _w(1), True, 1),
    Endpoint("GET", "/api/v3/openOrders", _engine("open_orders"), m.symbol_weight(6, 80), True),
    Endpoint("DELETE", "/api/v3/openOrders", _engine("cancel_open_orders"), _w(1), True),
    Endpoint("GET", "/api/v3/allOrders", _engine("all_orders"), _w(20), True),
    Endpoint("POST", "/api/v3/orderList/oco", _engine("new_oco"), _w(1), True, 2),
    Endpoint("POST", "/api/v3/order/oco", _engine("new_oco_legacy"), _w(1), True, 2),
    Endpoint("POST", "/api/v3/orderList/oto", _engine("new_oto"), _w(1), True, 2),
    Endpoint("POST", "/api/v3/orderList/otoco", _engine("new_otoco"), _w(1), True, 3),
    Endpoint("DELETE", "/api/v3/orderList", _engine("cancel_order_list"), _w(1), True),
    Endpoint("GET", "/api/v3/orderList", _engine("get_order_list"), _w(4), True),
    Endpoint("GET", "/api/v3/openOrderList", _engine("open_order_lists"), _w(6), True),
    Endpoint("GET", "/api/v3/allOrderList", _engine("all_order_lists"), _w(20), True),
    Endpoint("GET", "/api/v3/myTrades", _engine("my_trades"), lambda raw: 5 if raw.get("orderId") else 20, True),
    Endpoint("GET", "/api/v3/account", _engine("account"), _w(20), True),
)

# listenKey management was removed (prod 2026-02-20, facts §7); a retired endpoint answers
# 410 Gone, as observed against production after the removal.
RETIRED: tuple[str, ...] = ("/api/v3/userDataStream",)

ALL: tuple[Endpoint, ...] = PUBLIC + SIGNED
