"""Kline aggregation from the trade stream, at the feed's base interval and its multiples.

Trades update one open base bar (cheap per trade). Closed bars cascade up a chain (1m → 5m →
15m → 1h → 4h → 1d): each interval is built from the largest smaller served interval that
divides it, so a base bar costs ~1.3 merges instead of one per interval. History is a ring
buffer per interval (`BarRing`, compact int columns), so memory stays bounded however long the
feed runs. Prices are ticks, sizes lots, quote amounts ticks×lots (see `types.SymbolInfo.quote`).
"""
from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from typing import NamedTuple

NO_PRICE = -1


class RawBar(NamedTuple):
    """One kline as ints; `trades` == 0 means no trade (o=h=l=c=previous close, as Binance)."""

    open_time: int
    open: int
    high: int
    low: int
    close: int
    volume: int
    quote: int
    trades: int
    taker_base: int
    taker_quote: int
    first_id: int
    last_id: int


class BarRing:
    """A fixed-capacity ring of RawBars kept as 12 int64 columns (~100 bytes a bar instead of
    ~450 for a tuple of ints): 60 symbols × 6 intervals × 1000 bars stay around 40 MB."""

    __slots__ = ("_cols", "_cap", "_start", "_len")

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("a ring holds at least one bar")
        self._cols = [array("q") for _ in RawBar._fields]  # grown on demand, up to capacity
        self._cap, self._start, self._len = capacity, 0, 0

    def __len__(self) -> int:
        return self._len

    @property
    def capacity(self) -> int:
        """Return how many bars the ring keeps."""
        return self._cap

    def __getitem__(self, k: int) -> RawBar:
        if not -self._len <= k < self._len:
            raise IndexError("bar index out of range")
        i = (self._start + k % self._len) % self._cap
        return tuple.__new__(RawBar, [col[i] for col in self._cols])

    def value(self, k: int, field: int) -> int:
        """Return one field (a RawBar index) of bar `k` without building the bar; k >= 0."""
        return self._cols[field][(self._start + k) % self._cap]

    def __iter__(self) -> Iterator[RawBar]:
        return (self[k] for k in range(self._len))

    def append(self, bar: RawBar) -> None:
        """Add `bar` as the newest; the oldest is dropped when the ring is full."""
        if len(self._cols[0]) < self._cap:  # still growing: the ring has never wrapped
            for col, value in zip(self._cols, bar):
                col.append(value)
            self._len += 1
            return
        if self._len == self._cap:
            self._start = (self._start + 1) % self._cap
            self._len -= 1
        i = (self._start + self._len) % self._cap
        for col, value in zip(self._cols, bar):
            col[i] = value
        self._len += 1

    def popleft(self) -> RawBar:
        """Remove and return the oldest bar."""
        bar = self[0]
        self._start = (self._start + 1) % self._cap
        self._len -= 1
        return bar


class BarAcc:
    """A kline being built."""

    __slots__ = ("t", "o", "h", "lo", "c", "v", "q", "n", "tb", "tq", "f", "last")

    def __init__(self, t: int, price: int) -> None:
        self.t = t
        self.o = self.h = self.lo = self.c = price
        self.v = self.q = self.n = self.tb = self.tq = 0
        self.f = self.last = -1

    def trade(self, price: int, lots: int, buyer_taker: bool, trade_id: int) -> None:
        """Add one trade."""
        if self.n == 0:
            self.o = self.h = self.lo = price
            self.f = trade_id
        elif price > self.h:
            self.h = price
        elif price < self.lo:
            self.lo = price
        self.c = price
        self.v += lots
        self.q += price * lots
        self.n += 1
        if buyer_taker:
            self.tb += lots
            self.tq += price * lots
        self.last = trade_id

    def merge(self, bar: RawBar) -> None:
        """Add a closed bar of a smaller interval; bars without trades only carry the price."""
        if bar.trades == 0:
            if self.o == NO_PRICE:
                self.o = self.h = self.lo = self.c = bar.close
            return
        if self.n == 0:
            self.o, self.h, self.lo, self.f = bar.open, bar.high, bar.low, bar.first_id
        else:
            self.h = max(self.h, bar.high)
            self.lo = min(self.lo, bar.low)
        self.c = bar.close
        self.v += bar.volume
        self.q += bar.quote
        self.n += bar.trades
        self.tb += bar.taker_base
        self.tq += bar.taker_quote
        self.last = bar.last_id

    def freeze(self) -> RawBar:
        """Return the bar so far as an immutable RawBar."""
        return RawBar(self.t, self.o, self.h, self.lo, self.c, self.v, self.q, self.n,
                      self.tb, self.tq, self.f, self.last)


