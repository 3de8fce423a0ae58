"""Candles turned into a realistic, deterministic stream of book-ticker updates.

`CandleReplayer` turns one candle into its updates (path, quotes, sizes, trades). Both market
sources use it (recorded candles in `replay_feed`, generated ones in `generator`), so they serve
the same shapes.

Each candle draws from its own RNG seeded by (seed, symbol, open time) and carries no state from
the previous one, so a candle replays the same wherever the replay started; only update and trade
ids are counters of the stream.
"""
from __future__ import annotations

import math
import zlib
from random import Random

from .candles import RawCandle
from .path import event_times, price_path
from .quotes import QuoteParams, Reference, candle_book, place_quotes, trade_sizes
from .types import BookTicker, SymbolInfo


def candle_seed(seed: int, symbol: str, open_time_ms: int) -> int:
    """Return the RNG seed of one candle: stable across processes (no str hash)."""
    return ((seed % (1 << 64)) << 96) | (zlib.crc32(symbol.encode()) << 64) | open_time_ms


class CandleReplayer:
    """Turns the candles of one symbol, in order, into book-ticker updates."""

    def __init__(self, info: SymbolInfo, interval_ms: int, ref: Reference, seed: int,
                 params: QuoteParams | None = None, first_update_id: int = 1) -> None:
        self.info = info
        self.interval_ms = interval_ms
        self.ref = ref
        self.seed = seed
        self.params = params or QuoteParams()
        self.next_update_id = first_update_id
        self.next_trade_id = 1

    def expected_trades(self) -> int:
        """Return how many trades a typical candle prints (for warm-up klines, which have no path)."""
        typical = RawCandle(0, 10**6, 10**6 + round(self.ref.range_bps * 100), 10**6, 10**6, self.ref.volume)
        return int(candle_book(typical, self.ref, self.params, self.interval_ms).steps
                   * self.params.trade_fraction)

    def expand(self, c: RawCandle) -> list[BookTicker]:
        """Return the updates of candle `c` (ticks and lots on the symbol grid), in time order.

        Steps: draw the path through open, the extremes and close; spread the event times over
        the candle; pick which updates trade and how much (summing to the candle volume); then
        place quotes around each path price with a spread and sizes that follow the candle.
        """
        rng = Random(candle_seed(self.seed, self.info.symbol, c.open_time_ms))
        book = candle_book(c, self.ref, self.params, self.interval_ms)
        prices, keys = price_path(c, book.steps, rng)
        times = event_times(c.open_time_ms, self.interval_ms, len(prices), rng)
        sizes = trade_sizes(c.volume, len(prices), (0, *keys), self.params.trade_fraction, rng)
        return self._quotes(c, prices, times, sizes, book.spread, book.depth, rng)

    def _quotes(self, c: RawCandle, prices: list[int], times: list[int], sizes: list[int],
                spread: float, depth: float, rng: Random) -> list[BookTicker]:
        # The hot loop of the whole market: locals only, exponential draws inlined.
        info, symbol, lo, hi = self.info, self.info.symbol, c.low, c.high
        memory, gap = self.params.imbalance_memory, self.params.update_id_gap
        rand, log, new = rng.random, math.log, tuple.__new__  # tuple.__new__: 2x faster than BookTicker()
        u, tid = self.next_update_id, self.next_trade_id
        prev = prices[0]  # so the first print's side is a coin flip: no state across candles
        imbalance, out, n = 0.0, [], len(prices)
        for j in range(n):
            p, lots = prices[j], sizes[j]
            side = 0
            if lots:
                side = 1 if p > prev else -1 if p < prev else (1 if rand() < 0.5 + 0.4 * imbalance else -1)
            width = int(spread * (0.5 + rand()) + 0.5) or 1
            if side > 0 and p - width >= lo:  # the common cases of place_quotes, inlined
                bid, ask = p - width, p
            elif side < 0 and p + width <= hi:
                bid, ask = p, p + width
            else:
                bid, ask, side = place_quotes(p, width, side, lo, hi)
            # Size leans toward the side the price is about to move away from (bids before a rise).
            ahead = prices[j + 1] - p if j + 1 < n else 0
            drift = 0.6 if ahead > 0 else -0.6 if ahead < 0 else 0.0
            imbalance = memory * imbalance + (1 - memory) * drift + 0.3 * (rand() - 0.5)
            imbalance = -0.9 if imbalance < -0.9 else 0.9 if imbalance > 0.9 else imbalance
            bid_lots = int(depth * (1 + imbalance) * (0.2 - 0.8 * log(1.0 - rand()))) or 1
            ask_lots = int(depth * (1 - imbalance) * (0.2 - 0.8 * log(1.0 - rand()))) or 1
            u += 1 + int(rand() * 2 * gap)
            trade_id = -1
            if lots:
                trade_id, tid, prev = tid, tid + 1, p
            out.append(new(BookTicker, (u, symbol, times[j], bid, bid_lots, ask, ask_lots,
                                        trade_id, lots, side < 0, info)))
        self.next_update_id, self.next_trade_id = u + 1, tid
        return out
