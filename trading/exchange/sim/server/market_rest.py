"""Public market-data endpoints (facts §2): ping, time, exchangeInfo, depth, klines, tickers, avgPrice.

Each handler takes the shared state and the request parameters and returns the JSON body;
each weight function prices a request from its parameters before it runs (facts §2 table).
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from trading.exchange.sim.engine import BinanceApiError
from trading.exchange.sim.engine.decimals import fmt
from trading.exchange.sim.engine.errors import illegal_chars, invalid_value
from trading.exchange.sim.engine.params import Params

from .board import PLACES
from .feed import INTERVAL_MS
from .state import SimState

Raw = Mapping[str, str]
_SYMBOLS_PATTERN = '^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$'
_MINI_KEYS = ("symbol", "openPrice", "highPrice", "lowPrice", "lastPrice", "volume", "quoteVolume",
              "openTime", "closeTime", "firstId", "lastId", "count")


def ping(state: SimState, raw: Raw) -> Any:
    """GET /ping."""
    _finish(raw)
    return {}


def server_time(state: SimState, raw: Raw) -> Any:
    """GET /time: the simulated clock (plus any skew fault)."""
    _finish(raw)
    return {"serverTime": state.api_now()}


def exchange_info(state: SimState, raw: Raw) -> Any:
    """GET /exchangeInfo, from the engine (filters changed by fault hooks show at once)."""
    return state.engine.exchange_info(dict(raw))


def depth(state: SimState, raw: Raw) -> Any:
    """GET /depth: top of book only (enough for the bot's spread and imbalance sampling)."""
    p = Params(raw)
    spec = state.spec(p.text("symbol", required=True))
    limit = _limit(p, default=100, maximum=5000)
    p.finish()
    touch = state.board.get(spec.symbol)
    return touch.depth(limit) if touch else {"lastUpdateId": 0, "bids": [], "asks": []}


def depth_weight(raw: Raw) -> int:
    """Weight by limit: 5 (≤100), 25 (≤500), 50 (≤1000), 250 (≤5000)."""
    limit = int(raw["limit"]) if raw.get("limit", "").isdigit() else 100
    return 5 if limit <= 100 else 25 if limit <= 500 else 50 if limit <= 1000 else 250


def klines(state: SimState, raw: Raw) -> Any:
    """GET /klines from the feed; -1120 for an unknown interval."""
    p = Params(raw)
    spec = state.spec(p.text("symbol", required=True))
    interval = p.text("interval", required=True) or ""
    if interval not in INTERVAL_MS:
        raise BinanceApiError(-1120, "Invalid interval.")
    start, end = p.integer("startTime"), p.integer("endTime")
    p.text("timeZone")  # accepted; the simulator's candles are UTC
    limit = _limit(p, default=500, maximum=1000)
    p.finish()
    return state.feed.klines(spec.symbol, interval, start, end, limit)


def ticker_24h(state: SimState, raw: Raw) -> Any:
    """GET /ticker/24hr: FULL or MINI for one symbol, a list, or all."""
    p = Params(raw)
    names, single = _symbols(state, p)
    kind = p.text("type") or "FULL"
    if kind not in ("FULL", "MINI"):
        raise BinanceApiError(-1139, "Invalid ticker type.")
    p.finish()
    rows = [_ticker(state, name, mini=kind == "MINI") for name in names]
    return rows[0] if single else rows


def ticker_24h_weight(raw: Raw) -> int:
    """Weight: symbol 2; symbols 1–20: 2, 21–100: 40, more: 80; none: 80."""
    if raw.get("symbol"):
        return 2
    count = _count_symbols(raw.get("symbols"))
    if count is None:
        return 80
    return 2 if count <= 20 else 40 if count <= 100 else 80


def book_ticker(state: SimState, raw: Raw) -> Any:
    """GET /ticker/bookTicker."""
    p = Params(raw)
    names, single = _symbols(state, p)
    p.finish()
    rows = []
    for name in names:
        touch = state.board.get(name)
        rows.append(touch.book_ticker() if touch else {"symbol": name, "bidPrice": fmt(None, PLACES),
                    "bidQty": fmt(None, PLACES), "askPrice": fmt(None, PLACES), "askQty": fmt(None, PLACES)})
    return rows[0] if single else rows


def price(state: SimState, raw: Raw) -> Any:
    """GET /ticker/price: the last price, i.e. the feed's latest close."""
    p = Params(raw)
    names, single = _symbols(state, p)
    p.finish()
    rows = [{"symbol": name, "price": _last_price(state, name)} for name in names]
    return rows[0] if single else rows


def symbol_weight(one: int, many: int) -> Callable[[Raw], int]:
    """Return a weight function: `one` with `symbol`, `many` without."""
    return lambda raw: one if raw.get("symbol") else many


def avg_price(state: SimState, raw: Raw) -> Any:
    """GET /avgPrice: the 5-minute volume-weighted average of the feed's 1m candles."""
    p = Params(raw)
    spec = state.spec(p.text("symbol", required=True))
    p.finish()
    rows = state.feed.klines(spec.symbol, "1m", None, None, 5)
    volume = sum((Decimal(str(r[5])) for r in rows), Decimal(0))
    quote = sum((Decimal(str(r[7])) for r in rows), Decimal(0))
    if volume > 0:
        value = quote / volume
    elif rows:
        value = sum((Decimal(str(r[4])) for r in rows), Decimal(0)) / len(rows)
    else:
        value = Decimal(_last_price(state, spec.symbol))
    close_time = int(rows[-1][6]) if rows else state.clock.now_ms()
    return {"mins": 5, "price": fmt(value, PLACES), "closeTime": close_time}


def _ticker(state: SimState, symbol: str, *, mini: bool) -> dict[str, Any]:
    body = dict(state.feed.ticker_24h(symbol))
    if mini:
        return {k: body[k] for k in _MINI_KEYS if k in body}
    touch = state.board.get(symbol)
    if touch is not None:  # the live touch beats whatever the candles imply
        bt = touch.book_ticker()
        body.update(bidPrice=bt["bidPrice"], bidQty=bt["bidQty"], askPrice=bt["askPrice"], askQty=bt["askQty"])
    return body


def _last_price(state: SimState, symbol: str) -> str:
    last = state.feed.ticker_24h(symbol).get("lastPrice")
    if last is not None:
        return str(last)
    touch = state.board.get(symbol)
    mid = touch.mid() if touch else None
    return fmt(mid, PLACES)


def _symbols(state: SimState, p: Params) -> tuple[list[str], bool]:
    one, many = p.text("symbol"), p.text("symbols")
    if one and many:
        raise BinanceApiError(-1128, "Combination of optional parameters invalid.")
    if one:
        return [state.spec(one).symbol], True
    if many is None:
        return list(state.specs), False
    try:
        names = json.loads(many)
        if not isinstance(names, list):
            raise ValueError
    except ValueError:
        raise illegal_chars("symbols", _SYMBOLS_PATTERN) from None
    return [state.spec(str(n)).symbol for n in names], False


def _count_symbols(raw: str | None) -> int | None:
    if not raw:
        return None
    try:
        names = json.loads(raw)
    except ValueError:
        return None
    return len(names) if isinstance(names, list) else None


def _limit(p: Params, *, default: int, maximum: int) -> int:
    limit = p.integer("limit")
    if limit is None:
        return default
    if limit < 1 or limit > maximum:
        raise invalid_value("limit")
    return limit


def _finish(raw: Raw) -> None:
    Params(raw).finish()
