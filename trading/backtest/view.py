"""What the strategy reads at candle i: a MarketView over the candles up to i and nothing later.

The view holds a window of at most `window` closes ending at i (the live state store keeps 500
bars per interval) and `bars_seen` = i + 1; the touch is the candle's close on both sides (the
reference rules fill market orders at the close). Strategies that read whole bars get them
lazily from the same window.
"""
from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from trading.backtest.data import Series
from trading.domain.state.candles import Candle
from trading.domain.state.store import MarketView


@dataclass(frozen=True, slots=True)
class WindowView(MarketView):
    """A MarketView whose closes of `window_interval` come straight from the backtest's arrays."""

    window: array[float] = field(default_factory=lambda: array("d"))  # a copy, not a view: later closes never show
    window_interval: str = "1m"

    def closes(self, interval: str) -> list[float]:
        """Return the closes of `interval`, oldest first (the window for the backtest's interval)."""
        if interval == self.window_interval:
            return list(self.window)
        return MarketView.closes(self, interval)


class LazyBars(Mapping[str, tuple[Candle, ...]]):
    """{interval: bars} built on first access from candles [start, stop) of the series."""

    def __init__(self, series: Series, start: int, stop: int, interval: str) -> None:
        self._series, self._start, self._stop, self._interval = series, start, stop, interval
        self._bars: tuple[Candle, ...] | None = None

    def __getitem__(self, key: str) -> tuple[Candle, ...]:
        if key != self._interval:
            raise KeyError(key)
        if self._bars is None:
            s, a, b = self._series, self._start, self._stop
            self._bars = tuple(Candle(s.open_time[j], s.open[j], s.high[j], s.low[j], s.close[j], s.volume[j],
                                      s.volume[j] * s.close[j]) for j in range(a, b))
        return self._bars

    def __iter__(self) -> Iterator[str]:
        return iter((self._interval,))

    def __len__(self) -> int:
        return 1


def window_view(series: Series, i: int, window: int, ts_ms: int, interval: str = "1m") -> WindowView:
    """Return the view at the close of candle `i`: nothing after index i is read."""
    start = max(0, i + 1 - window)
    close = Decimal(repr(series.close[i]))
    return WindowView(
        symbol=series.symbol, ts_ms=ts_ms, bid=close, ask=close, spread_bps=0, spread_p50_bps=0, spread_p90_bps=0,
        delta_spread_bps_p90_10s=0, imbalance_x10000=0, micro_vol_bps=0, regime=None, radar=None,
        bars=LazyBars(series, start, i + 1, interval), bars_seen={interval: i + 1},
        window=series.close[start:i + 1], window_interval=interval)
