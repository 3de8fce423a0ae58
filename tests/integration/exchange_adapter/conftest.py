"""Fixtures: the simulator on a free 127.0.0.1 port and `BinanceExchange` pointed at it.

The simulator fixtures are the sim_server suite's own (`sim_factory`); the adapter runs the real
python-binance Client over real HTTP and our websocket clients over real WebSockets. The
adapter's clock is the simulator's clock, so a test that jumps exchange time (to end a 429
back-off or a ban) moves the adapter's deadlines with it, as real time would.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest

from tests.integration.sim_server.conftest import Sim, SimFactory, sim_factory  # noqa: F401 (fixture)
from trading.exchange.adapter import AdapterConfig, BinanceExchange, ExchangeEndpoints

# Short waits: everything is on loopback, and the folder must stay well under a minute.
TEST_CONFIG = AdapterConfig(request_timeout_s=2.0, ws_open_timeout_s=2.0, ws_reconnect_min_s=0.05,
                            ws_reconnect_max_s=0.5, market_stale_after_s=None, user_health_every_s=30.0,
                            user_request_timeout_s=2.0)


@dataclass
class Venue:
    """A running simulator and the adapter connected to it."""

    sim: Sim
    exchange: BinanceExchange

    @property
    def server(self) -> Any:
        return self.sim.server

    def quote(self, symbol: str, bid: str, ask: str, bid_qty: str = "5", ask_qty: str = "5") -> None:
        """Move the touch and step the market (matching runs, stream frames go out)."""
        self.sim.quote(symbol, bid, ask, bid_qty, ask_qty)


VenueFactory = Callable[..., Venue]


@pytest.fixture
def venue_factory(sim_factory: SimFactory) -> Iterator[VenueFactory]:  # noqa: F811
    """Return a function: simulator ServerConfig fields as keywords, `adapter=` AdapterConfig fields."""
    made: list[BinanceExchange] = []

    def make(*, adapter: dict[str, Any] | None = None, **sim_config: Any) -> Venue:
        sim = sim_factory(**sim_config)
        config = replace(TEST_CONFIG, **(adapter or {}))
        exchange = BinanceExchange(ExchangeEndpoints.sim(sim.server.port), sim.api_key, sim.api_secret, config,
                                   clock=sim.server.clock)
        made.append(exchange)
        return Venue(sim, exchange)

    yield make
    for exchange in made:
        exchange.close()


@pytest.fixture
def venue(venue_factory: VenueFactory) -> Venue:
    """BTCUSDT 30000.00/30001.00 and ETHUSDT 2000.00/2000.10; 100000 USDT, 10 BTC, 100 ETH."""
    return venue_factory()
