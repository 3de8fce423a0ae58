"""What the engine knows of each symbol's market: the touch, the last price, the average price."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal

from .decimals import ZERO, div, mul
from .enums import Side

_KEEP_MS = 60 * 60_000  # longest avgPriceMins window worth keeping


@dataclass
class MarketState:
    """The latest book ticker plus a short history of prices for stops and PERCENT_PRICE."""

    symbol: str
    bid: Decimal | None = None
    bid_qty: Decimal = ZERO
    ask: Decimal | None = None
    ask_qty: Decimal = ZERO
    last: Decimal | None = None
    ts_ms: int = 0
    # Displayed size still available to our orders in this update: a touch is consumed by our
    # own fills until the next book ticker refreshes it.
    avail_bid: Decimal = ZERO
    avail_ask: Decimal = ZERO
    _prints: deque[tuple[int, Decimal, Decimal]] = field(default_factory=deque)

    def update_touch(self, bid: Decimal | None, bid_qty: Decimal, ask: Decimal | None,
                     ask_qty: Decimal, ts_ms: int) -> None:
        """Replace the touch and refresh the displayed sizes."""
        self.bid, self.bid_qty, self.ask, self.ask_qty = bid, bid_qty, ask, ask_qty
        self.avail_bid = bid_qty if bid is not None else ZERO
        self.avail_ask = ask_qty if ask is not None else ZERO
        self.ts_ms = ts_ms

    def mid(self) -> Decimal | None:
        """Return the mid price, or the one side present, or None."""
        if self.bid is not None and self.ask is not None:
            return div(self.bid + self.ask, Decimal(2))
        return self.bid if self.bid is not None else self.ask

    def record_print(self, price: Decimal, qty: Decimal, ts_ms: int) -> None:
        """Record a market price print (a trade, or a book-derived mid) as the last price."""
        self.last = price
        self._prints.append((ts_ms, price, qty))
        while self._prints and self._prints[0][0] < ts_ms - _KEEP_MS:
            self._prints.popleft()

    def avg_price(self, mins: int, now_ms: int) -> Decimal | None:
        """Return the volume-weighted price over the last `mins` minutes (0 = last price).

        Book-derived prints carry zero volume, so without trades this is a plain mean.
        """
        if mins <= 0:
            return self.last
        window = [(p, q) for ts, p, q in self._prints if ts > now_ms - mins * 60_000]
        if not window:
            return self.last
        volume = sum((q for _, q in window), ZERO)
        if volume > 0:
            return div(sum((mul(p, q) for p, q in window), ZERO), volume)
        return div(sum((p for p, _ in window), ZERO), Decimal(len(window)))

    def touch_for(self, taker_side: Side) -> tuple[Decimal | None, Decimal]:
        """Return the price and remaining size a taker of `taker_side` can hit (BUY hits the ask)."""
        if taker_side is Side.BUY:
            return self.ask, self.avail_ask
        return self.bid, self.avail_bid

    def consume(self, taker_side: Side, qty: Decimal) -> None:
        """Use up displayed size taken by one of our fills."""
        if taker_side is Side.BUY:
            self.avail_ask = max(ZERO, self.avail_ask - qty)
        else:
            self.avail_bid = max(ZERO, self.avail_bid - qty)
