"""Queries: one order, open/all orders, my trades, the account; fees maker/taker and in BNB."""
from __future__ import annotations

from decimal import Decimal

from trading.domain.clock import ManualClock
from trading.exchange.sim.engine import FeeSchedule, SimEngine, typical_spec

from .helpers import api_error, balance, limit, place, query, tick


def test_get_order_by_id_or_client_id_and_unknown(engine: SimEngine) -> None:
    order = limit(engine, "BUY", "0.1", "29000.00", newClientOrderId="entry")
    by_cid = engine.get_order({"symbol": "BTCUSDT", "origClientOrderId": "entry"})
    assert by_cid == query(engine, order["orderId"])
    assert (by_cid["isWorking"], by_cid["stopPrice"], by_cid["icebergQty"]) == (True, "0.00000000", "0.00000000")
    with api_error(-2013, "Order does not exist."):
        query(engine, 999)
    with api_error(-2013, "Order does not exist."):  # id and client id must agree
        engine.get_order({"symbol": "BTCUSDT", "orderId": str(order["orderId"]), "origClientOrderId": "other"})
    with api_error(-1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!"):
        engine.get_order({"symbol": "BTCUSDT"})


def test_open_and_all_orders(engine: SimEngine) -> None:
    ids = [limit(engine, "BUY", "0.1", "29000.00")["orderId"] for _ in range(3)]
    filled = limit(engine, "BUY", "0.1", "30001.00")["orderId"]
    assert [o["orderId"] for o in engine.open_orders({"symbol": "BTCUSDT"})] == ids
    assert [o["orderId"] for o in engine.open_orders()] == ids
    assert [o["orderId"] for o in engine.all_orders({"symbol": "BTCUSDT"})] == ids + [filled]
    assert [o["orderId"] for o in engine.all_orders({"symbol": "BTCUSDT", "limit": "2"})] == [ids[2], filled]
    assert [o["orderId"] for o in engine.all_orders({"symbol": "BTCUSDT", "orderId": str(ids[1]),
                                                     "limit": "2"})] == ids[1:3]
    with api_error(-1127, "More than 24 hours between startTime and endTime."):
        engine.all_orders({"symbol": "BTCUSDT", "startTime": "0", "endTime": str(25 * 3600 * 1000)})


def test_my_trades_filters(engine: SimEngine) -> None:
    first = limit(engine, "BUY", "3", "30001.00")["orderId"]  # 2 fill now
    second = place(engine, side="SELL", type="MARKET", quantity="0.5")["orderId"]
    tick(engine, "29990.00", "30000.00")  # the rest of the first order
    trades = engine.my_trades({"symbol": "BTCUSDT"})
    assert [(t["id"], t["orderId"]) for t in trades] == [(1, first), (2, second), (3, first)]
    assert [t["id"] for t in engine.my_trades({"symbol": "BTCUSDT", "orderId": str(first)})] == [1, 3]
    assert [t["id"] for t in engine.my_trades({"symbol": "BTCUSDT", "fromId": "2", "limit": "1"})] == [2]
    assert (trades[1]["isBuyer"], trades[1]["quoteQty"]) == (False, "15000.00000000")


def test_account_reports_commissions_and_balances(engine: SimEngine) -> None:
    body = engine.account()
    assert (body["makerCommission"], body["takerCommission"]) == (10, 10)
    assert body["commissionRates"]["maker"] == "0.00100000"
    assert body["balances"] == [{"asset": "BTC", "free": "10.00000000", "locked": "0.00000000"},
                                {"asset": "USDT", "free": "100000.00000000", "locked": "0.00000000"}]
    assert (body["accountType"], body["canTrade"], body["permissions"]) == ("SPOT", True, ["SPOT"])
    engine.withdraw("BTC", "10")
    assert [b["asset"] for b in engine.account({"omitZeroBalances": "true"})["balances"]] == ["USDT"]


def test_maker_and_taker_rates_differ(clock: ManualClock) -> None:
    sim = SimEngine(clock, [typical_spec()], FeeSchedule(maker=Decimal("0.0002"), taker=Decimal("0.0007")))
    sim.deposit("USDT", "100000")
    sim.on_book_ticker("BTCUSDT", "30000.00", "5", "30001.00", "5", clock.now_ms())
    sim.new_order({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "1"})
    sim.new_order({"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "1",
                   "price": "29900.00"})
    sim.on_book_ticker("BTCUSDT", "29800.00", "5", "29900.00", "5", clock.now_ms())
    trades = sim.my_trades({"symbol": "BTCUSDT"})
    assert [(t["isMaker"], t["commission"]) for t in trades] == [(False, "0.00070000"), (True, "0.00020000")]
    assert sim.account()["balances"][0] == {"asset": "BTC", "free": "1.99910000", "locked": "0.00000000"}


def test_commission_in_bnb_when_enabled_and_affordable(clock: ManualClock) -> None:
    sim = SimEngine(clock, [typical_spec(), typical_spec("BNBUSDT", "BNB", "USDT")],
                    FeeSchedule(pay_in_bnb=True))
    sim.deposit("USDT", "100000")
    sim.deposit("BNB", "1")
    sim.on_book_ticker("BNBUSDT", "500.00", "10", "500.00", "10", clock.now_ms())
    sim.on_book_ticker("BTCUSDT", "30000.00", "5", "30000.00", "5", clock.now_ms())
    body = sim.new_order({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "1"})
    # 30000 USDT x 0.1% x (1 - 25%) = 22.5 USDT = 0.045 BNB at 500
    assert body["fills"][0] == {"price": "30000.00000000", "qty": "1.00000000", "commission": "0.04500000",
                                "commissionAsset": "BNB", "tradeId": 1}
    assert balance(sim, "BTC")[0] == Decimal(1) and balance(sim, "BNB")[0] == Decimal("0.955")


def test_commission_falls_back_to_the_received_asset_without_bnb(clock: ManualClock) -> None:
    sim = SimEngine(clock, [typical_spec()], FeeSchedule(pay_in_bnb=True))
    sim.deposit("USDT", "100000")
    sim.on_book_ticker("BTCUSDT", "30000.00", "5", "30000.00", "5", clock.now_ms())
    body = sim.new_order({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "1"})
    assert body["fills"][0]["commissionAsset"] == "BTC"
