"""The reference EMA-cross strategy of reference-backtest.md, on the Strategy interface.

EMA(12) and EMA(26) of 1m closes seeded with the first close; cross up while flat buys 95 % of
the free USDT at market (the candle's close), cross down exits; stop -2 % and target +3 % ride
on the exit plan (the exchange-side OCO); no trade during the first 240 candles.

On a bounded ring the EMAs restart from the oldest bar kept. With >= 500 bars the seed's weight
in EMA(26) is (25/27)^500 < 1e-16, so the cross signals match the full-history series.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.decision import Costs, Decision, DecisionIntent, EntryOrderType
from trading.domain.strategy.base import NoTrade, StrategyInput
from trading.domain.strategy.build import build_decision
from trading.domain.strategy.costs import CostModel
from trading.domain.strategy.params import read_params
from trading.domain.strategy.plans import ExitShape, close_plan, long_plans

R = ReasonCode


class Cross(StrEnum):
    UP = "UP"
    DOWN = "DOWN"


@dataclass(frozen=True, slots=True)
class EmaCrossParams:
    interval: str = "1m"
    fast: int = 12
    slow: int = 26
    warmup_bars: int = 240
    stake_pct: Decimal = Decimal("0.95")
    stop_pct: Decimal = Decimal("0.02")
    target_pct: Decimal = Decimal("0.03")
    edge_bps: int = 0  # declared, not estimated: the reference strategy has no edge model


def ema_pair_last_two(closes: Sequence[float], fast: int, slow: int) -> tuple[float, float, float, float]:
    """Return the EMAs of `closes` (each seeded with the first close) at the previous and the last
    bar: (fast previous, fast last, slow previous, slow last), both averages in one pass."""
    if len(closes) < 2:
        value = closes[0]
        return value, value, value, value
    alpha_f, alpha_s = 2.0 / (fast + 1), 2.0 / (slow + 1)
    f = s = closes[0]
    for close in closes[1:-1]:
        f += alpha_f * (close - f)
        s += alpha_s * (close - s)
    last = closes[-1]
    return f, f + alpha_f * (last - f), s, s + alpha_s * (last - s)


def ema_cross(closes: Sequence[float], fast: int = 12, slow: int = 26) -> Cross | None:
    """Return UP when fast crosses above slow at the last close, DOWN for the mirror, else None."""
    if len(closes) < 2:
        return None
    fast_prev, fast_now, slow_prev, slow_now = ema_pair_last_two(closes, fast, slow)
    if fast_prev <= slow_prev and fast_now > slow_now:
        return Cross.UP
    if fast_prev >= slow_prev and fast_now < slow_now:
        return Cross.DOWN
    return None


class EmaCrossStrategy:
    """reference-backtest.md's rules; see the module docstring."""

    name = "ema_cross"
    version = "1"

    def propose(self, inp: StrategyInput) -> Decision | NoTrade:
        """Return an ENTRY on a cross up while flat, an EXIT on a cross down in position, else NoTrade."""
        p = read_params(EmaCrossParams, inp.params)
        closes = inp.view.closes(p.interval)
        if inp.view.bars_seen.get(p.interval, 0) <= p.warmup_bars or len(closes) < 2:
            return NoTrade((R.WARMUP_INCOMPLETE,), f"bars_seen={inp.view.bars_seen.get(p.interval, 0)}")
        cross = ema_cross(closes, p.fast, p.slow)
        costs = CostModel.from_config(inp.risk).estimate(inp.view.spread_bps, inp.view.spread_p50_bps, 0)
        if inp.position is None and cross is Cross.UP:
            return self._entry(inp, p, Decimal(repr(closes[-1])), costs)
        if inp.position is not None and cross is Cross.DOWN:
            plan = close_plan(inp.position.qty, inp.view.bid, inp.view.ask, inp.filters)
            if isinstance(plan, NoTrade):
                return plan
            return build_decision(inp, strategy=self.name, version=self.version, intent=DecisionIntent.EXIT,
                                  entry_plan=None, exit_plan=plan, edge_bps=p.edge_bps, costs=costs,
                                  reasons=(R.SIGNAL_EMA_CROSS_DOWN,))
        return NoTrade((R.NO_SIGNAL,), f"cross={cross}")

    def _entry(self, inp: StrategyInput, p: EmaCrossParams, close: Decimal, costs: Costs) -> Decision | NoTrade:
        shape = ExitShape(stop_bps=p.stop_pct * 10_000, take_profit_bps=p.target_pct * 10_000,
                          stop_limit_gap_bps=Decimal(0), trailing_activation_bps=None, trailing_delta_bps=None,
                          time_stop_ms=None)
        plans = long_plans(EntryOrderType.MARKET, close, inp.free_quote * p.stake_pct, 0, shape, inp.filters)
        if isinstance(plans, NoTrade):
            return plans
        return build_decision(inp, strategy=self.name, version=self.version, intent=DecisionIntent.ENTRY,
                              entry_plan=plans[0], exit_plan=plans[1], edge_bps=p.edge_bps, costs=costs,
                              reasons=(R.SIGNAL_EMA_CROSS_UP,))
