"""STATE_UPDATE: ring bounds, spread percentiles vs a naive reference, event order, roll-ups."""
from __future__ import annotations

import math
import random
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.builders import T0, fed_state, kline_update, synthetic_closes
from trading.domain.catalog.panel import RegimeLabel
from trading.domain.ports import BookTicker
from trading.domain.state.candles import Candle, CandleSeries, MultiTimeframeCandles
from trading.domain.state.features import regime_scores
from trading.domain.state.microstructure import Microstructure, SpreadWindow
from trading.domain.state.store import StateParams, StateStore, SymbolState


def _bt(uid: int | None, bid: str = "100.00", ask: str = "100.02", ets: int | None = None,
        symbol: str = "BTCUSDT") -> BookTicker:
    return BookTicker(symbol, D(bid), D("1"), D(ask), D("1"), update_id=uid, event_time_ms=ets)


def naive_quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3_000), st.floats(0, 50, allow_nan=False)), min_size=1, max_size=300),
       st.integers(5, 80), st.integers(500, 20_000))
def test_spread_percentiles_match_a_naive_reference(steps: list[tuple[int, float]], capacity: int,
                                                    window_ms: int) -> None:
    window, ts, kept = SpreadWindow(window_ms, capacity), 0, []
    for dt, value in steps:
        ts += dt
        window.add(ts, value)
        kept = [(t, v) for t, v in [*kept, (ts, value)] if t >= ts - window_ms][-capacity:]
        assert len(window) == len(kept) <= capacity
        for q in (0.5, 0.9):
            assert window.quantile(q) == naive_quantile([v for _, v in kept], q)


def test_candle_ring_stays_within_its_capacity() -> None:
    series = CandleSeries("1m", capacity=50)
    for i in range(500):
        series.add(Candle(T0 + i * 60_000, 1, 1, 1, 1, 1, 1), closed=True)
    assert len(series) == 50 and series.total_closed == 500
    assert series.last() is not None and series.last().open_time_ms == T0 + 499 * 60_000  # type: ignore[union-attr]


def test_duplicate_and_out_of_order_klines_are_dropped_and_counted() -> None:
    mtf = MultiTimeframeCandles(("1m",), capacity=10)
    assert mtf.on_kline(kline_update("BTCUSDT", 5, 100.0))
    assert not mtf.on_kline(kline_update("BTCUSDT", 5, 100.0))
    assert not mtf.on_kline(kline_update("BTCUSDT", 4, 100.0))
    series = mtf.series["1m"]
    assert (series.dropped_duplicate, series.dropped_out_of_order, len(series)) == (1, 1, 1)


def test_forming_bar_is_replaced_until_it_closes() -> None:
    mtf = MultiTimeframeCandles(("1m",), capacity=10)
    mtf.on_kline(kline_update("BTCUSDT", 0, 100.0, closed=False))
    mtf.on_kline(kline_update("BTCUSDT", 0, 101.0, closed=False))
    assert len(mtf.series["1m"]) == 0 and mtf.series["1m"].forming is not None
    mtf.on_kline(kline_update("BTCUSDT", 0, 102.0))
    assert mtf.series["1m"].forming is None and mtf.series["1m"].closes() == [102.0]


def test_closed_minutes_roll_up_into_5m_15m_and_1h_bars() -> None:
    mtf = MultiTimeframeCandles(("1m", "5m", "15m", "1h"), capacity=200)
    closes = [100.0 + i for i in range(120)]
    for i, c in enumerate(closes):
        mtf.on_kline(kline_update("BTCUSDT", i, c, volume=1.0))
    five = list(mtf.series["5m"])
    assert len(five) == 24 and len(mtf.series["15m"]) == 8 and len(mtf.series["1h"]) == 2
    assert five[0].open == 100.0 and five[0].close == 104.0 and five[0].volume == 5.0
    assert five[0].high == max(b.high for b in list(mtf.series["1m"])[:5])


