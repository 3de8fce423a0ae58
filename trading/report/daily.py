"""The daily-report job (REPORT_DAILY_SUMMARY): one UTC day of one mode, stored once.

    run_daily_report(day=None, mode=None, *, writer=None, clock=None, capital_quote=None,
                     reports_dir=None) -> DailyReportResult

- `day`: a `datetime.date` (UTC); default the last complete UTC day by `clock`.
- `mode`: PAPER | TESTNET | LIVE; default the writer's mode, else `settings.MODE`.
- `writer`: a started `AuditWriter` to emit the DAILY_REPORT event on (the trader's, in
  process); without one the job opens its own writer for the call and closes it.
- `clock`: epoch-ms clock (default the writer's clock, else the wall clock).
- `capital_quote`: account capital at the start of the history, for equity and drawdown bps;
  without it the day starts from the account a reconcile run recorded (quote asset plus open
  positions at cost, moved to the day start by the PnL closed in between), else from 0.
- `reports_dir`: where the HTML goes (default `settings.VAR_DIR / "reports"`).

Steps: refuse a day that is not over yet; if a report of (mode, day) exists, return it as
skipped (a second run is not an error); read the day (`collect.collect_day`); build the
figures; write the HTML page `daily-YYYY-MM-DD-<mode>.html`; insert the `DailyReport` row
(a concurrent run losing the unique (mode, day) race is skipped too); emit DAILY_REPORT
(stage REPORT_DAILY_SUMMARY) with the figures, which the writer mirrors to the JSONL trail.
Called by `manage.py dailyreport`, the Celery task and the in-process scheduler.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from audit.runtime import build_writer
from audit.writer import AuditWriter
from trading.domain.catalog import AuditEventType, StageName
from trading.domain.clock import Clock, SystemClock
from trading.domain.contracts.ids import new_run_id
from trading.models import DailyReport
from trading.report.collect import DAY_MS, collect_day, day_bounds
from trading.report.figures import Report, build_report
from trading.report.html import render_html

__all__ = ["DailyReportResult", "DayNotOver", "report_title", "run_daily_report"]


class DayNotOver(ValueError):
    """The requested day has not ended yet by the job's clock: its report would be partial."""


@dataclass(frozen=True)
class DailyReportResult:
    day: dt.date
    mode: str
    created: bool  # False: a report of (mode, day) already existed, nothing was written
    report_id: int
    html_path: str
    figures: dict[str, Any]

    def summary(self) -> str:
        """Return one human line: the day, trades, win rate, net PnL, drawdown, what was done."""
        f = self.figures
        state = "stored" if self.created else "already stored, skipped"
        return (f"daily report {self.day} {self.mode}: {f.get('trades', 0)} trades, "
                f"win rate {f.get('win_rate_bps', 0) / 100:.2f}%, net {f.get('net_pnl_quote', '0')} USDT, "
                f"fees {f.get('fees_quote', '0')}, max drawdown {f.get('max_drawdown_quote', '0')} USDT "
                f"({state}; {self.html_path or 'no html'})")


def report_title(day: dt.date, mode: str) -> str:
    return f"livespot daily report {day.isoformat()} ({mode})"


def run_daily_report(day: dt.date | None = None, mode: str | None = None, *, writer: AuditWriter | None = None,
                     clock: Clock | None = None, capital_quote: Decimal | None = None,
                     reports_dir: Path | None = None) -> DailyReportResult:
    """Build, store and audit the report of `day` in `mode` (steps in the module docstring)."""
    clock = clock or (writer.clock if writer is not None else SystemClock())
    mode = mode or (writer.mode if writer is not None else settings.MODE)
    if writer is not None and writer.mode != mode:
        raise ValueError(f"the writer audits mode {writer.mode}, not {mode}")
    now = clock.now_ms()
    day = day or dt.datetime.fromtimestamp((now - DAY_MS) / 1000, tz=dt.UTC).date()
    if day_bounds(day)[1] > now:
        raise DayNotOver(f"{day} (UTC) is not over yet: its report would be partial")
    existing = DailyReport.objects.filter(mode=mode, day=day).first()
    if existing is not None:
        return _skipped(existing)
    report = build_report(collect_day(day, mode, capital_quote=capital_quote))
    path = _write_html(report, day, mode, Path(reports_dir or Path(settings.VAR_DIR) / "reports"))
    own = writer is None
    writer = writer or build_writer(new_run_id(clock), mode, clock).start()
    try:
        try:
            with transaction.atomic():
                row = DailyReport.objects.create(
                    ts_ms=now, run_id=writer.run_id, mode=mode, stage=StageName.REPORT_DAILY_SUMMARY.value,
                    event_type=AuditEventType.DAILY_REPORT.value, day=day, figures=report.figures,
                    html_path=str(path))
        except IntegrityError:  # another run stored this day meanwhile
            return _skipped(DailyReport.objects.get(mode=mode, day=day))
        writer.emit(AuditEventType.DAILY_REPORT.value, stage=StageName.REPORT_DAILY_SUMMARY.value,
                    data={"day": day.isoformat(), "report_id": row.pk, "html_path": str(path),
                          "figures": report.figures})
    finally:
        if own:
            writer.close()
    return DailyReportResult(day, mode, True, row.pk, str(path), report.figures)


def _skipped(row: DailyReport) -> DailyReportResult:
    return DailyReportResult(row.day, row.mode, False, row.pk, row.html_path, dict(row.figures))


def _write_html(report: Report, day: dt.date, mode: str, directory: Path) -> Path:
    """Write the page atomically (temp file, then rename) so a reader never sees half of it."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"daily-{day.isoformat()}-{mode.lower()}.html"
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(render_html(report, report_title(day, mode)), encoding="utf-8")
    os.replace(tmp, path)
    return path
