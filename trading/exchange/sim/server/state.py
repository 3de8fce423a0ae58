"""The server's shared state: one engine, one feed and the API-layer bookkeeping around them.

Everything here is touched from the server's asyncio loop only (the engine is not
thread-safe, engine.py); the test thread reaches it through `SimServer.call`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from trading.exchange.sim.engine import SimEngine, SymbolSpec
from trading.exchange.sim.engine.errors import invalid_symbol

from .auth import Authenticator
from .board import Board
from .clock import SimClock
from .faults import Faults
from .feed import MarketFeed
from .limits import RateLimiter


@dataclass
class SimState:
    """Engine, feed, clock and the API layer's limits, auth, faults and top of book."""

    engine: SimEngine
    feed: MarketFeed
    clock: SimClock
    faults: Faults
    limiter: RateLimiter
    auth: Authenticator
    api_clock: Callable[[], int]  # what /time shows and timestamps are checked against (+ skew)
    board: Board = field(default_factory=Board)
    specs: dict[str, SymbolSpec] = field(default_factory=dict)

    def api_now(self) -> int:
        """Return the API layer's time: the exchange (or wall) clock plus any skew fault."""
        return self.api_clock()

    def spec(self, symbol: str | None) -> SymbolSpec:
        """Return the symbol's spec; -1121 when unknown."""
        spec = self.specs.get(symbol or "")
        if spec is None:
            raise invalid_symbol()
        return spec
