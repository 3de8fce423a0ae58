"""Stream payloads built from feed data: kline and miniTicker (facts §6)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .feed import KlineRow


def kline_frame(symbol: str, interval: str, row: KlineRow, event_ms: int, *, closed: bool) -> dict[str, Any]:
    """Return the `<s>@kline_<i>` payload for one kline row."""
    return {"e": "kline", "E": event_ms, "s": symbol, "k": {
        "t": int(row[0]), "T": int(row[6]), "s": symbol, "i": interval,
        "f": -1, "L": -1,  # the simulated market has no trade ids
        "o": str(row[1]), "c": str(row[4]), "h": str(row[2]), "l": str(row[3]), "v": str(row[5]),
        "n": int(row[8]), "x": closed, "q": str(row[7]), "V": str(row[9]), "Q": str(row[10]), "B": "0"}}


def mini_ticker_frame(ticker: Mapping[str, Any], event_ms: int) -> dict[str, Any]:
    """Return the `24hrMiniTicker` payload from a FULL 24hr ticker body."""
    return {"e": "24hrMiniTicker", "E": event_ms, "s": ticker["symbol"], "c": str(ticker["lastPrice"]),
            "o": str(ticker["openPrice"]), "h": str(ticker["highPrice"]), "l": str(ticker["lowPrice"]),
            "v": str(ticker["volume"]), "q": str(ticker["quoteVolume"])}
