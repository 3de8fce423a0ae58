"""The Celery beat schedule of the jobs: the same timings the in-process scheduler uses."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from trading.schedule.timing import JobTiming

TASK_PREFIX = "livespot.jobs."


def task_name(job: str) -> str:
    """Return the Celery task name of a job ("livespot.jobs.reconcile")."""
    return TASK_PREFIX + job


def beat_schedule(timings: Iterable[JobTiming]) -> dict[str, dict[str, Any]]:
    """Return `beat_schedule` entries: a timedelta for interval jobs, a UTC crontab for daily ones.

    Each entry expires after one period, so a backlog built while no worker ran is dropped
    rather than run in a burst (a reconcile from an hour ago is worth nothing).
    """
    from celery.schedules import crontab

    entries: dict[str, dict[str, Any]] = {}
    for t in timings:
        if t.every_ms is not None:
            period_s = t.every_ms / 1000
            schedule: Any = timedelta(milliseconds=t.every_ms)
        else:
            assert t.daily_minute is not None
            period_s = 86_400.0
            schedule = crontab(hour=t.daily_minute // 60, minute=t.daily_minute % 60)
        entries[t.name] = {"task": task_name(t.name), "schedule": schedule,
                           "options": {"expires": max(period_s, 1.0)}}
    return entries
