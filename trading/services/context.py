"""ServiceContext: what every trading service needs to write a row and audit it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection

from audit.reporting import AlertRaiser
from audit.writer import AuditWriter
from trading.domain.catalog import ReasonCode, Severity, StageName
from trading.domain.clock import Clock
from trading.sysmode import SysModeController


class WriteAheadInTransaction(RuntimeError):
    """A write-ahead audit (wait=True) was asked for inside a transaction: it would deadlock SQLite."""


@dataclass
class ServiceContext:
    """The audit writer, the exchange clock (row times) and optional alerting / sys mode.

    `clock` should be the clock the exchange adapter stamps requests with, so that
    "recvWindow has passed since sending" compares like with like (design §7).
    """

    writer: AuditWriter
    clock: Clock
    alerts: AlertRaiser | None = None
    sysmode: SysModeController | None = None
    cycle_id: str = ""

    @property
    def mode(self) -> str:
        return self.writer.mode

    @property
    def run_id(self) -> str:
        return self.writer.run_id

    def now_ms(self) -> int:
        return self.clock.now_ms()

    def emit(self, event_type: str, *, stage: StageName, symbol: str = "", decision_id: str = "",
             order_intent_id: str = "", reasons: tuple[ReasonCode, ...] = (), data: dict[str, Any] | None = None,
             wait: bool = False) -> int:
        """Queue one audit event for this run; with `wait`, return only once it is committed."""
        if wait and connection.in_atomic_block:
            # The writer thread commits on its own connection: waiting for it while this thread
            # holds the SQLite write lock would block both until the busy timeout.
            raise WriteAheadInTransaction(f"{event_type} with wait=True inside a transaction")
        return self.writer.emit(event_type, stage=stage.value, symbol=symbol, cycle_id=self.cycle_id,
                                decision_id=decision_id, order_intent_id=order_intent_id,
                                reasons=tuple(r.value for r in reasons), data=data or {}, wait=wait)

    def alert(self, reason: ReasonCode, severity: Severity, summary: str, *, stage: StageName,
              symbol: str = "", order_intent_id: str = "", metadata: dict[str, Any] | None = None) -> None:
        """Raise a local alert (console + ALERT_RAISED) when an AlertRaiser is wired in."""
        if self.alerts is not None:
            self.alerts.raise_alert(reason, severity, summary, stage=stage, symbol=symbol,
                                    order_intent_id=order_intent_id, metadata=metadata)
