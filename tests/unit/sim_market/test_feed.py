"""The `MarketFeed` contract: time driven by the caller, event order, bounds, errors."""
from __future__ import annotations

import pytest

from trading.exchange.sim.market import MarketFeed, ReplayFeed
from trading.exchange.sim.market.bench import bench_market

MINUTE = 60_000


def test_replay_feed_is_a_market_feed(btc_feed: ReplayFeed) -> None:
    assert isinstance(btc_feed, MarketFeed)
    [info] = btc_feed.symbols()
    assert (info.symbol, info.base_asset, info.quote_asset) == ("BTCUSDT", "BTC", "USDT")
    assert str(info.tick_size) == "0.01" and str(info.step_size) == "0.00001" and info.min_notional == 5
    assert btc_feed.intervals() == ("1m", "5m", "15m", "1h", "4h", "1d")


def test_time_only_moves_forward_and_updates_come_once(btc_feed: ReplayFeed) -> None:
    first = btc_feed.advance_to(btc_feed.start_ms + 10_000)
    assert first and first[0].ts_ms == btc_feed.start_ms
    assert btc_feed.advance_to(btc_feed.start_ms + 10_000) == []
    with pytest.raises(ValueError, match="back in time"):
        btc_feed.advance_to(btc_feed.start_ms)
    assert btc_feed.book("BTCUSDT") == first[-1]


def test_next_event_lets_a_backtest_jump_from_update_to_update(btc_feed: ReplayFeed) -> None:
    seen = []
    for _ in range(50):
        ts = btc_feed.next_event_ms()
        assert ts is not None and ts > btc_feed.now_ms
        batch = btc_feed.advance_to(ts)
        assert batch and all(up.ts_ms == ts for up in batch)
        seen += batch
    assert [up.u for up in seen] == sorted(up.u for up in seen)


def test_many_symbols_come_merged_in_event_order() -> None:
    feed = ReplayFeed.from_shipped(["ETHUSDT-1m", "ADAUSDT-1m", "BTCUSDT-1m-20180428"], seed=4,
                                   warmup_bars=30)
    updates = feed.advance_to(feed.start_ms + 30 * MINUTE)
    assert [u.ts_ms for u in updates] == sorted(u.ts_ms for u in updates)
    assert {u.symbol for u in updates} == {"ETHUSDT", "ADAUSDT", "BTCUSDT"}
    for symbol in ("ETHUSDT", "ADAUSDT", "BTCUSDT"):
        ids = [u.u for u in updates if u.symbol == symbol]
        assert ids == sorted(set(ids))
        ticker = feed.ticker_24h(symbol)
        assert ticker is not None and ticker.volume > 0


def test_history_is_a_bounded_ring() -> None:
    feed = ReplayFeed.from_shipped(["BTCUSDT-1m"], seed=1, warmup_bars=1500, history=50)
    feed.advance_to(feed.start_ms + 300 * MINUTE)
    assert len(feed.klines("BTCUSDT", "5m", limit=1000)) == 51  # 50 closed + the open one
    # The base interval always keeps a day (the 24 h ticker reads it), whatever `history` says.
    assert len(feed.klines("BTCUSDT", "1m", limit=5000)) == 1442 + 1


def test_the_replay_ends_quietly_after_its_data() -> None:
    feed = ReplayFeed.from_shipped(["ETHUSDT-1m"], seed=1, warmup_bars=10)
    feed.advance_to(feed.end_ms + 5 * MINUTE)
    last = feed.book("ETHUSDT")
    assert feed.next_event_ms() is None
    assert feed.advance_to(feed.end_ms + 10 * MINUTE) == [] and feed.book("ETHUSDT") == last


def test_bad_requests_say_what_is_wrong(btc_feed: ReplayFeed) -> None:
    with pytest.raises(KeyError, match="ETHUSDT"):
        btc_feed.book("ETHUSDT")
    with pytest.raises(ValueError, match="unknown kline interval"):
        btc_feed.klines("BTCUSDT", "7m")
    five = ReplayFeed.from_shipped(["BTCUSDT-5m"], warmup_bars=10)
    with pytest.raises(ValueError, match="not served"):
        five.klines("BTCUSDT", "1m")


def test_bench_reports_a_rate_without_judging_it() -> None:
    assert bench_market(minutes=3, repeats=1) > 0
