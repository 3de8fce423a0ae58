"""What the simulated exchange knows of one symbol's market: touch, last trade, klines, 24 h."""
from __future__ import annotations

from collections import deque

from .bars import BarBook, BarRing, RawBar
from .candles import RawCandle
from .ticker import Rolling24h
from .types import INTERVAL_NAME, ZERO, BookTicker, Kline, SymbolInfo, Ticker24h

ClosedBar = tuple["SymbolMarket", int, RawBar]


class SymbolMarket:
    """One symbol's market state, fed with its book-ticker updates in time order."""

    def __init__(self, info: SymbolInfo, base_ms: int, intervals: tuple[int, ...], history: int,
                 closed_sink: deque[ClosedBar]) -> None:
        self.info = info
        self.book: BookTicker | None = None
        self.last_lots = 0
        self._sink = closed_sink
        self._emit = False  # warm-up bars are history, not stream events
        self._bars = BarBook(base_ms, intervals, history, self._on_close)
        self._ticker = Rolling24h(self._bars.history(base_ms), base_ms)

    @property
    def intervals(self) -> tuple[int, ...]:
        """Return the kline intervals served, in ms."""
        return self._bars.intervals

    def warm(self, c: RawCandle, trades: int) -> None:
        """Add a past candle as a closed kline, before streaming starts.

        Quote volume uses the candle's mean price and the taker split is even: these bars have no
        trade path behind them.
        """
        if c.volume == 0:
            trades = 0
        quote = c.volume * (c.open + c.high + c.low + c.close) // 4
        self._bars.add_closed(RawBar(c.open_time_ms, c.open, c.high, c.low, c.close, c.volume,
                                     quote, trades, c.volume // 2, quote // 2, -1, -1))

    def start_stream(self) -> None:
        """Report the bars closed from now on to the closed-kline sink."""
        self._emit = True

    def apply(self, up: BookTicker) -> None:
        """Take one update: the touch, and its trade into the klines."""
        self.book = up
        lots = up.trade_lots
        if lots:
            maker = up.buyer_maker
            self._bars.trade(up.ts_ms, up.bid_ticks if maker else up.ask_ticks, lots, not maker, up.trade_id)
            self.last_lots = lots
        else:
            self._bars.roll_to(up.ts_ms)

    def roll_to(self, ts_ms: int) -> None:
        """Close the klines that ended at or before `ts_ms`."""
        self._bars.roll_to(ts_ms)

    def klines(self, interval_ms: int, start_ms: int | None, end_ms: int | None,
               limit: int) -> list[Kline]:
        """Return up to `limit` klines as GET /klines does: from `start_ms` if given, else the
        latest ones ending at `end_ms`; the open kline comes last when in range."""
        ring = self._bars.history(interval_ms)
        lo = 0 if start_ms is None else _first_at_or_after(ring, start_ms)
        hi = len(ring) if end_ms is None else _first_at_or_after(ring, end_ms + 1)
        current = self._bars.current(interval_ms)
        in_range = current is not None and lo <= hi and (
            (start_ms is None or current.open_time >= start_ms)
            and (end_ms is None or current.open_time <= end_ms))
        picks: list[int | None] = [*range(lo, hi), *([None] if in_range else [])]
        picks = picks[:limit] if start_ms is not None else picks[-limit:] if limit > 0 else []
        return [self.kline_of(ring[k], interval_ms, True) if k is not None
                else self.kline_of(current, interval_ms, False)  # type: ignore[arg-type]
                for k in picks]

    def current_kline(self, interval_ms: int) -> Kline | None:
        """Return the open kline of `interval_ms` (the stream's x=false state), if any."""
        bar = self._bars.current(interval_ms)
        return None if bar is None else self.kline_of(bar, interval_ms, False)

    def ticker_24h(self, now_ms: int) -> Ticker24h | None:
        """Return the rolling 24 h statistics at `now_ms`, or None before any price."""
        s = self._ticker.stats(now_ms, self._bars.current(self._bars.base_ms))
        if s is None:
            return None
        i, book = self.info, self.book
        bid, bid_q, ask, ask_q = ((book.bid, book.bid_qty, book.ask, book.ask_qty) if book is not None
                                  else (ZERO, ZERO, ZERO, ZERO))
        return Ticker24h(i.symbol, s.open_time, now_ms, i.price(s.open), i.price(s.high),
                         i.price(s.low), i.price(s.last), i.qty(self.last_lots),
                         i.price(s.prev_close), i.qty(s.volume), i.quote(s.quote), s.trades,
                         s.first_id, s.last_id, bid, bid_q, ask, ask_q)

    def _on_close(self, interval_ms: int, bar: RawBar) -> None:
        if interval_ms == self._bars.base_ms:
            self._ticker.add(bar)
        if self._emit:  # a Kline is built only if someone collects it
            self._sink.append((self, interval_ms, bar))

    def kline_of(self, b: RawBar, interval_ms: int, closed: bool) -> Kline:
        """Return `b` as a Kline of this symbol."""
        i = self.info
        return Kline(i.symbol, INTERVAL_NAME[interval_ms], b.open_time, b.open_time + interval_ms - 1,
                     i.price(b.open), i.price(b.high), i.price(b.low), i.price(b.close),
                     i.qty(b.volume), i.quote(b.quote), b.trades, i.qty(b.taker_base),
                     i.quote(b.taker_quote), b.first_id, b.last_id, closed)


def _first_at_or_after(ring: BarRing, ts_ms: int) -> int:
    """Return the index of the first bar of `ring` opening at or after `ts_ms` (len if none)."""
    lo, hi = 0, len(ring)
    while lo < hi:
        mid = (lo + hi) // 2
        if ring.value(mid, 0) < ts_ms:
            lo = mid + 1
        else:
            hi = mid
    return lo