def test_book_ticker_duplicates_and_stale_update_ids_are_dropped_and_counted() -> None:
    state = SymbolState("BTCUSDT", StateParams())
    assert state.on_book_ticker(_bt(10), T0)
    assert not state.on_book_ticker(_bt(10), T0)
    assert not state.on_book_ticker(_bt(9), T0)
    assert state.on_book_ticker(_bt(11, bid="100.01"), T0)
    assert (state.accepted, state.dropped_duplicate, state.dropped_out_of_order) == (2, 1, 1)


def test_events_without_update_id_are_ordered_by_event_time() -> None:
    state = SymbolState("BTCUSDT", StateParams())
    assert state.on_book_ticker(_bt(None, ets=T0 + 5), T0)
    assert not state.on_book_ticker(_bt(None, ets=T0 + 4), T0)
    assert not state.on_book_ticker(_bt(None, ets=T0 + 5), T0)
    assert state.dropped_out_of_order == 1 and state.dropped_duplicate == 1


def test_crossed_book_is_refused() -> None:
    state = SymbolState("BTCUSDT", StateParams())
    assert not state.on_book_ticker(_bt(1, bid="100.05", ask="100.00"), T0)
    assert state.dropped_invalid == 1 and state.view() is None


def test_store_is_bounded_in_symbols() -> None:
    store = StateStore(StateParams(max_symbols=3))
    for i in range(5):
        store.on_book_ticker(_bt(1, symbol=f"S{i}USDT"), T0)
    assert len(store) == 3 and store.counters()["refused_symbols"] == 2


def test_view_reports_panel_integers_and_keeps_decimal_touch() -> None:
    state = SymbolState("BTCUSDT", StateParams())
    for i in range(20):
        state.on_book_ticker(BookTicker("BTCUSDT", D("100.00"), D("3"), D("100.02") if i % 2 else D("100.04"),
                                        D("1"), update_id=i, event_time_ms=T0 + i * 1000), T0)
    view = state.view()
    assert view is not None and view.bid == D("100.00") and isinstance(view.ask, D)
    assert view.spread_p50_bps == 2 and view.spread_p90_bps == 4
    assert view.imbalance_x10000 == 5000  # (3 - 1) / (3 + 1)


def test_delta_spread_p90_measures_the_change_over_ten_seconds() -> None:
    micro = Microstructure(spread_window_ms=5_000, delta_window_ms=10_000)
    for i in range(30):
        spread = 0.01 if i < 25 else 0.05
        micro.on_quote(T0 + i * 1000, 100.0, 1.0, 100.0 + spread, 1.0)
    assert round(micro.delta_p90_bps()) == 4  # from 1 bps to 5 bps within the window


def test_regime_scores_tell_a_trend_from_a_range() -> None:
    trend = [Candle(i, c, c, c, c, 1, c) for i, c in enumerate(synthetic_closes(60, drift_bps=10, vol_bps=2))]
    chop = [Candle(i, c, c, c, c, 1, c) for i, c in enumerate([100.0 + (i % 2) for i in range(60)])]
    t, r = regime_scores(trend), regime_scores(chop)
    assert t is not None and t.label is RegimeLabel.TREND and t.trend_x10000 > 5000
    assert r is not None and r.label is RegimeLabel.RANGE and r.range_x10000 > 9000


def test_fed_state_exposes_radar_and_regime_features() -> None:
    view = fed_state().view()
    assert view is not None and view.radar is not None and view.regime is not None
    assert view.radar.momentum_bps > 0 and view.bars_seen["1m"] == 360 and len(view.bars["5m"]) == 72


def test_memory_stays_bounded_under_a_long_random_stream() -> None:
    rnd = random.Random(3)
    state = SymbolState("BTCUSDT", StateParams(candle_capacity=20, spread_capacity=50))
    for i in range(3_000):
        state.on_kline(kline_update("BTCUSDT", i, 100 + rnd.random()))
        state.on_book_ticker(_bt(i, ets=T0 + i * 10), T0)
    assert all(len(s) <= 20 for s in state.candles.series.values())
    assert len(state.micro.spreads) <= 50
