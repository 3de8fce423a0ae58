"""The user data stream over the WS API (facts §7): typed events, OCO legs, gaps and repairs."""
from __future__ import annotations

from decimal import Decimal

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.ports import (
    AccountPosition,
    BalanceDelta,
    EventStream,
    ExecutionReport,
    ListStatus,
    OrderStatus,
    Side,
    StreamEvent,
    StreamState,
)

from .conftest import Venue, VenueFactory
from .helpers import limit, protection_oco, wait_event, wait_status

D = Decimal


def subscribed(venue: Venue) -> EventStream:
    stream = venue.exchange.user_stream()
    first = wait_status(stream, StreamState.SUBSCRIBED)
    assert not first.needs_reconcile
    return stream


def test_order_and_balance_events_arrive_typed(venue: Venue) -> None:
    stream = subscribed(venue)
    placed = venue.exchange.place_order(limit("ls-u-1", Side.BUY, "0.01000", "29000.00"))
    report = wait_event(stream, ExecutionReport)
    assert (report.order_id, report.client_order_id, report.exec_type, report.status) == (
        placed.order_id, "ls-u-1", "NEW", OrderStatus.NEW)
    assert report.price == D("29000") and report.order_list_id is None and report.trade_id is None
    position = wait_event(stream, AccountPosition)
    usdt = next(b for b in position.balances if b.asset == "USDT")
    assert (usdt.free, usdt.locked) == (D("99710"), D("290"))


def test_partial_fills_show_as_trades(venue: Venue) -> None:
    stream = subscribed(venue)
    venue.quote("BTCUSDT", "30000.00", "30001.00", ask_qty="0.00400")
    venue.exchange.place_order(limit("ls-u-p", Side.BUY, "0.01000", "30001.00"))
    trade = wait_event(stream, ExecutionReport, lambda r: r.exec_type == "TRADE")
    assert (trade.status, trade.last_qty, trade.cum_qty, trade.last_price) == (
        OrderStatus.PARTIALLY_FILLED, D("0.004"), D("0.004"), D("30001"))
    assert trade.trade_id is not None and trade.commission_asset == "BTC"


def test_cancelling_one_oco_leg_cancels_the_list_on_the_stream(venue: Venue) -> None:
    stream = subscribed(venue)
    venue.exchange.place_oco(protection_oco("ls-u-oco"))
    venue.exchange.cancel_order("BTCUSDT", "ls-u-oco-sl")
    seen: list[StreamEvent] = []
    done = wait_event(stream, ListStatus, lambda s: s.list_order_status == "ALL_DONE", seen=seen)
    assert done.list_client_order_id == "ls-u-oco" and done.list_status_type == "ALL_DONE"
    # A cancel's report carries the cancel's own id in `c` and the order's in `C` (facts §7).
    last = {r.orig_client_order_id or r.client_order_id: r.status for r in seen if isinstance(r, ExecutionReport)}
    assert last == {"ls-u-oco-tp": OrderStatus.CANCELED, "ls-u-oco-sl": OrderStatus.CANCELED}


def test_an_oco_take_profit_fill_expires_the_stop_leg(venue: Venue) -> None:
    stream = subscribed(venue)
    venue.exchange.place_oco(protection_oco("ls-u-tp"))
    venue.quote("BTCUSDT", "30600.00", "30601.00")
    seen: list[StreamEvent] = []
    wait_event(stream, ListStatus, lambda s: s.list_order_status == "ALL_DONE", seen=seen)
    reports = [r for r in seen if isinstance(r, ExecutionReport)]
    assert ("ls-u-tp-tp", OrderStatus.FILLED) in {(r.client_order_id, r.status) for r in reports}
    expired = [r for r in reports if r.client_order_id == "ls-u-tp-sl"][-1]
    assert (expired.status, expired.expiry_reason) == (OrderStatus.EXPIRED, "OCO_TRIGGER")


def test_a_dropped_ws_api_connection_is_resubscribed_and_flagged_for_reconcile(venue: Venue) -> None:
    stream = subscribed(venue)
    assert venue.server.disconnect_user_streams() == 1
    assert wait_status(stream, StreamState.DISCONNECTED).reason is ReasonCode.WS_DISCONNECTED
    again = wait_status(stream, StreamState.SUBSCRIBED)
    assert again.needs_reconcile and again.reason is ReasonCode.USER_STREAM_UNSTABLE
    venue.exchange.place_order(limit("ls-u-2", Side.BUY, "0.01000", "29000.00"))
    assert wait_event(stream, ExecutionReport).client_order_id == "ls-u-2"
    assert stream.stats().reconnects == 1 and venue.server.user_subscription_count() == 1


def test_a_silently_lost_subscription_is_found_by_the_health_probe(venue_factory: VenueFactory) -> None:
    venue = venue_factory(adapter={"user_health_every_s": 0.2})
    stream = subscribed(venue)
    assert venue.server.lose_user_subscriptions() == 1
    again = wait_status(stream, StreamState.SUBSCRIBED)
    assert again.needs_reconcile and again.detail == "subscription lost"
    venue.server.deposit("USDT", "5")
    assert wait_event(stream, BalanceDelta).delta == D("5")
    assert stream.stats().reconnects == 0 and stream.stats().resubscriptions == 1


def test_an_ended_subscription_is_renewed_at_once(venue: Venue) -> None:
    stream = subscribed(venue)
    venue.server.terminate_user_subscriptions()  # eventStreamTerminated
    assert wait_status(stream, StreamState.SUBSCRIBED, timeout=3).needs_reconcile


def test_bad_user_frames_are_counted_and_dropped(venue: Venue) -> None:
    stream = subscribed(venue)
    venue.server.faults.garble_frames(1, target="user")
    venue.server.deposit("USDT", "5")  # balanceUpdate garbled; the position update arrives
    wait_event(stream, AccountPosition)
    venue.server.deposit("USDT", "7")
    assert wait_event(stream, BalanceDelta).delta == D("7")
    assert stream.stats().malformed == 1 and stream.stats().reconnects == 0


def test_a_skewed_clock_does_not_stop_the_subscription(venue: Venue) -> None:
    venue.exchange.sync_clock()
    venue.server.faults.clock_skew_ms = 30_000
    stream = venue.exchange.user_stream()
    wait_status(stream, StreamState.SUBSCRIBED)  # -1021 on subscribe -> REST resync -> subscribed
    assert abs(venue.exchange.clock_offset_ms - 30_000) < 1000
