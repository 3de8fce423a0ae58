"""A job in a process of its own (a Celery worker): audit writer, exchange and config from settings."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings

from audit.runtime import open_audit
from trading.domain.clock import SystemClock
from trading.domain.config import load_trader_config
from trading.domain.contracts.ids import new_run_id
from trading.jobs.context import JobContext, JobSetupError
from trading.jobs.registry import NEEDS_EXCHANGE, run_job
from trading.services.context import ServiceContext


def run_job_in_process(name: str) -> dict[str, Any]:
    """Open what job `name` needs, run it once, flush the audit and close; return its result."""
    with job_context(name) as jc:
        return run_job(name, jc, jc.ctx.now_ms())


@contextmanager
def job_context(name: str) -> Iterator[JobContext]:
    """Yield a JobContext built from settings (its own audit run); close everything after."""
    config = load_trader_config(settings.TRADING_CONFIG)
    venue = open_venue() if name in NEEDS_EXCHANGE else None
    clock = venue.clock if venue is not None else SystemClock()
    run_id = new_run_id(clock)
    audit = open_audit(run_id, settings.MODE, clock, stream=sys.stdout)
    try:
        ctx = ServiceContext(audit.writer, clock, alerts=audit.alerts, cycle_id=f"{run_id}-{name}")
        yield JobContext(ctx, config, venue.exchange if venue is not None else None)
    finally:
        audit.close()
        if venue is not None:
            venue.close()


def open_venue() -> Any:
    """Return the venue of settings; EXCHANGE=sim needs LIVESPOT_SIM_URL (a shared simulator)."""
    from trading.cycle.venue import build_venue

    if settings.EXCHANGE == "sim" and not settings.SIM_URL:
        # A simulator started here would be another market than the trader's.
        raise JobSetupError("EXCHANGE=sim: a job outside the trader needs LIVESPOT_SIM_URL "
                            "(the simulator the trader uses, e.g. `manage.py simexchange --port 8790`)")
    return build_venue(settings.EXCHANGE, settings.MODE, settings.BINANCE_API_KEY, settings.BINANCE_API_SECRET,
                       sim_url=settings.SIM_URL)
