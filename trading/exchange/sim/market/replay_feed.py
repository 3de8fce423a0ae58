"""`ReplayFeed`: recorded candles (the shipped real Binance series, or any candle file) served as
a live market through `CandleFeed`."""
from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from trading.exchange.sim.data import shipped

from .candles import CandleSeries, RawCandle, load_candles
from .feed import DEFAULT_INTERVALS, CandleFeed
from .quotes import QuoteParams, Reference
from .types import SymbolInfo, interval_ms


@dataclass(frozen=True)
class ReplayLane:
    """One recorded series served as `info.symbol`, shifted in time by `offset_ms`."""

    info: SymbolInfo
    series: CandleSeries
    offset_ms: int = 0

    def __post_init__(self) -> None:
        if self.offset_ms % self.series.interval_ms:
            raise ValueError(f"{self.info.symbol}: the time offset must be whole candles")
        _factor(self.info.tick_size, self.series.price_decimals, self.info.symbol, "tick")
        _factor(self.info.step_size, self.series.volume_decimals, self.info.symbol, "step")

    @property
    def price_factor(self) -> int:
        """Return how many file units make one tick."""
        return _factor(self.info.tick_size, self.series.price_decimals, self.info.symbol, "tick")

    @property
    def volume_factor(self) -> int:
        """Return how many file units make one lot."""
        return _factor(self.info.step_size, self.series.volume_decimals, self.info.symbol, "step")

    @property
    def first_open_ms(self) -> int:
        """Return the open time of the first candle, on the feed's clock."""
        return self.series.first_open_ms + self.offset_ms


def _factor(size: Decimal, decimals: int, symbol: str, what: str) -> int:
    units = size.scaleb(decimals)
    if units < 1 or units != units.to_integral_value():
        raise ValueError(f"{symbol}: {what} {size} does not fit the data's {decimals} decimals")
    return int(units)


_END = 1 << 62


