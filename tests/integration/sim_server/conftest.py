"""Fixtures: the simulator server in-process on a free port, and python-binance clients for it.

The server runs its own asyncio loop in a background thread; tests drive its clock by hand
(`autodrive=False`), so the market moves only when a test says so. The accepted credentials
are the session's BINANCE_API_KEY/BINANCE_API_SECRET (canary values): never print them.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from binance import AsyncClient, BinanceSocketManager, Client

from trading.exchange.sim.server import Credentials, ServerConfig, SimServer

from .scripted_feed import ScriptedFeed


@dataclass
class Sim:
    """A running simulator plus what a test needs to talk to it."""

    server: SimServer
    feed: ScriptedFeed
    api_key: str = field(repr=False)
    api_secret: str = field(repr=False)

    def quote(self, symbol: str, bid: str, ask: str, bid_qty: str = "5", ask_qty: str = "5") -> None:
        """Set a new touch and step the market (matching runs, frames go out)."""
        self.feed.quote(symbol, bid, ask, bid_qty, ask_qty)
        self.server.drive()

    def client(self, api_key: str | None = None, api_secret: str | None = None) -> Client:
        """Return a sync python-binance Client bound to the simulator (its constructor pings it)."""
        cls = type("SimClient", (Client,), {"API_URL": self.server.api_url, "WS_API_URL": self.server.ws_api_url})
        return cls(self.api_key if api_key is None else api_key,
                   self.api_secret if api_secret is None else api_secret)

    def async_client(self) -> AsyncClient:
        """Return an AsyncClient bound to the simulator; build it inside the running loop."""
        cls = type("SimAsyncClient", (AsyncClient,),
                   {"API_URL": self.server.api_url, "WS_API_URL": self.server.ws_api_url})
        client = cls(self.api_key, self.api_secret)
        client.ws_api.TIMEOUT = 0.5  # read-loop poll (see quick_exit) and request timeout: ample on loopback
        return client

    def socket_manager(self, client: AsyncClient) -> BinanceSocketManager:
        """Return a BinanceSocketManager whose streams come from the simulator."""
        cls = type("SimBSM", (BinanceSocketManager,), {"STREAM_URL": self.server.stream_url})
        return cls(client)


def quick_exit(socket: Any) -> Any:
    """Make a python-binance socket poll its read loop every 0.2 s instead of 10 s.

    Its `__aexit__` waits for the read loop's next poll (`TIMEOUT`, 10 s), which a quiet test
    market would otherwise pay on every exit; production traffic never waits that long.
    """
    socket.TIMEOUT = 0.2
    return socket


SimFactory = Callable[..., Sim]


@pytest.fixture
def sim_factory() -> Iterator[SimFactory]:
    """Return a function that starts a simulator (ServerConfig fields as keywords); all stop at teardown."""
    started: list[SimServer] = []

    def start(feed: ScriptedFeed | None = None, **config: Any) -> Sim:
        config.setdefault("autodrive", False)
        config.setdefault("balances", {"USDT": "100000", "BTC": "10", "ETH": "100"})
        feed = feed or ScriptedFeed()
        key, secret = os.environ["BINANCE_API_KEY"], os.environ["BINANCE_API_SECRET"]
        server = SimServer(feed, Credentials(key, secret), ServerConfig(**config)).start_in_thread()
        started.append(server)
        return Sim(server, feed, key, secret)

    yield start
    for server in started:
        server.stop_thread()


@pytest.fixture
def sim(sim_factory: SimFactory) -> Sim:
    """A simulator with BTCUSDT at 30000.00/30001.00 and ETHUSDT at 2000.00/2000.10."""
    return sim_factory()
