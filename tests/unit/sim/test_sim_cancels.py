"""Cancels (one, all open, with restrictions) and cancel-replace in both modes."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from trading.exchange.sim.engine import SimEngine

from .helpers import Events, api_error, balance, limit, place, query, tick

UNKNOWN = "Unknown order sent."


def cancel(engine: SimEngine, **params: str) -> dict[str, Any]:
    return engine.cancel_order({"symbol": "BTCUSDT", **params})


def test_cancel_releases_the_lock_and_reports_both_client_ids(engine: SimEngine, events: Events) -> None:
    order = limit(engine, "BUY", "0.1", "29000.00", newClientOrderId="entry")
    body = cancel(engine, orderId=str(order["orderId"]), newClientOrderId="cancel-entry")
    assert (body["status"], body["origClientOrderId"], body["clientOrderId"]) == ("CANCELED", "entry",
                                                                                  "cancel-entry")
    assert "workingTime" not in body
    assert balance(engine, "USDT") == (Decimal(100000), Decimal(0))
    report = events.reports(order["orderId"])[-1]
    assert (report["x"], report["X"], report["c"], report["C"]) == ("CANCELED", "CANCELED", "cancel-entry",
                                                                    "entry")
    assert events.items[-1]["e"] == "outboundAccountPosition"


def test_cancel_by_client_id_and_generated_cancel_id(engine: SimEngine) -> None:
    limit(engine, "BUY", "0.1", "29000.00", newClientOrderId="entry")
    body = cancel(engine, origClientOrderId="entry")
    assert body["origClientOrderId"] == "entry" and len(body["clientOrderId"]) == 22


def test_cancel_unknown_or_closed_order_is_2011(engine: SimEngine) -> None:
    with api_error(-2011, UNKNOWN):
        cancel(engine, orderId="999")
    filled = limit(engine, "BUY", "0.1", "30001.00")
    with api_error(-2011, UNKNOWN):
        cancel(engine, orderId=str(filled["orderId"]))
    with api_error(-1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!"):
        cancel(engine)


def test_cancel_restrictions(engine: SimEngine) -> None:
    order = limit(engine, "BUY", "0.1", "29000.00")
    with api_error(-2011, "Order was not canceled due to cancel restrictions."):
        cancel(engine, orderId=str(order["orderId"]), cancelRestrictions="ONLY_PARTIALLY_FILLED")
    with api_error(-1145):
        cancel(engine, orderId=str(order["orderId"]), cancelRestrictions="ALWAYS")
    assert cancel(engine, orderId=str(order["orderId"]), cancelRestrictions="ONLY_NEW")["status"] == "CANCELED"


def test_cancel_of_a_partially_filled_order_keeps_its_fills(engine: SimEngine) -> None:
    order = limit(engine, "BUY", "3", "30001.00")
    body = cancel(engine, orderId=str(order["orderId"]), cancelRestrictions="ONLY_PARTIALLY_FILLED")
    assert (body["status"], body["executedQty"]) == ("CANCELED", "2.00000000")
    assert balance(engine, "USDT") == (Decimal(100000) - Decimal("60002"), Decimal(0))


def test_cancel_open_orders_cancels_singles_and_whole_lists(engine: SimEngine) -> None:
    limit(engine, "BUY", "0.1", "29000.00")
    engine.new_oco({"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.5", "aboveType": "LIMIT_MAKER",
                    "abovePrice": "30500.00", "belowType": "STOP_LOSS", "belowStopPrice": "29500.00"})
    body = engine.cancel_open_orders({"symbol": "BTCUSDT"})
    assert [b.get("status") or b["listOrderStatus"] for b in body] == ["CANCELED", "ALL_DONE"]
    assert [r["status"] for r in body[1]["orderReports"]] == ["CANCELED", "CANCELED"]
    assert engine.open_orders() == [] and balance(engine, "BTC") == (Decimal(10), Decimal(0))
    with api_error(-2011, UNKNOWN):  # nothing left to cancel
        engine.cancel_open_orders({"symbol": "BTCUSDT"})


def replace(engine: SimEngine, mode: str, cancel_id: str, **new: str) -> dict[str, Any]:
    params = {"symbol": "BTCUSDT", "cancelReplaceMode": mode, "cancelOrderId": cancel_id, "side": "BUY",
              "type": "LIMIT", "timeInForce": "GTC", "quantity": "3", "price": "29500.00"}
    return engine.cancel_replace(params | new)


def test_cancel_replace_success_reuses_the_freed_funds(engine: SimEngine) -> None:
    old = limit(engine, "BUY", "3", "29000.00")  # locks 87000 of 100000
    body = replace(engine, "STOP_ON_FAILURE", str(old["orderId"]))  # needs 88500
    assert (body["cancelResult"], body["newOrderResult"]) == ("SUCCESS", "SUCCESS")
    assert body["cancelResponse"]["status"] == "CANCELED"
    assert body["newOrderResponse"]["status"] == "NEW" and "fills" in body["newOrderResponse"]
    assert balance(engine, "USDT")[1] == Decimal("88500")


def test_stop_on_failure_does_not_attempt_the_new_order_when_the_cancel_fails(engine: SimEngine) -> None:
    with api_error(-2022, "Order cancel-replace failed.", http_status=400) as info:
        replace(engine, "STOP_ON_FAILURE", "999")
    assert info.value.data == {"cancelResult": "FAILURE", "newOrderResult": "NOT_ATTEMPTED",
                               "cancelResponse": {"code": -2011, "msg": UNKNOWN}, "newOrderResponse": None}
    assert engine.open_orders() == []


def test_stop_on_failure_new_order_failure_is_a_partial_failure(engine: SimEngine) -> None:
    old = limit(engine, "BUY", "0.1", "29000.00")
    with api_error(-2021, "Order cancel-replace partially failed.", http_status=409) as info:
        replace(engine, "STOP_ON_FAILURE", str(old["orderId"]), type="LIMIT_MAKER", timeInForce="",
                quantity="0.1", price="30001.00")
    data = info.value.data or {}
    assert (data["cancelResult"], data["newOrderResult"]) == ("SUCCESS", "FAILURE")
    assert data["cancelResponse"]["status"] == "CANCELED"
    assert data["newOrderResponse"] == {"code": -2010, "msg": "Order would immediately match and take."}
    assert query(engine, old["orderId"])["status"] == "CANCELED"


def test_allow_failure_places_the_new_order_even_if_the_cancel_fails(engine: SimEngine) -> None:
    with api_error(-2021, "Order cancel-replace partially failed.", http_status=409) as info:
        replace(engine, "ALLOW_FAILURE", "999", newOrderRespType="ACK")
    data = info.value.data or {}
    assert (data["cancelResult"], data["newOrderResult"]) == ("FAILURE", "SUCCESS")
    assert set(data["newOrderResponse"]) == {"symbol", "orderId", "orderListId", "clientOrderId", "transactTime"}
    assert len(engine.open_orders()) == 1


def test_allow_failure_with_both_failing(engine: SimEngine) -> None:
    with api_error(-2022, "Order cancel-replace failed.", http_status=400) as info:
        replace(engine, "ALLOW_FAILURE", "999", quantity="10")  # 295000 USDT: too much
    data = info.value.data or {}
    assert (data["cancelResult"], data["newOrderResult"]) == ("FAILURE", "FAILURE")
    assert data["newOrderResponse"]["msg"] == "Account has insufficient balance for requested action."


def test_static_filter_failure_rejects_the_whole_request_before_cancelling(engine: SimEngine) -> None:
    old = limit(engine, "BUY", "0.1", "29000.00")
    with api_error(-1013, "Filter failure: PRICE_FILTER"):
        replace(engine, "ALLOW_FAILURE", str(old["orderId"]), price="29500.001")
    assert query(engine, old["orderId"])["status"] == "NEW"


def test_replacing_a_partially_filled_order(engine: SimEngine) -> None:
    old = limit(engine, "BUY", "0.5", "29990.00")
    tick(engine, "29980.00", "29985.00", ask_qty="0.2")
    body = replace(engine, "STOP_ON_FAILURE", str(old["orderId"]), quantity="0.3", price="29950.00")
    assert body["cancelResponse"]["executedQty"] == "0.20000000"
    assert body["newOrderResponse"]["origQty"] == "0.30000000"


def test_cancel_replace_needs_a_cancel_target(engine: SimEngine) -> None:
    with api_error(-1102, "Param 'cancelOrigClientOrderId' or 'cancelOrderId' must be sent, but both were "
                          "empty/null!"):
        engine.cancel_replace({"symbol": "BTCUSDT", "cancelReplaceMode": "ALLOW_FAILURE", "side": "BUY",
                               "type": "MARKET", "quantity": "0.1"})


def test_market_replacement_fills_immediately(engine: SimEngine) -> None:
    old = limit(engine, "SELL", "0.1", "31000.00")
    body = engine.cancel_replace({"symbol": "BTCUSDT", "cancelReplaceMode": "STOP_ON_FAILURE",
                                  "cancelOrderId": str(old["orderId"]), "side": "SELL", "type": "MARKET",
                                  "quantity": "0.1"})
    assert body["newOrderResponse"]["status"] == "FILLED"
    assert place(engine, side="SELL", type="MARKET", quantity="0.1")["status"] == "FILLED"


def test_a_reused_client_id_names_its_latest_order(engine: SimEngine) -> None:
    # Binance lets a client id be reused once its order is closed; a query or cancel by that id
    # then means the latest order using it.
    first = limit(engine, "BUY", "0.1", "29000.00", newClientOrderId="again")
    cancel(engine, origClientOrderId="again")
    second = limit(engine, "BUY", "0.1", "28000.00", newClientOrderId="again")
    assert second["orderId"] != first["orderId"]
    assert engine.get_order({"symbol": "BTCUSDT", "origClientOrderId": "again"})["orderId"] == second["orderId"]
    body = cancel(engine, origClientOrderId="again")
    assert (body["orderId"], body["status"]) == (second["orderId"], "CANCELED")
    with api_error(-2011, UNKNOWN):  # both are closed now
        cancel(engine, origClientOrderId="again")
    with api_error(-2013):
        engine.get_order({"symbol": "BTCUSDT", "origClientOrderId": "never-used"})
