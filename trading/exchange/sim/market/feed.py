"""The simulated market as the exchange simulator sees it: `MarketFeed`, and `CandleFeed`, which
implements it for any source of candles (recorded or generated).

Time is the caller's: it calls `advance_to(ts_ms)` with its clock (a `ManualClock` in backtests,
the sim clock at `--speed` N in PAPER), so the feed runs as fast as it is driven and never sleeps
or reads the wall clock. Memory is bounded: kline history and the 24 h window are ring buffers,
pending updates never exceed one candle per symbol, closed klines not collected are dropped
oldest first. Not thread-safe: one thread (the simulator's loop) drives and reads a feed.
"""
from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from .candles import RawCandle
from .quotes import QuoteParams, Reference
from .replay import CandleReplayer
from .state import ClosedBar, SymbolMarket
from .types import INTERVAL_NAME, BookTicker, Kline, SymbolInfo, Ticker24h, interval_ms

DEFAULT_INTERVALS = ("1m", "5m", "15m", "1h", "4h", "1d")
_CLOSED_KEEP = 20_000
_NEVER = 1 << 62


@runtime_checkable
class MarketFeed(Protocol):
    """A market the simulator serves: symbols and filters, book tickers, klines, 24 h tickers."""

    @property
    def now_ms(self) -> int:
        """Return the time the feed has been advanced to."""
        ...

    def symbols(self) -> list[SymbolInfo]:
        """Return every symbol with its filters, in a stable order."""
        ...

    def intervals(self) -> tuple[str, ...]:
        """Return the kline intervals served (Binance names)."""
        ...

    def advance_to(self, ts_ms: int) -> list[BookTicker]:
        """Move to `ts_ms` and return the updates after the previous time up to it, in event order.

        Everything in between comes back in one list, so drive it in steps (a day of 60
        generated symbols is ~2.5 M updates).
        """
        ...

    def next_event_ms(self) -> int | None:
        """Return the time of the next update, or None when the market has ended."""
        ...

    def book(self, symbol: str) -> BookTicker | None:
        """Return the latest best bid/ask of `symbol`, or None before its first update."""
        ...

    def klines(self, symbol: str, interval: str, start_ms: int | None = None,
               end_ms: int | None = None, limit: int = 500) -> list[Kline]:
        """Return klines as GET /api/v3/klines would (the open one last)."""
        ...

    def current_kline(self, symbol: str, interval: str) -> Kline | None:
        """Return the open kline (stream state with x=false), if any."""
        ...

    def pop_closed_klines(self) -> list[Kline]:
        """Return the klines closed since the last call (x=true events), oldest first."""
        ...

    def ticker_24h(self, symbol: str) -> Ticker24h | None:
        """Return the rolling 24 h statistics of `symbol`, or None before any price."""
        ...


class CandleSource(Protocol):
    """Candles for a fixed list of symbols, oldest first, on each symbol's tick/lot grid."""

    interval_ms: int

    def infos(self) -> list[SymbolInfo]:
        """Return the symbols, one per lane."""
        ...

    def references(self) -> list[Reference]:
        """Return each lane's typical candle (volume, range) for the book model."""
        ...

    def warm_up(self, start_ms: int, bars: int) -> Iterable[tuple[int, RawCandle]]:
        """Position the source at `start_ms`; return (lane, candle) of up to `bars` earlier
        candles, oldest first (consumed once, before anything else is asked)."""
        ...

    def next_open_ms(self) -> int | None:
        """Return the open time of the next candle, or None when the source is exhausted."""
        ...

    def pop_until(self, ts_ms: int) -> list[tuple[int, RawCandle]]:
        """Return (lane, candle) for every candle opening at or before `ts_ms`, oldest first."""
        ...


@dataclass
class _Lane:
    replayer: CandleReplayer
    market: SymbolMarket
    pending: deque[BookTicker] = field(default_factory=deque)


