"""The execution stack on the simulator: sim server + real adapter + real writer + services.

Reuses the adapter suite's `venue_factory` (simulator in-process, python-binance over HTTP). The
audit writer runs on the simulator's clock, so row times, audit times and exchange times agree.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from audit.writer import AuditWriter
from tests.integration.exchange_adapter.conftest import Venue, VenueFactory
from tests.support.audit import WriterFactory
from trading.domain.catalog import SysMode
from trading.execution.executor import Executor
from trading.execution.instruments import Instruments
from trading.execution.plans import ProtectionPlan
from trading.execution.protection import PositionManager
from trading.execution.reconcile import Reconciler
from trading.services import ServiceContext
from trading.sysmode import SysModeController

D = Decimal
START_BALANCES = {"USDT": "100000"}


@dataclass
class Stack:
    venue: Venue
    writer: AuditWriter
    sysmode: SysModeController
    ctx: ServiceContext
    executor: Executor
    pm: PositionManager
    reconciler: Reconciler

    @property
    def sim(self) -> Any:
        return self.venue.server

    def quote(self, bid: str, ask: str, symbol: str = "BTCUSDT") -> None:
        self.venue.quote(symbol, bid, ask)

    def sim_open_orders(self, symbol: str = "BTCUSDT") -> list[dict[str, Any]]:
        """Return the simulator engine's own open orders (not through the adapter)."""
        return self.sim.call(self.sim.state.engine.open_orders, {"symbol": symbol})

    def sim_trades(self, symbol: str = "BTCUSDT") -> list[dict[str, Any]]:
        return self.sim.call(self.sim.state.engine.my_trades, {"symbol": symbol})

    def degraded(self) -> bool:
        return self.sysmode.mode is SysMode.DEGRADE


def build_stack(venue_factory: VenueFactory, writer_factory: WriterFactory, **sim_config: Any) -> Stack:
    """Start a simulator (USDT only unless `balances=`) and wire the execution services to it."""
    sim_config.setdefault("balances", dict(START_BALANCES))
    venue = venue_factory(**sim_config)
    writer_factory.clock = venue.server.clock  # type: ignore[assignment]
    writer = writer_factory()
    _, alerts, _ = writer_factory.reporting(writer)
    sysmode = SysModeController(writer, alerts)
    ctx = ServiceContext(writer, venue.server.clock, alerts=alerts, sysmode=sysmode)
    executor = Executor(venue.exchange, ctx, Instruments(venue.exchange))
    return Stack(venue, writer, sysmode, ctx, executor, PositionManager(executor), Reconciler(executor))


def plan(tp: str = "31000.00", stop: str = "29500.00", stop_limit: str = "29400.00",
         trail: int | None = None) -> ProtectionPlan:
    return ProtectionPlan(D(tp), D(stop), D(stop_limit), trail)
