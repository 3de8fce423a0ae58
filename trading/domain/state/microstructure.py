"""Microstructure windows from bookTicker: spread percentiles, their 10 s change, imbalance, micro-vol.

Hot path: every bookTicker goes through `Microstructure.on_quote`, so it works in floats, keeps
a sorted copy of the spread window (bisect: O(log n) search + a short memmove) and never scans
the window. Percentiles are nearest-rank: the value at rank ceil(q * n), as an operator reads them.
"""
from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections import deque


def nearest_rank(sorted_values: list[float], q: float) -> float:
    """Return the nearest-rank q-quantile (0 < q <= 1) of a non-empty sorted list."""
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


class SpreadWindow:
    """Spread samples (bps) of the last `window_ms`, at most `capacity` of them."""

    __slots__ = ("window_ms", "capacity", "_samples", "_sorted")

    def __init__(self, window_ms: int = 60_000, capacity: int = 600) -> None:
        self.window_ms = window_ms
        self.capacity = capacity
        self._samples: deque[tuple[int, float]] = deque()
        self._sorted: list[float] = []

    def __len__(self) -> int:
        return len(self._samples)

    def add(self, ts_ms: int, spread_bps: float) -> None:
        """Add a sample and evict what fell out of the window or beyond the capacity."""
        samples, ordered = self._samples, self._sorted
        samples.append((ts_ms, spread_bps))
        insort(ordered, spread_bps)
        horizon = ts_ms - self.window_ms
        while len(samples) > self.capacity or samples[0][0] < horizon:
            _, old = samples.popleft()
            del ordered[bisect_left(ordered, old)]

    def quantile(self, q: float) -> float | None:
        """Return the nearest-rank quantile of the window, None when empty."""
        return nearest_rank(self._sorted, q) if self._sorted else None


class Microstructure:
    """The touch-derived features of one symbol, updated per bookTicker in O(log n)."""

    __slots__ = ("spreads", "_p90_history", "_history_step_ms", "delta_window_ms", "_vol_alpha",
                 "spread_bps", "imbalance", "micro_var", "last_mid", "last_ts_ms")

    def __init__(self, spread_window_ms: int = 60_000, spread_capacity: int = 600,
                 delta_window_ms: int = 10_000, vol_halflife_ticks: int = 50) -> None:
        self.spreads = SpreadWindow(spread_window_ms, spread_capacity)
        # p90 sampled once per second; 10 s back needs ~12 entries, the bound keeps it small.
        self._p90_history: deque[tuple[int, float]] = deque(maxlen=max(4, delta_window_ms // 1000 + 4))
        self._history_step_ms = 1000
        self.delta_window_ms = delta_window_ms
        self._vol_alpha = 1.0 - 0.5 ** (1.0 / vol_halflife_ticks)
        self.spread_bps = 0.0
        self.imbalance = 0.0
        self.micro_var = 0.0  # EWMA of squared mid log-returns per tick
        self.last_mid = 0.0
        self.last_ts_ms = 0

    def on_quote(self, ts_ms: int, bid: float, bid_qty: float, ask: float, ask_qty: float) -> None:
        """Update every window from one touch (bid <= ask, prices > 0 are the caller's check)."""
        mid = (bid + ask) * 0.5
        spread = (ask - bid) / mid * 10_000.0
        self.spread_bps = spread
        self.spreads.add(ts_ms, spread)
        depth = bid_qty + ask_qty
        self.imbalance = (bid_qty - ask_qty) / depth if depth > 0 else 0.0
        if self.last_mid > 0:
            r = math.log(mid / self.last_mid)
            self.micro_var += self._vol_alpha * (r * r - self.micro_var)
        self.last_mid = mid
        self.last_ts_ms = ts_ms
        history = self._p90_history
        if not history or ts_ms - history[-1][0] >= self._history_step_ms:
            p90 = self.spreads.quantile(0.9)
            history.append((ts_ms, spread if p90 is None else p90))

    def delta_p90_bps(self) -> float:
        """Return p90 now minus p90 about `delta_window_ms` ago (0 until there is history)."""
        now_p90 = self.spreads.quantile(0.9)
        if now_p90 is None or not self._p90_history:
            return 0.0
        horizon = self.last_ts_ms - self.delta_window_ms
        then = self._p90_history[0][1]
        for ts, value in self._p90_history:
            if ts > horizon:
                break
            then = value
        return now_p90 - then

    def micro_vol_bps(self) -> float:
        """Return the per-tick mid volatility in bps (EWMA)."""
        return math.sqrt(self.micro_var) * 10_000.0
