"""The simulator's server: Binance Spot REST + WebSocket on one 127.0.0.1 port (design §3).

Build a `SimServer(feed, Credentials(key, secret), ServerConfig(...))`, start it (`start()` on a
running loop or `start_in_thread()`), point python-binance at `api_url` / `stream_url` /
`ws_api_url`, and inject faults through `server.faults` and the server's control methods.
"""
from .auth import Credentials
from .clock import SimClock
from .config import ServerConfig, TimestampBasis
from .faults import Faults, HttpFault, HttpFaultKind, Withhold
from .feed import INTERVAL_MS, BookUpdate, MarketFeed
from .limits import LimitConfig
from .market_adapter import CandleFeedAdapter, spec_from_info
from .server import SimServer
from .ws_session import WsConfig

__all__ = [
    "INTERVAL_MS", "BookUpdate", "CandleFeedAdapter", "Credentials", "Faults", "HttpFault", "HttpFaultKind",
    "LimitConfig", "MarketFeed", "ServerConfig", "SimClock", "SimServer", "TimestampBasis", "Withhold",
    "WsConfig", "spec_from_info",
]
