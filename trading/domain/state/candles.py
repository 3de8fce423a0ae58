"""Multi-timeframe candles in bounded ring buffers, fed by kline events.

Features are computed from these in floats: they rank and score, they never price an order.
A closed kline that is not newer than the last closed one is dropped and counted (a
reconnect replays the last kline; a REST seed can overlap the stream).
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from trading.domain.ports import Kline, KlineUpdate

_UNIT_MS = {"s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}
DEFAULT_INTERVALS = ("1m", "5m", "15m", "1h")


def interval_ms(interval: str) -> int:
    """Return the length of a Binance kline interval ("1m", "15m", "1h"...) in ms."""
    unit = interval[-1]
    if unit not in _UNIT_MS or not interval[:-1].isdigit():
        raise ValueError(f"unsupported kline interval {interval!r}")
    return int(interval[:-1]) * _UNIT_MS[unit]


@dataclass(frozen=True, slots=True)
class Candle:
    """One bar in floats; `quote_volume` is the traded quote amount (for VWAP)."""

    open_time_ms: int
    open: float
    high: float
    low: float
    close: float
    volume: float
    quote_volume: float

    @classmethod
    def from_kline(cls, k: Kline) -> Candle:
        """Return the float form of an adapter kline."""
        return cls(k.open_time_ms, float(k.open), float(k.high), float(k.low), float(k.close),
                   float(k.volume), float(k.quote_volume))

    def merge(self, later: Candle) -> Candle:
        """Return this bar extended by a later bar of the same bucket."""
        return Candle(self.open_time_ms, self.open, max(self.high, later.high), min(self.low, later.low),
                      later.close, self.volume + later.volume, self.quote_volume + later.quote_volume)


class CandleSeries:
    """Closed bars of one interval (at most `capacity`) plus the bar still forming."""

    __slots__ = ("interval", "interval_ms", "_bars", "forming", "total_closed", "dropped_duplicate",
                 "dropped_out_of_order")

    def __init__(self, interval: str, capacity: int) -> None:
        self.interval = interval
        self.interval_ms = interval_ms(interval)
        self._bars: deque[Candle] = deque(maxlen=capacity)
        self.forming: Candle | None = None
        self.total_closed = 0  # every bar ever closed, for warm-up rules on a bounded ring
        self.dropped_duplicate = 0
        self.dropped_out_of_order = 0

    def __len__(self) -> int:
        return len(self._bars)

    def __iter__(self) -> Iterator[Candle]:
        return iter(self._bars)

    @property
    def capacity(self) -> int:
        """Return the ring's bound."""
        return self._bars.maxlen or 0

    def last(self) -> Candle | None:
        """Return the newest closed bar, None before the first."""
        return self._bars[-1] if self._bars else None

    def closes(self, n: int | None = None) -> list[float]:
        """Return the closes of the last `n` closed bars (all when None), oldest first."""
        bars = self._bars if n is None or n >= len(self._bars) else list(self._bars)[-n:]
        return [b.close for b in bars]

    def tail(self, n: int) -> list[Candle]:
        """Return the last `n` closed bars, oldest first."""
        return list(self._bars)[-n:] if n < len(self._bars) else list(self._bars)

    def add(self, bar: Candle, closed: bool) -> bool:
        """Add a bar; return False (and count it) when it is a duplicate or out of order."""
        last = self.last()
        if last is not None and bar.open_time_ms <= last.open_time_ms:
            if bar.open_time_ms == last.open_time_ms:
                self.dropped_duplicate += 1
            else:
                self.dropped_out_of_order += 1
            return False
        if not closed:
            if self.forming is not None and bar.open_time_ms < self.forming.open_time_ms:
                self.dropped_out_of_order += 1
                return False
            self.forming = bar
            return True
        self._bars.append(bar)
        self.total_closed += 1
        if self.forming is not None and self.forming.open_time_ms <= bar.open_time_ms:
            self.forming = None
        return True


class MultiTimeframeCandles:
    """1m/5m/15m/1h series; intervals not streamed directly are rolled up from closed base bars."""

    __slots__ = ("base", "series", "_direct", "_partial")

    def __init__(self, intervals: Sequence[str] = DEFAULT_INTERVALS, capacity: int = 500,
                 base: str = "1m", direct: Iterable[str] = ()) -> None:
        names = dict.fromkeys((base, *intervals))
        self.base = base
        self.series = {name: CandleSeries(name, capacity) for name in names}
        self._direct = set(direct) | {base}
        self._partial: dict[str, Candle] = {}

    def get(self, interval: str) -> CandleSeries | None:
        """Return the series of `interval`, None when it is not kept."""
        return self.series.get(interval)

    def on_kline(self, update: KlineUpdate) -> bool:
        """Apply a kline event; return False when it was dropped (unknown interval, stale, duplicate)."""
        series = self.series.get(update.interval)
        if series is None:
            return False
        if update.interval not in self._direct:
            self._direct.add(update.interval)  # streamed now: stop rolling it up
            self._partial.pop(update.interval, None)
        return self.add(update.interval, Candle.from_kline(update.kline), update.closed)

    def seed(self, interval: str, klines: Sequence[Kline]) -> int:
        """Add closed REST klines (oldest first); return how many were new."""
        return sum(self.add(interval, Candle.from_kline(k), True) for k in klines)

    def add(self, interval: str, bar: Candle, closed: bool) -> bool:
        """Add one bar to `interval`; closed base bars also feed the rolled-up intervals."""
        series = self.series[interval]
        accepted = series.add(bar, closed)
        if accepted and closed and interval == self.base:
            self._roll_up(bar, series.interval_ms)
        return accepted

    def _roll_up(self, bar: Candle, base_ms: int) -> None:
        for name, target in self.series.items():
            if name in self._direct:
                continue
            bucket = bar.open_time_ms - bar.open_time_ms % target.interval_ms
            partial = self._partial.get(name)
            if partial is not None and partial.open_time_ms != bucket:
                target.add(partial, True)  # a gap in the base bars: close what we have
                partial = None
            merged = Candle(bucket, bar.open, bar.high, bar.low, bar.close, bar.volume, bar.quote_volume) \
                if partial is None else partial.merge(bar)
            if bar.open_time_ms + base_ms >= bucket + target.interval_ms:
                target.add(merged, True)
                self._partial.pop(name, None)
            else:
                self._partial[name] = merged
