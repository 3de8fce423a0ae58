"""Request weight (facts §5, design §7): tracked from headers, budgeted, 429 and 418 obeyed.

The simulator's windows and bans follow its clock, which is also the adapter's clock here, so
recovery is a clock jump rather than a sleep. After the jump the adapter's signed calls are
behind exchange time and come back -1021: the adapter resyncs by itself.
"""
from __future__ import annotations

import time

import pytest
from binance.exceptions import BinanceAPIException

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.ports import IpBanned, OrderStatus, RateLimited, Side
from trading.exchange.sim.server import LimitConfig

from .conftest import Venue, VenueFactory
from .helpers import limit


def fresh_window() -> int:
    """Return an exchange start time 1 s into a minute: no window rolls over mid-test."""
    now = time.time_ns() // 1_000_000
    return now - now % 60_000 + 1000


def used_on_server(venue: Venue) -> int:
    """Return the weight the simulator counted for 127.0.0.1 in its current window."""
    return int(venue.server.call(venue.server.state.limiter.used_weight, "127.0.0.1"))


def test_used_weight_follows_the_response_header(venue_factory: VenueFactory) -> None:
    venue = venue_factory(start_ms=fresh_window())
    venue.exchange.exchange_info()
    venue.exchange.book_ticker("BTCUSDT")
    status = venue.exchange.weight()
    assert status.used == 22 == used_on_server(venue)
    assert status.limit == 6000  # learnt from exchangeInfo rateLimits


def test_429_is_obeyed_until_retry_after_then_calls_resume(venue_factory: VenueFactory) -> None:
    venue = venue_factory(limits=LimitConfig(weight_per_minute=50), start_ms=fresh_window())
    ex = venue.exchange
    ex.sync_clock()  # 1
    ex.exchange_info()  # 21
    ex.exchange_info()  # 41
    with pytest.raises(RateLimited) as first:
        ex.exchange_info()
    assert first.value.sent and first.value.reason is ReasonCode.RATE_LIMIT_429 and first.value.code == -1003
    wait_ms = first.value.retry_after_ms
    assert 1000 <= wait_ms <= 60_000
    with pytest.raises(RateLimited) as held:
        ex.place_order(limit("ls-held", Side.BUY, "0.01000", "29000.00"))  # not even orders
    assert not held.value.sent and ex.weight().retry_after_until_ms is not None
    assert used_on_server(venue) == 41  # nothing reached the exchange while backing off
    venue.server.advance(wait_ms)
    assert ex.place_order(limit("ls-after", Side.BUY, "0.01000", "29000.00")).status is OrderStatus.NEW
    assert ex.clock_skew_events == 1  # the jump made our timestamps stale: resynced on -1021


def test_the_budget_holds_back_ordinary_calls_before_the_exchange_must(venue_factory: VenueFactory) -> None:
    venue = venue_factory(adapter={"weight_limit": 100, "soft_weight_fraction": 0.5, "hard_weight_fraction": 0.9},
                          start_ms=fresh_window())
    ex = venue.exchange
    ex.exchange_info()
    ex.exchange_info()  # 40 of a 50 soft budget
    with pytest.raises(RateLimited) as info:
        ex.exchange_info()
    assert not info.value.sent and info.value.reason is ReasonCode.WEIGHT_BUDGET_LOW
    assert used_on_server(venue) == 40
    ex.place_order(limit("ls-prio", Side.BUY, "0.01000", "29000.00"))  # the order path may use the reserve
    assert ex.get_order("BTCUSDT", "ls-prio").status is OrderStatus.NEW


def test_too_many_new_orders_blocks_orders_only(venue_factory: VenueFactory) -> None:
    venue = venue_factory(limits=LimitConfig(orders_per_10s=2), start_ms=fresh_window())
    ex = venue.exchange
    ex.place_order(limit("ls-o1", Side.BUY, "0.01000", "29000.00"))
    ex.place_order(limit("ls-o2", Side.BUY, "0.01000", "29001.00"))
    assert ex.weight().order_count_10s == 2
    with pytest.raises(RateLimited) as info:
        ex.place_order(limit("ls-o3", Side.BUY, "0.01000", "29002.00"))
    assert info.value.sent and info.value.code == -1015
    with pytest.raises(RateLimited) as held:
        ex.place_order(limit("ls-o3", Side.BUY, "0.01000", "29002.00"))
    assert not held.value.sent
    assert ex.cancel_order("BTCUSDT", "ls-o1").status is OrderStatus.CANCELED  # cancels still go
    venue.server.advance(info.value.retry_after_ms)
    assert ex.place_order(limit("ls-o3", Side.BUY, "0.01000", "29002.00")).status is OrderStatus.NEW


def test_a_418_ban_stops_every_rest_call_until_it_ends(venue_factory: VenueFactory) -> None:
    venue = venue_factory(limits=LimitConfig(weight_per_minute=25, strikes_before_ban=1), start_ms=fresh_window())
    ex = venue.exchange
    ex.sync_clock()
    other = venue.sim.client()  # another process on the same IP keeps hammering (limits are per IP)
    other.get_exchange_info()
    for _ in range(2):
        with pytest.raises(BinanceAPIException):
            other.get_exchange_info()
    with pytest.raises(IpBanned) as banned:
        ex.book_ticker("BTCUSDT")
    ban = banned.value
    assert ban.sent and ban.reason is ReasonCode.RATE_LIMIT_418_BAN and 119_000 <= ban.retry_after_ms <= 120_000
    for call in (lambda: ex.server_time(), lambda: ex.place_order(limit("ls-b", Side.BUY, "0.01000", "29000.00")),
                 lambda: ex.get_order("BTCUSDT", "ls-b")):
        with pytest.raises(IpBanned) as again:
            call()
        assert not again.value.sent and again.value.until_ms == ban.until_ms
    assert ex.weight().banned_until_ms == ban.until_ms
    venue.server.advance(ban.retry_after_ms + 1000)
    assert ex.book_ticker("BTCUSDT").symbol == "BTCUSDT"
    assert ex.place_order(limit("ls-b", Side.BUY, "0.01000", "29000.00")).status is OrderStatus.NEW
