"""The jobs by name, and `run_job`: one place both Celery tasks and the in-process scheduler call."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trading.domain.catalog import StageName
from trading.jobs.context import JobContext
from trading.jobs.daily_report import daily_report_job
from trading.jobs.reconcile import reconcile_job
from trading.jobs.topn import topn_job
from trading.schedule.timing import DAILY_REPORT, JOB_NAMES, RECONCILE, TOPN

Job = Callable[[JobContext, int], dict[str, Any]]
JOBS: dict[str, Job] = {RECONCILE: reconcile_job, TOPN: topn_job, DAILY_REPORT: daily_report_job}
NEEDS_EXCHANGE = frozenset({RECONCILE, TOPN})
# The stage each job is (reported by the trader when it runs the job in-process).
JOB_STAGE: dict[str, StageName] = {RECONCILE: StageName.RECONCILE_REST, TOPN: StageName.RANK_TOPN,
                                   DAILY_REPORT: StageName.REPORT_DAILY_SUMMARY}
assert tuple(JOBS) == JOB_NAMES


def run_job(name: str, jc: JobContext, now_ms: int) -> dict[str, Any]:
    """Run job `name` with `jc`; return its result dict (with "job": name)."""
    try:
        job = JOBS[name]
    except KeyError:
        raise ValueError(f"unknown job {name!r} (known: {', '.join(JOBS)})") from None
    return {"job": name, **job(jc, now_ms)}
