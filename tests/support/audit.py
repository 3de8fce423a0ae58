"""Builders for audit tests: real writers on the test database, and trail/DB readers."""
from __future__ import annotations

import io
import itertools
from pathlib import Path
from typing import Any

import orjson
from django.db import connection

from audit.console import ConsoleSink
from audit.redaction import get_redactor
from audit.reporting import AlertRaiser, RunContext, StageReporter
from audit.runtime import build_writer
from audit.writer import AuditWriter
from trading.domain.clock import ManualClock

_run_numbers = itertools.count(1)


class WriterFactory:
    """Makes started writers on the default (test) database; closes them at teardown."""

    def __init__(self, audit_dir: Path) -> None:
        self.audit_dir = audit_dir
        self.clock = ManualClock(1_795_000_000_000)
        self._writers: list[AuditWriter] = []

    def __call__(self, start: bool = True, **overrides: Any) -> AuditWriter:
        run_id = overrides.pop("run_id", f"r-test-{next(_run_numbers)}")
        overrides.setdefault("flush_interval_ms", 5)
        writer = build_writer(run_id, "PAPER", self.clock, audit_dir=self.audit_dir, **overrides)
        self._writers.append(writer)
        return writer.start() if start else writer

    def reporting(self, writer: AuditWriter) -> tuple[StageReporter, AlertRaiser, io.StringIO]:
        stream = io.StringIO()
        console = ConsoleSink(get_redactor(), stream)
        context = RunContext()
        return StageReporter(writer, console, context), AlertRaiser(writer, console, context), stream

    def close_all(self) -> None:
        for writer in self._writers:
            writer.close(timeout=10)


def trail_records(audit_dir: Path) -> list[dict[str, Any]]:
    """Return every JSONL line of the trail in `audit_dir`, parsed."""
    out = []
    for path in sorted(audit_dir.glob("audit-*.jsonl")):
        with open(path, "rb") as fh:
            out.extend(orjson.loads(line) for line in fh)
    return out


def db_events(run_id: str) -> list[dict[str, Any]]:
    """Return the audit_event rows of a run as dicts, by seq."""
    with connection.cursor() as cur:
        cur.execute("SELECT seq, event_type, stage, reasons, symbol, data FROM audit_event "
                    "WHERE run_id = %s ORDER BY seq", [run_id])
        return [
            {"seq": r[0], "event_type": r[1], "stage": r[2], "reasons": orjson.loads(r[3]),
             "symbol": r[4], "data": orjson.loads(r[5])}
            for r in cur.fetchall()
        ]