class CandleFeed:
    """A `MarketFeed` over a `CandleSource`: each candle is expanded into its updates on demand."""

    def __init__(self, source: CandleSource, *, seed: int = 0, start_ms: int,
                 warmup_bars: int = 240, intervals: Sequence[str] = DEFAULT_INTERVALS,
                 history: int = 1000, quote_params: QuoteParams | None = None) -> None:
        base = source.interval_ms
        if base % 60_000:
            raise ValueError("the candle interval must be a whole number of minutes")
        start_ms -= start_ms % base
        served = tuple(iv for iv in (interval_ms(n) for n in intervals) if iv % base == 0)
        self._source = source
        self._closed: deque[ClosedBar] = deque(maxlen=_CLOSED_KEEP)
        self._lanes = [
            _Lane(CandleReplayer(info, base, ref, seed, quote_params),
                  SymbolMarket(info, base, (base, *served), history, self._closed))
            for info, ref in zip(source.infos(), source.references())]
        self._index = {lane.market.info.symbol: lane for lane in self._lanes}
        typical_trades = [lane.replayer.expected_trades() for lane in self._lanes]
        for i, candle in source.warm_up(start_ms, warmup_bars):
            self._lanes[i].market.warm(candle, typical_trades[i])
        for lane in self._lanes:
            lane.market.start_stream()
        self.start_ms = start_ms
        self._now = start_ms - 1  # so advance_to(start_ms) returns the updates at start_ms
        self._due = self._next_due()

    @property
    def now_ms(self) -> int:
        """Return the time the feed has been advanced to."""
        return self._now

    def symbols(self) -> list[SymbolInfo]:
        """Return every symbol with its filters, in lane order."""
        return [lane.market.info for lane in self._lanes]

    def intervals(self) -> tuple[str, ...]:
        """Return the kline intervals served."""
        return tuple(INTERVAL_NAME[iv] for iv in self._lanes[0].market.intervals) if self._lanes else ()

    def advance_to(self, ts_ms: int) -> list[BookTicker]:
        """Move to `ts_ms`; return the updates in (previous time, ts_ms], ordered by event time.

        Raises ValueError when asked to go back in time.
        """
        if ts_ms < self._now:
            raise ValueError(f"the market never goes back in time ({ts_ms} < {self._now})")
        self._now = ts_ms
        if ts_ms < self._due:  # nothing happens before the next update: only close bars
            for lane in self._lanes:
                lane.market.roll_to(ts_ms)
            return []
        self._expand_until(ts_ms)
        per_lane = [self._take(lane, ts_ms) for lane in self._lanes]
        self._due = self._next_due()
        batches = [b for b in per_lane if b]
        if len(batches) <= 1:
            return batches[0] if batches else []
        # Ties keep lane order: the merge is stable.
        return list(heapq.merge(*batches, key=_event_time))

    def next_event_ms(self) -> int | None:
        """Return the time of the next update, or None when the market has ended."""
        while True:
            heads = [lane.pending[0].ts_ms for lane in self._lanes if lane.pending]
            upcoming = self._source.next_open_ms()
            if upcoming is not None and (not heads or upcoming <= min(heads)):
                self._expand_until(upcoming)
                self._due = self._next_due()
                continue
            return min(heads) if heads else None

    def book(self, symbol: str) -> BookTicker | None:
        """Return the latest best bid/ask of `symbol`; raise KeyError for an unknown symbol."""
        return self._lane(symbol).market.book

    def klines(self, symbol: str, interval: str, start_ms: int | None = None,
               end_ms: int | None = None, limit: int = 500) -> list[Kline]:
        """Return klines as GET /api/v3/klines would; raise KeyError/ValueError on bad input."""
        return self._lane(symbol).market.klines(self._served(interval), start_ms, end_ms, limit)

    def current_kline(self, symbol: str, interval: str) -> Kline | None:
        """Return the open kline of `symbol` at `interval`, if any."""
        return self._lane(symbol).market.current_kline(self._served(interval))

    def pop_closed_klines(self) -> list[Kline]:
        """Return the klines closed since the last call, by close time then lane order."""
        out = [market.kline_of(bar, iv, True) for market, iv, bar in self._closed]
        self._closed.clear()
        out.sort(key=lambda k: k.close_time_ms)
        return out

    def ticker_24h(self, symbol: str) -> Ticker24h | None:
        """Return the rolling 24 h statistics of `symbol` at the current time."""
        return self._lane(symbol).market.ticker_24h(self._now)

    def _next_due(self) -> int:
        # The earliest time an update can be due: a pending one, or the next candle's open.
        heads = [lane.pending[0].ts_ms for lane in self._lanes if lane.pending]
        upcoming = self._source.next_open_ms()
        return min(heads + ([] if upcoming is None else [upcoming]), default=_NEVER)

    def _expand_until(self, ts_ms: int) -> None:
        for i, candle in self._source.pop_until(ts_ms):
            lane = self._lanes[i]
            lane.pending.extend(lane.replayer.expand(candle))

    def _take(self, lane: _Lane, ts_ms: int) -> list[BookTicker]:
        pending, market, out = lane.pending, lane.market, []
        while pending and pending[0].ts_ms <= ts_ms:
            up = pending.popleft()
            market.apply(up)
            out.append(up)
        market.roll_to(ts_ms)
        return out

    def _lane(self, symbol: str) -> _Lane:
        try:
            return self._index[symbol]
        except KeyError:
            raise KeyError(f"unknown symbol {symbol!r}") from None

    def _served(self, interval: str) -> int:
        ms = interval_ms(interval)
        if self._lanes and ms not in self._lanes[0].market.intervals:
            raise ValueError(f"interval {interval} is not served by this feed ({', '.join(self.intervals())})")
        return ms


def _event_time(up: BookTicker) -> int:
    return up.ts_ms
