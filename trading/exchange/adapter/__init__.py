"""The Binance Spot adapter: `BinanceExchange` implements `trading.domain.ports.Exchange`.

One implementation for the simulator, the Spot testnet and production; only the
`ExchangeEndpoints` differ (design §3).
"""
from .config import AdapterConfig, ExchangeEndpoints
from .exchange import BinanceExchange

__all__ = ["AdapterConfig", "BinanceExchange", "ExchangeEndpoints"]
