"""How busy, wide and deep the book is inside one candle, and where the quotes sit.

The model is deliberately small and calibrated relative to each symbol's own typical candle
(`Reference`): a candle twice as volatile as usual gets a wider spread and more updates; a
candle with twice the usual volume gets more updates, a thinner spread and more displayed size.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from random import Random

from .candles import RawCandle


@dataclass(frozen=True)
class QuoteParams:
    """Tuning of the intra-candle book; the defaults give Binance-major-like books."""

    updates_per_minute: float = 24.0  # for a candle of typical volume and range
    max_updates_per_minute: float = 240.0
    trade_fraction: float = 0.65  # share of updates that print a trade (the rest move quotes only)
    spread_bps: float = 0.0  # spread floor in bps of price (illiquid symbols), on top of 1 tick
    spread_ticks: float = 0.25  # extra ticks at typical volatility and volume (grows as vol^1.5)
    depth_fraction: float = 0.08  # mean displayed size per side / typical candle volume
    imbalance_memory: float = 0.7  # AR(1) persistence of the bid/ask size imbalance
    update_id_gap: float = 4.0  # mean book changes (update ids) between two top-of-book updates


@dataclass(frozen=True)
class Reference:
    """A symbol's typical candle (median volume in lots, median high−low range in bps) and its
    own spread floor in bps (thin symbols quote wider), added to `QuoteParams.spread_bps`."""

    volume: int
    range_bps: float
    spread_bps: float = 0.0


@dataclass(frozen=True)
class CandleBook:
    """The book parameters of one candle: update count, base spread (ticks), mean depth (lots)."""

    steps: int
    spread: float
    depth: float


def candle_book(c: RawCandle, ref: Reference, params: QuoteParams, interval_ms: int) -> CandleBook:
    """Return the update count, base spread and mean displayed size for candle `c`."""
    minutes = interval_ms / 60_000
    vol_ratio = (c.high - c.low) * 10_000 / c.open / ref.range_bps
    liq_ratio = max(0.05, c.volume / ref.volume)
    activity = math.sqrt(liq_ratio) * math.sqrt((0.3 + vol_ratio) / 1.3)
    steps = params.updates_per_minute * minutes * activity
    steps = min(max(4.0, steps), params.max_updates_per_minute * minutes, float(interval_ms))
    spread = (1.0 + (params.spread_bps + ref.spread_bps) * c.open / 10_000
              + params.spread_ticks * vol_ratio ** 1.5 / liq_ratio ** 0.3)
    depth = max(1.0, ref.volume * params.depth_fraction * math.sqrt(liq_ratio))
    return CandleBook(int(steps), spread, depth)


def trade_sizes(volume: int, steps: int, keys: tuple[int, ...], fraction: float,
                rng: Random) -> list[int]:
    """Return lots traded at each of `steps` updates (0 = quote-only); they sum to `volume`.

    The open, both extremes and the close (`keys`, step indexes) always print so the kline built
    from the trades reproduces the candle. When `volume` has fewer lots than key prints (never in
    the shipped data) the later keys stay quote-only.
    """
    sizes = [0] * steps
    if volume <= 0:
        return sizes
    key_set = sorted(set(keys))[:volume]
    taken = set(key_set)
    others = [j for j in range(steps) if j not in taken and rng.random() < fraction]
    room = volume - len(key_set)
    if len(others) > room:
        others = rng.sample(others, room)
    chosen = key_set + others
    weights = [rng.expovariate(1.0) + 0.05 for _ in chosen]
    total_w = sum(weights)
    rest = volume - len(chosen)
    lots = [1 + int(rest * w / total_w) for w in weights]
    lots[max(range(len(lots)), key=weights.__getitem__)] += volume - sum(lots)
    for j, q in zip(chosen, lots):
        sizes[j] = q
    return sizes


def place_quotes(p: int, spread: int, side: int, lo: int, hi: int) -> tuple[int, int, int]:
    """Return (bid, ask, side) around path price `p` with bid < ask.

    side +1: a buyer took the ask, so ask == p; −1: a seller hit the bid, so bid == p; 0: a
    quote-only update with bid ≤ p ≤ ask. Both quotes stay in [lo, hi] whenever hi > lo: the
    spread shrinks (never below one tick) or the traded side flips near an edge. When hi == lo
    (a flat candle) one quote must sit one tick outside. The returned side is the one used.
    """
    if hi <= lo:
        return (p - 1, p, 1) if side > 0 else (p, p + 1, side)
    spread = min(spread, hi - lo)
    if side > 0:
        if p - lo >= 1:
            return p - min(spread, p - lo), p, 1
        return p, p + min(spread, hi - p), -1
    if side < 0:
        if hi - p >= 1:
            return p, p + min(spread, hi - p), -1
        return p - min(spread, p - lo), p, 1
    bid = min(max(p - spread // 2, lo), hi - spread)
    return bid, bid + spread, 0
