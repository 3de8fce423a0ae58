"""Reconcile services: one ReconcileRun with its diffs, in one transaction, then their audit events."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction

from trading.domain.catalog import AuditEventType, DriftLabel, ReasonCode, StageName
from trading.execution.drift import Diff, DriftScore
from trading.models import ReconcileDiff, ReconcileRun
from trading.models.choices import ReconcileTrigger
from trading.services.context import ServiceContext

_LABEL_REASON = {DriftLabel.OK: ReasonCode.RECONCILE_OK, DriftLabel.WARN: ReasonCode.RECONCILE_DRIFT_WARN,
                 DriftLabel.BAD: ReasonCode.RECONCILE_DRIFT_BAD}


def label_reason(label: DriftLabel) -> ReasonCode:
    return _LABEL_REASON[label]


def record_reconcile_run(ctx: ServiceContext, trigger: ReconcileTrigger, started_ms: int, score: DriftScore,
                         diffs: Sequence[Diff], counts: dict[str, int], *,
                         stage: StageName = StageName.RECONCILE_REST,
                         capital_quote: Decimal | None = None) -> ReconcileRun:
    """Write the run and its diffs (append-only) and audit RECONCILE_RUN + one RECONCILE_DIFF each.

    `capital_quote`: the account's quote asset plus its open positions at cost, as the run saw them.
    """
    reason = _LABEL_REASON[score.label]
    now = ctx.now_ms()
    with transaction.atomic():
        run = ReconcileRun.objects.create(
            ts_ms=started_ms, run_id=ctx.run_id, cycle_id=ctx.cycle_id, mode=ctx.mode, stage=stage.value,
            event_type=AuditEventType.RECONCILE_RUN.value, reasons=[reason.value], trigger=trigger.value,
            duration_ms=max(0, now - started_ms), drift_score_x10000=score.score_x10000,
            drift_label=score.label.value, diff_count=len(diffs), counts=counts, capital_quote=capital_quote)
        for d in diffs:
            ReconcileDiff.objects.create(
                ts_ms=now, run_id=ctx.run_id, cycle_id=ctx.cycle_id, mode=ctx.mode, stage=stage.value,
                event_type=AuditEventType.RECONCILE_DIFF.value, reasons=[reason.value], symbol=d.symbol,
                reconcile_run=run, kind=d.kind.value, summary=d.summary[:200], expected=d.expected,
                actual=d.actual, action=d.action)
    ctx.emit(AuditEventType.RECONCILE_RUN, stage=stage, reasons=(reason,),
             data={"reconcile_run_id": run.pk, "trigger": trigger.value, "drift_score_x10000": score.score_x10000,
                   "drift_label": score.label.value, "diff_count": len(diffs), "counts": counts,
                   "duration_ms": run.duration_ms,
                   "capital_quote": None if capital_quote is None else str(capital_quote)})
    for d in diffs:
        ctx.emit(AuditEventType.RECONCILE_DIFF, stage=stage, symbol=d.symbol, reasons=(reason,),
                 data={"reconcile_run_id": run.pk, "kind": d.kind.value, "summary": d.summary[:200],
                       "expected": d.expected, "actual": d.actual, "action": d.action})
    return run


def latest_reconcile_run(mode: str, *, after_id: int = 0) -> ReconcileRun | None:
    """Return the newest PERIODIC reconcile run of `mode` with id > `after_id` (a job's), or None."""
    return (ReconcileRun.objects.filter(mode=mode, trigger=ReconcileTrigger.PERIODIC.value, pk__gt=after_id)
            .order_by("-pk").first())
