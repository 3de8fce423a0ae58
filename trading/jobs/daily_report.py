"""The REPORT_DAILY_SUMMARY job: the report of the last complete UTC day (trading/report/daily.py)."""
from __future__ import annotations

from typing import Any

from trading.jobs.context import JobContext


def daily_report_job(jc: JobContext, now_ms: int) -> dict[str, Any]:
    """Store the last complete UTC day's report once (a second run is skipped); return what was done."""
    from trading.report.daily import run_daily_report  # the report pulls in HTML/figures: load on use

    result = run_daily_report(writer=jc.ctx.writer, clock=jc.ctx.clock)
    return {"day": result.day.isoformat(), "report_id": result.report_id, "created": result.created}
