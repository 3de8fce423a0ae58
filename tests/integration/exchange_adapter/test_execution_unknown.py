"""Lost answers: an order whose response never arrives MAY exist (design §7 SENT_UNKNOWN).

Each case: the simulator executes the request, then withholds the result (dropped connection,
503, -1007, or a reply slower than the client's timeout). The adapter says ExecutionUnknown,
and a query by the client order id we chose resolves it.
"""
from __future__ import annotations

import socket

import pytest

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.ports import ExchangeUnavailable, ExecutionUnknown, OrderNotFound, OrderStatus, Side
from trading.exchange.adapter import BinanceExchange, ExchangeEndpoints

from .conftest import TEST_CONFIG, Venue, VenueFactory
from .helpers import limit, market, protection_oco


@pytest.mark.parametrize("withhold", ["drop", "503", "-1007"])
def test_an_order_whose_answer_is_lost_is_resolved_by_client_id(venue: Venue, withhold: str) -> None:
    venue.server.faults.timeout_after_execution(withhold=withhold)
    with pytest.raises(ExecutionUnknown) as info:
        venue.exchange.place_order(market("ls-lost-1", Side.BUY, qty="0.01000"))
    assert info.value.may_have_executed
    assert info.value.reason is (ReasonCode.EXCHANGE_UNREACHABLE if withhold == "drop" else ReasonCode.EXCHANGE_5XX)
    found = venue.exchange.get_order("BTCUSDT", "ls-lost-1")
    assert found.status is OrderStatus.FILLED  # it was executed after all: CONFIRMED, never re-sent


def test_a_reply_slower_than_the_timeout_is_unknown(venue_factory: VenueFactory) -> None:
    venue = venue_factory(adapter={"request_timeout_s": 0.3})
    venue.exchange.sync_clock()
    venue.server.faults.timeout_after_execution(hold_ms=800)
    with pytest.raises(ExecutionUnknown) as info:
        venue.exchange.place_order(limit("ls-slow", Side.BUY, "0.01000", "29000.00"))
    assert "Timeout" in info.value.detail
    assert venue.exchange.get_order("BTCUSDT", "ls-slow").status is OrderStatus.NEW


def test_a_lost_oco_answer_is_resolved_by_list_client_id(venue: Venue) -> None:
    venue.server.faults.timeout_after_execution(path="/api/v3/orderList/oco")
    with pytest.raises(ExecutionUnknown):
        venue.exchange.place_oco(protection_oco("ls-oco-lost"))
    assert venue.exchange.get_order_list("ls-oco-lost").list_order_status == "EXECUTING"


def test_a_lost_cancel_answer_is_resolved_by_query(venue: Venue) -> None:
    venue.exchange.place_order(limit("ls-cxl", Side.BUY, "0.01000", "29000.00"))
    venue.server.faults.timeout_after_execution(method="DELETE")
    with pytest.raises(ExecutionUnknown):
        venue.exchange.cancel_order("BTCUSDT", "ls-cxl")
    assert venue.exchange.get_order("BTCUSDT", "ls-cxl").status is OrderStatus.CANCELED


def test_a_gateway_5xx_on_an_order_is_unknown_until_the_query_says_not_found(venue: Venue) -> None:
    venue.server.faults.fail_next(status=502, path="/api/v3/order", method="POST")
    with pytest.raises(ExecutionUnknown) as info:
        venue.exchange.place_order(limit("ls-5xx", Side.BUY, "0.01000", "29000.00"))
    assert info.value.http_status == 502
    with pytest.raises(OrderNotFound):
        venue.exchange.get_order("BTCUSDT", "ls-5xx")  # NOT_FOUND: safe to send again


def test_a_5xx_on_a_read_is_plainly_unavailable(venue: Venue) -> None:
    venue.server.faults.fail_next(status=503, path="/api/v3/ticker/bookTicker")
    with pytest.raises(ExchangeUnavailable) as info:
        venue.exchange.book_ticker("BTCUSDT")
    assert not info.value.may_have_executed and info.value.reason is ReasonCode.EXCHANGE_5XX
    assert venue.exchange.book_ticker("BTCUSDT").symbol == "BTCUSDT"


def test_an_exchange_that_cannot_be_reached_executed_nothing() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    exchange = BinanceExchange(ExchangeEndpoints.sim(port), "k", "s", TEST_CONFIG)
    try:
        with pytest.raises(ExchangeUnavailable) as info:
            exchange.place_order(limit("ls-down", Side.BUY, "0.01000", "29000.00"))
        assert not info.value.may_have_executed and "could not connect" in info.value.detail
    finally:
        exchange.close()
