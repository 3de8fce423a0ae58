"""Stop and take-profit orders: triggers on the last price, immediate-trigger rejection, trailing."""
from __future__ import annotations

from decimal import Decimal

from trading.domain.clock import ManualClock
from trading.exchange.sim.engine import SimEngine, typical_spec

from .helpers import Events, api_error, balance, place, query, tick

# The fixture market is 30000.00 / 30001.00, so the last price (the mid) is 30000.50.


def stop(engine: SimEngine, side: str, kind: str, qty: str = "0.1", **params: str) -> int:
    body = place(engine, side=side, type=kind, quantity=qty, newOrderRespType="RESULT", **params)
    return int(body["orderId"])


def test_stop_loss_waits_untriggered_then_sells_at_market(engine: SimEngine, clock: ManualClock) -> None:
    oid = stop(engine, "SELL", "STOP_LOSS", stopPrice="29900.00")
    waiting = query(engine, oid)
    assert (waiting["status"], waiting["workingTime"], waiting["isWorking"]) == ("NEW", -1, False)
    assert balance(engine, "BTC")[1] == Decimal("0.1")
    clock.advance(1000)
    tick(engine, "29950.00", "29951.00")
    assert query(engine, oid)["status"] == "NEW"
    tick(engine, "29899.00", "29900.00")  # mid 29899.50 <= 29900
    done = query(engine, oid)
    assert (done["status"], done["workingTime"]) == ("FILLED", clock.now_ms())
    trade = engine.my_trades({"symbol": "BTCUSDT"})[0]
    assert (trade["price"], trade["isMaker"]) == ("29899.00000000", False)


def test_stops_that_would_trigger_immediately_are_rejected(engine: SimEngine) -> None:
    for side, kind, stop_price in (("SELL", "STOP_LOSS", "30100.00"), ("BUY", "STOP_LOSS", "29900.00"),
                                   ("SELL", "TAKE_PROFIT", "29900.00"), ("BUY", "TAKE_PROFIT", "30100.00")):
        with api_error(-2010, "Order would trigger immediately."):
            stop(engine, side, kind, stopPrice=stop_price)


def test_take_profit_sell_triggers_on_a_rise(engine: SimEngine) -> None:
    oid = stop(engine, "SELL", "TAKE_PROFIT", stopPrice="30100.00")
    tick(engine, "30099.00", "30100.00")
    assert query(engine, oid)["status"] == "NEW"
    tick(engine, "30100.00", "30101.00")
    assert query(engine, oid)["status"] == "FILLED"


def test_buy_stop_loss_triggers_on_a_rise_and_buys_at_the_ask(engine: SimEngine) -> None:
    oid = stop(engine, "BUY", "STOP_LOSS", stopPrice="30100.00")
    assert balance(engine, "USDT")[1] == Decimal("3010")  # locked at the stop price
    tick(engine, "30150.00", "30151.00")
    assert query(engine, oid)["cummulativeQuoteQty"] == "3015.10000000"
    assert balance(engine, "USDT") == (Decimal("100000") - Decimal("3015.1"), Decimal(0))


def test_take_profit_buy_triggers_on_a_fall(engine: SimEngine) -> None:
    oid = stop(engine, "BUY", "TAKE_PROFIT", stopPrice="29900.00")
    tick(engine, "29800.00", "29801.00")
    assert query(engine, oid)["status"] == "FILLED"


def test_stop_loss_limit_becomes_a_limit_that_can_rest(engine: SimEngine) -> None:
    oid = stop(engine, "SELL", "STOP_LOSS_LIMIT", stopPrice="29900.00", price="29950.00", timeInForce="GTC")
    tick(engine, "29890.00", "29891.00")
    triggered = query(engine, oid)
    assert (triggered["status"], triggered["isWorking"]) == ("NEW", True)
    tick(engine, "29950.00", "29951.00")
    assert query(engine, oid)["status"] == "FILLED"
    assert engine.my_trades({"symbol": "BTCUSDT"})[0]["isMaker"] is True


def test_stop_loss_limit_takes_the_touch_when_marketable_on_trigger(engine: SimEngine) -> None:
    oid = stop(engine, "SELL", "STOP_LOSS_LIMIT", stopPrice="29900.00", price="29850.00", timeInForce="GTC")
    tick(engine, "29880.00", "29890.00")
    assert query(engine, oid)["status"] == "FILLED"
    assert engine.my_trades({"symbol": "BTCUSDT"})[0]["price"] == "29880.00000000"


