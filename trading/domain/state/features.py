"""Bar features in floats: the radar set of 004 (momentum bps, price vs VWAP bps, RVOL, ATR) and
the TREND/RANGE regime scores (Kaufman efficiency ratio).

Computed on demand from closed bars (per strategy call or rank), never per tick. Every
function returns finite numbers, or None when there are too few bars (004: no NaN/Inf).
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from trading.domain.catalog.panel import RegimeLabel
from trading.domain.state.candles import Candle

MOMENTUM_BARS = 5
VWAP_BARS = 30
RVOL_BARS = 20
ATR_BARS = 14
REGIME_BARS = 20


@dataclass(frozen=True, slots=True)
class IntervalFeatures:
    """The radar features of one interval."""

    interval: str
    momentum_bps: float
    price_vs_vwap_bps: float
    rvol: float
    atr_bps: float


@dataclass(frozen=True, slots=True)
class RadarFeatures:
    """Radar features averaged over the intervals that had enough bars (004 multi-timeframe)."""

    momentum_bps: float
    price_vs_vwap_bps: float
    rvol: float
    atr_bps: float
    per_interval: tuple[IntervalFeatures, ...]

    def as_dict(self) -> dict[str, float]:
        """Return the averaged features by the config's radar weight names."""
        return {"momentum_bps": self.momentum_bps, "price_vs_vwap_bps": self.price_vs_vwap_bps,
                "rvol": self.rvol, "atr": self.atr_bps}


@dataclass(frozen=True, slots=True)
class RegimeScores:
    """TREND vs RANGE: trend = efficiency ratio in [0, 1], range = 1 - trend."""

    trend: float
    range: float
    label: RegimeLabel

    @property
    def trend_x10000(self) -> int:
        """Return the panel encoding of the trend score."""
        return round(self.trend * 10_000)

    @property
    def range_x10000(self) -> int:
        """Return the panel encoding of the range score."""
        return round(self.range * 10_000)


def momentum_bps(bars: Sequence[Candle], lookback: int = MOMENTUM_BARS) -> float | None:
    """Return the last close vs the close `lookback` bars earlier, in bps."""
    if len(bars) <= lookback or bars[-1 - lookback].close <= 0:
        return None
    return (bars[-1].close / bars[-1 - lookback].close - 1.0) * 10_000.0


def price_vs_vwap_bps(bars: Sequence[Candle], window: int = VWAP_BARS) -> float | None:
    """Return the last close vs the quote-volume VWAP of the last `window` bars, in bps."""
    tail = bars[-window:]
    volume = sum(b.volume for b in tail)
    quote = sum(b.quote_volume for b in tail)
    if not tail or volume <= 0 or quote <= 0:
        return None
    return (tail[-1].close / (quote / volume) - 1.0) * 10_000.0


def relative_volume(bars: Sequence[Candle], window: int = RVOL_BARS) -> float | None:
    """Return the last bar's volume over the mean volume of the `window` bars before it."""
    if len(bars) <= window:
        return None
    mean = sum(b.volume for b in bars[-1 - window:-1]) / window
    return bars[-1].volume / mean if mean > 0 else None


def atr_bps(bars: Sequence[Candle], window: int = ATR_BARS) -> float | None:
    """Return the mean true range of the last `window` bars over the last close, in bps."""
    if len(bars) <= window or bars[-1].close <= 0:
        return None
    total = 0.0
    for prev, bar in zip(bars[-1 - window:-1], bars[-window:], strict=True):
        total += max(bar.high - bar.low, abs(bar.high - prev.close), abs(bar.low - prev.close))
    return total / window / bars[-1].close * 10_000.0


def interval_features(interval: str, bars: Sequence[Candle]) -> IntervalFeatures | None:
    """Return the radar features of one interval, None when any of them lacks bars."""
    mom, vwap = momentum_bps(bars), price_vs_vwap_bps(bars)
    rvol, atr = relative_volume(bars), atr_bps(bars)
    if mom is None or vwap is None or rvol is None or atr is None:
        return None
    return IntervalFeatures(interval, mom, vwap, rvol, atr)


def radar_features(bars_by_interval: Mapping[str, Sequence[Candle]]) -> RadarFeatures | None:
    """Return the features averaged over intervals with enough bars, None when none has."""
    found = [f for name, bars in bars_by_interval.items()
             if (f := interval_features(name, bars)) is not None]
    if not found:
        return None
    n = len(found)
    return RadarFeatures(
        momentum_bps=sum(f.momentum_bps for f in found) / n,
        price_vs_vwap_bps=sum(f.price_vs_vwap_bps for f in found) / n,
        rvol=sum(f.rvol for f in found) / n,
        atr_bps=sum(f.atr_bps for f in found) / n,
        per_interval=tuple(found),
    )


def regime_scores(bars: Sequence[Candle], window: int = REGIME_BARS,
                  trend_threshold: float = 0.3) -> RegimeScores | None:
    """Return the efficiency ratio |net move| / path length over `window` bars as the trend score.

    A clean trend moves in one direction (ratio near 1); a range goes back and forth (near 0).
    """
    if len(bars) <= window:
        return None
    closes = [b.close for b in bars[-1 - window:]]
    path = sum(abs(b - a) for a, b in zip(closes, closes[1:], strict=False))
    trend = abs(closes[-1] - closes[0]) / path if path > 0 else 0.0
    trend = min(1.0, max(0.0, trend)) if math.isfinite(trend) else 0.0
    label = RegimeLabel.TREND if trend >= trend_threshold else RegimeLabel.RANGE
    return RegimeScores(trend, 1.0 - trend, label)


def log_returns(closes: Sequence[float]) -> list[float]:
    """Return the log returns between consecutive positive closes."""
    return [math.log(b / a) for a, b in zip(closes, closes[1:], strict=False) if a > 0 and b > 0]
