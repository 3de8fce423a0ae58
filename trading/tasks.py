"""Celery tasks: thin wrappers around the jobs (trading/jobs/), scheduled by livespot_site/celery.py."""
from __future__ import annotations

from typing import Any

from livespot_site.celery import app
from trading.jobs.process import run_job_in_process
from trading.schedule.beat import task_name
from trading.schedule.timing import DAILY_REPORT, RECONCILE, TOPN


@app.task(name=task_name(RECONCILE))
def reconcile() -> dict[str, Any]:
    """Run the periodic reconcile job."""
    return run_job_in_process(RECONCILE)


@app.task(name=task_name(TOPN))
def topn() -> dict[str, Any]:
    """Run the TopN ranking job."""
    return run_job_in_process(TOPN)


@app.task(name=task_name(DAILY_REPORT))
def daily_report() -> dict[str, Any]:
    """Run the daily report job."""
    return run_job_in_process(DAILY_REPORT)
