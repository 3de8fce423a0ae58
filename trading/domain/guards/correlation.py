"""CorrelationGuard: finalists should not be one bet twice (design §4.3).

Candidates are taken best first; one whose return correlation with an already kept finalist is
over the limit is dropped (action DROP_B: b is the lower-ranked of the pair), unless the churn
guard protects it (action KEEP_CHURN). Pearson correlation of the last `window` log returns.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

MIN_POINTS = 10


@dataclass(frozen=True, slots=True)
class PairOverLimit:
    a: str
    b: str
    corr_x10000: int
    action: str  # DROP_B | KEEP_CHURN

    def to_dict(self) -> dict[str, object]:
        """Return the 000 TopKSnapshot.pairs_over_limit item."""
        return {"a": self.a, "b": self.b, "corr_x10000": self.corr_x10000, "action": self.action}


def pearson(a: Sequence[float], b: Sequence[float]) -> float | None:
    """Return the correlation of the aligned tails of `a` and `b`, None with < MIN_POINTS or no variance."""
    n = min(len(a), len(b))
    if n < MIN_POINTS:
        return None
    xs, ys = a[len(a) - n:], b[len(b) - n:]
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 0 or syy <= 0:
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


@dataclass(frozen=True, slots=True)
class CorrelationOutcome:
    kept: tuple[str, ...]
    dropped: tuple[tuple[str, str, int], ...]  # (symbol, kept partner, corr_x10000)
    pairs_over_limit: tuple[PairOverLimit, ...]


@dataclass(frozen=True, slots=True)
class CorrelationGuard:
    max_corr: float = 0.85
    window: int = 120
    name: ClassVar[str] = "correlation"
    description: ClassVar[str] = "Drop a finalist whose return correlation with a better one exceeds the limit."

    def corr(self, returns: Mapping[str, Sequence[float]], a: str, b: str) -> float | None:
        """Return the correlation of the two symbols' last `window` returns."""
        ra, rb = returns.get(a), returns.get(b)
        if ra is None or rb is None:
            return None
        return pearson(ra[-self.window:], rb[-self.window:])

    def select(self, ordered: Sequence[str], returns: Mapping[str, Sequence[float]],
               protected: frozenset[str] = frozenset(), limit: int | None = None) -> CorrelationOutcome:
        """Return the symbols kept in order (at most `limit`), the dropped ones with their partner,
        and every pair found over the limit; candidates after the last kept one are not examined."""
        kept: list[str] = []
        dropped: list[tuple[str, str, int]] = []
        pairs: list[PairOverLimit] = []
        for sym in ordered:
            if limit is not None and len(kept) >= limit:
                break
            worst = max(((k, c) for k in kept if (c := self.corr(returns, k, sym)) is not None),
                        key=lambda kc: kc[1], default=None)
            if worst is None or worst[1] <= self.max_corr:
                kept.append(sym)
                continue
            corr_x = round(worst[1] * 10_000)
            action = "KEEP_CHURN" if sym in protected else "DROP_B"
            pairs.append(PairOverLimit(worst[0], sym, corr_x, action))
            if sym in protected:
                kept.append(sym)
            else:
                dropped.append((sym, worst[0], corr_x))
        return CorrelationOutcome(tuple(kept), tuple(dropped), tuple(pairs))

    def max_pairwise_x10000(self, symbols: Sequence[str], returns: Mapping[str, Sequence[float]]) -> int:
        """Return the largest correlation among `symbols` (x10000), 0 with fewer than two known."""
        values = [c for i, a in enumerate(symbols) for b in symbols[i + 1:]
                  if (c := self.corr(returns, a, b)) is not None]
        return round(max(values) * 10_000) if values else 0
