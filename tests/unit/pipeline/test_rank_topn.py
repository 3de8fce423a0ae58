"""RANK_TOPN: deterministic, monotone in volume, momentum counts, the cutoff is reasoned."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.builders import make_ticker
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.config.sections import TopNSection
from trading.domain.stages.rank_topn import percentile_ranks, rank_topn
from trading.domain.state.features import RadarFeatures


def _radar(momentum: float = 0.0) -> RadarFeatures:
    return RadarFeatures(momentum, 0.0, 1.0, 20.0, ())


def test_ranking_is_deterministic_whatever_the_input_order() -> None:
    tickers = {f"S{i}USDT": make_ticker(f"S{i}USDT", 1_000_000 * (i % 7 + 1), 1000 * (i % 3 + 1)) for i in range(30)}
    radar = {s: _radar(i % 5) for i, s in enumerate(tickers)}
    a = rank_topn(list(tickers), tickers, radar, TopNSection(n=10))
    b = rank_topn(list(reversed(list(tickers))), tickers, radar, TopNSection(n=10))
    assert a == b and len(a.accepted) == 10 and [r.rank for r in a.accepted] == list(range(1, 11))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 10**9), min_size=2, max_size=20), st.integers(1, 10**9))
def test_more_volume_ranks_higher_all_else_equal(volumes: list[int], extra: int) -> None:
    symbols = [f"S{i:02d}USDT" for i in range(len(volumes))]
    tickers = {s: make_ticker(s, v, 1000) for s, v in zip(symbols, volumes, strict=True)}
    tickers["ZZUSDT"] = make_ticker("ZZUSDT", volumes[0] + extra, 1000)  # twin of S00 with more volume
    radar = {s: _radar() for s in tickers}
    ranked = rank_topn(list(tickers), tickers, radar, TopNSection(n=100))
    order = [r.symbol for r in ranked.accepted]
    assert order.index("ZZUSDT") < order.index("S00USDT")


def test_positive_momentum_lifts_a_symbol_with_equal_volume() -> None:
    tickers = {s: make_ticker(s, 5_000_000) for s in ("AUSDT", "BUSDT")}
    ranked = rank_topn(tickers, tickers, {"AUSDT": _radar(-10), "BUSDT": _radar(30)}, TopNSection(n=2))
    assert [r.symbol for r in ranked.accepted] == ["BUSDT", "AUSDT"]
    assert dict(ranked.accepted[0].features_top)["momentum_bps"] > 0


def test_symbols_below_the_cutoff_or_without_ticker_are_rejected_with_reasons() -> None:
    tickers = {f"S{i}USDT": make_ticker(f"S{i}USDT", 1_000_000 * (i + 1)) for i in range(5)}
    ranked = rank_topn([*tickers, "NOTICKUSDT"], tickers, {}, TopNSection(n=3))
    reasons = ranked.rejected_symbols()
    assert reasons["NOTICKUSDT"] is ReasonCode.LIQUIDITY_TOO_LOW
    assert [reasons[s] for s in ("S0USDT", "S1USDT")] == [ReasonCode.RANK_BELOW_CUTOFF] * 2
    assert all(0 <= r.score_x10000 <= 10_000 and len(r.features_top) == 3 for r in ranked.accepted)


def test_percentile_ranks_share_ties() -> None:
    assert percentile_ranks({"a": 1.0, "b": 1.0, "c": 3.0}) == {"a": 0.25, "b": 0.25, "c": 1.0}
