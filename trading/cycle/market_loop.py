"""WATCHLIST_ATTACH and STATE_UPDATE: the market streams of the watched symbols feed the StateStore.

Attach seeds a symbol's candles from REST klines (closed bars only) so its features are warm at
once, then subscribes its bookTicker and 1m kline (the store rolls 1m up into the longer bars).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from trading.domain.ports import BookTicker, Exchange, KlineUpdate, MarketEventStream, MarketStream
from trading.domain.state.store import StateStore

BASE_INTERVAL = "1m"
SEED_LIMIT = 200


def streams_for(symbol: str) -> list[MarketStream]:
    return [MarketStream.book_ticker(symbol), MarketStream.kline(symbol, BASE_INTERVAL)]


@dataclass
class MarketLoop:
    """The state store, the one market stream, and which symbols it watches."""

    exchange: Exchange
    store: StateStore = field(default_factory=StateStore)
    watched: set[str] = field(default_factory=set)
    stream: MarketEventStream | None = None

    def attach(self, symbols: Iterable[str], now_ms: int) -> list[str]:
        """Seed and subscribe the symbols not yet watched; return them."""
        new = sorted(set(symbols) - self.watched)
        for symbol in new:
            self.seed(symbol, now_ms)
            self.store.on_book_ticker(self.exchange.book_ticker(symbol), now_ms)
        streams = [s for symbol in new for s in streams_for(symbol)]
        if streams and self.stream is None:
            self.stream = self.exchange.market_stream(streams)
        elif streams and self.stream is not None:
            self.stream.subscribe(streams)
        self.watched.update(new)
        return new

    def seed(self, symbol: str, now_ms: int) -> int:
        """Load the closed REST klines of every kept interval; return how many bars were new."""
        state = self.store.state(symbol)
        if state is None:
            return 0
        added = 0
        # Longest first: the 1m seed rolls up into the longer bars and would make older ones stale.
        for interval in reversed(self.store.params.intervals):
            closed = [k for k in self.exchange.klines(symbol, interval, limit=SEED_LIMIT) if k.close_time_ms < now_ms]
            added += state.candles.seed(interval, closed)
        return added

    def update(self, now_ms: int, max_events: int = 50_000) -> int:
        """Apply every queued market event to the store; return how many were accepted."""
        if self.stream is None:
            return 0
        accepted = 0
        for event in self.stream.drain(max_events):
            if isinstance(event, BookTicker):
                accepted += self.store.on_book_ticker(event, now_ms)
            elif isinstance(event, KlineUpdate):
                accepted += self.store.on_kline(event)
        return accepted

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
