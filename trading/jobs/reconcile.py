"""The periodic RECONCILE_REST job: compare the exchange with the database, record run + diffs."""
from __future__ import annotations

from typing import Any

from trading.execution.executor import Executor
from trading.execution.instruments import Instruments
from trading.execution.reconcile import Reconciler
from trading.jobs.context import JobContext
from trading.models.choices import ReconcileTrigger


def reconcile_job(jc: JobContext, now_ms: int) -> dict[str, Any]:
    """Run one PERIODIC reconcile (open positions and orders); return the run's id, label and diffs.

    Writes a ReconcileRun with its ReconcileDiffs and their audit events; WARN/BAD drift raises
    an alert here, and the trader DEGRADEs on BAD when it reads the run (or, in-process, at once).
    """
    exchange = jc.need_exchange("reconcile")
    executor = Executor(exchange, jc.ctx, Instruments(exchange))
    run = Reconciler(executor, jc.config.reconcile, quote_asset=jc.config.universe.quote_asset).run(
        ReconcileTrigger.PERIODIC)
    return {"reconcile_run_id": run.pk, "drift_label": run.drift_label, "diff_count": run.diff_count}
