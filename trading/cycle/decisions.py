"""Adapters between the decision pipeline and the I/O around it: gate snapshot, risk context, intents."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from aigate.payload import GateSnapshot
from trading.domain.catalog import SysMode
from trading.domain.catalog.panel import RegimeLabel
from trading.domain.contracts import IntentKind, OrderIntent, OrderType, Side
from trading.domain.contracts.decision import Decision
from trading.domain.risk.context import ClosedTrade, KillSwitch, MarketQuote, RiskContext
from trading.domain.state.store import MarketView
from trading.domain.strategy.base import OpenPosition
from trading.execution.plans import ProtectionPlan
from trading.models import Position
from trading.models.choices import PositionState
from trading.services import open_positions

DAY_MS = 86_400_000


def gate_snapshot(decision: Decision, view: MarketView) -> GateSnapshot:
    """Return the reduced snapshot the AI gate sees for `decision`."""
    regime, radar = view.regime, view.radar
    return GateSnapshot(
        snapshot_id=decision.snapshot_id, symbol=view.symbol, ts_ms=view.ts_ms, bid=view.bid, ask=view.ask,
        regime=regime.label if regime is not None else RegimeLabel.RANGE, spread_bps=view.spread_bps,
        spread_p90_bps=view.spread_p90_bps,
        trend_score_x10000=round(regime.trend * 10_000) if regime is not None else 0,
        range_score_x10000=round(regime.range * 10_000) if regime is not None else 0,
        imbalance_x10000=view.imbalance_x10000, micro_vol_bps=view.micro_vol_bps,
        atr_bps=round(radar.atr_bps) if radar is not None else 0,
        momentum_bps=round(radar.momentum_bps) if radar is not None else 0,
        rvol_x10000=round(radar.rvol * 10_000) if radar is not None else 0,
        price_vs_vwap_bps=round(radar.price_vs_vwap_bps) if radar is not None else 0)


def gate_fn(gate: Any, sys_mode: Callable[[], SysMode]) -> Callable[..., Any]:
    """Return the pipeline's gate callable around the AIGate.

    `on_input(gate_input)` is called with the payload's hashes before the model is asked.
    """
    def call(decision: Decision, view: MarketView, on_input: Callable[[Any], None] | None = None) -> Any:
        return gate.evaluate(decision, gate_snapshot(decision, view), sys_mode(), on_input)
    return call


def open_longs(mode: str) -> dict[str, OpenPosition]:
    return {p.symbol: OpenPosition(p.symbol, p.qty, p.avg_entry_price, p.opened_ts_ms) for p in open_positions(mode)}


def risk_context(*, mode: str, now_ms: int, sys_mode: SysMode, quote_free: Decimal, quote_total: Decimal,
                 peak: Decimal, views: dict[str, MarketView], filters_hash: dict[str, str],
                 halted: frozenset[str] = frozenset(), kill_switch: KillSwitch = KillSwitch.OFF) -> RiskContext:
    """Return the RiskContext at `now_ms` from the database (positions, closed trades) and the store."""
    positions = open_longs(mode)
    marks = {s: views[s].bid if s in views else p.entry_price for s, p in positions.items()}
    equity = quote_total + sum((p.qty * marks[s] for s, p in positions.items()), Decimal(0))
    unrealized = sum(((marks[s] - p.entry_price) * p.qty for s, p in positions.items()), Decimal(0))
    day_start = now_ms - now_ms % DAY_MS
    closed = Position.objects.filter(mode=mode, state=PositionState.CLOSED.value,
                                     closed_ts_ms__gte=now_ms - DAY_MS).order_by("closed_ts_ms")
    trades = tuple(ClosedTrade(p.symbol, p.opened_ts_ms, p.closed_ts_ms, p.realized_pnl_quote)
                   for p in closed)
    realized = sum((t.pnl_quote for t in trades if t.closed_ms >= day_start), Decimal(0))
    quotes = {s: MarketQuote(v.bid, v.ask, v.ts_ms) for s, v in views.items()}
    return RiskContext(now_ms, sys_mode, equity, quote_free, max(peak, equity), realized, unrealized,
                       positions, trades, quotes, filters_hash, halted_symbols=halted, kill_switch=kill_switch)


def entry_intent(decision: Decision, now_ms: int) -> OrderIntent:
    """Return the BUY entry intent of an approved decision (LIMIT with its TTL, or MARKET)."""
    plan = decision.entry_plan
    assert plan is not None
    limit = plan.order_type.value != "MARKET"
    extra: dict[str, Any] = {"price": plan.price, "expires_ts_ms": now_ms + plan.ttl_ms} if limit else {}
    return OrderIntent.new(decision_id=decision.decision_id, kind=IntentKind.ENTRY, symbol=decision.symbol,
                           side=Side.BUY, order_type=OrderType(plan.order_type.value), qty=plan.qty,
                           ts_ms=now_ms, **extra)


def otoco_pair(decision: Decision, entry: OrderIntent, qty: Decimal, now_ms: int) -> OrderIntent:
    """Return the PROTECTION_OCO intent that rides an OTOCO entry: the exit plan's TP / stop pair for `qty`."""
    ex = decision.exit_plan
    assert ex is not None
    return OrderIntent.new(decision_id=decision.decision_id, kind=IntentKind.PROTECTION_OCO, symbol=entry.symbol,
                           side=Side.SELL, order_type=OrderType.OCO, qty=qty, ts_ms=now_ms,
                           price=ex.take_profit_price, stop_price=ex.stop_price, stop_limit_price=ex.stop_limit_price)


def protection_plan(decision: Decision) -> ProtectionPlan:
    """Return the OCO plan of the decision's exit plan."""
    ex = decision.exit_plan
    assert ex is not None
    return ProtectionPlan(ex.take_profit_price, ex.stop_price, ex.stop_limit_price, ex.trailing_delta_bps)
