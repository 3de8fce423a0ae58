"""TraderWorker: the long-lived loop of `runtrader`, built from small step methods.

Each step returns True when it did work. Tests call the steps; only `run()` loops.
This build boots (lock, config, doctor checks, startup recovery) and keeps a heartbeat;
the trading cycle (scan → propose → gate → risk → execute → manage → reconcile) plugs
into `run_cycle_once` with the exchange adapter (issues 3–5).
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from audit.runtime import AuditRuntime
from trading.control.operator import OperatorControl
from trading.domain.ports import ExchangeError
from trading.execution.fault_policy import ExchangeFaultPolicy
from trading.schedule.trader import TraderJobs
from trading.services.heartbeat import write_heartbeat
from trading import checks
from trading.domain.catalog import AuditEventType, ReasonCode, Severity, StageName, SysMode
from trading.domain.config import TraderConfig
from trading.sysmode import SysModeController

if TYPE_CHECKING:
    from trading.cycle.trader_cycle import TraderCycle

log = logging.getLogger(__name__)


@dataclass
class RunLimits:
    duration_ms: int | None = None
    cycles: int | None = None


@dataclass
class WorkerState:
    cycles: int = 0
    started_ms: int = 0
    last_cycle_ms: int = 0
    failed_checks: list[str] = field(default_factory=list)


class TraderWorker:
    def __init__(self, audit: AuditRuntime, config: TraderConfig, config_path: str, *,
                 audit_dir, limits: RunLimits | None = None,
                 cycle_factory: Callable[[TraderWorker], TraderCycle] | None = None,
                 kill_switch_file: Path | str | None = None) -> None:  # type: ignore[no-untyped-def]
        self.audit, self.config, self.config_path = audit, config, config_path
        self.audit_dir = audit_dir
        self.limits = limits or RunLimits()
        self.clock = audit.writer.clock
        self.sysmode = SysModeController(audit.writer, audit.alerts)
        audit.writer.add_pressure_listener(self.sysmode.on_writer_pressure)
        self.shutdown = threading.Event()
        self.state = WorkerState()
        # The trading cycle against an exchange; None runs the heartbeat-only build.
        self.cycle = cycle_factory(self) if cycle_factory is not None else None
        self.control = OperatorControl(
            audit.writer, audit.alerts, self.sysmode, flattener=self.cycle,
            kill_switch_file=kill_switch_file if kill_switch_file is not None else Path(audit_dir) / "KILL_SWITCH",
            boot_failures=lambda: self.state.failed_checks)
        # The periodic jobs (reconcile, TopN, daily report): in this process when no broker is
        # configured, else Celery beat runs them; the cycle reads their results either way.
        self.jobs = TraderJobs.for_worker(self)
        self.faults = ExchangeFaultPolicy(self.cycle.ctx, self.cycle.executor.gate) if self.cycle is not None else None
        if self.cycle is not None:
            self.cycle.kill_switch, self.cycle.halts_exits = self.control.kill_switch, self.control.halts_exits
            self.cycle.jobs_scheduled = True
            self.cycle.jobs_elsewhere = not self.jobs.enabled

    # ---- steps ------------------------------------------------------------------------
    def boot(self) -> bool:
        """Report BOOT and record the loaded config with its canonical hash."""
        self.state.started_ms = self.clock.now_ms()
        rep, writer = self.audit.reporter, self.audit.writer
        rep.enter(StageName.BOOT, f"run {writer.run_id} mode {writer.mode}")
        writer.emit(AuditEventType.RUN_STARTED, stage=StageName.BOOT, data={"run_id": writer.run_id})
        writer.emit(AuditEventType.CONFIG_LOADED, stage=StageName.BOOT, reasons=(ReasonCode.CONFIG_VALID,),
                    data={"path": self.config_path, "config_hash": self.config.config_hash,
                          "strategy": self.config.strategy.name, "ai_model": self.config.ai.model},
                    wait=True)
        return True

    def doctor_checks(self) -> bool:
        """Run the boot checks; a failure pauses the system (no entries) and alerts."""
        self.audit.reporter.enter(StageName.DOCTOR_CHECKS, "config, database, audit dir, disk, secrets")
        alerts = self.config.alerts
        results = [
            checks.check_database(),
            checks.check_audit_dir(self.audit_dir),
            checks.check_disk_free(self.audit_dir, alerts.disk_warn_free_bytes, alerts.disk_degrade_free_bytes),
            checks.check_secrets_present(),
        ]
        failed = [r for r in results if r.status == checks.FAIL]
        self.state.failed_checks = [r.check_id for r in failed]
        self.audit.writer.emit(
            AuditEventType.DOCTOR_CHECKED, stage=StageName.DOCTOR_CHECKS,
            reasons=(ReasonCode.DOCTOR_CHECK_FAILED,) if failed else (ReasonCode.DOCTOR_OK,),
            data={"results": [r.to_dict() for r in results]},
        )
        for r in failed:
            self.audit.alerts.raise_alert(ReasonCode.DOCTOR_CHECK_FAILED, Severity.CRIT,
                                          f"{r.check_id} {r.name}: {r.detail}", metadata={"check_id": r.check_id})
        if failed:
            self.sysmode.transition(SysMode.PAUSE, ReasonCode.DOCTOR_CHECK_FAILED,
                                    f"{len(failed)} doctor check(s) failed")
        return True

    def startup_recover(self) -> bool:
        """Reconcile before any entry (adopt or close per policy, protect); nothing to do without an exchange."""
        if self.cycle is not None:
            return self.cycle.startup_recover()
        self.audit.reporter.enter(StageName.STARTUP_RECOVER, "no exchange adapter in this build: nothing to reconcile",
                                  reasons=(ReasonCode.EXCHANGE_NOT_CONFIGURED,))
        return True

    def run_cycle_once(self) -> bool:
        """One loop tick: operator control, the trading cycle (when wired), then a heartbeat. Returns True."""
        self.control.poll()
        if self.cycle is not None:
            self.cycle.begin()
            self.jobs.tick()  # before the stages, so this tick's scan reads a ranking made just now
            self.trade_once()
        now = self.clock.now_ms()
        self.state.cycles += 1
        self.state.last_cycle_ms = now
        self.audit.writer.emit(AuditEventType.HEARTBEAT, stage=self.audit.context.stage,
                               data={"cycle": self.state.cycles, "sys_mode": self.sysmode.mode.value,
                                     "writer": self.audit.writer.metrics().to_dict()})
        self.beat()
        return True

    def beat(self) -> None:
        """Rewrite this mode's Heartbeat row: what the panel and doctor read as the trader's live state."""
        ctx, sm = self.audit.context, self.sysmode
        write_heartbeat(mode=self.audit.writer.mode, run_id=self.audit.writer.run_id,
                        started_ms=self.state.started_ms, now_ms=self.clock.now_ms(),
                        cycle_id=ctx.cycle_id, last_cycle_ms=self.state.last_cycle_ms, stage=ctx.stage,
                        stage_since_ms=ctx.stage_since_ms, sys_mode=sm.mode.value, sys_mode_since_ms=sm.since_ms,
                        active_reasons=[r.value for r in sm.active_reasons])

    def trade_once(self) -> bool:
        """Run the cycle's stages in order (design §4), the cycle already begun; True if any did work.

        A stage that fails on the exchange does not end the process: the fault policy alerts and
        degrades, the rest of the tick is skipped except position management (protection first),
        and a later clean tick lifts the causes. Any other error is a bug: alert CRIT, PAUSE (no
        entries; the exchange-side stops hold) and go on managing positions.
        """
        c, faults = self.cycle, self.faults
        assert c is not None and faults is not None
        steps = (c.scan, c.attach, c.update_state, c.decide, c.execute, c.manage, c.reconcile)
        did = failed = False
        for step in steps:
            if failed and step != c.manage:
                continue
            try:
                did |= bool(step())
            except ExchangeError as err:
                failed = True
                faults.contain(err, stage=self.audit.context.stage)
            except Exception as err:  # noqa: BLE001 - a bug must not crash-loop a trader holding positions
                failed = True
                self._contain_bug(step.__name__, err)
        if not failed:
            faults.ok()
        return did

    def _contain_bug(self, step: str, err: Exception) -> None:
        summary = f"stage {step} failed: {type(err).__name__}: {err}"[:200]
        log.exception("trader stage %s failed", step)
        self.audit.alerts.raise_alert(ReasonCode.INTERNAL_ERROR, Severity.CRIT, summary,
                                      metadata={"step": step, "error": type(err).__name__})
        self.sysmode.escalate(SysMode.PAUSE, ReasonCode.INTERNAL_ERROR, summary)

    def stop(self, reason: ReasonCode = ReasonCode.SHUTDOWN_REQUESTED) -> bool:
        """Report SHUTDOWN, move to EXIT with its reason and record the end of the run."""
        rep, writer = self.audit.reporter, self.audit.writer
        rep.enter(StageName.SHUTDOWN, f"after {self.state.cycles} cycles: stop entries, keep protection, flush audit",
                  reasons=(reason,))
        self.sysmode.transition(SysMode.EXIT, reason, "clean shutdown")
        writer.emit(AuditEventType.RUN_STOPPED, stage=StageName.SHUTDOWN, reasons=(reason,),
                    data={"cycles": self.state.cycles}, wait=True)
        if self.cycle is not None:
            self.cycle.close()
        return True

    # ---- loop ---------------------------------------------------------------------------
    def limit_reached(self) -> bool:
        lim, st = self.limits, self.state
        if lim.cycles is not None and st.cycles >= lim.cycles:
            return True
        return lim.duration_ms is not None and self.clock.now_ms() - st.started_ms >= lim.duration_ms

    def run(self, tick_ms: int | None = None) -> None:
        """Boot, then tick until a signal or a run limit; always end with a clean stop."""
        tick_s = (tick_ms or self.config.schedule.loop_tick_ms) / 1000
        self.boot()
        self.doctor_checks()
        self.startup_recover()
        try:
            while not self.shutdown.is_set() and not self.limit_reached():
                self.run_cycle_once()
                self._sleep(tick_s)
        finally:
            self.stop()

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.shutdown.is_set() and not self.limit_reached():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self.shutdown.wait(min(left, 0.1))
