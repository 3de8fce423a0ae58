"""Single orders through the adapter: every type the bot uses, fills, queries, cancels, ids."""
from __future__ import annotations

from decimal import Decimal

import pytest

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.ports import ExchangeRejected, OrderNotFound, OrderStatus, Side

from .conftest import Venue
from .helpers import limit, maker, market, stop_limit

D = Decimal


def test_a_limit_order_rests_is_found_by_client_id_and_cancels(venue: Venue) -> None:
    ex = venue.exchange
    placed = ex.place_order(limit("ls-entry-1", Side.BUY, "0.01000", "29000.00"))
    assert (placed.status, placed.executed_qty, placed.order_list_id) == (OrderStatus.NEW, D(0), None)
    assert placed.price == D("29000") and placed.orig_qty == D("0.01")
    assert ex.account().balances["USDT"].locked == D("290")
    found = ex.get_order("BTCUSDT", "ls-entry-1")
    assert found.order_id == placed.order_id and found.is_open
    assert [o.client_order_id for o in ex.open_orders("BTCUSDT")] == ["ls-entry-1"]
    canceled = ex.cancel_order("BTCUSDT", "ls-entry-1")
    assert canceled.status is OrderStatus.CANCELED and canceled.orig_client_order_id == "ls-entry-1"
    assert ex.open_orders() == [] and ex.account().balances["USDT"].locked == D(0)


def test_a_market_order_fills_with_fills_commission_and_trades(venue: Venue) -> None:
    ex = venue.exchange
    order = ex.place_order(market("ls-mkt-1", Side.BUY, qty="0.01000"))
    assert order.status is OrderStatus.FILLED and order.executed_qty == D("0.01")
    assert order.avg_price == D("30001") and order.cumulative_quote_qty == D("300.01")
    (fill,) = order.fills
    assert (fill.price, fill.qty, fill.commission_asset) == (D("30001"), D("0.01"), "BTC")
    trades = ex.my_trades("BTCUSDT", order_id=order.order_id)
    assert [(t.trade_id, t.qty, t.is_buyer, t.is_maker) for t in trades] == [(fill.trade_id, D("0.01"), True, False)]


def test_a_market_order_by_quote_amount(venue: Venue) -> None:
    order = venue.exchange.place_order(market("ls-mkt-q", Side.BUY, quote="300.01"))
    assert order.status is OrderStatus.FILLED and order.executed_qty == D("0.01")


def test_a_limit_maker_rests_and_one_that_would_take_is_rejected(venue: Venue) -> None:
    ex = venue.exchange
    assert ex.place_order(maker("ls-mk-1", Side.SELL, "0.01000", "30100.00")).status is OrderStatus.NEW
    with pytest.raises(ExchangeRejected) as info:
        ex.place_order(maker("ls-mk-2", Side.BUY, "0.01000", "30001.00"))
    assert (info.value.code, info.value.msg) == (-2010, "Order would immediately match and take.")
    assert not info.value.may_have_executed


def test_a_stop_loss_limit_waits_untriggered_then_fills_when_the_market_falls(venue: Venue) -> None:
    ex = venue.exchange
    stop = ex.place_order(stop_limit("ls-sl-1", Side.SELL, "0.10000", "29500.00", "29400.00"))
    assert stop.status is OrderStatus.NEW and stop.working_time_ms is None and stop.stop_price == D("29500")
    venue.quote("BTCUSDT", "29450.00", "29451.00")
    filled = ex.get_order("BTCUSDT", "ls-sl-1")
    assert filled.status is OrderStatus.FILLED and filled.working_time_ms is not None
    assert filled.avg_price == D("29450")


def test_a_stop_that_would_trigger_immediately_is_rejected(venue: Venue) -> None:
    with pytest.raises(ExchangeRejected) as info:
        venue.exchange.place_order(stop_limit("ls-sl-bad", Side.SELL, "0.10000", "30500.00", "30400.00"))
    assert (info.value.code, info.value.msg) == (-2010, "Order would trigger immediately.")


