"""Every filter (facts §3) and parameter rejection, with Binance's exact code and message."""
from __future__ import annotations

import pytest

from trading.domain.clock import ManualClock
from trading.exchange.sim.engine import SimEngine, typical_spec

from .helpers import api_error, limit, place, query, tick

FILTER = "Filter failure: {}"


@pytest.mark.parametrize(("qty", "price", "name"), [
    ("0.1", "29000.001", "PRICE_FILTER"),          # off the 0.01 tick
    ("0.1", "0.001", "PRICE_FILTER"),              # below minPrice
    ("0.000001", "2000000.00", "PRICE_FILTER"),    # above maxPrice (checked before the others)
    ("0.1", "160000.00", "PERCENT_PRICE_BY_SIDE"),  # > 5 x average price for a BUY
    ("0.000005", "29000.00", "LOT_SIZE"),          # below minQty
    ("0.000015", "29000.00", "LOT_SIZE"),          # off the step
    ("9001", "29000.00", "LOT_SIZE"),              # above maxQty
    ("0.0001", "29000.00", "NOTIONAL"),            # 2.9 < minNotional 5
    ("400", "29000.00", "NOTIONAL"),               # 11.6M > maxNotional 9M
])
def test_static_filter_failures_on_a_buy_limit(engine: SimEngine, qty: str, price: str, name: str) -> None:
    with api_error(-1013, FILTER.format(name), http_status=400):
        limit(engine, "BUY", qty, price)


def test_percent_price_by_side_uses_the_ask_multipliers_for_a_sell(engine: SimEngine) -> None:
    with api_error(-1013, FILTER.format("PERCENT_PRICE_BY_SIDE")):
        limit(engine, "SELL", "0.1", "5000.00")


def test_legacy_percent_price_filter(engine: SimEngine) -> None:
    engine.remove_filter("BTCUSDT", "PERCENT_PRICE_BY_SIDE")
    engine.set_filter("BTCUSDT", {"filterType": "PERCENT_PRICE", "multiplierUp": "1.1", "multiplierDown": "0.9",
                                  "avgPriceMins": 0})
    with api_error(-1013, FILTER.format("PERCENT_PRICE")):
        limit(engine, "SELL", "0.1", "34000.00")


def test_stop_price_must_follow_the_tick(engine: SimEngine) -> None:
    with api_error(-1013, FILTER.format("PRICE_FILTER")):
        place(engine, side="SELL", type="STOP_LOSS", quantity="0.1", stopPrice="29000.005")


def test_market_lot_size_and_market_notional(engine: SimEngine) -> None:
    with api_error(-1013, FILTER.format("MARKET_LOT_SIZE")):
        place(engine, side="SELL", type="MARKET", quantity="101")
    with api_error(-1013, FILTER.format("NOTIONAL")):  # applyMinToMarket, at the average price
        place(engine, side="SELL", type="MARKET", quantity="0.0001")


def test_legacy_min_notional_filter(engine: SimEngine) -> None:
    engine.remove_filter("BTCUSDT", "NOTIONAL")
    engine.set_filter("BTCUSDT", {"filterType": "MIN_NOTIONAL", "minNotional": "10.00000000",
                                  "applyToMarket": True, "avgPriceMins": 5})
    with api_error(-1013, FILTER.format("MIN_NOTIONAL")):
        limit(engine, "BUY", "0.0003", "29000.00")


def test_iceberg_parts_and_iceberg_larger_than_the_order(engine: SimEngine) -> None:
    with api_error(-1013, FILTER.format("ICEBERG_PARTS")):
        limit(engine, "BUY", "1", "29000.00", icebergQty="0.001")
    with api_error(-2010, "IcebergQty exceeds QTY."):
        limit(engine, "BUY", "1", "29000.00", icebergQty="1")
    assert limit(engine, "BUY", "1", "29000.00", icebergQty="0.1", newOrderRespType="RESULT")["icebergQty"] \
        == "0.10000000"


