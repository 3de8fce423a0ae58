"""Backtest data: the shipped real series, the seeded synthetic recipe, CSV loading, the strategy's view."""
from __future__ import annotations

import gzip
import math
from array import array
from pathlib import Path

import pytest

from trading.backtest.data import Series, load_csv_gz, load_series, real_series
from trading.backtest.synthetic import FIRST_CLOSE, START_MS, synthetic_series
from trading.backtest.view import window_view


def test_real_series_is_the_shipped_btcusdt_minute_file() -> None:
    s = real_series()
    assert len(s) == 32_027
    assert s.open_time[0] == 1_681_755_180_000  # 2023-04-17 18:13 UTC
    assert all(b - a == 60_000 for a, b in zip(s.open_time, s.open_time[1:]))
    assert (s.open[0], s.high[0], s.low[0], s.close[0]) == (29_496.94, 29_503.59, 29_496.94, 29_503.59)


def test_synthetic_series_follows_the_recipe() -> None:
    s = synthetic_series(5_000, seed=42)
    assert s.close[0] == FIRST_CLOSE and s.open_time[0] == START_MS
    assert all(s.open[i] == s.close[i - 1] for i in range(1, len(s)))
    assert all(h >= max(o, c) and lo <= min(o, c) for o, h, lo, c in zip(s.open, s.high, s.low, s.close))
    assert all(abs(round(x * 100) - x * 100) < 1e-6 for x in s.high)  # on the cent grid
    returns = [math.log(b / a) for a, b in zip(s.close, s.close[1:])]
    std = math.sqrt(sum(r * r for r in returns) / len(returns))
    assert 0.0005 < std < 0.0008  # sigma 0.0006495, within sampling error of 5,000 draws
    assert set(s.volume) <= set(real_series().volume)  # volumes resampled from the real rows


def test_synthetic_series_is_deterministic_per_seed() -> None:
    a, b, c = synthetic_series(3_000, seed=42), synthetic_series(3_000, seed=42), synthetic_series(3_000, seed=7)
    assert a.digest == b.digest and a.close == b.close and a.high == b.high and a.volume == b.volume
    assert a.digest != c.digest and a.close != c.close


def test_csv_loading_checks_order_and_shape(tmp_path: Path) -> None:
    good = tmp_path / "ETHUSDT-1m.csv.gz"
    good.write_bytes(gzip.compress(b"open_time_ms,open,high,low,close,volume\n0,1,2,0.5,1.5,3\n60000,1.5,2,1,1,4\n"))
    s = load_csv_gz(good)
    assert (s.symbol, len(s), s.close[1]) == ("ETHUSDT", 2, 1.0)
    bad = tmp_path / "bad.csv"
    bad.write_text("open_time_ms,open,high,low,close,volume\n60000,1,1,1,1,1\n0,1,1,1,1,1\n")
    with pytest.raises(ValueError, match="not after"):
        load_csv_gz(bad)
    hourly = tmp_path / "h.csv"
    hourly.write_text("open_time_ms,open,high,low,close,volume\n0,1,1,1,1,1\n3600000,1,1,1,1,1\n")
    with pytest.raises(ValueError, match="1m candles"):
        load_csv_gz(hourly)
    with pytest.raises(ValueError, match="not 'real', 'synthetic'"):
        load_series(str(tmp_path / "missing.csv"))
    assert len(load_series("real", candles=100)) == 100


def test_the_view_at_candle_i_reads_nothing_after_i() -> None:
    s = real_series().slice(0, 2_000)
    i = 1_200
    poisoned = Series(s.symbol, s.source, s.digest, s.open_time,
                      *(array("d", list(col[: i + 1]) + [1e9] * (len(s) - i - 1))
                        for col in (s.open, s.high, s.low, s.close, s.volume)))
    for series in (s, poisoned):
        v = window_view(series, i, 500, 123)
        assert v.closes("1m") == list(s.close[i - 499: i + 1])
        assert v.bars_seen == {"1m": i + 1}
        assert v.bars["1m"][-1].close == s.close[i] and len(v.bars["1m"]) == 500
        assert v.bid == v.ask and str(v.bid) == repr(s.close[i])