def test_partial_fills_then_the_rest(venue: Venue) -> None:
    ex = venue.exchange
    venue.quote("BTCUSDT", "30000.00", "30001.00", ask_qty="0.00400")
    first = ex.place_order(limit("ls-part-1", Side.BUY, "0.01000", "30001.00"))
    assert first.status is OrderStatus.PARTIALLY_FILLED and first.executed_qty == D("0.004")
    assert ex.get_order("BTCUSDT", "ls-part-1").is_open
    venue.quote("BTCUSDT", "30000.00", "30001.00", ask_qty="1.00000")
    done = ex.get_order("BTCUSDT", "ls-part-1")
    assert done.status is OrderStatus.FILLED and done.executed_qty == D("0.01")
    assert sum(t.qty for t in ex.my_trades("BTCUSDT", order_id=done.order_id)) == D("0.01")


def test_a_client_order_id_of_an_open_order_is_refused_and_reusable_once_closed(venue: Venue) -> None:
    ex = venue.exchange
    ex.place_order(limit("ls-dup", Side.BUY, "0.01000", "29000.00"))
    with pytest.raises(ExchangeRejected) as info:
        ex.place_order(limit("ls-dup", Side.BUY, "0.01000", "29000.00"))
    err = info.value
    assert (err.code, err.msg, err.is_duplicate, err.reason) == (
        -2010, "Duplicate order sent.", True, ReasonCode.DUPLICATE_CLIENT_ORDER_ID)
    assert len(ex.open_orders("BTCUSDT")) == 1  # the retry created nothing
    ex.cancel_order("BTCUSDT", "ls-dup")
    assert ex.place_order(limit("ls-dup", Side.BUY, "0.01000", "29000.00")).status is OrderStatus.NEW


def test_unknown_orders_are_not_found(venue: Venue) -> None:
    ex = venue.exchange
    with pytest.raises(OrderNotFound) as query:
        ex.get_order("BTCUSDT", "ls-nope")
    with pytest.raises(OrderNotFound) as cancel:
        ex.cancel_order("BTCUSDT", "ls-nope")
    assert (query.value.code, cancel.value.code, cancel.value.msg) == (-2013, -2011, "Unknown order sent.")


def test_cancel_replace_moves_a_resting_order(venue: Venue) -> None:
    ex = venue.exchange
    ex.place_order(limit("ls-cr-1", Side.BUY, "0.01000", "29000.00"))
    result = ex.cancel_replace("BTCUSDT", "ls-cr-1", limit("ls-cr-2", Side.BUY, "0.01000", "29100.00"))
    assert result.cancel is not None and result.cancel.status is OrderStatus.CANCELED
    assert result.new is not None and result.new.status is OrderStatus.NEW and result.new.price == D("29100")
    assert [o.client_order_id for o in ex.open_orders("BTCUSDT")] == ["ls-cr-2"]


def test_cancel_replace_reports_a_half_that_failed(venue: Venue) -> None:
    ex = venue.exchange
    with pytest.raises(ExchangeRejected) as info:  # STOP_ON_FAILURE: nothing happened
        ex.cancel_replace("BTCUSDT", "ls-missing", limit("ls-cr-3", Side.BUY, "0.01000", "29100.00"))
    assert info.value.code == -2022
    result = ex.cancel_replace("BTCUSDT", "ls-missing", limit("ls-cr-4", Side.BUY, "0.01000", "29100.00"),
                               allow_failure=True)
    assert isinstance(result.cancel_error, OrderNotFound) and result.cancel is None
    assert result.new is not None and result.new.client_order_id == "ls-cr-4"


def test_a_halted_symbol_and_a_short_balance_are_rejections_with_reasons(venue: Venue) -> None:
    ex = venue.exchange
    with pytest.raises(ExchangeRejected) as short:
        ex.place_order(limit("ls-big", Side.BUY, "5.00000", "29000.00"))
    assert short.value.reason is ReasonCode.INSUFFICIENT_BALANCE
    venue.server.set_symbol_status("BTCUSDT", "HALT")
    assert not ex.exchange_info(["BTCUSDT"]).symbols["BTCUSDT"].is_trading
    with pytest.raises(ExchangeRejected) as closed:
        ex.place_order(market("ls-halted", Side.BUY, qty="0.01000"))
    assert (closed.value.msg, closed.value.reason) == ("Market is closed.", ReasonCode.SYMBOL_NOT_TRADING)
