"""A throughput probe for the market (wired into `manage.py bench exchange` by the caller).

Not a test: timings depend on the machine, so nothing asserts on them.
"""
from __future__ import annotations

import time

from .replay_feed import ReplayFeed


def bench_market(minutes: int = 3000, repeats: int = 3, seed: int = 7) -> float:
    """Replay `minutes` of the shipped BTCUSDT 1m series, one advance a second of market time,
    and return the best rate over `repeats` runs in book-ticker updates per wall-clock second.

    The rate covers the whole feed path: candle expansion, quotes, kline and 24 h aggregation.
    """
    best = 0.0
    for _ in range(repeats):
        feed = ReplayFeed.from_shipped(["BTCUSDT-1m"], seed=seed, warmup_bars=60)
        ts, end, count = feed.now_ms, feed.now_ms + minutes * 60_000, 0
        started = time.perf_counter()
        while ts < end:
            ts += 1_000
            count += len(feed.advance_to(ts))
        elapsed = time.perf_counter() - started
        best = max(best, count / elapsed if elapsed > 0 else 0.0)
    return best
