"""Wiring: build a started writer, its console, stage reporter and alert raiser from settings."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings

from audit.console import ConsoleSink
from audit.redaction import get_redactor
from audit.reporting import AlertRaiser, RunContext, StageReporter
from audit.store import AuditStore
from audit.trail import JsonlTrail
from audit.writer import AuditWriter
from trading.domain.clock import Clock


@dataclass
class AuditRuntime:
    writer: AuditWriter
    reporter: StageReporter
    alerts: AlertRaiser
    context: RunContext
    console: ConsoleSink

    def close(self, timeout: float = 30.0) -> bool:
        """Flush and stop the writer; return True if nothing had to be dead-lettered."""
        ok = self.writer.close(timeout)
        self.console.close()
        return ok


def build_writer(run_id: str, mode: str, clock: Clock, *, alias: str = "default",
                 audit_dir: Path | None = None, **overrides: Any) -> AuditWriter:
    """Return an unstarted writer configured from settings (overrides win)."""
    directory = Path(audit_dir or settings.AUDIT_DIR)
    options: dict[str, Any] = {
        "capacity": settings.AUDIT_QUEUE_MAX,
        "batch_max": settings.AUDIT_BATCH_MAX,
        "flush_interval_ms": settings.AUDIT_FLUSH_INTERVAL_MS,
        "high_pct": settings.AUDIT_HIGH_PCT,
    }
    options.update(overrides)
    return AuditWriter(
        run_id=run_id, mode=mode, clock=clock, store=AuditStore(alias),
        trail=JsonlTrail(directory), deadletter=JsonlTrail(directory / "deadletter"),
        redactor=get_redactor(), **options,
    )


def open_audit(run_id: str, mode: str, clock: Clock, *, stream: TextIO | None = None,
               stage_display: str = "lines", beep: bool = False, **writer_options: Any) -> AuditRuntime:
    """Return a running audit runtime: writer thread started, console and raisers wired."""
    writer = build_writer(run_id, mode, clock, **writer_options)
    console = ConsoleSink(get_redactor(), stream, stage_display=stage_display, beep=beep)
    context = RunContext()
    reporter = StageReporter(writer, console, context)
    alerts = AlertRaiser(writer, console, context)
    writer.start()
    return AuditRuntime(writer, reporter, alerts, context, console)
