"""Fixtures: the execution stack on the simulator, with operator control around it."""
from __future__ import annotations

import pytest

from tests.integration.exchange_adapter.conftest import VenueFactory, venue_factory  # noqa: F401 (fixture)
from tests.integration.sim_server.conftest import sim_factory  # noqa: F401 (fixture)
from tests.support.audit import WriterFactory
from tests.support.sim_exchange import Stack, build_stack


@pytest.fixture
def stack(venue_factory: VenueFactory, writer_factory: WriterFactory) -> Stack:  # noqa: F811
    """BTCUSDT 30000.00/30001.00, ETHUSDT 2000.00/2000.10; the account holds 100000 USDT only."""
    return build_stack(venue_factory, writer_factory)