@pytest.mark.parametrize(("filter_", "setup"), [
    ({"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 2}, None),
    ({"filterType": "MAX_NUM_ICEBERG_ORDERS", "maxNumIcebergOrders": 0}, "iceberg"),
])
def test_account_state_filters_come_from_the_engine_as_2010(engine: SimEngine, filter_: dict[str, object],
                                                             setup: str | None) -> None:
    engine.set_filter("BTCUSDT", filter_)
    extra = {"icebergQty": "0.05"} if setup else {}
    if not setup:
        limit(engine, "BUY", "0.1", "29000.00")
        limit(engine, "BUY", "0.1", "29000.00")
    with api_error(-2010, FILTER.format(filter_["filterType"])):
        limit(engine, "BUY", "0.1", "29000.00", **extra)


def test_max_position_counts_balance_and_open_buys(engine: SimEngine) -> None:
    engine.set_filter("BTCUSDT", {"filterType": "MAX_POSITION", "maxPosition": "10.50000000"})
    limit(engine, "BUY", "0.4", "29000.00")
    with api_error(-2010, FILTER.format("MAX_POSITION")):
        limit(engine, "BUY", "0.2", "29000.00")
    assert limit(engine, "SELL", "0.2", "31000.00")["status"] == "NEW"  # sells never grow a position


def test_exchange_wide_order_limit(engine: SimEngine) -> None:
    engine.set_exchange_filters([{"filterType": "EXCHANGE_MAX_NUM_ORDERS", "maxNumOrders": 1}])
    limit(engine, "BUY", "0.1", "29000.00")
    with api_error(-2010, FILTER.format("EXCHANGE_MAX_NUM_ORDERS")):
        limit(engine, "BUY", "0.1", "29000.00")
    assert engine.exchange_info()["exchangeFilters"] == [
        {"filterType": "EXCHANGE_MAX_NUM_ORDERS", "maxNumOrders": 1}]


def test_insufficient_balance(engine: SimEngine) -> None:
    with api_error(-2010, "Account has insufficient balance for requested action."):
        limit(engine, "BUY", "4", "29000.00")
    with api_error(-2010, "Account has insufficient balance for requested action."):
        limit(engine, "SELL", "10.5", "31000.00")
    assert engine.all_orders({"symbol": "BTCUSDT"}) == []  # no id was spent on rejects


def test_halted_symbol_rejects_new_orders_keeps_cancels_and_stops_matching(engine: SimEngine) -> None:
    resting = limit(engine, "BUY", "0.1", "29990.00")["orderId"]
    engine.set_symbol_status("BTCUSDT", "HALT")
    with api_error(-2010, "Market is closed."):
        limit(engine, "BUY", "0.1", "29000.00")
    tick(engine, "29980.00", "29985.00")
    assert query(engine, resting)["status"] == "NEW"
    assert engine.exchange_info({"symbol": "BTCUSDT"})["symbols"][0]["status"] == "HALT"
    engine.set_symbol_status("BTCUSDT", "TRADING")
    tick(engine, "29980.00", "29985.00")
    assert query(engine, resting)["status"] == "FILLED"


def test_order_type_disabled_on_the_symbol(clock: ManualClock) -> None:
    sim = SimEngine(clock, [typical_spec(order_types=("LIMIT", "MARKET"))])
    with api_error(-1013, "Take profit orders are not supported for this symbol."):
        sim.new_order({"symbol": "BTCUSDT", "side": "SELL", "type": "TAKE_PROFIT", "quantity": "0.1",
                       "stopPrice": "31000"})


def test_filter_changed_at_runtime_applies_to_the_next_order(engine: SimEngine) -> None:
    assert limit(engine, "BUY", "0.1", "29000.50")["status"] == "NEW"
    engine.set_filter("BTCUSDT", {"filterType": "PRICE_FILTER", "minPrice": "1.00", "maxPrice": "1000000.00",
                                  "tickSize": "1.00"})
    with api_error(-1013, FILTER.format("PRICE_FILTER")):
        limit(engine, "BUY", "0.1", "29000.50")
    shown = engine.exchange_info({"symbol": "BTCUSDT"})["symbols"][0]["filters"]
    assert {"filterType": "PRICE_FILTER", "minPrice": "1.00", "maxPrice": "1000000.00", "tickSize": "1.00"} in shown


MANDATORY = "Mandatory parameter '{}' was not sent, was empty/null, or malformed."


@pytest.mark.parametrize(("params", "code", "msg"), [
    ({"side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.1"}, -1102, MANDATORY.format("price")),
    ({"side": "BUY", "type": "LIMIT", "quantity": "0.1", "price": "29000"}, -1102, MANDATORY.format("timeInForce")),
    ({"side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "price": "29000"}, -1102,
     MANDATORY.format("quantity")),
    ({"side": "BUY", "type": "MARKET"}, -1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were "
                                               "empty/null!"),
    ({"side": "SELL", "type": "STOP_LOSS", "quantity": "0.1"}, -1102,
     "Param 'stopPrice' or 'trailingDelta' must be sent, but both were empty/null!"),
    ({"side": "BUY", "type": "MARKET", "quantity": "0.1", "timeInForce": "GTC"}, -1106,
     "Parameter 'timeInForce' sent when not required."),
    ({"side": "BUY", "type": "MARKET", "quantity": "0.1", "price": "29000"}, -1106,
     "Parameter 'price' sent when not required."),
    ({"side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.1", "price": "29000",
      "stopPrice": "1"}, -1106, "Parameter 'stopPrice' sent when not required."),
    ({"side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.1", "price": "29000.123456789"},
     -1111, "Parameter 'price' has too much precision."),
    ({"side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "1e-1", "price": "29000"}, -1100,
     "Illegal characters found in parameter 'quantity'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'."),
    ({"side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.1", "price": "29000", "foo": "1"},
     -1104, "Not all sent parameters were read; read '6' parameter(s) but was sent '7'."),
    ({"side": "HOLD", "type": "LIMIT"}, -1117, "Invalid side."),
    ({"side": "BUY", "type": "ICEBERG"}, -1116, "Invalid orderType."),
    ({"side": "BUY", "type": "LIMIT", "timeInForce": "GTD", "quantity": "0.1", "price": "29000"}, -1115,
     "Invalid timeInForce."),
])
def test_parameter_errors(engine: SimEngine, params: dict[str, str], code: int, msg: str) -> None:
    with api_error(code, msg):
        place(engine, **params)


def test_unknown_and_missing_symbol(engine: SimEngine) -> None:
    with api_error(-1121, "Invalid symbol."):
        engine.new_order({"symbol": "DOGEUSDT", "side": "BUY", "type": "MARKET", "quantity": "1"})
    with api_error(-1102, MANDATORY.format("symbol")):
        engine.new_order({"side": "BUY", "type": "MARKET", "quantity": "1"})
    with api_error(-1121, "Invalid symbol."):
        engine.exchange_info({"symbol": "DOGEUSDT"})


def test_transport_params_are_ignored(engine: SimEngine) -> None:
    body = limit(engine, "BUY", "0.1", "29000.00", timestamp="1", recvWindow="10000", signature="ab")
    assert body["status"] == "NEW"


@pytest.mark.parametrize(("filter_", "kind"), [
    ({"filterType": "EXCHANGE_MAX_NUM_ALGO_ORDERS", "maxNumAlgoOrders": 0}, "stop"),
    ({"filterType": "EXCHANGE_MAX_NUM_ICEBERG_ORDERS", "maxNumIcebergOrders": 0}, "iceberg"),
    ({"filterType": "EXCHANGE_MAX_NUM_ORDER_LISTS", "maxNumOrderLists": 0}, "oco"),
])
def test_exchange_wide_algo_iceberg_and_list_limits(engine: SimEngine, filter_: dict[str, object],
                                                    kind: str) -> None:
    engine.set_exchange_filters([filter_])
    with api_error(-2010, FILTER.format(filter_["filterType"])):
        if kind == "stop":
            place(engine, side="SELL", type="STOP_LOSS", quantity="0.1", stopPrice="29000.00")
        elif kind == "iceberg":
            limit(engine, "BUY", "1", "29000.00", icebergQty="0.1")
        else:
            engine.new_oco({"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.5", "aboveType": "LIMIT_MAKER",
                            "abovePrice": "30500.00", "belowType": "STOP_LOSS", "belowStopPrice": "29500.00"})


def test_an_oco_counts_two_orders_toward_max_num_orders(engine: SimEngine) -> None:
    engine.set_filter("BTCUSDT", {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 2})
    limit(engine, "BUY", "0.1", "29000.00")
    with api_error(-2010, FILTER.format("MAX_NUM_ORDERS")):
        engine.new_oco({"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.5", "aboveType": "LIMIT_MAKER",
                        "abovePrice": "30500.00", "belowType": "STOP_LOSS", "belowStopPrice": "29500.00"})


def test_exchange_info_filters_by_status(engine: SimEngine) -> None:
    assert engine.exchange_info({"symbolStatus": "HALT"})["symbols"] == []
    assert len(engine.exchange_info({"symbols": '["BTCUSDT"]', "symbolStatus": "TRADING"})["symbols"]) == 1
    with api_error(-1122, "Invalid symbolStatus."):
        engine.exchange_info({"symbolStatus": "SLEEPING"})
