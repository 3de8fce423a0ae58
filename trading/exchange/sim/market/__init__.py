"""The simulator's market (design §3): what the exchange simulator serves as bookTicker, kline
and 24 h ticker data, from replayed real candles or from a seeded stochastic generator.

    feed = ReplayFeed.from_shipped(["BTCUSDT-1m"], seed=7)      # or GeneratedFeed(seed=7)
    for update in feed.advance_to(clock.now_ms()):              # the caller's clock sets the pace
        if (trade := update.trade) is not None:                 # the print behind this quote
            engine.on_trade(trade.symbol, trade.price, trade.qty, trade.ts_ms)
        engine.on_book_ticker(update.symbol, update.bid, update.bid_qty, update.ask,
                              update.ask_qty, update.ts_ms)

Plain Python (no Django); prices and quantities are Decimal at every public edge.
"""
from __future__ import annotations

from .candles import Candle, CandleDataError, CandleSeries, Gap, RawCandle, load_candles, parse_candles
from .feed import DEFAULT_INTERVALS, CandleFeed, CandleSource, MarketFeed
from .generator import GeneratedFeed, GeneratorParams, MarketGenerator, Regime
from .quotes import QuoteParams, Reference
from .replay import CandleReplayer
from .replay_feed import ReplayFeed, ReplayLane, lanes_from_shipped, load_shipped
from .types import INTERVAL_MS, BookTicker, Kline, SymbolInfo, Ticker24h, Trade, fmt8

__all__ = [
    "DEFAULT_INTERVALS", "INTERVAL_MS", "BookTicker", "Candle", "CandleDataError", "CandleFeed",
    "CandleReplayer", "CandleSeries", "CandleSource", "Gap", "GeneratedFeed", "GeneratorParams",
    "Kline", "MarketFeed", "MarketGenerator", "QuoteParams", "RawCandle", "Reference", "Regime",
    "ReplayFeed", "ReplayLane", "SymbolInfo", "Ticker24h", "Trade", "fmt8", "lanes_from_shipped",
    "load_candles", "load_shipped", "parse_candles",
]
