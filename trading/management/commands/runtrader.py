"""`python manage.py runtrader`: the long-lived trader. Thin: wire, lock, start.

Exit codes: 0 clean stop, 2 bad configuration / refused to start, 3 another trader runs.
"""
from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audit.runtime import open_audit
from trading.cycle.trader_cycle import cycle_factory
from trading.cycle.venue import build_venue
from trading.domain.clock import SystemClock
from trading.domain.config import ConfigError, load_trader_config
from trading.domain.contracts.ids import new_run_id
from trading.durations import parse_duration_ms
from trading.instance_lock import InstanceLock, InstanceLocked
from trading.live_guard import live_doctor_refusal, live_refusal
from trading.worker import RunLimits, TraderWorker


class Command(BaseCommand):
    help = "Run the trader until SIGINT/SIGTERM (or a bounded --duration / --cycles)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--duration", help="stop after this long, e.g. 90s, 5m")
        parser.add_argument("--cycles", type=int, help="stop after N loop cycles")
        parser.add_argument("--config", help="runtime trading config (default: LIVESPOT_TRADING_CONFIG)")

    def handle(self, *args: Any, **opts: Any) -> None:
        limits = self._limits(opts)
        config_path = Path(opts["config"] or settings.TRADING_CONFIG)
        try:
            config = load_trader_config(config_path)
        except ConfigError as exc:
            self._refuse(f"config error: {exc}", 2)
        refusal = live_refusal() or live_doctor_refusal(config_path)
        if refusal:
            self._refuse(refusal, 2)
        lock = InstanceLock(settings.LOCK_DIR, _db_identity(), settings.MODE)
        try:
            lock.acquire()
        except InstanceLocked as exc:
            self._refuse(f"refusing to start: {exc}", 3)
        clock = SystemClock()
        audit = open_audit(new_run_id(clock), settings.MODE, clock, stream=self.stdout._out,
                           stage_display=config.console.stage_display, beep=config.console.beep)
        if settings.REDIS_URL:  # a shared channel layer: every alert reaches open panels at once
            from audit.panel_push import push_alert_to_panel
            audit.alerts.push = push_alert_to_panel
        venue = build_venue(settings.EXCHANGE, settings.MODE, settings.BINANCE_API_KEY, settings.BINANCE_API_SECRET,
                            settings.SIM_URL)
        worker = TraderWorker(audit, config, str(config_path), audit_dir=Path(settings.AUDIT_DIR), limits=limits,
                              cycle_factory=cycle_factory(venue), kill_switch_file=settings.KILL_SWITCH_FILE)
        self._install_signals(worker)
        try:
            worker.run()
        finally:
            clean = audit.close()
            venue.close()
            lock.release()
        if not clean:
            self._refuse("audit writer could not commit everything: see the dead-letter folder", 1)

    def _limits(self, opts: dict[str, Any]) -> RunLimits:
        try:
            duration = parse_duration_ms(opts["duration"]) if opts["duration"] else None
        except ValueError as exc:
            raise CommandError(f"--duration: {exc}") from None
        if opts["cycles"] is not None and opts["cycles"] < 1:
            raise CommandError("--cycles must be >= 1")
        return RunLimits(duration_ms=duration, cycles=opts["cycles"])

    def _install_signals(self, worker: TraderWorker) -> None:
        def on_signal(signum: int, _frame: object) -> None:
            if worker.shutdown.is_set():
                return  # already stopping cleanly; a second Ctrl-C must not skip the flush
            worker.shutdown.set()

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)

    def _refuse(self, message: str, code: int) -> None:
        self.stderr.write(message)
        sys.exit(code)


def _db_identity() -> str:
    db = settings.DATABASES["default"]
    return f"{db['ENGINE']}|{db.get('HOST', '')}|{db.get('PORT', '')}|{db['NAME']}"
