"""Plain orders: LIMIT (GTC/IOC/FOK), MARKET (quantity, quoteOrderQty), LIMIT_MAKER, partial fills."""
from __future__ import annotations

from decimal import Decimal

from trading.domain.clock import ManualClock
from trading.exchange.sim.engine import SimEngine, typical_spec

from .helpers import Events, api_error, balance, limit, place, query, tick


def test_limit_below_market_rests_and_locks_its_quote(engine: SimEngine) -> None:
    body = limit(engine, "BUY", "0.1", "29000.00")
    assert body["status"] == "NEW" and body["fills"] == []
    assert body["workingTime"] == body["transactTime"]
    assert balance(engine, "USDT") == (Decimal("97100"), Decimal("2900"))


def test_crossing_limit_fills_at_the_touch_as_taker(engine: SimEngine) -> None:
    body = limit(engine, "BUY", "0.5", "30005.00")
    assert body["status"] == "FILLED"
    assert body["fills"] == [{"price": "30001.00000000", "qty": "0.50000000", "commission": "0.00050000",
                              "commissionAsset": "BTC", "tradeId": 1}]
    assert body["cummulativeQuoteQty"] == "15000.50000000"
    # The lock at the limit price is fully released; only the fill's cost left the account.
    assert balance(engine, "USDT") == (Decimal("84999.5"), Decimal(0))
    assert balance(engine, "BTC") == (Decimal("10.4995"), Decimal(0))


def test_order_larger_than_the_touch_fills_partially_then_on_later_updates(
        engine: SimEngine, events: Events) -> None:
    body = limit(engine, "BUY", "3", "30001.00")
    assert (body["status"], body["executedQty"]) == ("PARTIALLY_FILLED", "2.00000000")
    tick(engine, "29999.00", "30000.50", ask_qty="0.4")
    assert query(engine, body["orderId"])["executedQty"] == "2.40000000"
    tick(engine, "29999.00", "30000.50", ask_qty="5")
    final = query(engine, body["orderId"])
    assert (final["status"], final["executedQty"]) == ("FILLED", "3.00000000")
    trades = engine.my_trades({"symbol": "BTCUSDT"})
    assert [t["id"] for t in trades] == [1, 2, 3]
    assert [t["isMaker"] for t in trades] == [False, True, True]
    assert [t["price"] for t in trades] == ["30001.00000000"] * 3  # resting: fills at its own price
    assert [x for x, _ in events.exec_types(body["orderId"])] == ["NEW", "TRADE", "TRADE", "TRADE"]
    last = events.reports(body["orderId"])[-1]
    assert (last["l"], last["z"], last["L"], last["t"], last["m"]) == (
        "0.60000000", "3.00000000", "30001.00000000", 3, True)


def test_ioc_expires_what_the_touch_cannot_fill(engine: SimEngine) -> None:
    body = limit(engine, "BUY", "3", "30001.00", tif="IOC")
    assert (body["status"], body["executedQty"]) == ("EXPIRED", "2.00000000")
    assert body["expiryReason"] == "UNFILLED_IOC_QUANTITY_EXPIRED"
    assert balance(engine, "USDT")[1] == 0


def test_fok_expires_whole_when_the_touch_is_too_small(engine: SimEngine) -> None:
    body = limit(engine, "BUY", "3", "30001.00", tif="FOK")
    assert (body["status"], body["executedQty"], body["fills"]) == ("EXPIRED", "0.00000000", [])
    assert body["expiryReason"] == "UNFILLED_FOK_ORDER_EXPIRED"
    assert balance(engine, "USDT") == (Decimal(100000), Decimal(0))


def test_fok_fills_completely_when_the_touch_suffices(engine: SimEngine) -> None:
    assert limit(engine, "SELL", "1.5", "29990.00", tif="FOK")["status"] == "FILLED"


def test_market_by_quantity_takes_the_touch_and_expires_the_rest(engine: SimEngine) -> None:
    body = place(engine, side="BUY", type="MARKET", quantity="3")
    assert (body["status"], body["executedQty"]) == ("EXPIRED", "2.00000000")
    assert body["expiryReason"] == "INSUFFICIENT_LIQUIDITY"
    assert body["timeInForce"] == "GTC" and body["price"] == "0.00000000"


def test_market_by_quote_quantity_buys_the_step_valid_quantity_it_can_pay(engine: SimEngine) -> None:
    body = place(engine, side="BUY", type="MARKET", quoteOrderQty="100")
    assert body["status"] == "FILLED"
    assert body["origQuoteOrderQty"] == "100.00000000"
    assert body["executedQty"] == "0.00333000"  # floor(100 / 30001, step 0.00001)
    assert body["cummulativeQuoteQty"] == "99.90333000"
    assert balance(engine, "USDT") == (Decimal("99900.09667"), Decimal(0))


def test_market_sell_by_quote_quantity(engine: SimEngine) -> None:
    body = place(engine, side="SELL", type="MARKET", quoteOrderQty="300")
    assert (body["executedQty"], body["cummulativeQuoteQty"]) == ("0.01000000", "300.00000000")
    assert body["fills"][0]["commission"] == "0.30000000" and body["fills"][0]["commissionAsset"] == "USDT"


