"""Fixtures for the simulator engine: a manual clock, a funded BTCUSDT account, captured events."""
from __future__ import annotations

from typing import Any

import pytest

from trading.domain.clock import ManualClock
from trading.exchange.sim.engine import SimEngine, typical_spec

from .helpers import Events


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(1_700_000_000_000)


@pytest.fixture
def engine(clock: ManualClock) -> SimEngine:
    """BTCUSDT as on Binance, 100000 USDT and 10 BTC, market 30000.00 / 30001.00."""
    sim = SimEngine(clock, [typical_spec()], seed=7)
    sim.deposit("USDT", "100000")
    sim.deposit("BTC", "10")
    sim.on_book_ticker("BTCUSDT", "30000.00", "2", "30001.00", "2", clock.now_ms())
    return sim


@pytest.fixture
def events(engine: SimEngine) -> Events:
    captured: list[dict[str, Any]] = []
    engine.subscribe(captured.append)
    return Events(captured)
