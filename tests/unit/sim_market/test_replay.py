"""Intra-candle replay: realistic, bounded, deterministic book-ticker updates."""
from __future__ import annotations

from decimal import Decimal
from random import Random

import pytest

from trading.exchange.sim.market import CandleSeries, RawCandle, ReplayFeed, SymbolInfo, load_shipped
from trading.exchange.sim.market.path import event_times, high_first_probability, price_path
from trading.exchange.sim.market.quotes import place_quotes, trade_sizes

from .helpers import assert_book_inside_candle, replayer_for

BTC = SymbolInfo("BTCUSDT", "BTC", "USDT", Decimal("0.01"), Decimal("0.00001"))
ADA = SymbolInfo("ADAUSDT", "ADA", "USDT", Decimal("0.00001"), Decimal("0.1"))


def _candles(series: CandleSeries, start: int, count: int) -> list[RawCandle]:
    return [series.raw(i) for i in range(start, start + count)]


def test_replay_never_leaves_the_candle_nor_crosses_the_book(btc_1m: CandleSeries) -> None:
    replayer = replayer_for(btc_1m, BTC)
    for c in _candles(btc_1m, 5_000, 400):
        assert_book_inside_candle(replayer.expand(c), c)


def test_flat_and_zero_volume_candles_keep_a_one_tick_book() -> None:
    series = load_shipped("ADAUSDT-1m")
    replayer = replayer_for(series, ADA)
    flat = [series.raw(i) for i in range(len(series)) if series.raw(i).high == series.raw(i).low]
    assert len(flat) >= 30
    for c in flat:
        updates = replayer.expand(c)
        assert_book_inside_candle(updates, c)
        if c.volume == 0:
            assert all(up.trade is None for up in updates)


def test_each_candle_path_touches_open_high_low_and_ends_at_close(btc_1m: CandleSeries) -> None:
    replayer = replayer_for(btc_1m, BTC)
    for c in _candles(btc_1m, 10_000, 300):
        trades = [up for up in replayer.expand(c) if up.trade_lots]
        printed = {up.trade_ticks for up in trades}
        assert {c.open, c.high, c.low, c.close} <= printed
        assert trades[0].trade_ticks == c.open and trades[-1].trade_ticks == c.close
        assert sum(up.trade_lots for up in trades) == c.volume


def test_updates_have_increasing_ids_and_times_inside_the_candle(btc_1m: CandleSeries) -> None:
    replayer = replayer_for(btc_1m, BTC)
    last_u, last_trade = 0, 0
    for c in _candles(btc_1m, 200, 50):
        updates = replayer.expand(c)
        times = [up.ts_ms for up in updates]
        assert times == sorted(set(times)) and times[0] == c.open_time_ms
        assert times[-1] < c.open_time_ms + btc_1m.interval_ms
        for up in updates:
            assert up.u > last_u
            last_u = up.u
            if up.trade_lots:
                assert up.trade_id == last_trade + 1
                last_trade = up.trade_id


def test_prices_and_sizes_are_decimals_on_the_symbol_grid(btc_1m: CandleSeries) -> None:
    up = replayer_for(btc_1m, BTC).expand(btc_1m.raw(0))[1]
    for price in (up.bid, up.ask):
        assert isinstance(price, Decimal) and price % BTC.tick_size == 0
    for qty in (up.bid_qty, up.ask_qty):
        assert qty > 0 and qty % BTC.step_size == 0
    assert set(up.ws_payload()) == {"u", "s", "b", "B", "a", "A"}


def test_busier_and_wilder_candles_get_more_updates(btc_1m: CandleSeries) -> None:
    replayer = replayer_for(btc_1m, BTC)
    candles = _candles(btc_1m, 0, 2_000)
    by_activity = sorted(candles, key=lambda c: c.volume * (c.high - c.low))
    quiet = sum(len(replayer.expand(c)) for c in by_activity[:100])
    busy = sum(len(replayer.expand(c)) for c in by_activity[-100:])
    assert busy > 2 * quiet


