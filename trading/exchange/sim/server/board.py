"""The latest top of book per symbol, as the server shows it in REST and stream bodies.

The engine keeps its own market state for matching; this board mirrors what the feed sent so
the server can answer bookTicker/depth/price without reaching into engine internals.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from trading.exchange.sim.engine.decimals import fmt

from .feed import BookUpdate

PLACES = 8  # Binance renders prices and quantities with 8 decimals on these endpoints


@dataclass(frozen=True)
class Touch:
    """A book update plus the exchange-wide update id it was given."""

    update: BookUpdate
    update_id: int

    def book_ticker(self) -> dict[str, Any]:
        """Return the GET /ticker/bookTicker entry."""
        u = self.update
        return {"symbol": u.symbol, "bidPrice": _px(u.bid), "bidQty": _qty(u.bid, u.bid_qty),
                "askPrice": _px(u.ask), "askQty": _qty(u.ask, u.ask_qty)}

    def stream_frame(self) -> dict[str, Any]:
        """Return the `<symbol>@bookTicker` payload (no e/E, facts §6)."""
        body = self.book_ticker()
        return {"u": self.update_id, "s": body["symbol"], "b": body["bidPrice"], "B": body["bidQty"],
                "a": body["askPrice"], "A": body["askQty"]}

    def depth(self, limit: int) -> dict[str, Any]:
        """Return GET /depth (and the depthN stream payload): the top of book only."""
        u = self.update
        bids = [[_px(u.bid), _qty(u.bid, u.bid_qty)]] if u.bid is not None and limit > 0 else []
        asks = [[_px(u.ask), _qty(u.ask, u.ask_qty)]] if u.ask is not None and limit > 0 else []
        return {"lastUpdateId": self.update_id, "bids": bids, "asks": asks}

    def mid(self) -> Decimal | None:
        """Return the mid price (the engine's stand-in for the last trade), or one side, or None."""
        u = self.update
        if u.bid is not None and u.ask is not None:
            return (u.bid + u.ask) / 2
        return u.bid if u.bid is not None else u.ask


class Board:
    """Latest touch of every symbol; update ids are exchange-wide and increasing."""

    def __init__(self) -> None:
        self._touch: dict[str, Touch] = {}
        self._next_id = 1

    def apply(self, update: BookUpdate) -> Touch:
        """Record `update` and return it with its update id."""
        touch = Touch(update, self._next_id)
        self._next_id += 1
        self._touch[update.symbol] = touch
        return touch

    def get(self, symbol: str) -> Touch | None:
        """Return the latest touch of `symbol`, if it ever had one."""
        return self._touch.get(symbol)


def _px(value: Decimal | None) -> str:
    return fmt(value if value is not None else Decimal(0), PLACES)


def _qty(price: Decimal | None, qty: Decimal) -> str:
    return fmt(qty if price is not None else Decimal(0), PLACES)
