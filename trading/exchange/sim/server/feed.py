"""What the server needs from a market feed, and the book-ticker update it consumes.

The real feed (`trading.exchange.sim.market`: replay of recorded candles and a seeded
generator) is written separately; the server codes against this small protocol so either a
replay, a generator or a scripted test feed can drive it.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from trading.exchange.sim.engine import SymbolSpec

KlineRow = list[Any]  # [openTime, o, h, l, c, v, closeTime, quoteVolume, trades, takerBase, takerQuote, "0"]

# Binance's kline intervals (facts §2); anything else is -1120.
INTERVAL_MS: dict[str, int] = {
    "1s": 1_000, "1m": 60_000, "3m": 180_000, "5m": 300_000, "15m": 900_000, "30m": 1_800_000,
    "1h": 3_600_000, "2h": 7_200_000, "4h": 14_400_000, "6h": 21_600_000, "8h": 28_800_000,
    "12h": 43_200_000, "1d": 86_400_000, "3d": 259_200_000, "1w": 604_800_000, "1M": 2_592_000_000,
}


@dataclass(frozen=True)
class BookUpdate:
    """One new best bid/ask of a symbol at exchange time `ts_ms` (None = empty side)."""

    symbol: str
    bid: Decimal | None
    bid_qty: Decimal
    ask: Decimal | None
    ask_qty: Decimal
    ts_ms: int


class MarketFeed(Protocol):
    """A market the driver can move forward and the REST/stream layer can read."""

    def symbols(self) -> Sequence[SymbolSpec]:
        """Return the tradable symbols with their exchangeInfo filters."""
        ...

    def advance_to(self, ts_ms: int) -> Iterable[Any]:
        """Move the market to `ts_ms`; return the book-ticker updates on the way, oldest first."""
        ...

    def klines(self, symbol: str, interval: str, start_ms: int | None = None, end_ms: int | None = None,
               limit: int = 500) -> list[KlineRow]:
        """Return Binance kline rows up to the current time (the last one may still be open)."""
        ...

    def ticker_24h(self, symbol: str) -> Mapping[str, Any]:
        """Return the FULL GET /ticker/24hr body of `symbol` as of the current time."""
        ...


def as_update(item: Any) -> BookUpdate:
    """Return a BookUpdate from a feed item: a BookUpdate, any object with the same attribute
    names, or a bookTicker-like mapping (`symbol`, `bidPrice`/`bid`, …, `ts_ms`/`E`)."""
    if isinstance(item, BookUpdate):
        return item
    if isinstance(item, Mapping):
        def get(*names: str) -> Any:
            return next((item[n] for n in names if n in item), None)
        return BookUpdate(str(get("symbol", "s")), _dec(get("bid", "bidPrice", "b")),
                          _dec(get("bid_qty", "bidQty", "B")) or Decimal(0), _dec(get("ask", "askPrice", "a")),
                          _dec(get("ask_qty", "askQty", "A")) or Decimal(0), int(get("ts_ms", "E", "T") or 0))
    return BookUpdate(item.symbol, _dec(item.bid), _dec(item.bid_qty) or Decimal(0), _dec(item.ask),
                      _dec(item.ask_qty) or Decimal(0), int(item.ts_ms))


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))
