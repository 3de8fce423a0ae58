"""ChurnGuard: keep a young finalist unless clearly beaten, so the watchlist does not flap.

A current finalist younger than `min_keep_s` that would fall out of the top k keeps its place
over the weakest newcomer unless that newcomer's score beats it by more than `beat_margin`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class ChurnGuard:
    min_keep_s: int = 900
    beat_margin: float = 0.10
    name: ClassVar[str] = "churn"
    description: ClassVar[str] = "Keep a finalist for min_keep_s unless a newcomer beats its score by beat_margin."

    def protected(self, incumbents: Mapping[str, int], now_ms: int) -> frozenset[str]:
        """Return the incumbents (symbol -> finalist since ms) still inside their keep period."""
        return frozenset(s for s, since in incumbents.items() if now_ms - since < self.min_keep_s * 1000)

    def apply(self, ordered: Sequence[str], scores: Mapping[str, int], k: int,
              protected: frozenset[str]) -> tuple[list[str], frozenset[str]]:
        """Return `ordered` re-ordered so protected symbols hold their place, and those that were kept by the guard."""
        top, rest = list(ordered[:k]), list(ordered[k:])
        kept_by_guard: set[str] = set()
        for sym in [s for s in rest if s in protected]:
            newcomers = [s for s in top if s not in protected]
            if not newcomers:
                break
            weakest = min(newcomers, key=lambda s: (scores[s], s))
            if scores[weakest] > scores[sym] * (1 + self.beat_margin):
                continue  # clearly beaten: let it go
            top[top.index(weakest)] = sym
            rest.remove(sym)
            rest.insert(0, weakest)
            kept_by_guard.add(sym)
        ordered_top = sorted(top, key=lambda s: (-scores[s], s))
        return ordered_top + rest, frozenset(kept_by_guard)