class ReplaySource:
    """A `CandleSource` over recorded series: candles converted to each symbol's grid."""

    def __init__(self, lanes: Sequence[ReplayLane]) -> None:
        if not lanes:
            raise ValueError("a replay needs at least one series")
        intervals = {lane.series.interval_ms for lane in lanes}
        if len(intervals) != 1:
            raise ValueError("every replayed series must have the same interval")
        if len({lane.info.symbol for lane in lanes}) != len(lanes):
            raise ValueError("each symbol can be replayed from one series only")
        self.interval_ms = intervals.pop()
        self._lanes = list(lanes)
        self._times = [lane.series.column("open_time_ms") for lane in lanes]
        self._pos = [0] * len(lanes)
        self._next = [lane.first_open_ms for lane in lanes]
        for lane in self._lanes:
            _check_grid(lane)

    def infos(self) -> list[SymbolInfo]:
        """Return the symbols, one per lane."""
        return [lane.info for lane in self._lanes]

    def references(self) -> list[Reference]:
        """Return each series' median volume (lots) and median range (bps)."""
        return [Reference(max(1, lane.series.median_volume // lane.volume_factor),
                          lane.series.median_range_bps) for lane in self._lanes]

    def warm_up(self, start_ms: int, bars: int) -> list[tuple[int, RawCandle]]:
        """Position every lane at `start_ms`; return up to `bars` earlier candles per lane."""
        out = []
        for i, lane in enumerate(self._lanes):
            first = lane.series.index_at(start_ms - lane.offset_ms)
            out += [(i, self._candle(i, k)) for k in range(max(0, first - bars), first)]
            self._seek(i, first)
        out.sort(key=lambda item: item[1].open_time_ms)
        return out

    def next_open_ms(self) -> int | None:
        """Return the next candle's open time on the feed's clock, or None at the end."""
        nxt = min(self._next)
        return None if nxt == _END else nxt

    def pop_until(self, ts_ms: int) -> list[tuple[int, RawCandle]]:
        """Return (lane, candle) for the candles opening at or before `ts_ms`, oldest first."""
        out: list[tuple[int, RawCandle]] = []
        if min(self._next) > ts_ms:
            return out
        for i, lane in enumerate(self._lanes):
            if self._next[i] > ts_ms:
                continue
            times, k, offset = self._times[i], self._pos[i], lane.offset_ms
            while k < len(times) and times[k] + offset <= ts_ms:
                out.append((i, self._candle(i, k)))
                k += 1
            self._seek(i, k)
        if len(self._lanes) > 1:
            out.sort(key=lambda item: item[1].open_time_ms)
        return out

    def _seek(self, i: int, k: int) -> None:
        self._pos[i] = k
        times = self._times[i]
        self._next[i] = times[k] + self._lanes[i].offset_ms if k < len(times) else _END

    @property
    def end_ms(self) -> int:
        """Return the end of the data (the last candle's close + 1 ms) on the feed's clock."""
        return max(lane.series.end_ms + lane.offset_ms for lane in self._lanes)

    def _candle(self, i: int, k: int) -> RawCandle:
        lane = self._lanes[i]
        r = lane.series.raw(k)
        fp, fv = lane.price_factor, lane.volume_factor
        return RawCandle(r.open_time_ms + lane.offset_ms, r.open // fp, r.high // fp, r.low // fp,
                         r.close // fp, r.volume // fv)


def _check_grid(lane: ReplayLane) -> None:
    fp, fv = lane.price_factor, lane.volume_factor
    if fp == 1 and fv == 1:
        return
    cols = [lane.series.column(n) for n in ("open", "high", "low", "close")]
    if any(x % fp for col in cols for x in col) or any(x % fv for x in lane.series.column("volume")):
        raise ValueError(f"{lane.info.symbol}: {lane.series.source} has prices or volumes off the "
                         f"{lane.info.tick_size} / {lane.info.step_size} grid")


class ReplayFeed(CandleFeed):
    """The market replayed from recorded candles; deterministic for (data, seed, start)."""

    def __init__(self, lanes: Sequence[ReplayLane], *, seed: int = 0, start_ms: int | None = None,
                 warmup_bars: int = 240, intervals: Sequence[str] = DEFAULT_INTERVALS,
                 history: int = 1000, quote_params: QuoteParams | None = None) -> None:
        source = ReplaySource(lanes)
        if start_ms is None:
            # Late enough for the warm-up history, but never past the middle of the shortest series.
            bars = min(warmup_bars, min(len(lane.series) for lane in lanes) // 2)
            start_ms = max(lane.first_open_ms for lane in lanes) + bars * source.interval_ms
        self.end_ms = source.end_ms
        super().__init__(source, seed=seed, start_ms=start_ms, warmup_bars=warmup_bars,
                         intervals=intervals, history=history, quote_params=quote_params)

    @classmethod
    def from_shipped(cls, names: Sequence[str] = ("BTCUSDT-1m",), *, seed: int = 0,
                     align_start_ms: int | None = None, **kwargs: object) -> ReplayFeed:
        """Return a replay of shipped series (see `sim.data.SHIPPED`); kwargs as the constructor."""
        return cls(lanes_from_shipped(names, align_start_ms), seed=seed, **kwargs)  # type: ignore[arg-type]


@functools.cache
def load_shipped(name: str) -> CandleSeries:
    """Return the shipped series `name`, parsed once per process (series are immutable)."""
    e = shipped(name)
    return load_candles(e.path, interval_ms=interval_ms(e.interval), allow_gaps=e.has_gaps)


def lanes_from_shipped(names: Sequence[str], align_start_ms: int | None = None) -> list[ReplayLane]:
    """Return replay lanes for shipped series; several are aligned to start together.

    Without `align_start_ms`, several series are shifted to start with the latest of them so they
    overlap whichever year they were recorded in.
    """
    entries = [shipped(n) for n in names]
    series = [load_shipped(n) for n in names]
    if align_start_ms is None and len(series) > 1:
        align_start_ms = max(s.first_open_ms for s in series)
    lanes = []
    for e, s in zip(entries, series):
        info = SymbolInfo(e.symbol, e.base_asset, "USDT", e.tick_size, e.step_size, e.min_notional)
        lanes.append(ReplayLane(info, s, 0 if align_start_ms is None else align_start_ms - s.first_open_ms))
    return lanes
