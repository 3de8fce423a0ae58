"""The plain-Python loop of reference-backtest.md's arithmetic, in floats: the oracle the engine is
checked against and the baseline `bench backtest` measures it by (594 trades, 3,138.29 USDT on
the real series). No filters, no fee asset, no simulator: the bare rules.
"""
from __future__ import annotations

from dataclasses import dataclass

from trading.backtest.data import Series


@dataclass(frozen=True)
class ReferenceResult:
    trades: int
    final_quote: float
    last_entry_index: int  # index of the last entry (-1 when none): where trading stopped
    entries: tuple[int, ...]  # candle index of every entry
    exits: tuple[int, ...]  # candle index of every exit


def reference_loop(s: Series, *, fast: int = 12, slow: int = 26, warmup: int = 240, stake: float = 0.95,
                   stop_pct: float = 0.02, target_pct: float = 0.03, fee: float = 0.001,
                   start_quote: float = 10_000.0, min_notional: float = 5.0) -> ReferenceResult:
    """Return the reference run's trade count, final USDT and entry/exit indices."""
    af, as_ = 2.0 / (fast + 1), 2.0 / (slow + 1)
    opens, highs, lows, closes = s.open, s.high, s.low, s.close
    bal, qty, stop, target = start_quote, 0.0, 0.0, 0.0
    f = sl = closes[0]
    entries: list[int] = []
    exits: list[int] = []
    for i in range(1, len(closes)):
        if qty > 0.0:
            px = -1.0
            if lows[i] <= stop:
                px = min(opens[i], stop)
            elif highs[i] >= target:
                px = max(opens[i], target)
            if px > 0.0:
                bal += qty * px * (1.0 - fee)
                qty = 0.0
                exits.append(i)
        c = closes[i]
        pf, ps = f, sl
        f += af * (c - f)
        sl += as_ * (c - sl)
        if i < warmup:
            continue
        if qty == 0.0:
            if pf <= ps and f > sl and bal * stake >= min_notional:
                amount = bal * stake
                qty, bal = amount / c, bal - amount * (1.0 + fee)
                stop, target = c * (1.0 - stop_pct), c * (1.0 + target_pct)
                entries.append(i)
        elif pf >= ps and f < sl:
            bal += qty * c * (1.0 - fee)
            qty = 0.0
            exits.append(i)
    if qty > 0.0:
        bal += qty * closes[-1] * (1.0 - fee)
        exits.append(len(closes) - 1)
    return ReferenceResult(len(exits), bal, entries[-1] if entries else -1, tuple(entries), tuple(exits))
