"""Serve a `trading.exchange.sim.market` feed (generated or replayed candles) to the server.

That package renders its own Binance shapes (kline rows, 24 h tickers) and describes symbols
as `SymbolInfo` (tick, step, minimum notional); this adapter turns those into the server's
small `MarketFeed` protocol and into engine `SymbolSpec`s with Binance's usual filter set.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from trading.exchange.sim.engine import BinanceApiError, SymbolSpec
from trading.exchange.sim.engine.decimals import fmt
from trading.exchange.sim.engine.symbols import typical_filters

from .feed import KlineRow

MAX_LOTS = 900_000_000  # LOT_SIZE maxQty in steps: ample for cheap and dear coins alike


class _Info(Protocol):
    symbol: str
    base_asset: str
    quote_asset: str
    tick_size: Decimal
    step_size: Decimal
    min_notional: Decimal


def spec_from_info(info: _Info) -> SymbolSpec:
    """Return an engine spec with the BTCUSDT-like filter set scaled to the symbol's grid."""
    filters = typical_filters(tick=fmt(info.tick_size, 8), step=fmt(info.step_size, 8),
                              min_notional=fmt(info.min_notional, 8))
    max_qty = fmt(info.step_size * MAX_LOTS, 8)
    for f in filters:
        if f["filterType"] in ("LOT_SIZE", "MARKET_LOT_SIZE"):
            f["maxQty"] = max_qty
    return SymbolSpec(symbol=info.symbol, base_asset=info.base_asset, quote_asset=info.quote_asset, filters=filters)


class CandleFeedAdapter:
    """Wrap a market-package feed (CandleFeed, GeneratedFeed, ReplayFeed) as a server MarketFeed."""

    def __init__(self, feed: Any) -> None:
        self.feed = feed
        self._specs = [spec_from_info(info) for info in feed.symbols()]

    def symbols(self) -> list[SymbolSpec]:
        """Return engine specs for the feed's symbols."""
        return self._specs

    def advance_to(self, ts_ms: int) -> list[Any]:
        """Return the feed's updates (they carry `.trade` when a print caused them)."""
        return list(self.feed.advance_to(max(ts_ms, self.feed.now_ms)))

    def klines(self, symbol: str, interval: str, start_ms: int | None = None, end_ms: int | None = None,
               limit: int = 500) -> list[KlineRow]:
        """Return kline rows; an interval the feed does not keep answers -1120."""
        try:
            return [k.rest_row() for k in self.feed.klines(symbol, interval, start_ms, end_ms, limit)]
        except ValueError:
            raise BinanceApiError(-1120, "Invalid interval.") from None

    def ticker_24h(self, symbol: str) -> dict[str, Any]:
        """Return the FULL 24 h ticker (zeros before the first price)."""
        ticker = self.feed.ticker_24h(symbol)
        if ticker is not None:
            return dict(ticker.full_payload())
        zero, now = fmt(Decimal(0), 8), self.feed.now_ms
        body: dict[str, Any] = {k: zero for k in (
            "priceChange", "weightedAvgPrice", "prevClosePrice", "lastPrice", "lastQty", "bidPrice", "bidQty",
            "askPrice", "askQty", "openPrice", "highPrice", "lowPrice", "volume", "quoteVolume")}
        body.update(symbol=symbol, priceChangePercent="0.000", openTime=now - 86_400_000, closeTime=now,
                    firstId=-1, lastId=-1, count=0)
        return body
