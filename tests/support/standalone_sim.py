"""A small simulator on 127.0.0.1 for tests whose trader or jobs run in other processes."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings

SIM_SYMBOLS = 4


@pytest.fixture(scope="module")
def sim_url() -> Iterator[str]:
    """A simulator taking the configured (canary) API keys, shared by the module; yields its URL."""
    from trading.exchange.sim.server import Credentials
    from trading.exchange.sim.server.standalone import StandaloneOptions, build_server

    server = build_server(StandaloneOptions(port=0, seed=3, symbols=SIM_SYMBOLS),
                          Credentials(settings.BINANCE_API_KEY, settings.BINANCE_API_SECRET))
    server.start_in_thread()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.stop_thread()
