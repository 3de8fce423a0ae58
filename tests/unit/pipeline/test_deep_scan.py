"""DEEP_SCAN with its CorrelationGuard and ChurnGuard."""
from __future__ import annotations

import random

from tests.support.builders import T0, make_view
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.config.model import TraderConfig
from trading.domain.guards.churn import ChurnGuard
from trading.domain.guards.correlation import CorrelationGuard, pearson
from trading.domain.stages.deep_scan import deep_scan
from trading.domain.stages.rank_topn import RankedSymbol

R = ReasonCode


def _returns(seed: int, n: int = 120) -> list[float]:
    rnd = random.Random(seed)
    return [rnd.gauss(0, 1) for _ in range(n)]


def _ranked(symbol: str, score: int) -> RankedSymbol:
    return RankedSymbol(symbol, 1, score, (("volume", score // 2),), 1e7, None)


def _cfg(**risk: object) -> TraderConfig:
    cfg = TraderConfig()
    return cfg.model_copy(update={"risk": cfg.risk.model_copy(update={"fee_bps": 2, **risk})})


def test_pearson_matches_known_values() -> None:
    a = _returns(1)
    assert pearson(a, a) == 1.0
    assert pearson(a, [-x for x in a]) == -1.0
    assert pearson(a[:5], a[:5]) is None  # too few points


def test_correlation_guard_drops_the_lower_ranked_of_a_correlated_pair() -> None:
    base = _returns(1)
    returns = {"A": base, "B": [x + 0.01 * y for x, y in zip(base, _returns(2), strict=True)], "C": _returns(3)}
    out = CorrelationGuard(max_corr=0.85).select(["A", "B", "C"], returns)
    assert out.kept == ("A", "C") and out.dropped[0][:2] == ("B", "A")
    assert out.pairs_over_limit[0].action == "DROP_B" and out.pairs_over_limit[0].corr_x10000 > 9_900


def test_correlation_guard_keeps_a_churn_protected_symbol_and_says_so() -> None:
    base = _returns(1)
    out = CorrelationGuard(max_corr=0.85).select(["A", "B"], {"A": base, "B": base}, protected=frozenset({"B"}))
    assert out.kept == ("A", "B") and out.pairs_over_limit[0].action == "KEEP_CHURN"


def test_churn_guard_keeps_a_young_finalist_unless_clearly_beaten() -> None:
    guard = ChurnGuard(min_keep_s=900, beat_margin=0.10)
    protected = guard.protected({"OLD": T0 - 60_000, "STALE": T0 - 10**7}, T0)
    assert protected == frozenset({"OLD"})
    scores = {"NEW1": 6000, "NEW2": 5200, "OLD": 5000}
    ordered, kept = guard.apply(["NEW1", "NEW2", "OLD"], scores, 2, protected)
    assert ordered[:2] == ["NEW1", "OLD"] and kept == frozenset({"OLD"})
    ordered, kept = guard.apply(["NEW1", "NEW2", "OLD"], {**scores, "NEW2": 5600}, 2, protected)
    assert ordered[:2] == ["NEW1", "NEW2"] and kept == frozenset()


def test_deep_scan_picks_finalists_and_reports_every_rejection() -> None:
    views = {s: make_view(s) for s in ("AUSDT", "BUSDT", "CUSDT", "DUSDT", "EUSDT")}
    views["EUSDT"] = make_view("EUSDT", spread_bps=40)
    base = _returns(1)
    returns = {"AUSDT": base, "BUSDT": base, "CUSDT": _returns(3), "DUSDT": _returns(4), "EUSDT": _returns(5)}
    cands = [_ranked("AUSDT", 9000), _ranked("BUSDT", 8000), _ranked("CUSDT", 7000), _ranked("DUSDT", 6000),
             _ranked("EUSDT", 9500), _ranked("FUSDT", 9999)]
    result = deep_scan(cands, views, returns, {}, _cfg(), T0)
    assert [f.symbol for f in result.finalists] == ["AUSDT", "CUSDT", "DUSDT"]
    reasons = {r.symbol: r.reason for r in result.rejected}
    assert reasons == {"EUSDT": R.SPREAD_TOO_WIDE, "FUSDT": R.DATA_STALE, "BUSDT": R.CORRELATION_GUARD}
    snap = result.topk_snapshot("c1")
    assert snap["pairs_over_limit"] == [{"a": "AUSDT", "b": "BUSDT", "corr_x10000": 10_000, "action": "DROP_B"}]
    assert len(snap["items"]) == 3 and result.max_pairwise_corr_x10000 < 8_500  # type: ignore[arg-type]


def test_deep_scan_rejects_candidates_whose_edge_does_not_cover_costs() -> None:
    views = {"AUSDT": make_view("AUSDT", trend=0.31, atr_range=0.0005)}
    result = deep_scan([_ranked("AUSDT", 9000)], views, {}, {}, _cfg(fee_bps=10), T0)
    assert result.finalists == () and result.rejected[0].reason is R.EDGE_BELOW_COSTS


def test_deep_scan_marks_a_finalist_kept_by_the_churn_guard() -> None:
    views = {s: make_view(s) for s in ("AUSDT", "BUSDT", "CUSDT", "DUSDT")}
    returns = {s: _returns(i) for i, s in enumerate(views)}
    cands = [_ranked("AUSDT", 9000), _ranked("BUSDT", 8000), _ranked("CUSDT", 7000), _ranked("DUSDT", 6900)]
    result = deep_scan(cands, views, returns, {"DUSDT": T0 - 1000}, _cfg(), T0)
    assert [(f.symbol, f.churn_guard_applied) for f in result.finalists] == \
        [("AUSDT", False), ("BUSDT", False), ("DUSDT", True)]
    assert {r.symbol: r.reason for r in result.rejected} == {"CUSDT": R.FINALISTS_FULL}
