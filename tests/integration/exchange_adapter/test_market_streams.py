"""Market streams: typed bookTicker and kline events, bad frames, reconnect and resubscribe."""
from __future__ import annotations

import time
from decimal import Decimal

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.ports import BookTicker, KlineUpdate, MarketStream, StreamState
from trading.exchange.adapter.ws_market import CONTROL_SPACING_S

from .conftest import Venue, VenueFactory
from .helpers import wait_event, wait_status

BTC = MarketStream.book_ticker("BTCUSDT")


def test_book_tickers_arrive_typed(venue: Venue) -> None:
    stream = venue.exchange.market_stream([BTC])
    wait_status(stream, StreamState.CONNECTED)
    venue.quote("BTCUSDT", "30010.00", "30011.00", bid_qty="1.5")
    tick = wait_event(stream, BookTicker, lambda t: t.bid_price == Decimal("30010"))
    assert (tick.symbol, tick.ask_price, tick.bid_qty) == ("BTCUSDT", Decimal("30011"), Decimal("1.5"))
    assert tick.update_id is not None and stream.stats().connected


def test_klines_arrive_with_their_closed_flag(venue: Venue) -> None:
    stream = venue.exchange.market_stream([MarketStream.kline("BTCUSDT", "1m")])
    wait_status(stream, StreamState.CONNECTED)
    venue.quote("BTCUSDT", "30010.00", "30011.00")
    update = wait_event(stream, KlineUpdate)
    assert update.symbol == "BTCUSDT" and update.interval == "1m" and not update.closed
    venue.server.advance(60_000)  # the candle rolls: its final state goes out with x=true
    closed = wait_event(stream, KlineUpdate, lambda k: k.closed, poke=venue.server.drive)
    assert closed.kline.close_time_ms == closed.kline.open_time_ms + 59_999


def test_malformed_and_dropped_frames_are_counted_and_the_stream_goes_on(venue: Venue) -> None:
    stream = venue.exchange.market_stream([BTC])
    wait_status(stream, StreamState.CONNECTED)
    venue.server.faults.garble_frames(2)
    venue.server.faults.drop_frames(1)
    for bid in ("30001.00", "30002.00", "30003.00", "30004.00"):
        venue.quote("BTCUSDT", bid, "30010.00")
    tick = wait_event(stream, BookTicker)
    assert tick.bid_price == Decimal("30004")  # the first three were garbled, garbled, dropped
    stats = stream.stats()
    assert (stats.malformed, stats.reconnects) == (2, 0) and stats.connected


def test_a_dropped_connection_reconnects_with_its_streams(venue: Venue) -> None:
    stream = venue.exchange.market_stream([BTC, MarketStream.book_ticker("ETHUSDT")])
    wait_status(stream, StreamState.CONNECTED)
    assert venue.server.disconnect_streams() == 1
    lost = wait_status(stream, StreamState.DISCONNECTED)
    assert lost.reason is ReasonCode.WS_DISCONNECTED
    back = wait_status(stream, StreamState.CONNECTED)
    assert back.needs_reconcile and stream.stats().reconnects == 1
    venue.quote("ETHUSDT", "2001.00", "2001.10")
    assert wait_event(stream, BookTicker).symbol == "ETHUSDT"


def test_a_server_shutdown_notice_moves_the_connection(venue: Venue) -> None:
    stream = venue.exchange.market_stream([BTC])
    wait_status(stream, StreamState.CONNECTED)
    venue.server.call(venue.server.hub.broadcast, {"e": "serverShutdown", "E": 1})
    assert wait_status(stream, StreamState.DISCONNECTED).detail == "serverShutdown"
    wait_status(stream, StreamState.CONNECTED)
    venue.quote("BTCUSDT", "30020.00", "30021.00")
    assert wait_event(stream, BookTicker).bid_price == Decimal("30020")


def test_a_silent_connection_is_replaced(venue_factory: VenueFactory) -> None:
    venue = venue_factory(adapter={"market_stale_after_s": 0.3})
    stream = venue.exchange.market_stream([BTC])
    wait_status(stream, StreamState.CONNECTED)
    assert wait_status(stream, StreamState.DISCONNECTED).reason is ReasonCode.DATA_STALE
    wait_status(stream, StreamState.CONNECTED)


def test_streams_are_added_and_removed_on_the_live_connection(venue: Venue) -> None:
    stream = venue.exchange.market_stream([BTC])
    wait_status(stream, StreamState.CONNECTED)
    stream.subscribe([MarketStream.book_ticker("ETHUSDT")])
    stream.unsubscribe([BTC])
    assert stream.streams == {MarketStream.book_ticker("ETHUSDT")}

    eth = wait_event(stream, BookTicker, lambda t: t.symbol == "ETHUSDT",
                     poke=lambda: venue.quote("ETHUSDT", "2002.00", "2002.10"))
    assert eth.bid_price == Decimal("2002")
    time.sleep(CONTROL_SPACING_S * 2)  # the UNSUBSCRIBE goes out spaced after the SUBSCRIBE
    stream.drain()
    venue.quote("BTCUSDT", "30030.00", "30031.00")
    venue.quote("ETHUSDT", "2003.00", "2003.10")
    assert wait_event(stream, BookTicker).symbol == "ETHUSDT"
    assert stream.get(0.2) is None and stream.stats().reconnects == 0


def test_closing_a_stream_stops_it(venue: Venue) -> None:
    stream = venue.exchange.market_stream([BTC])
    wait_status(stream, StreamState.CONNECTED)
    stream.close()
    wait_status(stream, StreamState.CLOSED)
    venue.quote("BTCUSDT", "30040.00", "30041.00")
    assert stream.get(0.3) is None
