"""Order lists: the bot's OCO protection (with a trailing stop leg) and OTOCO entries."""
from __future__ import annotations

from decimal import Decimal

import pytest

from trading.domain.contracts.intent import OrderType
from trading.domain.ports import ExchangeRejected, OcoLeg, OrderStatus, OtocoRequest, Side, TimeInForce

from .conftest import Venue
from .helpers import limit, protection_oco

D = Decimal


def test_an_oco_is_placed_queried_listed_and_cancelled_by_its_list_id(venue: Venue) -> None:
    ex = venue.exchange
    placed = ex.place_oco(protection_oco("ls-oco-1"))
    assert (placed.contingency_type, placed.list_order_status) == ("OCO", "EXECUTING")
    take_profit, stop = placed.report("ls-oco-1-tp"), placed.report("ls-oco-1-sl")
    assert take_profit is not None and take_profit.type is OrderType.LIMIT_MAKER and take_profit.price == D("30500")
    assert stop is not None and stop.type is OrderType.STOP_LOSS_LIMIT and stop.stop_price == D("29500")
    assert stop.working_time_ms is None and stop.order_list_id == placed.order_list_id
    queried = ex.get_order_list("ls-oco-1")
    assert queried.reports == () and {o.client_order_id for o in queried.orders} == {"ls-oco-1-tp", "ls-oco-1-sl"}
    assert [lst.list_client_order_id for lst in ex.open_order_lists()] == ["ls-oco-1"]
    done = ex.cancel_order_list("BTCUSDT", "ls-oco-1")
    assert done.is_done and {r.status for r in done.reports} == {OrderStatus.CANCELED}
    assert ex.open_order_lists() == [] and ex.open_orders("BTCUSDT") == []


def test_an_oco_stop_leg_can_trail(venue: Venue) -> None:
    ex = venue.exchange
    placed = ex.place_oco(protection_oco("ls-oco-tr", take_profit="32000.00", stop=None,
                                         stop_limit_price="30000.00", delta=200))
    stop = placed.report("ls-oco-tr-sl")
    assert stop is not None and stop.trailing_delta == 200 and stop.stop_price is None
    venue.quote("BTCUSDT", "31000.00", "31001.00")  # the trail follows the market up
    assert ex.get_order("BTCUSDT", "ls-oco-tr-sl").status is OrderStatus.NEW
    venue.quote("BTCUSDT", "30300.00", "30301.00")  # more than 2 % below the high: triggers
    assert ex.get_order("BTCUSDT", "ls-oco-tr-sl").status is OrderStatus.FILLED
    take_profit = ex.get_order("BTCUSDT", "ls-oco-tr-tp")
    assert (take_profit.status, take_profit.expiry_reason) == (OrderStatus.EXPIRED, "OCO_TRIGGER")
    assert ex.get_order_list("ls-oco-tr").is_done


def test_an_oco_on_the_wrong_side_of_the_market_is_rejected(venue: Venue) -> None:
    with pytest.raises(ExchangeRejected) as info:
        venue.exchange.place_oco(protection_oco("ls-oco-bad", take_profit="29900.00"))
    assert info.value.code in (-1165, -1166, -2010) and not info.value.may_have_executed


def test_an_otoco_entry_arms_its_protection_once_filled(venue: Venue) -> None:
    ex = venue.exchange
    request = OtocoRequest(
        working=limit("ls-oto-in", Side.BUY, "0.10000", "29000.00"), pending_quantity=D("0.1"),
        pending_above=OcoLeg(OrderType.LIMIT_MAKER, price=D("31000.00"), client_order_id="ls-oto-tp"),
        pending_below=OcoLeg(OrderType.STOP_LOSS_LIMIT, price=D("27900.00"), stop_price=D("28000.00"),
                             time_in_force=TimeInForce.GTC, client_order_id="ls-oto-sl"),
        list_client_order_id="ls-oto")
    placed = ex.place_otoco(request)
    statuses = {r.client_order_id: r.status for r in placed.reports}
    assert statuses == {"ls-oto-in": OrderStatus.NEW, "ls-oto-tp": OrderStatus.PENDING_NEW,
                        "ls-oto-sl": OrderStatus.PENDING_NEW}
    venue.quote("BTCUSDT", "28990.00", "29000.00")
    assert ex.get_order("BTCUSDT", "ls-oto-in").status is OrderStatus.FILLED
    assert ex.get_order("BTCUSDT", "ls-oto-tp").status is OrderStatus.NEW
    assert ex.get_order("BTCUSDT", "ls-oto-sl").status is OrderStatus.NEW
