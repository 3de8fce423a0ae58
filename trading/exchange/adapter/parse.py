"""Binance REST bodies -> the typed values of `trading.domain.ports` (facts §2).

Decimals come as strings and stay exact. Ids and times are JSON numbers on the wire, but some
recorded samples carry them as strings (ccxt fixtures), so integers accept both. Binance's
sentinels become None: orderListId -1, workingTime -1 (untriggered stop), stopPrice "0".
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from trading.domain.contracts.decision import Side
from trading.domain.contracts.intent import OrderType
from trading.domain.contracts.quantize import SymbolFilters
from trading.domain.ports import (
    AccountSnapshot,
    Balance,
    BookTicker,
    ExchangeInfo,
    Fill,
    Kline,
    OrderListState,
    OrderRef,
    OrderState,
    OrderStatus,
    SymbolInfo,
    Ticker24h,
    TimeInForce,
    Trade,
)

log = logging.getLogger(__name__)
Body = Mapping[str, Any]


def dec(value: Any) -> Decimal:
    """Return a decimal string (or int) as Decimal; floats are refused (they already rounded)."""
    if type(value) is str:  # the common case, first
        return Decimal(value)
    if isinstance(value, (bool, float)) or not isinstance(value, (str, int)):
        raise TypeError(f"expected a decimal string, got {type(value).__name__}")
    return Decimal(value)


def num(value: Any) -> int:
    """Return a JSON number, or a numeric string as in the ccxt samples, as int."""
    if type(value) is int:
        return value
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    return int(value)


def opt_id(value: Any) -> int | None:
    """Return an id, or None for Binance's -1 / absent."""
    if value is None:
        return None
    n = num(value)
    return None if n == -1 else n


def opt_positive(value: Any) -> Decimal | None:
    """Return a price that Binance sends as "0.00000000" when unset, or None."""
    if value is None:
        return None
    d = dec(value)
    return d if d > 0 else None


def parse_exchange_info(body: Body, only: Iterable[str] | None = None) -> ExchangeInfo:
    """Return exchangeInfo with parsed filters; a symbol whose filters cannot be read is skipped."""
    wanted = set(only) if only is not None else None
    symbols: dict[str, SymbolInfo] = {}
    for entry in body.get("symbols", []):
        if wanted is not None and entry.get("symbol") not in wanted:
            continue
        try:
            info = parse_symbol(entry)
        except (KeyError, TypeError, ValueError, ArithmeticError) as err:
            log.warning("exchangeInfo: skipping %s (%s)", entry.get("symbol"), type(err).__name__)
            continue
        symbols[info.symbol] = info
    return ExchangeInfo(server_time_ms=num(body["serverTime"]), weight_limit_per_minute=weight_limit(body),
                        symbols=symbols)


def weight_limit(body: Body) -> int | None:
    """Return REQUEST_WEIGHT per 1 MINUTE from rateLimits (facts §2.1), None if absent."""
    for rl in body.get("rateLimits", []):
        if rl.get("rateLimitType") == "REQUEST_WEIGHT" and rl.get("interval") == "MINUTE" \
                and num(rl.get("intervalNum", 1)) == 1:
            return num(rl["limit"])
    return None


def parse_symbol(entry: Body) -> SymbolInfo:
    """Return one `symbols[]` entry."""
    by_type = {f["filterType"]: f for f in entry["filters"]}
    max_orders, max_algo = by_type.get("MAX_NUM_ORDERS"), by_type.get("MAX_NUM_ALGO_ORDERS")
    return SymbolInfo(
        symbol=entry["symbol"], status=entry["status"], base_asset=entry["baseAsset"],
        quote_asset=entry["quoteAsset"], order_types=frozenset(entry.get("orderTypes", [])),
        filters=SymbolFilters.from_exchange_info(entry),
        oco_allowed=bool(entry.get("ocoAllowed", False)), oto_allowed=bool(entry.get("otoAllowed", False)),
        allow_trailing_stop=bool(entry.get("allowTrailingStop", False)),
        cancel_replace_allowed=bool(entry.get("cancelReplaceAllowed", False)),
        quote_order_qty_market_allowed=bool(entry.get("quoteOrderQtyMarketAllowed", False)),
        is_spot_trading_allowed=bool(entry.get("isSpotTradingAllowed", True)),
        permissions=tuple(entry.get("permissions", [])) or tuple(
            p for group in entry.get("permissionSets", []) for p in group),
        max_num_orders=num(max_orders["maxNumOrders"]) if max_orders else None,
        max_num_algo_orders=num(max_algo["maxNumAlgoOrders"]) if max_algo else None,
    )


