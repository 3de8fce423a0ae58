"""Values the simulated market serves: symbol specs, book tickers, trades, klines, 24h tickers.

Prices and quantities travel as ints on the symbol's grid (ticks of `tick_size`, lots of
`step_size`) because the replay makes hundreds of thousands of them a second; every public
accessor turns them into `Decimal`, and the `*_payload` methods render Binance's JSON shapes
(facts §2, §6) with decimal strings.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

ZERO = Decimal(0)
_EIGHT = Decimal("0.00000001")

# Kline intervals the simulator can serve: Binance's names for the multiples of one minute up to
# a day (facts §2). 3d/1w/1M are left out: a replay rarely holds enough data to fill one.
INTERVAL_MS: dict[str, int] = {
    "1m": 60_000, "3m": 180_000, "5m": 300_000, "15m": 900_000, "30m": 1_800_000,
    "1h": 3_600_000, "2h": 7_200_000, "4h": 14_400_000, "6h": 21_600_000,
    "8h": 28_800_000, "12h": 43_200_000, "1d": 86_400_000,
}
INTERVAL_NAME: dict[int, str] = {ms: name for name, ms in INTERVAL_MS.items()}


def fmt8(value: Decimal) -> str:
    """Return `value` as Binance prints prices and quantities: a plain string with 8 decimals."""
    return f"{value.quantize(_EIGHT):f}"


def interval_ms(name: str) -> int:
    """Return the length of a kline interval in ms; raise ValueError for an unknown name."""
    try:
        return INTERVAL_MS[name]
    except KeyError:
        raise ValueError(f"unknown kline interval {name!r}; known: {', '.join(INTERVAL_MS)}") from None


@dataclass(frozen=True)
class SymbolInfo:
    """One tradable symbol of the simulated market and the filters the exchange enforces on it."""

    symbol: str
    base_asset: str
    quote_asset: str
    tick_size: Decimal
    step_size: Decimal
    min_notional: Decimal = Decimal(5)

    def __post_init__(self) -> None:
        if self.tick_size <= 0 or self.step_size <= 0:
            raise ValueError(f"{self.symbol}: tick and step sizes must be positive")
        if self.symbol != self.base_asset + self.quote_asset:
            raise ValueError(f"{self.symbol} is not {self.base_asset} + {self.quote_asset}")

    def price(self, ticks: int) -> Decimal:
        """Return the price that is `ticks` ticks."""
        return self.tick_size * ticks

    def qty(self, lots: int) -> Decimal:
        """Return the quantity that is `lots` steps."""
        return self.step_size * lots

    def quote(self, units: int) -> Decimal:
        """Return the quote amount of `units` tick×step units (a sum of ticks × lots)."""
        return self.tick_size * self.step_size * units


class Trade(NamedTuple):
    """One market trade (what an aggTrade or trade stream would carry)."""

    trade_id: int
    symbol: str
    ts_ms: int
    price: Decimal
    qty: Decimal
    buyer_maker: bool  # Binance `m`: True when the seller took the bid


class BookTicker(NamedTuple):
    """One best bid/ask update (Binance `<s>@bookTicker`), optionally caused by a trade.

    `trade_lots` > 0 means a trade printed just before this quote: at the ask when a buyer took
    liquidity (`buyer_maker` False), at the bid when a seller did.
    """

    u: int
    symbol: str
    ts_ms: int
    bid_ticks: int
    bid_lots: int
    ask_ticks: int
    ask_lots: int
    trade_id: int
    trade_lots: int
    buyer_maker: bool
    info: SymbolInfo

    @property
    def bid(self) -> Decimal:
        """Return the best bid price."""
        return self.info.tick_size * self.bid_ticks

    @property
    def ask(self) -> Decimal:
        """Return the best ask price."""
        return self.info.tick_size * self.ask_ticks

    @property
    def bid_qty(self) -> Decimal:
        """Return the quantity at the best bid."""
        return self.info.step_size * self.bid_lots

    @property
    def ask_qty(self) -> Decimal:
        """Return the quantity at the best ask."""
        return self.info.step_size * self.ask_lots

    @property
    def trade_ticks(self) -> int:
        """Return the traded price in ticks (meaningful only when `trade_lots` > 0)."""
        return self.bid_ticks if self.buyer_maker else self.ask_ticks

    @property
    def trade(self) -> Trade | None:
        """Return the trade behind this update, or None for a quote-only update."""
        if self.trade_lots <= 0:
            return None
        return Trade(self.trade_id, self.symbol, self.ts_ms, self.info.price(self.trade_ticks),
                     self.info.qty(self.trade_lots), self.buyer_maker)

    def ws_payload(self) -> dict[str, Any]:
        """Return the `<symbol>@bookTicker` stream payload (no event type or time, as Binance)."""
        return {"u": self.u, "s": self.symbol, "b": fmt8(self.bid), "B": fmt8(self.bid_qty),
                "a": fmt8(self.ask), "A": fmt8(self.ask_qty)}

    def rest_payload(self) -> dict[str, Any]:
        """Return the GET /api/v3/ticker/bookTicker object."""
        return {"symbol": self.symbol, "bidPrice": fmt8(self.bid), "bidQty": fmt8(self.bid_qty),
                "askPrice": fmt8(self.ask), "askQty": fmt8(self.ask_qty)}


@dataclass(frozen=True, slots=True)
class Kline:
    """One kline (candlestick) as Binance serves it; `closed` is the stream's `x` flag."""

    symbol: str
    interval: str
    open_time_ms: int
    close_time_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    quote_volume: Decimal
    trades: int
    taker_buy_base: Decimal
    taker_buy_quote: Decimal
    first_trade_id: int
    last_trade_id: int
    closed: bool

    def rest_row(self) -> list[Any]:
        """Return the GET /api/v3/klines row (12 fields, the last one unused "0")."""
        return [self.open_time_ms, fmt8(self.open), fmt8(self.high), fmt8(self.low),
                fmt8(self.close), fmt8(self.volume), self.close_time_ms, fmt8(self.quote_volume),
                self.trades, fmt8(self.taker_buy_base), fmt8(self.taker_buy_quote), "0"]

    def ws_payload(self, event_ms: int) -> dict[str, Any]:
        """Return the `<symbol>@kline_<interval>` stream payload at event time `event_ms`."""
        k = {"t": self.open_time_ms, "T": self.close_time_ms, "s": self.symbol, "i": self.interval,
             "f": self.first_trade_id, "L": self.last_trade_id, "o": fmt8(self.open),
             "c": fmt8(self.close), "h": fmt8(self.high), "l": fmt8(self.low),
             "v": fmt8(self.volume), "n": self.trades, "x": self.closed,
             "q": fmt8(self.quote_volume), "V": fmt8(self.taker_buy_base),
             "Q": fmt8(self.taker_buy_quote), "B": "0"}
        return {"e": "kline", "E": event_ms, "s": self.symbol, "k": k}


