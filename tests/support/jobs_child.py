"""Child process for the job tests: the in-process scheduler (no broker) against settings' DB and venue.

    python -m tests.support.jobs_child RUNS [reconcile_ms topn_ms daily_ms]

Runs the same job functions the Celery tasks run, through InProcessScheduler, until every job
ran RUNS times; then flushes the audit and exits 0. Settings come from the environment
(DATABASE_URL, EXCHANGE=sim + LIVESPOT_SIM_URL, LIVESPOT_TRADING_CONFIG, ...).
"""
from __future__ import annotations

import os
import sys
import time


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livespot_site.settings")
    import django

    django.setup()
    from collections import Counter

    from trading.jobs.process import job_context
    from trading.jobs.registry import run_job
    from trading.schedule import InProcessScheduler, JobTiming
    from trading.schedule.timing import DAILY_REPORT, RECONCILE, TOPN

    runs = int(argv[0])
    every = [int(x) for x in argv[1:4]] or [1000, 1500, 2000]
    timings = [JobTiming(RECONCILE, every_ms=every[0]), JobTiming(TOPN, every_ms=every[1]),
               JobTiming(DAILY_REPORT, every_ms=every[2])]
    counts: Counter[str] = Counter()
    with job_context(RECONCILE) as jc:  # one audit run and one exchange connection for all jobs
        scheduler = InProcessScheduler(timings, lambda name, now: run_job(name, jc, now))
        while min(counts[t.name] for t in timings) < runs:
            counts.update(scheduler.tick(jc.ctx.now_ms()))
            time.sleep(0.05)
        failures = sum(scheduler.failures.values())
    print(f"jobs ran {dict(counts)} failures {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
