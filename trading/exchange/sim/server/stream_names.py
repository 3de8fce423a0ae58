"""Market stream names the simulator serves (facts §6, §10.15).

Served: `<s>@bookTicker`, `<s>@kline_<interval>`, `<s>@miniTicker`, `!miniTicker@arr`
(and `…@1000ms`), `<s>@depth5|10|20[@100ms|@1000ms]`. Symbols are lowercase. Not served:
trades/aggTrades (the feed is book tickers only), diff depth, `<s>@ticker`, and the retired
`!ticker@arr`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from .feed import INTERVAL_MS


class StreamKind(StrEnum):
    BOOK_TICKER = "bookTicker"
    KLINE = "kline"
    MINI_TICKER = "miniTicker"
    ALL_MINI_TICKERS = "allMiniTickers"
    DEPTH = "depth"


@dataclass(frozen=True)
class StreamName:
    """A parsed stream name; `symbol` is uppercase (engine spelling), empty for `!` streams."""

    name: str
    kind: StreamKind
    symbol: str = ""
    interval: str = ""
    levels: int = 0


_SYMBOL_STREAM = re.compile(r"^([a-z0-9]+)@(bookTicker|miniTicker|kline_([0-9]+[smhdwM])|depth(5|10|20)"
                            r"(@100ms|@1000ms)?)$")
_ALL_MINI = re.compile(r"^!miniTicker@arr(@1000ms)?$")


def parse_stream(name: str, known_symbols: set[str]) -> StreamName | None:
    """Return the parsed stream, or None when the simulator does not serve it."""
    if _ALL_MINI.match(name):
        return StreamName(name, StreamKind.ALL_MINI_TICKERS)
    match = _SYMBOL_STREAM.match(name)
    if not match or match.group(1).upper() not in known_symbols:
        return None
    symbol, what = match.group(1).upper(), match.group(2)
    if what == "bookTicker":
        return StreamName(name, StreamKind.BOOK_TICKER, symbol)
    if what == "miniTicker":
        return StreamName(name, StreamKind.MINI_TICKER, symbol)
    if what.startswith("kline_"):
        interval = match.group(3)
        return StreamName(name, StreamKind.KLINE, symbol, interval=interval) if interval in INTERVAL_MS else None
    return StreamName(name, StreamKind.DEPTH, symbol, levels=int(match.group(4)))
