"""The stochastic market: many symbols, regimes, correlated groups, varied liquidity."""
from __future__ import annotations

import math
import operator
import statistics
from collections import defaultdict
from decimal import Decimal

import pytest

from trading.exchange.sim.market import GeneratedFeed, GeneratorParams, MarketFeed, MarketGenerator, Regime
from trading.exchange.sim.market.candles import RawCandle

MINUTES = 1_440


@pytest.fixture(scope="module")
def history() -> tuple[MarketGenerator, list[list[RawCandle]], list[list[Regime]]]:
    """A day of candles of the default 60-symbol market (seed 11) and each minute's group regimes."""
    gen = MarketGenerator(seed=11)
    groups = 1 + max(s.group for s in gen.symbols)
    candles, regimes = [], []
    for m in range(MINUTES):
        candles.append(gen.next_minute(m * 60_000))
        regimes.append([gen.regime(g) for g in range(groups)])
    return gen, candles, regimes


def _returns(candles: list[list[RawCandle]], i: int) -> list[float]:
    closes = [minute[i].close for minute in candles]
    return [math.log(b / a) for a, b in zip(closes, closes[1:])]


def test_the_universe_spans_orders_of_magnitude(history: tuple) -> None:
    gen, candles, _ = history
    infos = [s.info for s in gen.symbols]
    assert len(infos) >= 50 and len({i.symbol for i in infos}) == len(infos)
    assert infos[0].symbol == "SIM001USDT" and all(i.symbol == i.base_asset + "USDT" for i in infos)
    prices = [float(i.price(c.close)) for i, c in zip(infos, candles[0])]
    assert max(prices) / min(prices) > 1e6
    assert len({i.tick_size for i in infos}) >= 4 and len({i.step_size for i in infos}) >= 4
    assert {i.min_notional for i in infos} <= {Decimal(1), Decimal(5), Decimal(10)}


def test_daily_quote_volume_spans_three_orders_of_magnitude(history: tuple) -> None:
    gen, candles, _ = history
    quote = [sum(float(s.info.price(m[i].close) * s.info.qty(m[i].volume)) for m in candles)
             for i, s in enumerate(gen.symbols)]
    assert max(quote) / min(quote) > 1_000


def test_groups_switch_between_all_regimes(history: tuple) -> None:
    _, _, regimes = history
    assert {r for minute in regimes for r in minute} == set(Regime)
    assert all(len(set(minute)) >= 2 for minute in regimes[::60])  # never one regime for all
    switches = sum(a != b for prev, now in zip(regimes, regimes[1:]) for a, b in zip(prev, now))
    assert switches >= 5


def test_regimes_shape_returns(history: tuple) -> None:
    gen, candles, regimes = history
    by_regime: dict[Regime, list[float]] = defaultdict(list)
    for i, s in enumerate(gen.symbols):
        for m, r in enumerate(_returns(candles, i), start=1):
            by_regime[regimes[m][s.group]].append(r)
    mean_abs = {k: statistics.fmean(abs(x) for x in v) for k, v in by_regime.items()}
    assert mean_abs[Regime.HIGH_VOL] > 1.5 * mean_abs[Regime.RANGE]
    assert statistics.fmean(by_regime[Regime.TREND_UP]) > 0 > statistics.fmean(by_regime[Regime.TREND_DOWN])


def test_symbols_of_a_group_move_together(history: tuple) -> None:
    gen, candles, _ = history
    z = [_standardized(_returns(candles, i)) for i in range(len(gen.symbols))]
    within, across = [], []
    for i in range(len(z)):
        for j in range(i + 1, len(z)):
            corr = sum(map(operator.mul, z[i], z[j])) / len(z[i])
            (within if gen.symbols[i].group == gen.symbols[j].group else across).append(corr)
    assert statistics.fmean(within) > 0.3
    assert statistics.fmean(within) > statistics.fmean(across) + 0.2


def _standardized(xs: list[float]) -> list[float]:
    mean, std = statistics.fmean(xs), statistics.pstdev(xs)
    return [(x - mean) / std for x in xs]


def test_candles_are_consistent_and_liquid_enough_to_print(history: tuple) -> None:
    _, candles, _ = history
    for minute in candles[:200]:
        for c in minute:
            assert 0 < c.low <= min(c.open, c.close) <= max(c.open, c.close) <= c.high
            assert c.volume >= 8


def test_same_seed_same_market_other_seed_other_market() -> None:
    def run(seed: int) -> list[list[RawCandle]]:
        gen = MarketGenerator(GeneratorParams(symbols=50), seed=seed)
        return [gen.next_minute(m * 60_000) for m in range(30)]
    assert run(5) == run(5) and run(5) != run(6)


def test_generated_feed_serves_the_replay_shapes() -> None:
    feed = GeneratedFeed(seed=3, warmup_bars=120)
    assert isinstance(feed, MarketFeed) and len(feed.symbols()) >= 50
    updates = feed.advance_to(feed.start_ms + 3 * 60_000)
    assert [u.ts_ms for u in updates] == sorted(u.ts_ms for u in updates)
    assert {u.symbol for u in updates} == {i.symbol for i in feed.symbols()}
    for up in updates:
        assert up.bid_ticks < up.ask_ticks and up.bid % up.info.tick_size == 0
    for info in feed.symbols():
        ticker = feed.ticker_24h(info.symbol)
        kline = feed.current_kline(info.symbol, "5m")
        assert ticker is not None and ticker.quote_volume > 0 and kline is not None
        assert feed.regime(info.symbol) in set(Regime)
    assert {k.interval for k in feed.pop_closed_klines()} == {"1m"}


def test_generated_stream_is_deterministic() -> None:
    def stream(seed: int) -> list[object]:
        feed = GeneratedFeed(GeneratorParams(symbols=50), seed=seed, warmup_bars=5)
        return feed.advance_to(feed.start_ms + 60_000)
    assert stream(8) == stream(8) and stream(8) != stream(9)
