"""DEEP_SCAN: pick 2-3 finalists from the TopN (design §4.3).

Steps:
1. per candidate, from its MarketView: spread p90 within the limit, expected edge net of costs
   at least the minimum (the baseline bracket's estimate), enough bars;
2. order the survivors by rank score (then edge, then name);
3. ChurnGuard: young current finalists keep their place unless clearly beaten;
4. CorrelationGuard: drop a candidate too correlated with a better one, up to finalists_max;
5. everything left over is rejected with FINALISTS_FULL.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.config.model import TraderConfig
from trading.domain.contracts.decision import Costs
from trading.domain.guards.churn import ChurnGuard
from trading.domain.guards.correlation import CorrelationGuard, PairOverLimit
from trading.domain.stages.rank_topn import RankedSymbol
from trading.domain.stages.result import Rejected
from trading.domain.state.features import atr_bps
from trading.domain.state.store import MarketView
from trading.domain.strategy.baseline import BaselineParams, edge_estimate
from trading.domain.strategy.costs import CostModel

R = ReasonCode


@dataclass(frozen=True, slots=True)
class Finalist:
    """One finalist with what the panel shows of it (000 TopKItemRow + MarketSymbolRow)."""

    symbol: str
    score_x10000: int
    features_top: tuple[tuple[str, int], ...]
    churn_guard_applied: bool
    edge_bps: int
    costs: Costs
    view: MarketView

    def topk_row(self) -> dict[str, object]:
        """Return the 000 TopKItemRow."""
        return {"symbol": self.symbol, "score_x10000": self.score_x10000,
                "features_top": [{"name": n, "value_x10000": v} for n, v in self.features_top],
                "churn_guard_applied": self.churn_guard_applied}


@dataclass(frozen=True, slots=True)
class DeepScanResult:
    finalists: tuple[Finalist, ...]
    rejected: tuple[Rejected, ...]
    max_pairwise_corr_x10000: int
    pairs_over_limit: tuple[PairOverLimit, ...]

    def topk_snapshot(self, cycle_id: str) -> dict[str, object]:
        """Return the 000 TopKSnapshot of this scan."""
        return {"cycle_id": cycle_id, "items": [f.topk_row() for f in self.finalists],
                "max_pairwise_corr_x10000": self.max_pairwise_corr_x10000,
                "pairs_over_limit": [p.to_dict() for p in self.pairs_over_limit]}


def _screen(c: RankedSymbol, view: MarketView | None, cfg: TraderConfig,
            params: BaselineParams) -> tuple[int, Costs] | Rejected:
    if view is None:
        return Rejected(c.symbol, R.DATA_STALE, "market_view=missing")
    if view.spread_p90_bps > cfg.risk.max_spread_bps:
        return Rejected(c.symbol, R.SPREAD_TOO_WIDE, f"spread_p90_bps={view.spread_p90_bps}")
    atr = atr_bps(view.bars.get(params.atr_interval, ()))
    if atr is None or view.regime is None:
        return Rejected(c.symbol, R.WARMUP_INCOMPLETE, f"atr_interval={params.atr_interval}")
    _, costs, edge = edge_estimate(view, atr, params, CostModel.from_config(cfg.risk))
    if edge < cfg.risk.min_edge_bps_after_costs:
        return Rejected(c.symbol, R.EDGE_BELOW_COSTS, f"edge_bps={edge} costs_bps={costs.total_bps}")
    return edge, costs


def deep_scan(candidates: Sequence[RankedSymbol], views: Mapping[str, MarketView],
              returns: Mapping[str, Sequence[float]], incumbents: Mapping[str, int], cfg: TraderConfig,
              now_ms: int, params: BaselineParams | None = None) -> DeepScanResult:
    """Return the finalists, the rejected candidates with reasons, and the correlation findings.

    `incumbents` maps the current finalists to the time they became finalists (include them in
    `candidates` to let the churn guard keep them); `returns` are log returns per symbol.
    """
    params = params or BaselineParams()
    rejected: list[Rejected] = []
    screened: dict[str, tuple[RankedSymbol, int, Costs]] = {}
    for c in candidates:
        outcome = _screen(c, views.get(c.symbol), cfg, params)
        if isinstance(outcome, Rejected):
            rejected.append(outcome)
        else:
            screened[c.symbol] = (c, *outcome)
    scores = {s: v[0].score_x10000 for s, v in screened.items()}
    ordered = sorted(screened, key=lambda s: (-scores[s], -screened[s][1], s))
    churn = ChurnGuard(cfg.deep_scan.churn_min_keep_s)
    protected = churn.protected(incumbents, now_ms) & frozenset(screened)
    ordered, kept_by_churn = churn.apply(ordered, scores, cfg.deep_scan.finalists_max, protected)
    corr_guard = CorrelationGuard(float(cfg.deep_scan.max_pairwise_corr), cfg.deep_scan.corr_window_bars)
    corr = corr_guard.select(ordered, returns, kept_by_churn, limit=cfg.deep_scan.finalists_max)
    rejected += [Rejected(s, R.CORRELATION_GUARD, f"with={p} corr_x10000={c}") for s, p, c in corr.dropped]
    done = set(corr.kept) | {s for s, _, _ in corr.dropped}
    rejected += [Rejected(s, R.FINALISTS_FULL, f"score_x10000={scores[s]}") for s in ordered if s not in done]
    finalists = tuple(_finalist(screened[s], s in kept_by_churn, views[s]) for s in corr.kept)
    return DeepScanResult(finalists, tuple(rejected), corr_guard.max_pairwise_x10000(corr.kept, returns),
                          corr.pairs_over_limit)


def _finalist(entry: tuple[RankedSymbol, int, Costs], churned: bool, view: MarketView) -> Finalist:
    ranked, edge, costs = entry
    return Finalist(ranked.symbol, ranked.score_x10000, ranked.features_top, churned, edge, costs, view)
