"""Order lists: OCO (both endpoints), OTO and OTOCO, their leg rules, fills, cancels and queries."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from trading.domain.clock import ManualClock
from trading.exchange.sim.engine import SimEngine, typical_spec

from .helpers import Events, api_error, balance, query, tick

# Market 30000.00 / 30001.00, last (mid) 30000.50.


def sell_oco(engine: SimEngine, **over: str | None) -> dict[str, Any]:
    params: dict[str, str | None] = {
        "symbol": "BTCUSDT", "side": "SELL", "quantity": "0.5",
        "aboveType": "LIMIT_MAKER", "abovePrice": "30500.00",
        "belowType": "STOP_LOSS_LIMIT", "belowStopPrice": "29500.00", "belowPrice": "29400.00",
        "belowTimeInForce": "GTC"}
    params.update(over)
    return engine.new_oco({k: v for k, v in params.items() if v is not None})


def leg_ids(body: dict[str, Any]) -> list[int]:
    return [o["orderId"] for o in body["orders"]]


def test_oco_placement_shape_ids_and_single_lock(engine: SimEngine, events: Events) -> None:
    body = sell_oco(engine, listClientOrderId="exit-1")
    assert (body["contingencyType"], body["listStatusType"], body["listOrderStatus"]) == (
        "OCO", "EXEC_STARTED", "EXECUTING")
    stop_leg, limit_leg = body["orderReports"]
    assert (stop_leg["type"], stop_leg["workingTime"], stop_leg["stopPrice"]) == (
        "STOP_LOSS_LIMIT", -1, "29500.00000000")
    assert (limit_leg["type"], limit_leg["workingTime"]) == ("LIMIT_MAKER", body["transactionTime"])
    assert limit_leg["orderId"] == stop_leg["orderId"] + 1
    assert {r["orderListId"] for r in body["orderReports"]} == {body["orderListId"]}
    assert balance(engine, "BTC") == (Decimal("9.5"), Decimal("0.5"))  # both legs share one lock
    assert [e["e"] for e in events.items] == ["executionReport", "executionReport", "listStatus",
                                              "outboundAccountPosition"]
    assert events.lists()[0]["C"] == "exit-1" and events.reports()[0]["g"] == body["orderListId"]


def test_limit_leg_fill_expires_the_stop_leg(engine: SimEngine, events: Events) -> None:
    stop_id, limit_id = leg_ids(sell_oco(engine))
    tick(engine, "30500.00", "30501.00")
    assert query(engine, limit_id)["status"] == "FILLED"
    expired = query(engine, stop_id)
    assert (expired["status"], expired["expiryReason"]) == ("EXPIRED", "OCO_TRIGGER")
    assert events.reports(stop_id)[-1]["eR"] == "OCO_TRIGGER"
    assert (events.lists()[-1]["l"], events.lists()[-1]["L"]) == ("ALL_DONE", "ALL_DONE")
    assert balance(engine, "BTC") == (Decimal("9.5"), Decimal(0))
    assert engine.open_order_lists() == []


def test_stop_leg_trigger_expires_the_limit_leg(engine: SimEngine, events: Events) -> None:
    stop_id, limit_id = leg_ids(sell_oco(engine))
    events.clear()
    tick(engine, "29499.00", "29500.00")
    assert query(engine, limit_id)["status"] == "EXPIRED"
    assert query(engine, stop_id)["status"] == "FILLED"
    assert engine.my_trades({"symbol": "BTCUSDT"})[0]["price"] == "29499.00000000"
    kinds = [(e["e"], e.get("i"), e.get("x")) for e in events.items if e["e"] != "outboundAccountPosition"]
    assert kinds == [("executionReport", limit_id, "EXPIRED"), ("executionReport", stop_id, "TRADE"),
                     ("listStatus", None, None)]


def test_partial_limit_leg_fill_expires_the_stop_and_the_list_ends_with_the_limit(engine: SimEngine) -> None:
    body = sell_oco(engine)
    stop_id, limit_id = leg_ids(body)
    tick(engine, "30500.00", "30501.00", bid_qty="0.2")
    assert query(engine, stop_id)["status"] == "EXPIRED"
    assert engine.get_order_list({"orderListId": str(body["orderListId"])})["listOrderStatus"] == "EXECUTING"
    tick(engine, "30500.00", "30501.00", bid_qty="1")
    assert query(engine, limit_id)["status"] == "FILLED"
    assert engine.get_order_list({"orderListId": str(body["orderListId"])})["listOrderStatus"] == "ALL_DONE"
    assert balance(engine, "BTC") == (Decimal("9.5"), Decimal(0))


@pytest.mark.parametrize("which", [0, 1])
def test_cancelling_either_leg_cancels_the_whole_list(engine: SimEngine, events: Events, which: int) -> None:
    body = sell_oco(engine)
    ids = leg_ids(body)
    reply = engine.cancel_order({"symbol": "BTCUSDT", "orderId": str(ids[which]), "newClientOrderId": "undo"})
    assert (reply["status"], reply["clientOrderId"], reply["orderListId"]) == ("CANCELED", "undo",
                                                                               body["orderListId"])
    assert [query(engine, i)["status"] for i in ids] == ["CANCELED", "CANCELED"]
    assert events.lists()[-1]["L"] == "ALL_DONE"
    assert balance(engine, "BTC") == (Decimal(10), Decimal(0))


def test_cancel_order_list_returns_canceled_reports(engine: SimEngine) -> None:
    body = sell_oco(engine, listClientOrderId="exit-2")
    reply = engine.cancel_order_list({"symbol": "BTCUSDT", "listClientOrderId": "exit-2",
                                      "newClientOrderId": "bye"})
    assert (reply["listStatusType"], reply["listOrderStatus"]) == ("ALL_DONE", "ALL_DONE")
    assert [(r["status"], r["clientOrderId"]) for r in reply["orderReports"]] == [("CANCELED", "bye")] * 2
    assert [r["origClientOrderId"] for r in reply["orderReports"]] == [o["clientOrderId"] for o in body["orders"]]
    with api_error(-2011, "Unknown order sent."):
        engine.cancel_order_list({"symbol": "BTCUSDT", "orderListId": str(body["orderListId"])})


def test_list_queries(engine: SimEngine) -> None:
    body = sell_oco(engine, listClientOrderId="exit-3")
    by_id = engine.get_order_list({"orderListId": str(body["orderListId"])})
    assert by_id == engine.get_order_list({"origClientOrderId": "exit-3"})
    assert "orderReports" not in by_id and by_id["orders"] == body["orders"]
    assert engine.open_order_lists() == [by_id]
    assert engine.all_order_lists() == [by_id]
    with api_error(-2013):
        engine.get_order_list({"orderListId": "99"})
    with api_error(-1102, "Param 'origClientOrderId' or 'orderListId' must be sent, but both were empty/null!"):
        engine.get_order_list({})


@pytest.mark.parametrize(("over", "code", "msg"), [
    ({"aboveType": "STOP_LOSS", "abovePrice": None, "aboveStopPrice": "30500.00", "belowType": "LIMIT_MAKER",
      "belowStopPrice": None, "belowTimeInForce": None}, -1197, "A stop loss order in a sell OCO must be below."),
    ({"belowType": "LIMIT_MAKER", "belowStopPrice": None, "belowTimeInForce": None}, -1168,
     "At least one OCO order must be contingent."),
    ({"aboveType": "TAKE_PROFIT", "abovePrice": None, "aboveStopPrice": "30500.00", "belowType": "TAKE_PROFIT",
      "belowPrice": None, "belowTimeInForce": None}, -1168, "At least one OCO order must be contingent."),
    ({"aboveType": "LIMIT", "aboveTimeInForce": "GTC"}, -1158, "Order type not supported in OCO."),
    ({"abovePrice": "29400.00"}, -1166, "A limit order in a sell OCO must be above."),
    ({"aboveType": "TAKE_PROFIT", "abovePrice": None, "aboveStopPrice": "29000.00"}, -1199,
     "A take profit order in a sell OCO must be above."),
    ({"abovePrice": "29900.00"}, -2010, "The relationship of the prices for the orders is not correct."),
    ({"belowStopPrice": "30100.00"}, -2010, "The relationship of the prices for the orders is not correct."),
    ({"belowTimeInForce": None}, -1102,
     "Mandatory parameter 'belowTimeInForce' was not sent, was empty/null, or malformed."),
    ({"aboveTimeInForce": "GTC"}, -1106, "Parameter 'aboveTimeInForce' sent when not required."),
])
def test_sell_oco_rejections(engine: SimEngine, over: dict[str, str | None], code: int, msg: str) -> None:
    with api_error(code, msg):
        sell_oco(engine, **over)
    assert engine.open_orders() == []


@pytest.mark.parametrize(("above", "below", "code", "msg"), [
    ({"aboveType": "LIMIT_MAKER", "abovePrice": "29500.00"},
     {"belowType": "STOP_LOSS", "belowStopPrice": "30500.00"}, -1196, "A stop loss order in a buy OCO must be above."),
    ({"aboveType": "TAKE_PROFIT", "aboveStopPrice": "29500.00"},
     {"belowType": "STOP_LOSS", "belowStopPrice": "30500.00"}, -1196, "A stop loss order in a buy OCO must be above."),
])
def test_buy_oco_leg_side_rules(engine: SimEngine, above: dict[str, str], below: dict[str, str], code: int,
                                msg: str) -> None:
    with api_error(code, msg):
        engine.new_oco({"symbol": "BTCUSDT", "side": "BUY", "quantity": "0.5", **above, **below})


@pytest.mark.parametrize(("below", "code", "msg"), [
    ({"belowType": "LIMIT_MAKER", "belowPrice": "30600.00"}, -1165, "A limit order in a buy OCO must be below."),
    ({"belowType": "TAKE_PROFIT", "belowStopPrice": "30600.00"}, -1198,
     "A take profit order in a buy OCO must be below."),
    ({"belowType": "LIMIT_MAKER", "belowPrice": "30100.00"}, -2010,
     "The relationship of the prices for the orders is not correct."),
])
def test_buy_oco_limit_side_priced_above_the_stop_or_the_market(engine: SimEngine, below: dict[str, str],
                                                                code: int, msg: str) -> None:
    with api_error(code, msg):
        engine.new_oco({"symbol": "BTCUSDT", "side": "BUY", "quantity": "0.5", "aboveType": "STOP_LOSS",
                        "aboveStopPrice": "30500.00", **below})


def test_buy_oco_locks_the_larger_quote_and_its_stop_buys_on_a_rise(engine: SimEngine) -> None:
    body = engine.new_oco({"symbol": "BTCUSDT", "side": "BUY", "quantity": "0.5", "aboveType": "STOP_LOSS",
                           "aboveStopPrice": "30500.00", "belowType": "LIMIT_MAKER", "belowPrice": "29500.00"})
    assert balance(engine, "USDT")[1] == Decimal("15250")
    stop_id, limit_id = leg_ids(body)
    tick(engine, "30600.00", "30601.00")
    assert (query(engine, stop_id)["status"], query(engine, limit_id)["status"]) == ("FILLED", "EXPIRED")
    assert balance(engine, "USDT") == (Decimal(100000) - Decimal("15300.5"), Decimal(0))


def test_oco_stop_leg_can_trail(engine: SimEngine) -> None:
    body = sell_oco(engine, belowType="STOP_LOSS", belowStopPrice=None, belowPrice=None, belowTimeInForce=None,
                    belowTrailingDelta="100")
    stop_id, limit_id = leg_ids(body)
    assert body["orderReports"][0]["trailingDelta"] == 100
    tick(engine, "30300.00", "30301.00")  # high 30300.50 -> trigger at <= 29997.495
    tick(engine, "29998.00", "29999.00")
    assert query(engine, stop_id)["status"] == "NEW"
    tick(engine, "29996.00", "29997.00")
    assert (query(engine, stop_id)["status"], query(engine, limit_id)["status"]) == ("FILLED", "EXPIRED")


def test_deprecated_oco_endpoint(engine: SimEngine) -> None:
    body = engine.new_oco_legacy({"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.5", "price": "30500.00",
                                  "stopPrice": "29500.00", "stopLimitPrice": "29400.00",
                                  "stopLimitTimeInForce": "GTC", "limitClientOrderId": "tp",
                                  "stopClientOrderId": "sl"})
    assert [(r["type"], r["clientOrderId"]) for r in body["orderReports"]] == [
        ("STOP_LOSS_LIMIT", "sl"), ("LIMIT_MAKER", "tp")]
    with api_error(-1102, "Mandatory parameter 'stopLimitTimeInForce' was not sent, was empty/null, or malformed."):
        engine.new_oco_legacy({"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.5", "price": "30500.00",
                               "stopPrice": "29500.00", "stopLimitPrice": "29400.00"})


def test_order_list_limit_is_an_engine_rejection(engine: SimEngine) -> None:
    engine.set_filter("BTCUSDT", {"filterType": "MAX_NUM_ORDER_LISTS", "maxNumOrderLists": 1})
    sell_oco(engine)
    with api_error(-2010, "Filter failure: MAX_NUM_ORDER_LISTS"):
        sell_oco(engine)


def oto(engine: SimEngine, working_price: str = "29900.00", **over: str) -> dict[str, Any]:
    return engine.new_oto({"symbol": "BTCUSDT", "workingType": "LIMIT", "workingSide": "BUY",
                           "workingPrice": working_price, "workingQuantity": "0.5", "workingTimeInForce": "GTC",
                           "pendingType": "LIMIT_MAKER", "pendingSide": "SELL", "pendingPrice": "30500.00",
                           "pendingQuantity": "0.5", **over})


def test_oto_pending_leg_activates_when_the_working_order_fills(engine: SimEngine, events: Events) -> None:
    body = oto(engine)
    working, pending = body["orderReports"]
    assert (body["contingencyType"], working["status"], pending["status"], pending["workingTime"]) == (
        "OTO", "NEW", "PENDING_NEW", -1)
    assert balance(engine, "BTC")[1] == 0  # nothing locked for a pending leg
    assert len(engine.open_orders({"symbol": "BTCUSDT"})) == 2
    tick(engine, "29800.00", "29900.00")
    assert query(engine, working["orderId"])["status"] == "FILLED"
    active = query(engine, pending["orderId"])
    assert (active["status"], active["isWorking"]) == ("NEW", True)
    assert events.exec_types(pending["orderId"]) == [("NEW", "PENDING_NEW"), ("NEW", "NEW")]
    assert balance(engine, "BTC")[1] == Decimal("0.5")
    tick(engine, "30500.00", "30501.00")
    assert query(engine, pending["orderId"])["status"] == "FILLED"
    assert events.lists()[-1]["L"] == "ALL_DONE"


def test_oto_working_filled_at_once_still_reports_the_pending_leg_as_pending(engine: SimEngine) -> None:
    body = oto(engine, working_price="30001.00", pendingType="MARKET", pendingPrice="")
    working, pending = body["orderReports"]
    assert (working["status"], pending["status"], body["listOrderStatus"]) == ("FILLED", "PENDING_NEW",
                                                                               "EXECUTING")
    # Both legs filled within the call: the list is done by the time anyone queries it.
    assert query(engine, pending["orderId"])["status"] == "FILLED"
    assert engine.get_order_list({"orderListId": str(body["orderListId"])})["listOrderStatus"] == "ALL_DONE"


def test_cancelling_the_working_order_cancels_the_pending_leg(engine: SimEngine) -> None:
    working, pending = leg_ids(oto(engine))
    engine.cancel_order({"symbol": "BTCUSDT", "orderId": str(working)})
    assert query(engine, pending)["status"] == "CANCELED"


def otoco(engine: SimEngine) -> dict[str, Any]:
    return engine.new_otoco({
        "symbol": "BTCUSDT", "workingType": "LIMIT", "workingSide": "BUY", "workingPrice": "29900.00",
        "workingQuantity": "0.5", "workingTimeInForce": "GTC", "pendingSide": "SELL", "pendingQuantity": "0.5",
        "pendingAboveType": "LIMIT_MAKER", "pendingAbovePrice": "31000.00",
        "pendingBelowType": "STOP_LOSS", "pendingBelowStopPrice": "29000.00"})


def test_otoco_pending_pair_activates_then_behaves_as_an_oco(engine: SimEngine) -> None:
    body = otoco(engine)
    working, stop_leg, limit_leg = leg_ids(body)
    assert [r["status"] for r in body["orderReports"]] == ["NEW", "PENDING_NEW", "PENDING_NEW"]
    assert [r["type"] for r in body["orderReports"]] == ["LIMIT", "STOP_LOSS", "LIMIT_MAKER"]
    tick(engine, "29800.00", "29900.00")
    assert [query(engine, i)["status"] for i in (working, stop_leg, limit_leg)] == ["FILLED", "NEW", "NEW"]
    assert balance(engine, "BTC")[1] == Decimal("0.5")
    tick(engine, "28990.00", "28991.00")
    assert [query(engine, i)["status"] for i in (stop_leg, limit_leg)] == ["FILLED", "EXPIRED"]
    assert engine.get_order_list({"orderListId": str(body["orderListId"])})["listStatusType"] == "ALL_DONE"


def test_pending_legs_without_funds_are_rejected_on_activation(clock: ManualClock) -> None:
    sim = SimEngine(clock, [typical_spec()])
    sim.deposit("USDT", "20000")
    sim.on_book_ticker("BTCUSDT", "30000.00", "2", "30001.00", "2", clock.now_ms())
    seen: list[dict[str, Any]] = []
    sim.subscribe(seen.append)
    body = otoco(sim)
    sim.on_book_ticker("BTCUSDT", "29800.00", "2", "29900.00", "2", clock.now_ms())
    # 0.5 bought minus the 0.0005 BTC commission cannot cover a 0.5 sell.
    rejected = [e for e in seen if e["e"] == "executionReport" and e["X"] == "REJECTED"]
    assert [(e["i"], e["r"]) for e in rejected] == [(i, "INSUFFICIENT_BALANCES") for i in leg_ids(body)[1:]]
    assert sim.get_order_list({"orderListId": str(body["orderListId"])})["listOrderStatus"] == "ALL_DONE"
