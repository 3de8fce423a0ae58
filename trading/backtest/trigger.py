"""Cheap per-candle triggers: when may a strategy act? Only then does the full pipeline run.

A trigger must be a necessary condition of the strategy's own rule, never a substitute: the
strategy still decides. For EMA-cross it is the cross itself on incrementally updated EMAs (the
same recurrence as `ema_cross.ema_pair_last_two`, seeded with the first close): the strategy then
recomputes the cross on its bounded window and acts, or says NO_SIGNAL (counted as a trigger
mismatch; tests show there are none on the shipped series). A cross up while the stake is below
the symbol's minimum notional cannot become an entry (the strategy's plan would be refused with
NOTIONAL), so it is counted, not proposed.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from trading.domain.strategy.ema_cross import EmaCrossParams
from trading.domain.strategy.params import read_params


@dataclass(frozen=True)
class EmaTrigger:
    alpha_fast: float
    alpha_slow: float
    first_index: int  # the first candle index a trade may happen at (bars_seen > warmup_bars)
    stake: Decimal  # share of the free quote an entry spends: below the minimum notional, no entry


def trigger_for(strategy: str, params: Mapping[str, bool | int | str]) -> EmaTrigger | None:
    """Return the trigger of a built-in strategy, None for one without (it then runs every candle)."""
    if strategy != "ema_cross":
        return None
    p = read_params(EmaCrossParams, params)
    if p.interval != "1m":
        return None
    return EmaTrigger(2.0 / (p.fast + 1), 2.0 / (p.slow + 1), p.warmup_bars, p.stake_pct)