OnClose = Callable[[int, RawBar], None]


class BarBook:
    """The klines of one symbol: an open bar and a closed-bar ring per interval."""

    def __init__(self, base_ms: int, intervals: tuple[int, ...], history: int, on_close: OnClose) -> None:
        if any(iv % base_ms for iv in intervals):
            raise ValueError(f"every kline interval must be a multiple of the base {base_ms} ms")
        self.base_ms = base_ms
        self._higher = tuple(sorted(iv for iv in set(intervals) if iv != base_ms))
        served = (base_ms, *self._higher)
        self._source = {iv: max(b for b in served if b < iv and iv % b == 0) for iv in self._higher}
        self._parents = {b: tuple(iv for iv in self._higher if self._source[iv] == b) for b in served}
        # The base ring keeps at least a day: the 24 h ticker reads it.
        self._hist = {iv: BarRing(history) for iv in served}
        self._hist[base_ms] = BarRing(max(history, 86_400_000 // base_ms + 2))
        self._acc: dict[int, BarAcc | None] = dict.fromkeys(self._higher)
        self._cur: BarAcc | None = None
        self._last_close = NO_PRICE
        self._max_fill = self._hist[base_ms].capacity
        self._on_close = on_close

    @property
    def intervals(self) -> tuple[int, ...]:
        """Return the served intervals in ms, smallest first."""
        return (self.base_ms, *self._higher)

    def trade(self, ts_ms: int, price: int, lots: int, buyer_taker: bool, trade_id: int) -> None:
        """Add a trade at `ts_ms`, closing the bars that ended before it."""
        cur = self._cur
        if cur is None:
            cur = self._cur = BarAcc(ts_ms - ts_ms % self.base_ms, NO_PRICE)
        elif ts_ms >= cur.t + self.base_ms:
            self.roll_to(ts_ms)
            cur = self._cur
            assert cur is not None
        cur.trade(price, lots, buyer_taker, trade_id)
        self._last_close = price

    def roll_to(self, ts_ms: int) -> None:
        """Close every bar that ended at or before `ts_ms` (minutes without trades included)."""
        cur, base = self._cur, self.base_ms
        if cur is None or ts_ms < cur.t + base:
            return
        while cur.t + base <= ts_ms:
            self._close_base(cur.freeze())
            start = cur.t + base
            # After a long idle span only the last ring-full of empty bars can matter.
            if (ts_ms - start) // base > self._max_fill:
                start = ts_ms - ts_ms % base - self._max_fill * base
            cur = BarAcc(start, self._last_close)
        self._cur = cur

    def add_closed(self, bar: RawBar) -> None:
        """Append a closed base bar built elsewhere (warm-up history) and open the next one."""
        if self._cur is not None and self._cur.n > 0:
            raise ValueError("warm-up bars must come before the first streamed trade")
        self._close_base(bar)
        self._last_close = bar.close
        self._cur = BarAcc(bar.open_time + self.base_ms, bar.close)

    def history(self, interval_ms: int) -> BarRing:
        """Return the ring of closed bars of `interval_ms`, oldest first (do not mutate)."""
        return self._hist[interval_ms]

    def current(self, interval_ms: int) -> RawBar | None:
        """Return the open bar of `interval_ms`, or None before any price is known."""
        if self._cur is None or self._cur.o == NO_PRICE:
            return None
        if interval_ms == self.base_ms:
            return self._cur.freeze()
        child = self.current(self._source[interval_ms])
        assert child is not None
        start = child.open_time - child.open_time % interval_ms
        merged = BarAcc(start, NO_PRICE)
        acc = self._acc[interval_ms]
        if acc is not None and acc.t == start:
            merged.merge(acc.freeze())
        merged.merge(child)
        return merged.freeze()

    def _close_base(self, bar: RawBar) -> None:
        if bar.open != NO_PRICE:  # nothing ever traded: Binance has no kline either
            self._closed(self.base_ms, bar)

    def _closed(self, iv: int, bar: RawBar) -> None:
        self._hist[iv].append(bar)
        self._on_close(iv, bar)
        end = bar.open_time + iv
        for parent in self._parents[iv]:
            start = bar.open_time - bar.open_time % parent
            acc = self._acc[parent]
            if acc is not None and acc.t != start:
                self._close(parent, acc)  # a period left open by a skipped idle span
                acc = None
            if acc is None:
                acc = self._acc[parent] = BarAcc(start, NO_PRICE)
            acc.merge(bar)
            if end % parent == 0:
                self._close(parent, acc)

    def _close(self, iv: int, acc: BarAcc) -> None:
        self._acc[iv] = None
        if acc.o != NO_PRICE:
            self._closed(iv, acc.freeze())
