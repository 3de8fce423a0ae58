"""The seeded long series of reference-backtest.md: a log-normal random walk with real wicks.

Recipe: close(t) = close(t-1) * exp(N(0, sigma)), sigma = 0.0006495 (the real series' 1m log-return
std), drift 0; open(t) = close(t-1); the wicks (as ratios to the body) and the volume of each
candle are resampled together from one random row of the real series; prices are rounded to
0.01; first close 29,503.59; start 2021-01-01 00:00 UTC; seed 42.

Random numbers come from Python's `random.Random(seed)` (Mersenne Twister): per candle one
`gauss(0, sigma)` then one `random()` picking the real row (`int(u * rows)`); prices are
rounded half-up to the cent (`int(x * 100 + 0.5) / 100`, the float nearest to that cent). The
same seed gives the same series on every run and machine; it is not numpy's stream, so the walk
differs from the peers' own draw of the recipe (only counts and speed are compared on it, see
reference-backtest.md).
"""
from __future__ import annotations

import hashlib
import math
import random
from array import array

from trading.backtest.data import Series, real_series

SYNTHETIC_CANDLES = 1_000_000
SIGMA = 0.0006495
FIRST_CLOSE = 29_503.59
START_MS = 1_609_459_200_000  # 2021-01-01 00:00 UTC
RECIPE_VERSION = "1"


def synthetic_series(n: int = SYNTHETIC_CANDLES, *, seed: int = 42, sigma: float = SIGMA,
                     first_close: float = FIRST_CLOSE, start_ms: int = START_MS,
                     wicks_from: Series | None = None) -> Series:
    """Return `n` synthetic 1m candles by the recipe in the module docstring."""
    if n < 1:
        raise ValueError("a synthetic series needs at least one candle")
    src = wicks_from or real_series()
    # Per real row: the upper wick as a ratio of the body top, the lower one of the body bottom.
    ups = [h / (o if o > c else c) for o, h, c in zip(src.open, src.high, src.close)]
    downs = [lo / (c if o > c else o) for o, lo, c in zip(src.open, src.low, src.close)]
    vols = src.volume
    rows = len(ups)
    rng = random.Random(seed)
    gauss, uniform, exp = rng.gauss, rng.random, math.exp
    op, hi, lo, cl, vo = array("d"), array("d"), array("d"), array("d"), array("d")
    close = int(first_close * 100 + 0.5) / 100
    prev = close
    for i in range(n):
        if i:
            close = int(prev * exp(gauss(0.0, sigma)) * 100 + 0.5) / 100
        r = int(uniform() * rows)
        if prev > close:
            hi.append(int(prev * ups[r] * 100 + 0.5) / 100)
            lo.append(int(close * downs[r] * 100 + 0.5) / 100)
        else:
            hi.append(int(close * ups[r] * 100 + 0.5) / 100)
            lo.append(int(prev * downs[r] * 100 + 0.5) / 100)
        op.append(prev)
        cl.append(close)
        vo.append(vols[r])
        prev = close
    ts = array("q", range(start_ms, start_ms + n * 60_000, 60_000))
    recipe = f"synthetic:v{RECIPE_VERSION}:n={n}:seed={seed}:sigma={sigma!r}:first={first_close!r}:start={start_ms}"
    digest = hashlib.sha256(f"{recipe}:wicks={src.digest}".encode()).hexdigest()
    return Series(src.symbol, recipe, digest, ts, op, hi, lo, cl, vo)
