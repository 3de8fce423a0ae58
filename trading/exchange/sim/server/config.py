"""Settings of one simulator server (all optional; defaults are Binance's where Binance has one)."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .limits import LimitConfig
from .ws_session import WsConfig


class TimestampBasis(StrEnum):
    """What signed timestamps are checked against (facts §1).

    EXCHANGE: the simulated clock, as Binance checks against its own (the default; right at
    speed 1, and in tests). WALL: the machine's clock, for runs faster than real time or
    replays of the past, where python-binance's wall-clock timestamps could never match.
    """

    EXCHANGE = "exchange"
    WALL = "wall"


@dataclass
class ServerConfig:
    """How to run the simulator server."""

    host: str = "127.0.0.1"
    port: int = 0  # 0 = any free port (tests)
    seed: int = 0
    speed: float = 1.0
    start_ms: int | None = None  # exchange time at start; default = now
    autodrive: bool = True  # step the market continuously; tests turn it off and drive by hand
    drive_interval_s: float = 0.05
    balances: dict[str, str] = field(default_factory=lambda: {"USDT": "100000"})
    limits: LimitConfig = field(default_factory=LimitConfig)
    ws: WsConfig = field(default_factory=WsConfig)
    timestamp_basis: TimestampBasis = TimestampBasis.EXCHANGE
    trade_prints: bool = False  # feed updates carry `.trade`: stops trigger on those, not on mids
    shutdown_timeout_s: float = 2.0
