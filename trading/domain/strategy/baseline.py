"""The default strategy ("baseline"): trend pullback long with ATR exits and a cost-aware edge.

Entry, when flat: TREND regime (efficiency ratio >= min), positive multi-timeframe momentum,
price above VWAP but not extended (a pullback, not a chase), spread under the limit; stop and
take profit at ATR multiples of the ATR interval; a trail between them; a time stop at the max
hold. The expected edge is p_win x TP - (1 - p_win) x SL, with p_win rising with the trend
score, minus the round-trip costs (fees, spread, slippage); below the minimum it is no trade.
When in a position it only proposes the time-stop EXIT: the exchange-side OCO does the rest.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from trading.domain.catalog.panel import RegimeLabel
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.decision import Costs, Decision, DecisionIntent, EntryOrderType
from trading.domain.state.features import atr_bps
from trading.domain.state.store import MarketView
from trading.domain.strategy.base import NoTrade, OpenPosition, StrategyInput
from trading.domain.strategy.build import build_decision
from trading.domain.strategy.costs import CostModel
from trading.domain.strategy.params import read_params
from trading.domain.strategy.plans import ExitShape, close_plan, long_plans
from trading.domain.strategy.sizing import SizingInput, size_entry

R = ReasonCode


@dataclass(frozen=True, slots=True)
class BaselineParams:
    """Declared once; `strategy.params` overrides by key (ratios as decimal strings)."""

    atr_interval: str = "15m"
    stop_atr: Decimal = Decimal("1.25")
    take_profit_atr: Decimal = Decimal("2.5")
    stop_limit_gap_bps: Decimal = Decimal("10")
    min_trend_x10000: int = 3000
    max_vwap_extension_bps: int = 80
    volume_surge_x100: int = 150
    no_trade_band_pct: Decimal = Decimal("0.1")


def win_probability(trend: float, momentum_bps: float) -> float:
    """Return the heuristic chance the take profit comes before the stop (0.2..0.7)."""
    p = 0.35 + 0.25 * trend + (0.05 if momentum_bps > 0 else -0.05)
    return min(0.7, max(0.2, p))


def gross_edge_bps(p_win: float, take_profit_bps: float, stop_bps: float) -> float:
    """Return the expected move of the bracket before costs."""
    return p_win * take_profit_bps - (1.0 - p_win) * stop_bps


def _bracket_bps(p: BaselineParams, atr: float) -> tuple[Decimal, Decimal]:
    atr_d = Decimal(str(round(atr, 2)))
    return p.stop_atr * atr_d, p.take_profit_atr * atr_d


def edge_estimate(v: MarketView, atr: float, p: BaselineParams, model: CostModel) -> tuple[int, Costs, int]:
    """Return (gross edge bps, round-trip Costs, edge net of costs) of the ATR bracket on `v`."""
    stop_bps, tp_bps = _bracket_bps(p, atr)
    trend = 0.0 if v.regime is None else v.regime.trend
    momentum = 0.0 if v.radar is None else v.radar.momentum_bps
    gross = int(gross_edge_bps(win_probability(trend, momentum), float(tp_bps), float(stop_bps)))
    costs = model.estimate(v.spread_bps, v.spread_p50_bps, v.micro_vol_bps)
    return gross, costs, gross - costs.total_bps


class BaselineStrategy:
    """Trend pullback long; see the module docstring."""

    name = "baseline"
    version = "1"

    def propose(self, inp: StrategyInput) -> Decision | NoTrade:
        """Return an ENTRY when flat and the setup holds, a time-stop EXIT when due, else NoTrade."""
        params = read_params(BaselineParams, inp.params)
        if inp.position is not None:
            return self._manage(inp, inp.position)
        setup = _setup(inp.view, params, inp.risk.max_spread_bps)
        if isinstance(setup, NoTrade):
            return setup
        reasons, atr = setup
        return self._entry(inp, params, reasons, atr)

    def _entry(self, inp: StrategyInput, p: BaselineParams, reasons: tuple[ReasonCode, ...],
               atr: float) -> Decision | NoTrade:
        v = inp.view
        stop_bps, tp_bps = _bracket_bps(p, atr)
        gross, costs, edge = edge_estimate(v, atr, p, CostModel.from_config(inp.risk))
        if edge < inp.risk.min_edge_bps_after_costs:
            return NoTrade((R.EDGE_BELOW_COSTS,), f"gross_bps={gross} costs_bps={costs.total_bps}", edge)
        entry_type = EntryOrderType(inp.execution.entry_order_type)
        reference = v.ask if entry_type is EntryOrderType.MARKET else v.bid
        quote = size_entry(SizingInput(
            inp.equity_quote, inp.free_quote, reference, reference * (1 - stop_bps / 10_000),
            inp.risk.risk_per_trade_pct, inp.risk.max_exposure_symbol_quote, Decimal(0),
            inp.filters.min_notional, inp.risk.fee_bps, p.no_trade_band_pct))
        if isinstance(quote, NoTrade):
            return quote
        plans = long_plans(entry_type, reference, quote, inp.execution.entry_ttl_ms,
                           _shape(inp, p, stop_bps, tp_bps), inp.filters)
        if isinstance(plans, NoTrade):
            return plans
        return build_decision(inp, strategy=self.name, version=self.version, intent=DecisionIntent.ENTRY,
                              entry_plan=plans[0], exit_plan=plans[1], edge_bps=edge, costs=costs, reasons=reasons)

    def _manage(self, inp: StrategyInput, position: OpenPosition) -> Decision | NoTrade:
        if inp.now_ms - position.opened_ms < inp.risk.max_hold_s * 1000:
            return NoTrade((R.NO_SIGNAL,), "holding: protection on the exchange")
        plan = close_plan(position.qty, inp.view.bid, inp.view.ask, inp.filters)
        if isinstance(plan, NoTrade):
            return plan
        costs = CostModel.from_config(inp.risk).estimate(inp.view.spread_bps, inp.view.spread_p50_bps, 0)
        return build_decision(inp, strategy=self.name, version=self.version, intent=DecisionIntent.EXIT,
                              entry_plan=None, exit_plan=plan, edge_bps=0, costs=costs, reasons=(R.TIME_STOP,))


def _shape(inp: StrategyInput, p: BaselineParams, stop_bps: Decimal, tp_bps: Decimal) -> ExitShape:
    trail = inp.execution.trailing
    return ExitShape(stop_bps=stop_bps, take_profit_bps=tp_bps, stop_limit_gap_bps=p.stop_limit_gap_bps,
                     trailing_activation_bps=Decimal(trail.activation_bps) if trail.enabled else None,
                     trailing_delta_bps=trail.delta_bps if trail.enabled else None,
                     time_stop_ms=inp.risk.max_hold_s * 1000)


def _setup(v: MarketView, p: BaselineParams, max_spread_bps: int) -> tuple[tuple[ReasonCode, ...], float] | NoTrade:
    atr = atr_bps(v.bars.get(p.atr_interval, ()))
    if v.regime is None or v.radar is None or atr is None or atr <= 0:
        return NoTrade((R.WARMUP_INCOMPLETE,), f"atr_interval={p.atr_interval}")
    if v.spread_bps > max_spread_bps:
        return NoTrade((R.SPREAD_TOO_WIDE,), f"spread_bps={v.spread_bps}")
    if v.regime.label is not RegimeLabel.TREND or v.regime.trend_x10000 < p.min_trend_x10000:
        return NoTrade((R.NO_SIGNAL,), f"regime={v.regime.label} trend_x10000={v.regime.trend_x10000}")
    r = v.radar
    if r.momentum_bps <= 0 or not 0 <= r.price_vs_vwap_bps <= p.max_vwap_extension_bps:
        return NoTrade((R.NO_SIGNAL,), f"momentum_bps={r.momentum_bps:.1f} vwap_bps={r.price_vs_vwap_bps:.1f}")
    reasons = [R.SIGNAL_TREND_LONG, R.SIGNAL_MOMENTUM, R.SIGNAL_ABOVE_VWAP]
    if r.rvol * 100 >= p.volume_surge_x100:
        reasons.append(R.SIGNAL_VOLUME_SURGE)
    return tuple(reasons), atr
