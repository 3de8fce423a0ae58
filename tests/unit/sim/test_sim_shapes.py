"""Response and event shapes against Binance's samples (tests/unit/sim/fixtures, see PROVENANCE.md).

Rule: every key of the sample is present (except conditional ones the order does not use),
every extra key is one Binance documents as conditional, and shared keys have the same JSON
type (numbers stay numbers, decimals stay strings).
"""
from __future__ import annotations

from typing import Any

from trading.exchange.sim.engine import SimEngine

from .helpers import Events, fixture, limit, place, tick

# "Conditional fields in order responses" (facts §2.2).
CONDITIONAL = frozenset({"stopPrice", "icebergQty", "trailingDelta", "trailingTime", "strategyId",
                         "strategyType", "expiryReason", "preventedMatchId", "preventedQuantity"})
# executionReport fields documented in facts §7 that the docs-derived samples omit.
REPORT_EXTRAS = frozenset({"F", "g", "I", "M", "Q", "Y", "W", "V", "d", "D", "j", "J", "eR"})


def assert_shape(ours: dict[str, Any], sample: dict[str, Any], optional: frozenset[str] = CONDITIONAL) -> None:
    missing = set(sample) - set(ours) - optional
    extra = set(ours) - set(sample) - optional
    assert not missing and not extra, f"missing {missing}, extra {extra}"
    for key in set(ours) & set(sample):
        if ours[key] is not None and sample[key] is not None:
            assert type(ours[key]) is type(sample[key]), key


def assert_list_shape(ours: dict[str, Any], sample: dict[str, Any]) -> None:
    assert_shape({k: v for k, v in ours.items() if k != "orderReports"},
                 {k: v for k, v in sample.items() if k != "orderReports"}, frozenset())
    for entry in ours["orders"]:
        assert_shape(entry, sample["orders"][0], frozenset())
    for report, expected in zip(ours.get("orderReports", []), sample.get("orderReports", []), strict=False):
        assert_shape(report, expected)


def test_ack_result_and_full_placement_bodies(engine: SimEngine) -> None:
    assert_shape(limit(engine, "BUY", "0.1", "29000.00", newOrderRespType="ACK"), fixture("docs_new_order_ACK.json"))
    assert_shape(limit(engine, "BUY", "0.1", "29000.00", newOrderRespType="RESULT"),
                 fixture("docs_new_order_RESULT.json"))
    full = place(engine, side="SELL", type="MARKET", quantity="0.5")
    sample = fixture("docs_new_order_FULL.json")
    assert_shape(full, sample)
    assert_shape(full["fills"][0], sample["fills"][0], frozenset())


def test_cancel_and_query_bodies(engine: SimEngine) -> None:
    order = limit(engine, "BUY", "0.1", "29000.00")
    query = engine.get_order({"symbol": "BTCUSDT", "orderId": str(order["orderId"])})
    assert_shape(query, fixture("docs_query_order.json"))
    assert_shape(engine.open_orders()[0], fixture("open_orders_response.json")[0])
    assert_shape(engine.all_orders({"symbol": "BTCUSDT"})[0], fixture("all_orders_response.json")[0])
    assert_shape(engine.cancel_order({"symbol": "BTCUSDT", "orderId": str(order["orderId"])}),
                 fixture("docs_cancel_order.json"))


def oco_params(**extra: str) -> dict[str, str]:
    return {"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.5", "aboveType": "LIMIT_MAKER",
            "abovePrice": "30500.00", "belowType": "STOP_LOSS_LIMIT", "belowStopPrice": "29500.00",
            "belowPrice": "29400.00", "belowTimeInForce": "GTC", **extra}


def test_order_list_bodies(engine: SimEngine) -> None:
    oco = engine.new_oco(oco_params())
    assert_list_shape(oco, fixture("docs_new_orderList_OCO.json"))
    assert_list_shape(engine.get_order_list({"orderListId": str(oco["orderListId"])}),
                      fixture("docs_query_orderList.json"))
    assert_list_shape(engine.open_order_lists()[0], fixture("docs_open_orderLists.json")[0])
    canceled = engine.cancel_order_list({"symbol": "BTCUSDT", "orderListId": str(oco["orderListId"])})
    assert_list_shape(canceled, fixture("docs_cancel_orderList.json"))
    legacy = engine.new_oco_legacy({"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.5", "price": "30500.00",
                                    "stopPrice": "29500.00"})
    assert_list_shape(legacy, fixture("docs_new_OCO_deprecated_endpoint.json"))


