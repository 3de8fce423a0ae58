"""Where the adapter connects and how it behaves: base URLs per venue, timeouts, budgets.

Base URLs are configuration, never code paths (design §3): the same adapter talks to the
simulator, the Spot testnet or production. Settings are read by the caller (settings.py), not here.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ExchangeEndpoints:
    """The three base URLs, in python-binance's form (facts §9).

    api_url: REST base ending in `/api` (python-binance appends `/v3/<path>`).
    stream_url: market streams base ending in `/` (`ws/<name>` or `stream?streams=` is appended).
    ws_api_url: the WebSocket API, which carries the user data stream (facts §7).
    """

    api_url: str
    stream_url: str
    ws_api_url: str

    @classmethod
    def sim(cls, port: int, host: str = "127.0.0.1") -> ExchangeEndpoints:
        """Return the simulator's URLs (REST and WS on one port, Binance's paths)."""
        return cls(f"http://{host}:{port}/api", f"ws://{host}:{port}/", f"ws://{host}:{port}/ws-api/v3")

    @classmethod
    def testnet(cls) -> ExchangeEndpoints:
        """Return the Spot testnet URLs (facts §8)."""
        return cls("https://testnet.binance.vision/api", "wss://stream.testnet.binance.vision/",
                   "wss://ws-api.testnet.binance.vision/ws-api/v3")

    @classmethod
    def production(cls) -> ExchangeEndpoints:
        """Return the production URLs (facts §0, §6, §7)."""
        return cls("https://api.binance.com/api", "wss://stream.binance.com:9443/",
                   "wss://ws-api.binance.com:443/ws-api/v3")

    @classmethod
    def for_venue(cls, exchange: str, mode: str, *, sim_port: int | None = None) -> ExchangeEndpoints:
        """Return the URLs for settings EXCHANGE (sim|binance) and MODE (PAPER|TESTNET|LIVE).

        binance+PAPER reads production market data (orders never reach Binance in PAPER; the
        caller routes them to the local engine). Raises ValueError for sim without a port.
        """
        if exchange.lower() == "sim":
            if sim_port is None:
                raise ValueError("EXCHANGE=sim needs the simulator's port")
            return cls.sim(sim_port)
        return cls.testnet() if mode.upper() == "TESTNET" else cls.production()


@dataclass(frozen=True, slots=True)
class AdapterConfig:
    """Behaviour knobs; defaults suit production.

    recv_window_ms: sent on every signed call. python-binance forces 10000 (facts §9); we set
        Binance's default 5000 so an order delayed in transit is refused rather than executed late.
    request_timeout_s: python-binance's default is 10 s; after it the outcome is unknown.
    weight_limit: REQUEST_WEIGHT per minute; None = learn it from exchangeInfo (default 6000).
    soft_weight_fraction / hard_weight_fraction: ordinary calls stop at the soft share of the
        budget, order-path calls (place/cancel/query order) at the hard one (design §7).
    resync_every_ms: re-measure the timestamp offset this often (besides on -1021).
    """

    recv_window_ms: int = 5000
    request_timeout_s: float = 10.0
    weight_limit: int | None = None
    soft_weight_fraction: float = 0.8
    hard_weight_fraction: float = 0.95
    resync_every_ms: int = 10 * 60_000
    ws_open_timeout_s: float = 10.0
    ws_reconnect_min_s: float = 0.2
    ws_reconnect_max_s: float = 30.0
    market_stale_after_s: float | None = 60.0  # no frame for this long: reconnect (None = never)
    market_queue_size: int = 10_000
    user_health_every_s: float = 30.0  # session.status probe: catches a silently lost subscription
    user_request_timeout_s: float = 10.0

    def __post_init__(self) -> None:
        if not 0 < self.recv_window_ms <= 60_000:
            raise ValueError("recv_window_ms must be in 1..60000 (facts §1)")
        if not 0 < self.soft_weight_fraction <= self.hard_weight_fraction <= 1:
            raise ValueError("need 0 < soft_weight_fraction <= hard_weight_fraction <= 1")