def parse_ticker(body: Body) -> Ticker24h:
    """Return a 24hr ticker (FULL or MINI; MINI has no priceChangePercent)."""
    pct = body.get("priceChangePercent")
    return Ticker24h(
        symbol=body["symbol"], last_price=dec(body["lastPrice"]), open_price=dec(body["openPrice"]),
        high_price=dec(body["highPrice"]), low_price=dec(body["lowPrice"]), volume=dec(body["volume"]),
        quote_volume=dec(body["quoteVolume"]), price_change_percent=dec(pct) if pct is not None else None,
        open_time_ms=num(body["openTime"]), close_time_ms=num(body["closeTime"]), count=num(body["count"]))


def parse_kline_row(row: Sequence[Any]) -> Kline:
    """Return one 12-field kline array (facts §2)."""
    return Kline(open_time_ms=num(row[0]), open=dec(row[1]), high=dec(row[2]), low=dec(row[3]),
                 close=dec(row[4]), volume=dec(row[5]), close_time_ms=num(row[6]), quote_volume=dec(row[7]),
                 trades=num(row[8]), taker_buy_base=dec(row[9]), taker_buy_quote=dec(row[10]))


def parse_book_ticker(body: Body) -> BookTicker:
    """Return GET /ticker/bookTicker for one symbol."""
    return BookTicker(symbol=body["symbol"], bid_price=dec(body["bidPrice"]), bid_qty=dec(body["bidQty"]),
                      ask_price=dec(body["askPrice"]), ask_qty=dec(body["askQty"]))


def parse_account(body: Body) -> AccountSnapshot:
    """Return GET /account."""
    rates = body.get("commissionRates") or {}
    balances = {b["asset"]: Balance(b["asset"], dec(b["free"]), dec(b["locked"])) for b in body["balances"]}
    return AccountSnapshot(
        can_trade=bool(body.get("canTrade", False)), update_time_ms=num(body.get("updateTime", 0)),
        balances=balances, maker_commission=dec(rates["maker"]) if "maker" in rates else None,
        taker_commission=dec(rates["taker"]) if "taker" in rates else None)


def parse_order(body: Body) -> OrderState:
    """Return an order from any of: POST /order (ACK/RESULT/FULL), GET /order, DELETE /order,
    an order list's orderReports, GET /openOrders or /allOrders."""
    status, side, otype, tif = body.get("status"), body.get("side"), body.get("type"), body.get("timeInForce")
    time_ms = body.get("transactTime", body.get("time", body.get("updateTime", 0)))
    delta = body.get("trailingDelta")
    return OrderState(
        symbol=body["symbol"], order_id=num(body["orderId"]), client_order_id=body["clientOrderId"],
        time_ms=num(time_ms), status=OrderStatus(status) if status else None,
        side=Side(side) if side else None, type=OrderType(otype) if otype else None,
        time_in_force=TimeInForce(tif) if tif else None,
        price=dec(body.get("price", "0")), orig_qty=dec(body.get("origQty", "0")),
        executed_qty=dec(body.get("executedQty", "0")),
        cumulative_quote_qty=dec(body.get("cummulativeQuoteQty", "0")),  # sic: Binance's spelling
        stop_price=opt_positive(body.get("stopPrice")), trailing_delta=num(delta) if delta is not None else None,
        order_list_id=opt_id(body.get("orderListId")), orig_client_order_id=body.get("origClientOrderId"),
        update_time_ms=num(body["updateTime"]) if "updateTime" in body else None,
        working_time_ms=opt_id(body.get("workingTime")), expiry_reason=body.get("expiryReason"),
        fills=tuple(Fill(dec(f["price"]), dec(f["qty"]), dec(f["commission"]), f["commissionAsset"],
                         num(f["tradeId"])) for f in body.get("fills", ())))


def parse_order_list(body: Body) -> OrderListState:
    """Return an order list; `transactionTime`, not `transactTime` (facts §2.3)."""
    return OrderListState(
        order_list_id=num(body["orderListId"]), list_client_order_id=body["listClientOrderId"],
        contingency_type=body["contingencyType"], list_status_type=body["listStatusType"],
        list_order_status=body["listOrderStatus"], transaction_time_ms=num(body["transactionTime"]),
        symbol=body["symbol"],
        orders=tuple(OrderRef(o["symbol"], num(o["orderId"]), o["clientOrderId"]) for o in body["orders"]),
        reports=tuple(parse_order(r) for r in body.get("orderReports", ())))


def parse_trade(body: Body) -> Trade:
    """Return one GET /myTrades row."""
    return Trade(
        symbol=body["symbol"], trade_id=num(body["id"]), order_id=num(body["orderId"]),
        order_list_id=opt_id(body.get("orderListId")), price=dec(body["price"]), qty=dec(body["qty"]),
        quote_qty=dec(body["quoteQty"]), commission=dec(body["commission"]),
        commission_asset=body["commissionAsset"], time_ms=num(body["time"]), is_buyer=bool(body["isBuyer"]),
        is_maker=bool(body["isMaker"]))
