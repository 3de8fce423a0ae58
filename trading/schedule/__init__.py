"""When the periodic jobs run: one timing table, read by Celery beat and by the in-process scheduler.

    timings = job_timings(config.schedule)          # reconcile, topn, daily_report
    beat_schedule(timings)                          # livespot_site/celery.py (a broker is configured)
    InProcessScheduler(timings, runner).tick(now)   # the trader, when no broker is configured
"""
from trading.schedule.beat import beat_schedule
from trading.schedule.in_process import InProcessScheduler
from trading.schedule.timing import JOB_NAMES, JobTiming, job_timings

__all__ = ["JOB_NAMES", "InProcessScheduler", "JobTiming", "beat_schedule", "job_timings"]
