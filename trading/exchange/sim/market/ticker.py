"""Rolling 24 h statistics from closed base bars plus the open one.

The window reads the base interval's kline ring (which always holds at least a day) instead of
keeping its own copy: it only tracks how many of the newest bars are inside. Volume, quote volume
and trade count are running sums; high and low use monotonic deques, so adding and expiring a bar
are O(1) amortised even with 50+ symbols served every second. The granularity is the base
interval (Binance's own rolling window is also bucketed, by the minute).
"""
from __future__ import annotations

from collections import deque
from typing import NamedTuple

from .bars import NO_PRICE, BarRing, RawBar

DAY_MS = 86_400_000
_TRADES = RawBar._fields.index("trades")


class WindowStats(NamedTuple):
    """24 h figures as ints (ticks, lots, ticks×lots)."""

    open_time: int
    open: int
    high: int
    low: int
    last: int
    prev_close: int
    volume: int
    quote: int
    trades: int
    first_id: int
    last_id: int


class Rolling24h:
    """The 24 h window of one symbol over its base-interval ring."""

    def __init__(self, ring: BarRing, base_ms: int, window_ms: int = DAY_MS) -> None:
        if ring.capacity < window_ms // base_ms + 2:
            raise ValueError("the base ring must hold a whole window")
        self.window_ms, self._base_ms, self._ring = window_ms, base_ms, ring
        self._inside = 0  # the newest `_inside` bars of the ring are in the window
        self._highs: deque[tuple[int, int]] = deque()
        self._lows: deque[tuple[int, int]] = deque()
        self._volume = self._quote = self._trades = 0
        self._prev_close = NO_PRICE
        self._last_id = -1

    def add(self, bar: RawBar) -> None:
        """Count `bar`, just appended to the ring, into the window."""
        self._inside += 1
        # Expire here too, so the window never outgrows the ring however rarely stats() is asked.
        self._expire(bar.open_time + self._base_ms - self.window_ms)
        if bar.trades == 0:
            return
        self._volume += bar.volume
        self._quote += bar.quote
        self._trades += bar.trades
        self._last_id = bar.last_id
        while self._highs and self._highs[-1][1] <= bar.high:
            self._highs.pop()
        self._highs.append((bar.open_time, bar.high))
        while self._lows and self._lows[-1][1] >= bar.low:
            self._lows.pop()
        self._lows.append((bar.open_time, bar.low))

    def stats(self, now_ms: int, current: RawBar | None) -> WindowStats | None:
        """Return the window ending at `now_ms` (including the open bar), or None with no price."""
        start = now_ms - self.window_ms
        self._expire(start)
        ring = self._ring
        last_bar = current if current is not None else (ring[-1] if len(ring) else None)
        if last_bar is None or last_bar.close == NO_PRICE:
            return None
        live = current if current is not None and current.trades > 0 else None
        first = self._first_traded() or live
        if first is None:  # nothing traded in the window: a flat, empty day
            p = last_bar.close
            return WindowStats(start, p, p, p, p, self._prev_close_or(p), 0, 0, 0, -1, -1)
        highs = [self._highs[0][1]] if self._highs else []
        lows = [self._lows[0][1]] if self._lows else []
        volume, quote, trades, last_id = self._volume, self._quote, self._trades, self._last_id
        if live is not None:
            highs.append(live.high)
            lows.append(live.low)
            volume, quote, trades = volume + live.volume, quote + live.quote, trades + live.trades
            last_id = live.last_id
        return WindowStats(start, first.open, max(highs), min(lows), last_bar.close,
                           self._prev_close_or(first.open), volume, quote, trades,
                           first.first_id, last_id)

    def _first_traded(self) -> RawBar | None:
        ring, size = self._ring, len(self._ring)
        for k in range(size - self._inside, size):
            if ring.value(k, _TRADES):
                return ring[k]
        return None

    def _prev_close_or(self, fallback: int) -> int:
        return fallback if self._prev_close == NO_PRICE else self._prev_close

    def _expire(self, cutoff_ms: int) -> None:
        ring = self._ring
        while self._inside and ring.value(len(ring) - self._inside, 0) < cutoff_ms:
            old = ring[len(ring) - self._inside]
            self._inside -= 1
            self._prev_close = old.close
            if old.trades:
                self._volume -= old.volume
                self._quote -= old.quote
                self._trades -= old.trades
        while self._highs and self._highs[0][0] < cutoff_ms:
            self._highs.popleft()
        while self._lows and self._lows[0][0] < cutoff_ms:
            self._lows.popleft()
