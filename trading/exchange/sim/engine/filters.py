"""Symbol filters (facts §3): static checks raise -1013, account-state checks raise -2010.

Each check is a small function reading the filter dict as exchangeInfo shows it, so a filter
changed at runtime by a fault hook applies to the very next order.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from . import errors
from .decimals import div, is_multiple, mul
from .enums import OrderType, Side
from .orders import OrderRequest
from .symbols import Filter, SymbolSpec

AvgPrice = Callable[[int], Decimal | None]
_MARKET_LIKE = (OrderType.MARKET, OrderType.STOP_LOSS, OrderType.TAKE_PROFIT)


def _d(f: Filter, key: str) -> Decimal:
    return Decimal(str(f[key]))


def check_static(spec: SymbolSpec, req: OrderRequest, qty: Decimal | None, avg_price: AvgPrice) -> None:
    """Raise -1013 "Filter failure: NAME" for the first static filter the order breaks.

    `qty` is the order quantity, None for a quoteOrderQty MARKET order (sized at execution).
    """
    _price_filter(spec, req)
    _percent_price(spec, req, avg_price)
    _lot_size(spec, "LOT_SIZE", qty)
    if req.iceberg_qty is not None:
        _lot_size(spec, "LOT_SIZE", req.iceberg_qty)
    if req.type is OrderType.MARKET:
        _lot_size(spec, "MARKET_LOT_SIZE", qty)
    _notional(spec, req, qty, avg_price)
    _iceberg_parts(spec, req, qty)
    _trailing_delta(spec, req)


def _price_filter(spec: SymbolSpec, req: OrderRequest) -> None:
    f = spec.filter("PRICE_FILTER")
    if f is None:
        return
    lo, hi, tick = _d(f, "minPrice"), _d(f, "maxPrice"), _d(f, "tickSize")
    for value in (req.price, req.stop_price):
        if value is None:
            continue
        if (lo > 0 and value < lo) or (hi > 0 and value > hi) or not is_multiple(value, tick):
            raise errors.filter_failure("PRICE_FILTER")


def _percent_price(spec: SymbolSpec, req: OrderRequest, avg_price: AvgPrice) -> None:
    if req.price is None:
        return
    f = spec.filter("PERCENT_PRICE")
    if f is not None:
        _within_avg(req.price, avg_price(int(f["avgPriceMins"])), _d(f, "multiplierDown"),
                    _d(f, "multiplierUp"), "PERCENT_PRICE")
    f = spec.filter("PERCENT_PRICE_BY_SIDE")
    if f is not None:
        side = "bid" if req.side is Side.BUY else "ask"
        _within_avg(req.price, avg_price(int(f["avgPriceMins"])), _d(f, f"{side}MultiplierDown"),
                    _d(f, f"{side}MultiplierUp"), "PERCENT_PRICE_BY_SIDE")


def _within_avg(price: Decimal, avg: Decimal | None, down: Decimal, up: Decimal, name: str) -> None:
    # Without any market price yet there is no reference to compare against.
    if avg is not None and not mul(avg, down) <= price <= mul(avg, up):
        raise errors.filter_failure(name)


def _lot_size(spec: SymbolSpec, name: str, qty: Decimal | None) -> None:
    f = spec.filter(name)
    if f is None or qty is None:
        return
    lo, hi, step = _d(f, "minQty"), _d(f, "maxQty"), _d(f, "stepSize")
    if qty <= 0 or (lo > 0 and qty < lo) or (hi > 0 and qty > hi) or not is_multiple(qty, step):
        raise errors.filter_failure(name)


def _notional_price(req: OrderRequest, avg: Decimal | None) -> Decimal | None:
    if req.type is OrderType.MARKET:
        return avg
    if req.type in _MARKET_LIKE:  # stop-market: judged at its stop price when it has one
        return req.stop_price if req.stop_price is not None else avg
    return req.price


def _notional(spec: SymbolSpec, req: OrderRequest, qty: Decimal | None, avg_price: AvgPrice) -> None:
    market_like = req.type in _MARKET_LIKE
    legacy = spec.filter("MIN_NOTIONAL")
    if legacy is not None and (not market_like or legacy.get("applyToMarket", True)):
        value = _order_notional(req, qty, avg_price(int(legacy.get("avgPriceMins", 5))))
        if value is not None and value < _d(legacy, "minNotional"):
            raise errors.filter_failure("MIN_NOTIONAL")
    f = spec.filter("NOTIONAL")
    if f is None:
        return
    value = _order_notional(req, qty, avg_price(int(f.get("avgPriceMins", 5))))
    if value is None:
        return
    if (not market_like or f.get("applyMinToMarket", True)) and value < _d(f, "minNotional"):
        raise errors.filter_failure("NOTIONAL")
    if (not market_like or f.get("applyMaxToMarket", False)) and value > _d(f, "maxNotional"):
        raise errors.filter_failure("NOTIONAL")


def _order_notional(req: OrderRequest, qty: Decimal | None, avg: Decimal | None) -> Decimal | None:
    if req.quote_order_qty is not None:
        return req.quote_order_qty
    price = _notional_price(req, avg)
    return None if price is None or qty is None else mul(price, qty)


def _iceberg_parts(spec: SymbolSpec, req: OrderRequest, qty: Decimal | None) -> None:
    f = spec.filter("ICEBERG_PARTS")
    if f is None or req.iceberg_qty is None or not req.iceberg_qty or qty is None:
        return
    if math.ceil(div(qty, req.iceberg_qty)) > int(f["limit"]):
        raise errors.filter_failure("ICEBERG_PARTS")


def _trailing_delta(spec: SymbolSpec, req: OrderRequest) -> None:
    f = spec.filter("TRAILING_DELTA")
    if f is None or req.trailing_delta is None:
        return
    # Above range for SL BUY and TP SELL, below range for SL SELL and TP BUY (facts §3).
    is_stop_loss = req.type in (OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT)
    band = "Above" if is_stop_loss == (req.side is Side.BUY) else "Below"
    lo, hi = int(f[f"minTrailing{band}Delta"]), int(f[f"maxTrailing{band}Delta"])
    if not lo <= req.trailing_delta <= hi:
        raise errors.filter_failure("TRAILING_DELTA")


@dataclass(frozen=True)
class OpenCounts:
    """Open orders and lists of the account, on one symbol or on the whole exchange."""

    orders: int = 0
    algo: int = 0
    iceberg: int = 0
    lists: int = 0


def check_account(spec: SymbolSpec, exchange_filters: Sequence[Filter], symbol_counts: OpenCounts,
                  exchange_counts: OpenCounts, added: OpenCounts, position_after: Decimal | None) -> None:
    """Raise -2010 "Filter failure: NAME" when the new orders would exceed an account limit.

    `added` counts what the request adds (an OCO adds 2 orders, facts §2.3); `position_after`
    is the base position a BUY would reach, None for a SELL.
    """
    _limit(spec.filter("MAX_NUM_ORDERS"), "maxNumOrders", symbol_counts.orders + added.orders, "MAX_NUM_ORDERS")
    _limit(spec.filter("MAX_NUM_ALGO_ORDERS"), "maxNumAlgoOrders", symbol_counts.algo + added.algo,
           "MAX_NUM_ALGO_ORDERS")
    _limit(spec.filter("MAX_NUM_ICEBERG_ORDERS"), "maxNumIcebergOrders",
           symbol_counts.iceberg + added.iceberg, "MAX_NUM_ICEBERG_ORDERS")
    _limit(spec.filter("MAX_NUM_ORDER_LISTS"), "maxNumOrderLists", symbol_counts.lists + added.lists,
           "MAX_NUM_ORDER_LISTS")
    by_type = {f["filterType"]: f for f in exchange_filters}
    for name, key, total in (
        ("EXCHANGE_MAX_NUM_ORDERS", "maxNumOrders", exchange_counts.orders + added.orders),
        ("EXCHANGE_MAX_NUM_ALGO_ORDERS", "maxNumAlgoOrders", exchange_counts.algo + added.algo),
        ("EXCHANGE_MAX_NUM_ICEBERG_ORDERS", "maxNumIcebergOrders", exchange_counts.iceberg + added.iceberg),
        ("EXCHANGE_MAX_NUM_ORDER_LISTS", "maxNumOrderLists", exchange_counts.lists + added.lists),
    ):
        _limit(by_type.get(name), key, total, name)
    f = spec.filter("MAX_POSITION")
    if f is not None and position_after is not None and position_after > _d(f, "maxPosition"):
        raise errors.account_filter_failure("MAX_POSITION")


def _limit(f: Filter | None, key: str, total: int, name: str) -> None:
    if f is not None and total > int(f[key]):
        raise errors.account_filter_failure(name)