@dataclass(frozen=True, slots=True)
class Ticker24h:
    """Rolling 24 h statistics of one symbol (GET /api/v3/ticker/24hr, `@ticker`, `@miniTicker`)."""

    symbol: str
    open_time_ms: int
    close_time_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    last: Decimal
    last_qty: Decimal
    prev_close: Decimal
    volume: Decimal
    quote_volume: Decimal
    trades: int
    first_trade_id: int
    last_trade_id: int
    bid: Decimal
    bid_qty: Decimal
    ask: Decimal
    ask_qty: Decimal

    @property
    def price_change(self) -> Decimal:
        """Return last − open."""
        return self.last - self.open

    @property
    def price_change_pct(self) -> Decimal:
        """Return the 24 h change in percent, 3 decimals as Binance prints it (0 when open is 0)."""
        if self.open == 0:
            return Decimal("0.000")
        return (self.price_change * 100 / self.open).quantize(Decimal("0.001"))

    @property
    def weighted_avg_price(self) -> Decimal:
        """Return quote volume / volume, or the last price when nothing traded."""
        return self.quote_volume / self.volume if self.volume > 0 else self.last

    def full_payload(self) -> dict[str, Any]:
        """Return the GET /api/v3/ticker/24hr FULL object."""
        return {"symbol": self.symbol, "priceChange": fmt8(self.price_change),
                "priceChangePercent": f"{self.price_change_pct:f}",
                "weightedAvgPrice": fmt8(self.weighted_avg_price),
                "prevClosePrice": fmt8(self.prev_close), "lastPrice": fmt8(self.last),
                "lastQty": fmt8(self.last_qty), "bidPrice": fmt8(self.bid),
                "bidQty": fmt8(self.bid_qty), "askPrice": fmt8(self.ask),
                "askQty": fmt8(self.ask_qty), "openPrice": fmt8(self.open),
                "highPrice": fmt8(self.high), "lowPrice": fmt8(self.low),
                "volume": fmt8(self.volume), "quoteVolume": fmt8(self.quote_volume),
                "openTime": self.open_time_ms, "closeTime": self.close_time_ms,
                "firstId": self.first_trade_id, "lastId": self.last_trade_id, "count": self.trades}

    def mini_payload(self, event_ms: int) -> dict[str, Any]:
        """Return the `<symbol>@miniTicker` stream payload at event time `event_ms`."""
        return {"e": "24hrMiniTicker", "E": event_ms, "s": self.symbol, "c": fmt8(self.last),
                "o": fmt8(self.open), "h": fmt8(self.high), "l": fmt8(self.low),
                "v": fmt8(self.volume), "q": fmt8(self.quote_volume)}
