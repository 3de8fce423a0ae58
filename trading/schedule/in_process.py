"""The in-process scheduler: with no broker, the trader runs the jobs itself, one call per loop tick.

    scheduler = InProcessScheduler(job_timings(config.schedule), runner)
    ran = scheduler.tick(now_ms)    # -> ["reconcile"] when reconcile was due

The first tick only starts the clocks (like Celery beat's first start: an interval job runs
one interval later, a daily job at its next HH:MM). A job that raises is logged and retried at
its next due time, so one failing job cannot stop the trader or the other jobs.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from trading.schedule.timing import JobTiming

log = logging.getLogger(__name__)

JobRunner = Callable[[str, int], object]  # (job name, now_ms) -> the job's result


class InProcessScheduler:
    def __init__(self, timings: Iterable[JobTiming], runner: JobRunner) -> None:
        self.timings = tuple(timings)
        self.runner = runner
        self.due_ms: dict[str, int] = {}
        self.failures: dict[str, int] = {t.name: 0 for t in self.timings}

    def tick(self, now_ms: int) -> list[str]:
        """Run every job due at `now_ms` (in timing order); return the names of the jobs run."""
        ran: list[str] = []
        for t in self.timings:
            due = self.due_ms.get(t.name)
            if due is None:
                self.due_ms[t.name] = t.next_due_ms(now_ms)
                continue
            if now_ms < due:
                continue
            # Next due from now, not from `due`: a trader that stalled runs a job once, not in a burst.
            self.due_ms[t.name] = t.next_due_ms(now_ms)
            ran.append(t.name)
            try:
                self.runner(t.name, now_ms)
            except Exception:  # noqa: BLE001 - logged; the job is retried at its next due time
                self.failures[t.name] += 1
                log.exception("job %s failed; next try at %s", t.name, self.due_ms[t.name])
        return ran