def test_spread_widens_with_volatility_and_stays_at_least_one_tick(btc_1m: CandleSeries) -> None:
    replayer = replayer_for(btc_1m, BTC)
    candles = sorted(_candles(btc_1m, 0, 2_000), key=lambda c: (c.high - c.low) / max(1, c.volume))
    def mean_spread(group: list[RawCandle]) -> float:
        ups = [up for c in group for up in replayer.expand(c)]
        return sum(up.ask_ticks - up.bid_ticks for up in ups) / len(ups)
    assert mean_spread(candles[-100:]) > mean_spread(candles[:100]) >= 1


def test_book_imbalance_leans_toward_the_next_move(btc_1m: CandleSeries) -> None:
    replayer = replayer_for(btc_1m, BTC)
    agree = total = 0
    for c in _candles(btc_1m, 3_000, 300):
        ups = replayer.expand(c)
        for a, b in zip(ups, ups[1:]):
            move = (b.bid_ticks + b.ask_ticks) - (a.bid_ticks + a.ask_ticks)
            if move:
                total += 1
                agree += (move > 0) == (a.bid_lots > a.ask_lots)
    assert agree / total > 0.55


def test_same_seed_same_stream_and_another_seed_another() -> None:
    def stream(seed: int) -> list[object]:
        feed = ReplayFeed.from_shipped(["ETHUSDT-1m"], seed=seed, warmup_bars=30)
        return feed.advance_to(feed.now_ms + 20 * 60_000)
    first = stream(1)
    assert len(first) > 100 and first == stream(1)
    assert first != stream(2)


def test_a_candle_replays_the_same_whatever_the_start() -> None:
    early = ReplayFeed.from_shipped(["ETHUSDT-1m"], seed=3, warmup_bars=10)
    late = ReplayFeed.from_shipped(["ETHUSDT-1m"], seed=3, warmup_bars=40)
    target = late.now_ms + 1
    early.advance_to(target - 1)
    a = [(u.ts_ms, u.bid, u.ask, u.bid_qty, u.ask_qty) for u in early.advance_to(target + 300_000)]
    b = [(u.ts_ms, u.bid, u.ask, u.bid_qty, u.ask_qty) for u in late.advance_to(target + 300_000)]
    assert a == b


@pytest.mark.parametrize(("shape", "expected"), [
    (RawCandle(0, 100, 110, 90, 109, 1), "low_first"),   # bullish close near the high
    (RawCandle(0, 100, 110, 90, 91, 1), "high_first"),   # bearish close near the low
])
def test_the_likelier_route_is_the_shorter_one(shape: RawCandle, expected: str) -> None:
    p = high_first_probability(shape)
    assert (p < 0.5) if expected == "low_first" else (p > 0.5)


def test_path_helpers_respect_their_contracts() -> None:
    rng = Random(1)
    c = RawCandle(0, 100, 130, 95, 120, 1_000)
    prices, (i1, i2, i3) = price_path(c, 50, rng)
    assert prices[0] == 100 and prices[-1] == 120 and i3 == len(prices) - 1
    assert {prices[i1], prices[i2]} == {130, 95} and min(prices) == 95 and max(prices) == 130
    times = event_times(0, 60_000, 200, rng)
    assert len(times) == 200 and times == sorted(set(times)) and times[-1] < 60_000
    sizes = trade_sizes(37, 50, (0, i1, i2, i3), 0.5, rng)
    assert sum(sizes) == 37 and all(sizes[k] >= 1 for k in (0, i1, i2, i3))
    assert place_quotes(100, 5, 1, 98, 130) == (98, 100, 1)  # spread shrinks at the low edge
    assert place_quotes(95, 5, 1, 95, 130) == (95, 100, -1)  # a buy at the low flips to the bid