def test_trailing_stop_without_stop_price_tracks_the_high_and_triggers_on_the_delta(
        engine: SimEngine, clock: ManualClock, events: Events) -> None:
    oid = stop(engine, "SELL", "STOP_LOSS", trailingDelta="100")
    placed = query(engine, oid)
    assert (placed["trailingDelta"], placed["trailingTime"]) == (100, -1)
    clock.advance(500)
    tick(engine, "30000.00", "30001.00")  # first print after placement starts tracking
    started = clock.now_ms()
    assert query(engine, oid)["trailingTime"] == started
    tick(engine, "31000.00", "31001.00")  # new high 31000.50 -> trigger at <= 30690.495
    tick(engine, "30690.00", "30691.00")
    assert query(engine, oid)["status"] == "NEW"
    tick(engine, "30689.00", "30690.00")
    assert query(engine, oid)["status"] == "FILLED"
    trade_event = events.reports(oid)[-1]
    assert (trade_event["d"], trade_event["D"], trade_event["x"]) == (100, started, "TRADE")


def test_trailing_stop_with_stop_price_starts_tracking_only_when_the_stop_is_met(engine: SimEngine) -> None:
    oid = stop(engine, "SELL", "STOP_LOSS", stopPrice="29500.00", trailingDelta="200")
    tick(engine, "30500.00", "30501.00")
    assert query(engine, oid)["trailingTime"] == -1  # a high before activation does not count
    tick(engine, "29499.50", "29500.50")  # mid 29500 meets the stop: tracking starts at 29500
    tick(engine, "29799.50", "29800.50")  # new high 29800 -> trigger at <= 29204
    tick(engine, "29210.00", "29211.00")
    assert query(engine, oid)["status"] == "NEW"
    tick(engine, "29203.50", "29204.50")
    assert query(engine, oid)["status"] == "FILLED"


def test_trailing_stop_whose_stop_is_already_met_is_accepted(engine: SimEngine) -> None:
    oid = stop(engine, "SELL", "STOP_LOSS", stopPrice="30100.00", trailingDelta="100")
    assert query(engine, oid)["status"] == "NEW"


def test_trailing_take_profit_buy_triggers_on_a_rise_from_the_low(engine: SimEngine) -> None:
    oid = stop(engine, "BUY", "TAKE_PROFIT_LIMIT", trailingDelta="100", price="29500.00", timeInForce="GTC")
    tick(engine, "29000.00", "29001.00")  # tracking: low 29000.50 -> trigger at >= 29290.505
    tick(engine, "29290.00", "29291.00")
    assert query(engine, oid)["status"] == "NEW"
    tick(engine, "29291.00", "29292.00")
    assert query(engine, oid)["status"] == "FILLED"


def test_trade_feed_drives_stops_when_book_mid_is_not_the_last_price(clock: ManualClock) -> None:
    sim = SimEngine(clock, [typical_spec()], last_price_from_book=False)
    sim.deposit("BTC", "1")
    sim.on_trade("BTCUSDT", "30000.00", "0.5", clock.now_ms())
    sim.on_book_ticker("BTCUSDT", "29800.00", "1", "29801.00", "1", clock.now_ms())
    body = sim.new_order({"symbol": "BTCUSDT", "side": "SELL", "type": "STOP_LOSS", "quantity": "0.1",
                          "stopPrice": "29900.00"})  # last is the trade at 30000, not the book
    sim.on_trade("BTCUSDT", "29890.00", "0.2", clock.now_ms())
    status = sim.get_order({"symbol": "BTCUSDT", "orderId": str(body["orderId"])})["status"]
    assert status == "FILLED"


def test_trades_through_a_resting_limit_fill_it_as_maker(clock: ManualClock) -> None:
    sim = SimEngine(clock, [typical_spec()], last_price_from_book=False)
    sim.deposit("USDT", "10000")
    body = sim.new_order({"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
                          "quantity": "0.2", "price": "29000.00"})
    sim.on_trade("BTCUSDT", "29000.00", "5", clock.now_ms())  # at our price: queue ahead of us
    sim.on_trade("BTCUSDT", "28999.00", "0.05", clock.now_ms())
    status = sim.get_order({"symbol": "BTCUSDT", "orderId": str(body["orderId"])})
    assert (status["status"], status["executedQty"]) == ("PARTIALLY_FILLED", "0.05000000")


def test_trailing_delta_outside_the_filter_range_is_rejected(engine: SimEngine) -> None:
    with api_error(-1013, "Filter failure: TRAILING_DELTA"):
        stop(engine, "SELL", "STOP_LOSS", trailingDelta="5")
    with api_error(-1013, "Filter failure: TRAILING_DELTA"):
        stop(engine, "BUY", "STOP_LOSS", trailingDelta="2001")


def test_too_many_algo_orders_is_an_engine_rejection(engine: SimEngine) -> None:
    for _ in range(5):
        stop(engine, "SELL", "STOP_LOSS", stopPrice="29000.00")
    with api_error(-2010, "Filter failure: MAX_NUM_ALGO_ORDERS"):
        stop(engine, "SELL", "STOP_LOSS", stopPrice="29000.00")
