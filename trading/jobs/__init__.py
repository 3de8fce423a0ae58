"""The periodic jobs as plain functions: the single implementation behind Celery and the trader.

    run_job("reconcile", job_context, now_ms)   # what trading/tasks.py and the in-process scheduler call

Each job takes a JobContext (service context for writes + audit, the exchange, the config),
writes its result to the database through the services, and returns a small dict for logs.
The trader consumes the rows (e.g. `latest_topn` reads the ranking a job wrote).
"""
from trading.jobs.context import JobContext, JobSetupError
from trading.jobs.daily_report import daily_report_job
from trading.jobs.reconcile import reconcile_job
from trading.jobs.registry import JOBS, run_job
from trading.jobs.topn import latest_topn, topn_job

__all__ = ["JOBS", "JobContext", "JobSetupError", "daily_report_job", "latest_topn", "reconcile_job",
           "run_job", "topn_job"]
