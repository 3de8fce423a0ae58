"""Orders, order lists, trades and the account from real (and docs) REST bodies."""
from __future__ import annotations

from decimal import Decimal

import pytest

from trading.domain.contracts.intent import OrderType
from trading.domain.ports import OrderStatus, Side, TimeInForce
from trading.exchange.adapter.parse import parse_account, parse_order, parse_order_list, parse_trade

from .helpers import load

D = Decimal


def test_a_live_new_limit_order_with_stringified_ids() -> None:
    o = parse_order(load("rest/order_POST_SOLUSDT_limit_NEW_20250123_mainnet_ccxt.json"))
    assert (o.symbol, o.order_id, o.status, o.side, o.type) == (
        "SOLUSDT", 9780331417, OrderStatus.NEW, Side.BUY, OrderType.LIMIT)
    assert (o.order_list_id, o.time_ms, o.working_time_ms) == (None, 1737635557417, 1737635557417)
    assert (o.price, o.orig_qty, o.executed_qty, o.fills) == (D("241"), D("0.05"), D(0), ())
    assert o.is_open and o.avg_price is None


def test_a_live_filled_market_order_query() -> None:
    o = parse_order(load("rest/order_GET_LTCUSDT_market_FILLED_20230323_mainnet_ccxt.json"))
    assert (o.status, o.type, o.side, o.time_in_force) == (
        OrderStatus.FILLED, OrderType.MARKET, Side.SELL, TimeInForce.GTC)
    assert o.stop_price is None  # "0.00000000" means unset
    assert o.avg_price == D("90.8") and o.update_time_ms == 1679571174472 and not o.is_open


@pytest.mark.parametrize(("name", "status"), [("rest/openOrders_LTCUSDT_20231107_mainnet_ccxt.json", "NEW"),
                                              ("rest/allOrders_LTCUSDT_CANCELED_20240202_mainnet_ccxt.json",
                                               "CANCELED")])
def test_live_order_listings(name: str, status: str) -> None:
    orders = [parse_order(row) for row in load(name)]
    assert [o.status for o in orders] == [OrderStatus(status)]
    assert orders[0].time_ms == int(load(name)[0]["time"])


def test_ack_result_and_full_responses() -> None:
    ack = parse_order(load("docs-examples/rest/docs_new_order_ACK.json"))
    assert (ack.order_id, ack.status, ack.time_ms) == (28, None, 1507725176595)
    result = parse_order(load("docs-examples/rest/docs_new_order_RESULT.json"))
    assert result.status is OrderStatus.FILLED and result.fills == ()
    full = parse_order(load("docs-examples/rest/docs_new_order_FULL.json"))
    assert [f.trade_id for f in full.fills] == [56, 57, 58, 59, 60]
    assert sum(f.qty for f in full.fills) == full.executed_qty == D(10)
    assert full.fills[0].commission == D("4") and full.fills[0].commission_asset == "USDT"


def test_a_cancel_carries_both_ids() -> None:
    o = parse_order(load("docs-examples/rest/docs_cancel_order.json"))
    assert (o.status, o.client_order_id, o.orig_client_order_id) == (
        OrderStatus.CANCELED, "cancelMyOrder1", "myOrder1")


def test_a_query_with_a_zero_stop_price() -> None:
    o = parse_order(load("docs-examples/rest/docs_query_order.json"))
    assert o.stop_price is None and o.update_time_ms == 1499827319559


def test_an_oco_placement_with_its_reports() -> None:
    lst = parse_order_list(load("docs-examples/rest/docs_new_orderList_OCO.json"))
    assert (lst.contingency_type, lst.list_status_type, lst.list_order_status) == ("OCO", "EXEC_STARTED",
                                                                                   "EXECUTING")
    assert lst.transaction_time_ms == 1710485608839 and [o.order_id for o in lst.orders] == [10, 11]
    stop = lst.report("44nZvqpemY7sVYgPYbvPih")
    assert stop is not None and stop.type is OrderType.STOP_LOSS_LIMIT and stop.working_time_ms is None
    assert stop.order_list_id == 1 and stop.stop_price == D("1")
    assert not lst.is_done


def test_otoco_legs_wait_as_pending_new() -> None:
    lst = parse_order_list(load("docs-examples/rest/docs_new_orderList_OTOCO.json"))
    assert lst.contingency_type == "OTO"
    assert [r.status for r in lst.reports] == [OrderStatus.NEW, OrderStatus.PENDING_NEW, OrderStatus.PENDING_NEW]
    assert all(r.is_open for r in lst.reports)


def test_oto_cancel_query_and_open_lists() -> None:
    assert len(parse_order_list(load("docs-examples/rest/docs_new_orderList_OTO.json")).reports) == 2
    done = parse_order_list(load("docs-examples/rest/docs_cancel_orderList.json"))
    assert done.is_done and {r.status for r in done.reports} == {OrderStatus.CANCELED}
    assert {r.orig_client_order_id for r in done.reports} == {o.client_order_id for o in done.orders}
    queried = parse_order_list(load("docs-examples/rest/docs_query_orderList.json"))
    assert queried.reports == () and queried.list_client_order_id == "h2USkA5YQpaXHPIrkd96xE"
    (listed,) = [parse_order_list(x) for x in load("docs-examples/rest/docs_open_orderLists.json")]
    assert listed.order_list_id == 31


def test_a_live_trade() -> None:
    (t,) = [parse_trade(row) for row in load("rest/myTrades_LTCUSDT_20231024_mainnet_ccxt.json")]
    assert (t.trade_id, t.order_id, t.order_list_id, t.price, t.qty) == (
        309520010, 3784695242, None, D("69.63"), D("0.2"))
    assert t.quote_qty == t.price * t.qty and (t.is_buyer, t.is_maker) == (False, False)


def test_a_live_account() -> None:
    a = parse_account(load("rest/account_SPOT_20231206_mainnet_ccxt.json"))
    assert a.can_trade and a.update_time_ms == 1701856395927
    assert a.balances["LTC"].free == D("0.919741") and a.balances["BTC"].locked == D(0)
    assert (a.maker_commission, a.taker_commission) == (D("0.001"), D("0.001"))