def test_oto_and_otoco_bodies(engine: SimEngine) -> None:
    oto = engine.new_oto({"symbol": "BTCUSDT", "workingType": "LIMIT", "workingSide": "SELL",
                          "workingPrice": "30500.00", "workingQuantity": "0.1", "workingTimeInForce": "GTC",
                          "pendingType": "MARKET", "pendingSide": "BUY", "pendingQuantity": "0.1"})
    assert_list_shape(oto, fixture("docs_new_orderList_OTO.json"))
    otoco = engine.new_otoco({
        "symbol": "BTCUSDT", "workingType": "LIMIT", "workingSide": "SELL", "workingPrice": "30500.00",
        "workingQuantity": "0.1", "workingTimeInForce": "GTC", "pendingSide": "BUY", "pendingQuantity": "0.1",
        "pendingAboveType": "STOP_LOSS_LIMIT", "pendingAboveStopPrice": "31000.00",
        "pendingAbovePrice": "31100.00", "pendingAboveTimeInForce": "IOC",
        "pendingBelowType": "LIMIT_MAKER", "pendingBelowPrice": "29000.00"})
    sample = fixture("docs_new_orderList_OTOCO.json")
    assert_list_shape(otoco, sample)
    assert [r["type"] for r in otoco["orderReports"]] == [r["type"] for r in sample["orderReports"]]


def test_cancel_open_orders_body(engine: SimEngine) -> None:
    limit(engine, "BUY", "0.1", "29000.00")
    engine.new_oco(oco_params())
    single, lst = engine.cancel_open_orders({"symbol": "BTCUSDT"})
    sample = fixture("cancel_open_orders_response.json")
    assert_shape(single, sample[0])
    assert_list_shape(lst, sample[2])


def test_account_and_trades_bodies(engine: SimEngine) -> None:
    place(engine, side="SELL", type="MARKET", quantity="0.5")
    account, sample = engine.account(), fixture("account_response.json")
    assert_shape(account, sample, frozenset())
    assert_shape(account["commissionRates"], sample["commissionRates"], frozenset())
    assert_shape(account["balances"][0], sample["balances"][0], frozenset())
    assert_shape(engine.my_trades({"symbol": "BTCUSDT"})[0], fixture("account_trades_response.json")[0],
                 frozenset())


def test_exchange_info_matches_the_live_testnet_shape(engine: SimEngine) -> None:
    ours, live = engine.exchange_info(), fixture("testnet_exchangeInfo.json")
    assert_shape(ours, live, frozenset())
    assert_shape(ours["rateLimits"][0], live["rateLimits"][0], frozenset())
    live_btc = next(s for s in live["symbols"] if s["symbol"] == "BTCUSDT")
    assert_shape(ours["symbols"][0], live_btc, frozenset())
    live_filters = {f["filterType"]: f for f in live_btc["filters"]}
    for f in ours["symbols"][0]["filters"]:
        assert_shape(f, live_filters[f["filterType"]], frozenset())


def test_execution_report_shapes(engine: SimEngine, events: Events) -> None:
    order = limit(engine, "BUY", "3", "30001.00")  # NEW, then a TRADE
    engine.cancel_order({"symbol": "BTCUSDT", "orderId": str(order["orderId"])})
    limit(engine, "BUY", "1", "29000.00", tif="IOC")  # NEW, then EXPIRED
    by_type = {r["x"]: r for r in events.reports()}
    for kind in ("new", "trade", "canceled", "expired"):
        sample = fixture(f"ws_execution_report_{kind}.json")
        assert_shape(by_type[kind.upper()], sample, REPORT_EXTRAS)


def test_execution_reports_match_live_binance_events_key_for_key(engine: SimEngine, events: Events) -> None:
    place(engine, side="BUY", type="MARKET", quoteOrderQty="100")
    new, trade = events.reports()
    assert_shape(new, fixture("live_execution_report_market_new_ccxt.json"), frozenset())
    assert_shape(trade, fixture("live_execution_report_market_trade_ccxt.json"), frozenset())
    assert (new["w"], new["q"], new["Q"], trade["M"], trade["w"]) == (True, "0.00333000", "100.00000000", True,
                                                                      False)


def test_list_status_account_position_and_balance_update_shapes(engine: SimEngine, events: Events) -> None:
    engine.new_oco(oco_params())
    engine.deposit("BTC", "1")
    status = events.lists()[0]
    sample = fixture("ws_list_status_wrapped.json")["event"]
    assert_shape(status, sample, frozenset())
    assert_shape(status["O"][0], sample["O"][0], frozenset())
    position = next(e for e in events.items if e["e"] == "outboundAccountPosition")
    sample = fixture("ws_account_position.json")
    assert_shape(position, sample, frozenset())
    assert_shape(position["B"][0], sample["B"][0], frozenset())
    update = next(e for e in events.items if e["e"] == "balanceUpdate")
    assert_shape(update, fixture("ws_balance_update.json"), frozenset())


def test_trade_report_fields_follow_the_fill(engine: SimEngine, events: Events) -> None:
    tick(engine, "30000.00", "30001.00")
    limit(engine, "BUY", "0.5", "30001.00")
    trade = events.reports()[-1]
    assert (trade["x"], trade["X"], trade["l"], trade["L"], trade["n"], trade["N"], trade["Y"]) == (
        "TRADE", "FILLED", "0.50000000", "30001.00000000", "0.00050000", "BTC", "15000.50000000")
