"""The RANK_TOPN job: scan the universe and rank it from REST data; the trader reads the latest ranking.

The job ranks by 24h volume and liquidity (tickers) plus, in the trader's process, the momentum
radar of its market state; a Celery worker has no market streams, so its ranking scores momentum
0 and the trader's deep scan (live state: edge, spread, correlation) picks the finalists.
"""
from __future__ import annotations

from typing import Any

from trading.domain.catalog import StageName
from trading.domain.stages import rank_topn, scan_universe
from trading.domain.stages.rank_topn import RankedSymbol
from trading.jobs.context import JobContext
from trading.models import TopKSnapshot
from trading.services.rankings import record_topn_snapshot


def topn_job(jc: JobContext, now_ms: int) -> dict[str, Any]:
    """Scan the universe, rank the TopN, write it as a RANK_TOPN TopKSnapshot; return its symbols."""
    exchange = jc.need_exchange("topn")
    started = jc.ctx.now_ms()
    info = exchange.exchange_info()
    tickers = {t.symbol: t for t in exchange.tickers_24h()}
    universe = scan_universe(info.symbols.values(), tickers, jc.config.universe)
    names = [s.symbol for s in universe.accepted]
    ranked = rank_topn(names, tickers, dict(jc.radar(names)) if jc.radar is not None else {}, jc.config.topn)
    row = record_topn_snapshot(jc.ctx, ranked.accepted, eligible=len(universe.accepted), started_ms=started)
    return {"topk_snapshot_id": row.pk, "symbols": [r.symbol for r in ranked.accepted]}


def latest_topn(mode: str, now_ms: int, max_age_ms: int) -> tuple[RankedSymbol, ...] | None:
    """Return the newest job ranking of `mode` no older than `max_age_ms`, or None (rank locally).

    The trader's scan uses it instead of its own RANK_TOPN when a broker runs the jobs.
    """
    row = (TopKSnapshot.objects.filter(mode=mode, stage=StageName.RANK_TOPN.value, ts_ms__gte=now_ms - max_age_ms)
           .order_by("-ts_ms", "-id").first())
    if row is None:
        return None
    out = []
    for i, item in enumerate(row.items):
        features = tuple((str(f["name"]), int(f["value_x10000"])) for f in item.get("features_top", ()))
        out.append(RankedSymbol(str(item["symbol"]), int(item.get("rank", i + 1)), int(item["score_x10000"]),
                                features, 0.0, None))
    return tuple(out)
