"""The local stop guard and the uncovered-time stopwatch, pure (design §7 protection invariant).

During a protection swap the position may briefly have no exchange-side stop. The guard holds
the stop price for that window; if the market crosses it before the new stop is confirmed,
the caller closes at market (PROTECTION_SWAP_GUARD_FIRED).
"""
from __future__ import annotations

from decimal import Decimal


class LocalStopGuard:
    """Stops armed per symbol while uncovered; `crossed` says when to close at market."""

    def __init__(self) -> None:
        self._armed: dict[str, Decimal] = {}

    def arm(self, symbol: str, stop_price: Decimal) -> None:
        self._armed[symbol] = stop_price

    def disarm(self, symbol: str) -> None:
        self._armed.pop(symbol, None)

    def armed(self, symbol: str) -> Decimal | None:
        return self._armed.get(symbol)

    def crossed(self, symbol: str, bid: Decimal) -> bool:
        """Return True when `symbol` is armed and the best bid is at or below its stop."""
        stop = self._armed.get(symbol)
        return stop is not None and bid <= stop


class Stopwatch:
    """Measures one uncovered window in exchange-clock ms."""

    def __init__(self, started_ms: int) -> None:
        self.started_ms = started_ms
        self.stopped_ms: int | None = None

    def stop(self, now_ms: int) -> int:
        """Stop (once) and return the elapsed ms, never negative."""
        if self.stopped_ms is None:
            self.stopped_ms = max(now_ms, self.started_ms)
        return self.stopped_ms - self.started_ms
