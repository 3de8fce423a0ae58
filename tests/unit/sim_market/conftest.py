"""Fixtures for the simulator's market: shipped series (parsed once) and small feeds."""
from __future__ import annotations

import pytest

from trading.exchange.sim.market import CandleSeries, ReplayFeed, load_shipped


@pytest.fixture(scope="session")
def btc_1m() -> CandleSeries:
    """The real BTCUSDT 1m series of 2023 (32,027 candles)."""
    return load_shipped("BTCUSDT-1m")


@pytest.fixture
def btc_feed() -> ReplayFeed:
    """A replay of BTCUSDT 1m starting after 60 warm-up candles, seed 7."""
    return ReplayFeed.from_shipped(["BTCUSDT-1m"], seed=7, warmup_bars=60)
