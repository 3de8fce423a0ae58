"""The price path inside one candle: open → first extreme → second extreme → close.

Which extreme comes first is drawn with a probability set by the candle's shape: the shorter
of the two possible routes (open→low→high→close vs open→high→low→close) is the likelier one, as
for a Brownian path conditioned on its OHLC. Each leg is a Brownian bridge on the tick grid,
clamped to [low, high], so the path touches all four prices and never leaves the candle.
"""
from __future__ import annotations

import math
from random import Random

from .candles import RawCandle


def high_first_probability(c: RawCandle) -> float:
    """Return the probability that the path visits the high before the low."""
    o, h, lo, cl = c.open, c.high, c.low, c.close
    via_low = (o - lo) + (h - lo) + (h - cl)
    via_high = (h - o) + (h - lo) + (cl - lo)
    if via_low + via_high == 0:
        return 0.5
    return via_low / (via_low + via_high)


def price_path(c: RawCandle, steps: int, rng: Random) -> tuple[list[int], tuple[int, int, int]]:
    """Return (prices, (i_first, i_second, i_close)): a path of `steps` ≥ 4 prices in ticks.

    prices[0] is the open, prices[i_first] and prices[i_second] are the high and the low in the
    drawn order, prices[i_close] == prices[-1] is the close; every price is in [low, high].
    """
    steps = max(4, steps)
    high_first = rng.random() < high_first_probability(c)
    first, second = (c.high, c.low) if high_first else (c.low, c.high)
    keys = (c.open, first, second, c.close)
    counts = _leg_counts([abs(b - a) for a, b in zip(keys, keys[1:])], steps - 1, c.high - c.low)
    # Bridge noise of about a third of the range over the whole candle, never under half a tick.
    noise = max(0.5, (c.high - c.low) * 0.35 / math.sqrt(steps))
    path = [c.open]
    ends = []
    for (a, b), k in zip(zip(keys, keys[1:]), counts):
        path.extend(_bridge(a, b, k, c.low, c.high, noise, rng))
        ends.append(len(path) - 1)
    return path, (ends[0], ends[1], ends[2])


def _leg_counts(lengths: list[int], total: int, span: int) -> list[int]:
    # Steps go to legs in proportion to the distance they travel; a zero-length leg still gets a
    # step so the extreme it leads to is its own update.
    weights = [d + 0.1 * span + 1 for d in lengths]
    scale = (total - len(lengths)) / sum(weights)
    counts = [1 + int(w * scale) for w in weights]
    counts[max(range(len(counts)), key=lengths.__getitem__)] += total - sum(counts)
    return counts


def _bridge(a: int, b: int, k: int, lo: int, hi: int, noise: float, rng: Random) -> list[int]:
    """Return k prices after `a`, ending exactly at `b`, as a clamped random-walk bridge."""
    if k == 1:
        return [b]
    # Uniform increments with the std of `noise` (3.46 = sqrt(12)): a third of gauss()'s cost,
    # and over a few steps the walk is as Gaussian as it needs to be.
    rand, width = rng.random, noise * 3.4641016
    walk, x = [0.0], 0.0
    for _ in range(k):
        x += (rand() - 0.5) * width
        walk.append(x)
    span = b - a
    out = []
    for j in range(1, k):
        frac = j / k
        p = round(a + span * frac + walk[j] - frac * x)
        out.append(lo if p < lo else hi if p > hi else p)
    out.append(b)
    return out


def event_times(open_time_ms: int, interval_ms: int, steps: int, rng: Random) -> list[int]:
    """Return `steps` strictly increasing event times inside [open, open + interval).

    The first update is at the candle's open time so the open prints first.
    """
    steps = min(steps, interval_ms)
    rand, span = rng.random, interval_ms - 1
    offsets = sorted(1 + int(rand() * span) for _ in range(steps - 1))
    times, last = [open_time_ms], 0
    for x in offsets:
        last = x if x > last else last + 1  # collisions move up a ms
        times.append(open_time_ms + last)
    if last >= interval_ms:  # only when nearly every ms holds an update
        times = [open_time_ms] + [open_time_ms + x for x in sorted(rng.sample(range(1, interval_ms), steps - 1))]
    return times
