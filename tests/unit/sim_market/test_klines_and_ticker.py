"""Klines and 24 h tickers aggregated from the replayed stream match the recorded candles."""
from __future__ import annotations

from decimal import Decimal

from trading.exchange.sim.market import CandleSeries, Kline, ReplayFeed, load_shipped

MINUTE = 60_000


def _run(feed: ReplayFeed, minutes: int) -> list[Kline]:
    feed.advance_to(feed.start_ms + minutes * MINUTE)
    return feed.pop_closed_klines()


def _ohlcv(k: Kline) -> tuple[Decimal, ...]:
    return (k.open, k.high, k.low, k.close, k.volume)


def _source_by_time(series: CandleSeries) -> dict[int, tuple[Decimal, ...]]:
    return {c.open_time_ms: tuple(c[1:]) for c in (series.candle(i) for i in range(len(series)))}


def test_streamed_1m_klines_reproduce_the_source_candles(btc_feed: ReplayFeed, btc_1m: CandleSeries) -> None:
    closed = [k for k in _run(btc_feed, 240) if k.interval == "1m"]
    source = _source_by_time(btc_1m)
    assert len(closed) == 240
    for k in closed:
        assert k.closed and _ohlcv(k) == source[k.open_time_ms]
        assert k.trades > 0 and k.taker_buy_base <= k.volume
        assert k.low * k.volume <= k.quote_volume <= k.high * k.volume


def test_streamed_5m_klines_equal_the_recorded_5m_file(btc_feed: ReplayFeed) -> None:
    closed = [k for k in _run(btc_feed, 240) if k.interval == "5m"]
    source = _source_by_time(load_shipped("BTCUSDT-5m"))
    assert len(closed) >= 47
    for k in closed:
        assert _ohlcv(k) == source[k.open_time_ms]


def test_minutes_without_trades_are_flat_empty_klines_as_on_binance() -> None:
    series = load_shipped("ADAUSDT-1m")
    feed = ReplayFeed.from_shipped(["ADAUSDT-1m"], seed=1, warmup_bars=0, start_ms=series.first_open_ms)
    closed = [k for k in _run(feed, len(series)) if k.interval == "1m"]
    source = _source_by_time(series)
    assert [k.open_time_ms for k in closed] == sorted(source)
    empty = [k for k in closed if k.trades == 0]
    assert len(empty) == 6
    for k in closed:
        assert _ohlcv(k) == source[k.open_time_ms]


def test_a_gap_in_the_data_is_a_quiet_minute() -> None:
    feed = ReplayFeed.from_shipped(["BTCUSDT-1m-20180428"], seed=1, warmup_bars=400,
                                   start_ms=1_524_910_320_000 - 100 * MINUTE)
    by_time = {k.open_time_ms: k for k in _run(feed, 200) if k.interval == "1m"}
    missing = by_time[1_524_910_320_000]
    assert missing.trades == 0 and missing.volume == 0
    assert missing.open == missing.close == by_time[1_524_910_260_000].close


def test_rest_klines_return_history_then_the_open_kline(btc_feed: ReplayFeed) -> None:
    btc_feed.advance_to(btc_feed.start_ms + 90 * MINUTE + 30_000)
    latest = btc_feed.klines("BTCUSDT", "1m", limit=100)
    assert len(latest) == 100 and not latest[-1].closed and all(k.closed for k in latest[:-1])
    assert [b.open_time_ms - a.open_time_ms for a, b in zip(latest, latest[1:])] == [MINUTE] * 99
    warm = btc_feed.klines("BTCUSDT", "1m", limit=1000)
    assert len(warm) == 60 + 90 + 1  # warm-up history, streamed bars, the open one
    start = warm[10].open_time_ms
    assert btc_feed.klines("BTCUSDT", "1m", start_ms=start, limit=3) == warm[10:13]
    assert btc_feed.klines("BTCUSDT", "1m", end_ms=start, limit=2) == warm[9:11]
    hourly = btc_feed.klines("BTCUSDT", "1h")
    assert hourly[-1] == btc_feed.current_kline("BTCUSDT", "1h") and not hourly[-1].closed
    row = latest[0].rest_row()
    assert len(row) == 12 and row[1] == f"{latest[0].open:.8f}"


def test_24h_ticker_matches_the_source_window(btc_1m: CandleSeries) -> None:
    feed = ReplayFeed.from_shipped(["BTCUSDT-1m"], seed=2, warmup_bars=1500)
    boundary = feed.start_ms + 30 * MINUTE
    feed.advance_to(boundary - 1)  # the last minute is complete, the next not begun
    ticker = feed.ticker_24h("BTCUSDT")
    assert ticker is not None
    window = [c for c in (btc_1m.candle(i) for i in range(len(btc_1m)))
              if boundary - 86_400_000 <= c.open_time_ms < boundary]
    assert len(window) == 1440
    assert ticker.open == window[0].open and ticker.last == window[-1].close
    assert ticker.high == max(c.high for c in window) and ticker.low == min(c.low for c in window)
    assert ticker.volume == sum((c.volume for c in window), Decimal(0))
    assert ticker.low < ticker.weighted_avg_price < ticker.high
    book = feed.book("BTCUSDT")
    assert book is not None and (ticker.bid, ticker.ask) == (book.bid, book.ask)
    payload = ticker.full_payload()
    assert payload["count"] == ticker.trades and payload["lastPrice"] == f"{ticker.last:.8f}"
    assert set(ticker.mini_payload(boundary)) == {"e", "E", "s", "c", "o", "h", "l", "v", "q"}


def test_closed_klines_are_reported_once_with_x_true(btc_feed: ReplayFeed) -> None:
    closed = _run(btc_feed, 60)
    assert {k.interval for k in closed} >= {"1m", "5m", "15m", "1h"} or len(closed) >= 60
    assert all(k.closed for k in closed)
    assert [k.close_time_ms for k in closed] == sorted(k.close_time_ms for k in closed)
    assert btc_feed.pop_closed_klines() == []
    live = btc_feed.current_kline("BTCUSDT", "1m")
    assert live is not None and live.ws_payload(btc_feed.now_ms)["k"]["x"] is False
