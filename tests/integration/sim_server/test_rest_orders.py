"""Trading over REST with the real python-binance Client: orders, balances, filters, order lists."""
from __future__ import annotations

from decimal import Decimal

import pytest
from binance import Client
from binance.exceptions import BinanceAPIException

from .conftest import Sim
from .raw import signed


def balance(client: Client, asset: str) -> tuple[Decimal, Decimal]:
    row = client.get_asset_balance(asset=asset)
    return Decimal(row["free"]), Decimal(row["locked"])


def test_it_places_queries_and_cancels_a_limit_order(sim: Sim) -> None:
    client = sim.client()
    placed = client.order_limit_buy(symbol="BTCUSDT", quantity="0.01000", price="29000.00",
                                    newClientOrderId="entry-1")
    assert placed["status"] == "NEW" and placed["orderListId"] == -1 and placed["fills"] == []
    assert balance(client, "USDT") == (Decimal("99710"), Decimal("290"))
    queried = client.get_order(symbol="BTCUSDT", origClientOrderId="entry-1")
    assert queried["orderId"] == placed["orderId"] and queried["isWorking"] is True
    assert [o["orderId"] for o in client.get_open_orders(symbol="BTCUSDT")] == [placed["orderId"]]
    canceled = client.cancel_order(symbol="BTCUSDT", orderId=placed["orderId"])
    assert canceled["status"] == "CANCELED" and canceled["origClientOrderId"] == "entry-1"
    assert balance(client, "USDT") == (Decimal("100000"), Decimal("0"))
    with pytest.raises(BinanceAPIException) as info:
        client.cancel_order(symbol="BTCUSDT", orderId=placed["orderId"])
    assert (info.value.code, info.value.message) == (-2011, "Unknown order sent.")


def test_it_fills_a_resting_order_when_the_market_crosses_it(sim: Sim) -> None:
    client = sim.client()
    placed = client.order_limit_buy(symbol="BTCUSDT", quantity="0.01000", price="29900.00")
    sim.quote("BTCUSDT", "29899.00", "29900.00")
    filled = client.get_order(symbol="BTCUSDT", orderId=placed["orderId"])
    assert filled["status"] == "FILLED" and filled["cummulativeQuoteQty"] == "299.00000000"
    trades = client.get_my_trades(symbol="BTCUSDT", orderId=placed["orderId"])
    assert len(trades) == 1 and trades[0]["isMaker"] is True


def test_it_fills_a_market_order_and_moves_balances(sim: Sim) -> None:
    client = sim.client()
    order = client.order_market_buy(symbol="BTCUSDT", quantity="0.10000")
    assert order["status"] == "FILLED" and order["executedQty"] == "0.10000000"
    fill = order["fills"][0]
    assert fill["price"] == "30001.00000000" and fill["commissionAsset"] == "BTC"
    usdt, btc = balance(client, "USDT"), balance(client, "BTC")
    assert usdt == (Decimal("100000") - Decimal("3000.1"), Decimal(0))
    assert btc[0] == Decimal("10.1") - Decimal(fill["commission"])
    by_quote = client.order_market_sell(symbol="BTCUSDT", quoteOrderQty="300")
    assert by_quote["status"] == "FILLED" and by_quote["executedQty"] == "0.01000000"


@pytest.mark.parametrize(("params", "code", "msg"), [
    ({"price": "29000.005", "quantity": "0.01000"}, -1013, "Filter failure: PRICE_FILTER"),
    ({"price": "29000.00", "quantity": "0.000001"}, -1013, "Filter failure: LOT_SIZE"),
    ({"price": "29000.000000001", "quantity": "0.01000"}, -1111, None),
    ({"price": "29000.00", "quantity": "0.00010"}, -1013, "Filter failure: NOTIONAL"),
    ({"price": "1.00", "quantity": "1.00000"}, -1013, "Filter failure: PERCENT_PRICE_BY_SIDE"),
    ({"price": "29000.00", "quantity": "9.00000"}, -2010, "Account has insufficient balance for requested action."),
])
def test_it_rejects_orders_like_binance(sim: Sim, params: dict[str, str], code: int, msg: str | None) -> None:
    client = sim.client()
    with pytest.raises(BinanceAPIException) as info:
        client.order_limit_buy(symbol="BTCUSDT", **params)
    assert info.value.code == code and info.value.status_code == 400
    if msg is not None:
        assert info.value.message == msg


