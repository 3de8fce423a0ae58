"""The market driver: moves the feed to the exchange clock, feeds the engine, pushes frames.

Runs on the server loop only (the engine and feed are not thread-safe). Each step:
1. asks the feed for the book updates up to the clock's now and gives each one, in order, to
   `engine.on_book_ticker` (stops trigger, resting orders fill, user events go out), after
   `engine.on_trade` for the print behind it when the feed has trades;
2. pushes the latest touch of each changed symbol to its bookTicker/depth listeners — frames
   coalesce per step, like a consumer that read the newest touch;
3. pushes klines every 2 s of exchange time (1 s for `1s`) and when a candle closes, and
   miniTickers every 1 s (facts §6 cadences).
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from .board import Touch
from .feed import INTERVAL_MS, as_update
from .frames import kline_frame, mini_ticker_frame
from .state import SimState
from .stream_names import StreamKind, StreamName
from .streams import StreamHub

log = logging.getLogger(__name__)
MINI_TICKER_EVERY_MS = 1_000


class Driver:
    """Steps the market forward; `run()` steps continuously, tests call `step()`."""

    def __init__(self, state: SimState, hub: StreamHub, *, trade_prints: bool = False) -> None:
        self._state = state
        self._hub = hub
        self._trade_prints = trade_prints
        self._last_push: dict[str, int] = {}  # stream name -> exchange ms of its last frame
        self._kline_open: dict[str, int] = {}  # kline stream -> open time of the candle last pushed
        self._mini_sent: dict[tuple[str, str], tuple[Any, Any]] = {}  # (stream, symbol) -> (last, volume)

    def step(self) -> int:
        """Advance the market to the clock's now; return how many book updates were applied."""
        state = self._state
        now = state.clock.now_ms()
        changed: dict[str, Touch] = {}
        for item in state.feed.advance_to(now):
            update = as_update(item)
            if update.symbol not in state.specs:
                continue
            trade = getattr(item, "trade", None) if self._trade_prints else None
            if trade is not None:  # the print behind the quote sets the last price (facts §4)
                state.engine.on_trade(trade.symbol, trade.price, trade.qty, trade.ts_ms)
            state.engine.on_book_ticker(update.symbol, update.bid, update.bid_qty, update.ask, update.ask_qty,
                                        update.ts_ms)
            changed[update.symbol] = state.board.apply(update)
        self._publish(now, changed)
        return len(changed)

    async def run(self, interval_s: float, stop: asyncio.Event) -> None:
        """Step every `interval_s` wall seconds until `stop` is set; a failing step is logged."""
        while not stop.is_set():
            try:
                self.step()
            except Exception:  # keep the exchange up: one bad update must not stop the market
                log.exception("market step failed")
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval_s)
            except asyncio.TimeoutError:
                pass

    def _publish(self, now: int, changed: dict[str, Touch]) -> None:
        for stream in self._hub.active():
            if stream.kind is StreamKind.BOOK_TICKER and stream.symbol in changed:
                self._hub.publish(stream.name, changed[stream.symbol].stream_frame())
            elif stream.kind is StreamKind.DEPTH and stream.symbol in changed:
                self._hub.publish(stream.name, changed[stream.symbol].depth(stream.levels))
            elif stream.kind is StreamKind.KLINE:
                self._push_kline(stream, now)
            elif stream.kind is StreamKind.MINI_TICKER and self._due(stream.name, now, MINI_TICKER_EVERY_MS):
                self._hub.publish(stream.name, mini_ticker_frame(self._state.feed.ticker_24h(stream.symbol), now))
            elif stream.kind is StreamKind.ALL_MINI_TICKERS and self._due(stream.name, now, MINI_TICKER_EVERY_MS):
                self._push_all_minis(stream.name, now)

    def _push_kline(self, stream: StreamName, now: int) -> None:
        feed = self._state.feed
        rows = feed.klines(stream.symbol, stream.interval, None, None, 1)
        if not rows:
            return
        row = rows[-1]
        previous = self._kline_open.get(stream.name)
        if previous is not None and int(row[0]) != previous:
            # The candle rolled: its final state goes out once with x=true.
            closed = feed.klines(stream.symbol, stream.interval, previous, previous, 1)
            if closed:
                self._hub.publish(stream.name, kline_frame(stream.symbol, stream.interval, closed[0], now, closed=True))
        cadence = 1_000 if INTERVAL_MS[stream.interval] == 1_000 else 2_000
        if previous != int(row[0]) or self._due(stream.name, now, cadence):
            self._kline_open[stream.name] = int(row[0])
            self._last_push[stream.name] = now
            self._hub.publish(stream.name, kline_frame(stream.symbol, stream.interval, row, now,
                                                       closed=int(row[6]) < now))

    def _push_all_minis(self, name: str, now: int) -> None:
        frames = []
        for symbol in self._state.specs:
            ticker = self._state.feed.ticker_24h(symbol)
            key = (ticker.get("lastPrice"), ticker.get("volume"))
            if self._mini_sent.get((name, symbol)) != key:  # changed symbols only (facts §6)
                self._mini_sent[(name, symbol)] = key
                frames.append(mini_ticker_frame(ticker, now))
        if frames:
            self._hub.publish(name, frames)

    def _due(self, name: str, now: int, every_ms: int) -> bool:
        last = self._last_push.get(name)
        if last is not None and now - last < every_ms:
            return False
        self._last_push[name] = now
        return True
