"""RANK_TOPN: rank the universe by liquidity/volume plus the radar momentum score (design §4.2).

Each feature becomes a cross-sectional percentile in [0, 1] (ties share their mid rank), so
units never matter and raising one feature, all else equal, can only lift a symbol. The score
is the config's weighted mean of the families; the momentum family is the radar-weighted mean
of its features (004). A symbol without radar features scores 0 on that family.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.config.sections import TopNSection
from trading.domain.ports import Ticker24h
from trading.domain.stages.result import Rejected, StageResult
from trading.domain.state.features import RadarFeatures

FEATURES_TOP = 3


@dataclass(frozen=True, slots=True)
class RankedSymbol:
    """One TopN item; `features_top` lists the largest weighted contributions to the score (x10000)."""

    symbol: str
    rank: int
    score_x10000: int
    features_top: tuple[tuple[str, int], ...]
    quote_volume_24h: float
    radar: RadarFeatures | None


def percentile_ranks(values: Mapping[str, float]) -> dict[str, float]:
    """Return each key's mid-rank percentile in [0, 1] among `values` (1.0 for a single key)."""
    n = len(values)
    if n <= 1:
        return {k: 1.0 for k in values}
    ordered = sorted(values.values())
    out: dict[str, float] = {}
    for key, v in values.items():
        below = _count_below(ordered, v)
        equal = _count_below(ordered, v, inclusive=True) - below
        out[key] = (below + (equal - 1) / 2) / (n - 1)
    return out


def _count_below(ordered: Sequence[float], v: float, inclusive: bool = False) -> int:
    return bisect_right(ordered, v) if inclusive else bisect_left(ordered, v)


def _contributions(symbols: Sequence[str], tickers: Mapping[str, Ticker24h],
                   radar: Mapping[str, RadarFeatures | None], spreads: Mapping[str, float],
                   cfg: TopNSection) -> dict[str, dict[str, float]]:
    w, rw = cfg.weights, cfg.radar_weights
    total_w = float(w.volume + w.liquidity + w.momentum) or 1.0
    vol = percentile_ranks({s: float(tickers[s].quote_volume) for s in symbols})
    liq = _liquidity(symbols, tickers, spreads)
    with_radar = {s: f for s in symbols if (f := radar.get(s)) is not None}
    radar_pct = {name: percentile_ranks({s: f.as_dict()[name] for s, f in with_radar.items()})
                 for name in ("momentum_bps", "price_vs_vwap_bps", "rvol", "atr")}
    radar_total = float(rw.momentum_bps + rw.price_vs_vwap_bps + rw.rvol + rw.atr) or 1.0
    out: dict[str, dict[str, float]] = {}
    for s in symbols:
        parts = {"volume": float(w.volume) * vol[s] / total_w, "liquidity": float(w.liquidity) * liq[s] / total_w}
        for name, pct in radar_pct.items():
            share = float(getattr(rw, name)) / radar_total * float(w.momentum) / total_w
            parts[name] = share * pct.get(s, 0.0)
        out[s] = parts
    return out


def _liquidity(symbols: Sequence[str], tickers: Mapping[str, Ticker24h],
               spreads: Mapping[str, float]) -> dict[str, float]:
    # Trade count says how often the book is hit; a tighter spread says how cheap it is to cross.
    trades = percentile_ranks({s: float(tickers[s].count) for s in symbols})
    known = {s: -spreads[s] for s in symbols if s in spreads}
    if not known:
        return trades
    tight = percentile_ranks(known)
    return {s: (trades[s] + tight[s]) / 2 if s in tight else trades[s] / 2 for s in symbols}


def rank_topn(symbols: Iterable[str], tickers: Mapping[str, Ticker24h],
              radar: Mapping[str, RadarFeatures | None], cfg: TopNSection,
              spreads: Mapping[str, float] | None = None) -> StageResult[RankedSymbol]:
    """Return the top `cfg.n` symbols by score (ties by name); the rest are rejected with a reason.

    `spreads` (bps, optional) sharpens the liquidity family when the state store has them.
    """
    names = sorted(set(symbols))
    rejected = [Rejected(s, ReasonCode.LIQUIDITY_TOO_LOW, "ticker_24h=missing") for s in names if s not in tickers]
    scored = [s for s in names if s in tickers]
    parts = _contributions(scored, tickers, radar, spreads or {}, cfg)
    order = sorted(scored, key=lambda s: (-round(sum(parts[s].values()) * 10_000), s))
    accepted: list[RankedSymbol] = []
    for i, s in enumerate(order):
        score_x10000 = round(sum(parts[s].values()) * 10_000)
        if i >= cfg.n:
            rejected.append(Rejected(s, ReasonCode.RANK_BELOW_CUTOFF, f"rank={i + 1} score_x10000={score_x10000}"))
            continue
        top = sorted(parts[s].items(), key=lambda kv: (-kv[1], kv[0]))[:FEATURES_TOP]
        accepted.append(RankedSymbol(s, i + 1, score_x10000, tuple((k, round(v * 10_000)) for k, v in top),
                                     float(tickers[s].quote_volume), radar.get(s)))
    return StageResult(tuple(accepted), tuple(rejected))
