"""The trader's side of scheduling: with no broker, run the jobs in-process on the trader's exchange.

    self.jobs = TraderJobs.for_worker(self)     # TraderWorker.__init__, after the cycle is built
    self.jobs.tick()                            # TraderWorker.run_cycle_once, once per loop tick

With a broker (CELERY_BROKER_URL / REDIS_URL) Celery beat runs the jobs and `tick` does nothing.
The jobs use the cycle's service context (so BAD reconcile drift DEGRADEs at once) and its
exchange clock (the same time the cycle's own scans are scheduled in).
"""
from __future__ import annotations

from typing import Any

from trading.domain.clock import Clock
from trading.jobs.context import JobContext
from trading.jobs.registry import JOB_STAGE, run_job
from trading.schedule.in_process import InProcessScheduler
from trading.schedule.timing import job_timings


class TraderJobs:
    def __init__(self, scheduler: InProcessScheduler | None, clock: Clock | None) -> None:
        self.scheduler, self.clock = scheduler, clock

    @classmethod
    def for_worker(cls, worker: Any, *, in_process: bool | None = None) -> TraderJobs:
        """Return the jobs of `worker`: in-process when no broker is configured and the cycle has an exchange."""
        if in_process is None:
            from django.conf import settings

            in_process = settings.JOBS_IN_PROCESS
        cycle = getattr(worker, "cycle", None)
        if not in_process or cycle is None:
            return cls(None, None)
        jc = JobContext(cycle.ctx, worker.config, cycle.exchange, radar=cycle.radar_for)
        reporter = worker.audit.reporter

        def run(name: str, now: int) -> dict[str, Any]:
            reporter.enter(JOB_STAGE[name], f"{name} job (in-process)", cycle_id=cycle.ctx.cycle_id)
            return run_job(name, jc, now)
        scheduler = InProcessScheduler(job_timings(worker.config.schedule), run)
        return cls(scheduler, cycle.clock)

    @property
    def enabled(self) -> bool:
        return self.scheduler is not None

    def tick(self) -> list[str]:
        """Run the jobs due now; return their names (always [] when a broker runs them)."""
        if self.scheduler is None or self.clock is None:
            return []
        return self.scheduler.tick(self.clock.now_ms())