def test_quote_quantity_market_needs_a_book(clock: ManualClock) -> None:
    sim = SimEngine(clock, [typical_spec()])
    sim.deposit("USDT", "1000")
    with api_error(-2010, "Order book liquidity is less than symbol minimum quantity."):
        sim.new_order({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quoteOrderQty": "100"})


def test_market_on_an_empty_book_expires_without_fills(clock: ManualClock) -> None:
    sim = SimEngine(clock, [typical_spec()])
    sim.deposit("BTC", "1")
    body = sim.new_order({"symbol": "BTCUSDT", "side": "SELL", "type": "MARKET", "quantity": "0.1"})
    assert (body["status"], body["fills"]) == ("EXPIRED", [])
    assert sim.account()["balances"] == [{"asset": "BTC", "free": "1.00000000", "locked": "0.00000000"}]


def test_limit_maker_that_would_take_is_rejected(engine: SimEngine) -> None:
    with api_error(-2010, "Order would immediately match and take."):
        place(engine, side="SELL", type="LIMIT_MAKER", quantity="0.1", price="30000.00")
    assert engine.open_orders({"symbol": "BTCUSDT"}) == []


def test_limit_maker_rests_and_fills_as_maker_when_the_bid_reaches_it(engine: SimEngine) -> None:
    body = place(engine, side="SELL", type="LIMIT_MAKER", quantity="0.1", price="30010.00")
    assert set(body) == {"symbol", "orderId", "orderListId", "clientOrderId", "transactTime"}  # ACK default
    tick(engine, "30010.00", "30011.00")
    trade = engine.my_trades({"symbol": "BTCUSDT"})[0]
    assert (trade["isMaker"], trade["price"], trade["commission"], trade["commissionAsset"]) == (
        True, "30010.00000000", "3.00100000", "USDT")
    assert balance(engine, "BTC") == (Decimal("9.9"), Decimal(0))


def test_resting_orders_fill_best_price_first_within_the_displayed_size(engine: SimEngine) -> None:
    worse = limit(engine, "BUY", "1", "29990.00")["orderId"]
    better = limit(engine, "BUY", "1", "29995.00")["orderId"]
    tick(engine, "29980.00", "29985.00", ask_qty="1.5")
    assert query(engine, better)["status"] == "FILLED"
    assert query(engine, worse)["executedQty"] == "0.50000000"


def test_response_type_defaults_and_override(engine: SimEngine) -> None:
    assert "fills" in limit(engine, "BUY", "0.1", "29000.00")
    stop = place(engine, side="SELL", type="STOP_LOSS", quantity="0.1", stopPrice="29000.00")
    assert "status" not in stop  # ACK for every other type (facts §2.2)
    result = limit(engine, "BUY", "0.1", "29000.00", newOrderRespType="RESULT")
    assert "fills" not in result and result["status"] == "NEW"


def test_ids_are_monotonic_and_generated_client_ids_look_like_binance(engine: SimEngine) -> None:
    first = limit(engine, "BUY", "0.1", "29000.00")
    second = limit(engine, "BUY", "0.1", "29000.00")
    assert second["orderId"] == first["orderId"] + 1
    assert len(first["clientOrderId"]) == 22 and first["clientOrderId"].isalnum()


def test_duplicate_client_id_rejected_while_open_and_reusable_after_close(engine: SimEngine) -> None:
    first = limit(engine, "BUY", "0.1", "29000.00", newClientOrderId="entry-1")
    with api_error(-2010, "Duplicate order sent."):
        limit(engine, "BUY", "0.1", "29000.00", newClientOrderId="entry-1")
    engine.cancel_order({"symbol": "BTCUSDT", "orderId": str(first["orderId"])})
    assert limit(engine, "BUY", "0.1", "29000.00", newClientOrderId="entry-1")["status"] == "NEW"


def test_client_order_id_must_match_binance_regex(engine: SimEngine) -> None:
    msg = "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[a-zA-Z0-9-_]{1,36}$'."
    with api_error(-1100, msg):
        limit(engine, "BUY", "0.1", "29000.00", newClientOrderId="bad id!")
    with api_error(-1100, msg):
        limit(engine, "BUY", "0.1", "29000.00", newClientOrderId="x" * 37)


def test_test_order_validates_without_placing(engine: SimEngine) -> None:
    assert engine.test_order({"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
                              "quantity": "0.1", "price": "29000.00"}) == {}
    assert engine.all_orders({"symbol": "BTCUSDT"}) == []
    with api_error(-1013, "Filter failure: PRICE_FILTER"):
        engine.test_order({"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
                           "quantity": "0.1", "price": "29000.001"})


def test_server_time_comes_from_the_clock(engine: SimEngine, clock: ManualClock) -> None:
    clock.advance(1234)
    assert engine.server_time() == {"serverTime": 1_700_000_001_234}
    assert limit(engine, "BUY", "0.1", "29000.00")["transactTime"] == 1_700_000_001_234
