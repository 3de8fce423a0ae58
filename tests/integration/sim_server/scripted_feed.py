"""A tiny market feed for the server tests: quotes are set by the test, candles follow the mids.

Each `quote()` is applied at the next `advance_to`, stamped with that time. Klines cover every
interval from the first quote to now, carrying the last mid forward (zero volume), so kline and
ticker endpoints and streams have data without a real generator.
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from trading.exchange.sim.engine import SymbolSpec, typical_spec
from trading.exchange.sim.server import INTERVAL_MS, BookUpdate

DAY_MS = 86_400_000


def default_specs() -> list[SymbolSpec]:
    """BTCUSDT and ETHUSDT with Binance's BTCUSDT filter set."""
    return [typical_spec("BTCUSDT", "BTC", "USDT"), typical_spec("ETHUSDT", "ETH", "USDT")]


class ScriptedFeed:
    """Quotes in, book updates out; thread-safe because tests quote from their own thread."""

    def __init__(self, specs: Sequence[SymbolSpec] | None = None,
                 quotes: dict[str, tuple[str, str]] | None = None) -> None:
        self._specs = list(specs or default_specs())
        self._lock = threading.Lock()
        self._pending: list[tuple[str, Decimal, Decimal, Decimal, Decimal]] = []
        self._mids: dict[str, list[tuple[int, Decimal]]] = {s.symbol: [] for s in self._specs}
        self._now = 0
        start = quotes if quotes is not None else {"BTCUSDT": ("30000.00", "30001.00"),
                                                   "ETHUSDT": ("2000.00", "2000.10")}
        for symbol, (bid, ask) in start.items():
            self.quote(symbol, bid, ask)

    def quote(self, symbol: str, bid: str, ask: str, bid_qty: str = "5", ask_qty: str = "5") -> None:
        """Queue a new touch for the next advance."""
        with self._lock:
            self._pending.append((symbol, Decimal(bid), Decimal(bid_qty), Decimal(ask), Decimal(ask_qty)))

    def symbols(self) -> Sequence[SymbolSpec]:
        return self._specs

    def advance_to(self, ts_ms: int) -> list[BookUpdate]:
        with self._lock:
            pending, self._pending = self._pending, []
            self._now = max(self._now, ts_ms)
        out = []
        for symbol, bid, bid_qty, ask, ask_qty in pending:
            self._mids[symbol].append((ts_ms, (bid + ask) / 2))
            out.append(BookUpdate(symbol, bid, bid_qty, ask, ask_qty, ts_ms))
        return out

    def klines(self, symbol: str, interval: str, start_ms: int | None = None, end_ms: int | None = None,
               limit: int = 500) -> list[list[Any]]:
        prints = self._mids[symbol]
        if not prints:
            return []
        step = INTERVAL_MS[interval]
        first = prints[0][0] - prints[0][0] % step
        last_open = self._now - self._now % step
        lo = max(first, (start_ms - start_ms % step) if start_ms is not None else first)
        hi = min(last_open, end_ms if end_ms is not None else last_open)
        opens = list(range(lo, hi + 1, step))
        opens = opens[:limit] if start_ms is not None else opens[-limit:]
        return [self._row(prints, t, step) for t in opens]

    def ticker_24h(self, symbol: str) -> dict[str, Any]:
        prints = self._mids[symbol] or [(self._now, Decimal(0))]
        since = self._now - DAY_MS
        window = [p for t, p in prints if t > since] or [self._price_at(prints, since)]
        opening, last = self._price_at(prints, since), prints[-1][1]
        return {"symbol": symbol, "priceChange": _f(last - opening), "priceChangePercent": "0.000",
                "weightedAvgPrice": _f(last), "prevClosePrice": _f(opening), "lastPrice": _f(last),
                "lastQty": _f(Decimal(0)), "bidPrice": _f(Decimal(0)), "bidQty": _f(Decimal(0)),
                "askPrice": _f(Decimal(0)), "askQty": _f(Decimal(0)), "openPrice": _f(opening),
                "highPrice": _f(max(window)), "lowPrice": _f(min(window)), "volume": _f(Decimal(0)),
                "quoteVolume": _f(Decimal(0)), "openTime": since, "closeTime": self._now,
                "firstId": -1, "lastId": -1, "count": 0}

    def _row(self, prints: list[tuple[int, Decimal]], open_ms: int, step: int) -> list[Any]:
        inside = [p for t, p in prints if open_ms <= t < open_ms + step]
        before = self._price_at(prints, open_ms - 1)
        o = before if before else inside[0]
        series = [o, *inside]
        return [open_ms, _f(o), _f(max(series)), _f(min(series)), _f(series[-1]), _f(Decimal(0)),
                open_ms + step - 1, _f(Decimal(0)), 0, _f(Decimal(0)), _f(Decimal(0)), "0"]

    @staticmethod
    def _price_at(prints: list[tuple[int, Decimal]], ts_ms: int) -> Decimal:
        earlier = [p for t, p in prints if t <= ts_ms]
        return earlier[-1] if earlier else prints[0][1]


def _f(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.00000001')):f}"
