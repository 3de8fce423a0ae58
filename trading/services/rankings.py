"""Ranking services: the TopN a RANK_TOPN job computed, as one TopKSnapshot row plus its audit event."""
from __future__ import annotations

from collections.abc import Sequence

from trading.domain.catalog import AuditEventType, StageName
from trading.domain.stages.rank_topn import RankedSymbol
from trading.models import TopKSnapshot
from trading.services.context import ServiceContext


def topn_item(r: RankedSymbol) -> dict[str, object]:
    """Return the 000 TopKItemRow of a ranked symbol (plus its rank)."""
    return {"symbol": r.symbol, "rank": r.rank, "score_x10000": r.score_x10000,
            "features_top": [{"name": n, "value_x10000": v} for n, v in r.features_top],
            "churn_guard_applied": False}


def record_topn_snapshot(ctx: ServiceContext, ranked: Sequence[RankedSymbol], *, eligible: int,
                         started_ms: int) -> TopKSnapshot:
    """Write the ranking (stage RANK_TOPN, append-only) and audit TOPK_RANKED; return the row."""
    items = [topn_item(r) for r in ranked]
    row = TopKSnapshot.objects.create(
        ts_ms=started_ms, run_id=ctx.run_id, cycle_id=ctx.cycle_id, mode=ctx.mode,
        stage=StageName.RANK_TOPN.value, event_type=AuditEventType.TOPK_RANKED.value, reasons=[], items=items)
    ctx.emit(AuditEventType.TOPK_RANKED, stage=StageName.RANK_TOPN,
             data={"topk_snapshot_id": row.pk, "eligible": eligible, "symbols": [r.symbol for r in ranked]})
    return row