def test_it_validates_test_orders_without_placing_them(sim: Sim) -> None:
    client = sim.client()
    assert client.create_test_order(symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
                                    quantity="0.01000", price="29000.00") == {}
    assert client.get_open_orders(symbol="BTCUSDT") == []
    with pytest.raises(BinanceAPIException) as info:
        client.create_test_order(symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0.01000", price="29000.00")
    assert info.value.code == -1102


def test_it_places_and_cancels_an_oco_and_reports_order_counts(sim: Sim) -> None:
    client = sim.client()
    oco = client.create_oco_order(symbol="BTCUSDT", side="SELL", quantity="0.10000", aboveType="LIMIT_MAKER",
                                  abovePrice="31000.00", belowType="STOP_LOSS_LIMIT", belowStopPrice="29000.00",
                                  belowPrice="28900.00", belowTimeInForce="GTC")
    assert oco["contingencyType"] == "OCO" and len(oco["orderReports"]) == 2
    assert client.response.headers["X-MBX-ORDER-COUNT-10S"] == "2"
    assert [lst["orderListId"] for lst in client.get_open_oco_orders()] == [oco["orderListId"]]
    limit_leg = next(r for r in oco["orderReports"] if r["type"] == "LIMIT_MAKER")
    # Cancelling one leg cancels the whole list (facts §2.2).
    client.cancel_order(symbol="BTCUSDT", orderId=limit_leg["orderId"])
    listed = client.v3_get_order_list(orderListId=oco["orderListId"])
    assert listed["listOrderStatus"] == "ALL_DONE"
    assert client.get_open_orders(symbol="BTCUSDT") == []


def test_it_cancels_an_order_list_and_serves_all_order_lists(sim: Sim) -> None:
    client = sim.client()
    oco = client.create_oco_order(symbol="BTCUSDT", side="SELL", quantity="0.10000", aboveType="LIMIT_MAKER",
                                  abovePrice="31000.00", belowType="STOP_LOSS", belowStopPrice="29000.00")
    done = client.v3_delete_order_list(symbol="BTCUSDT", orderListId=oco["orderListId"])
    assert done["listStatusType"] == "ALL_DONE"
    assert {r["status"] for r in done["orderReports"]} == {"CANCELED"}
    assert [lst["orderListId"] for lst in client.v3_get_all_order_list()] == [oco["orderListId"]]
    assert len(client.get_all_orders(symbol="BTCUSDT")) == 2


def test_it_cancels_and_replaces_in_one_call(sim: Sim) -> None:
    client = sim.client()
    old = client.order_limit_buy(symbol="BTCUSDT", quantity="0.01000", price="29000.00")
    result = client.cancel_replace_order(symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
                                         quantity="0.01000", price="29100.00", cancelReplaceMode="STOP_ON_FAILURE",
                                         cancelOrderId=old["orderId"])
    assert result["cancelResult"] == "SUCCESS" and result["newOrderResult"] == "SUCCESS"
    assert [o["price"] for o in client.get_open_orders(symbol="BTCUSDT")] == ["29100.00000000"]


def test_it_serves_the_deprecated_oco_endpoint_and_oto_lists(sim: Sim) -> None:
    response = signed(sim, "POST", "order/oco", body={
        "symbol": "BTCUSDT", "side": "SELL", "quantity": "0.10000", "price": "31000.00", "stopPrice": "29000.00",
        "stopLimitPrice": "28900.00", "stopLimitTimeInForce": "GTC"})
    assert response.status_code == 200, response.text
    assert [o["type"] for o in response.json()["orderReports"]] == ["STOP_LOSS_LIMIT", "LIMIT_MAKER"]
    client = sim.client()
    oto = client.v3_post_order_list_oto(
        symbol="BTCUSDT", workingType="LIMIT", workingSide="BUY", workingPrice="29000.00", workingQuantity="0.01000",
        workingTimeInForce="GTC", pendingType="LIMIT_MAKER", pendingSide="SELL", pendingPrice="31500.00",
        pendingQuantity="0.01000")
    assert oto["contingencyType"] == "OTO"
    assert [r["status"] for r in oto["orderReports"]] == ["NEW", "PENDING_NEW"]


def test_it_rejects_unknown_parameters_and_symbols(sim: Sim) -> None:
    client = sim.client()
    with pytest.raises(BinanceAPIException) as info:
        client.get_order(symbol="BTCUSDT", orderId=1, color="blue")
    assert info.value.code == -1104
    with pytest.raises(BinanceAPIException) as info:
        client.get_order(symbol="BTCUSDT", orderId=12345)
    assert (info.value.code, info.value.message) == (-2013, "Order does not exist.")
    with pytest.raises(BinanceAPIException) as info:
        client.order_market_buy(symbol="DOGEUSDT", quantity="1")
    assert info.value.code == -1121
