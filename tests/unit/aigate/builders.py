"""Builders for AI gate tests: a fixed cast of valid decisions and their snapshots.

ENTRY on BTCUSDT: buy 0.00100 @ 60000.00, stop 59400.00 / limit 59350.00, take profit 61200.00,
trail from 60600.00 by 50 bps, time stop 1 h. MANAGE: the open long's OCO (stop 59800.00,
take profit 61200.00, 0.00100 protected) with the market at 60300.00/60300.01.
"""
from __future__ import annotations

import json
from decimal import Decimal as D
from typing import Any

from aigate.payload import GateSnapshot
from trading.domain.catalog.panel import RegimeLabel
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.canonical import sha256_hex
from trading.domain.contracts.decision import (
    Costs,
    Decision,
    DecisionConstraints,
    DecisionIntent,
    EntryOrderType,
    EntryPlan,
    ExitPlan,
    Side,
)

RUN_ID = "r-20261122T000000Z-a1b2c3"
TICK, STEP = D("0.01"), D("0.00001")
CONSTRAINTS = DecisionConstraints(tick_size=TICK, step_size=STEP, min_qty=D("0.00001"), min_notional=D("5"),
                                  max_notional=D("9000000"), filters_hash=sha256_hex({"BTCUSDT": "filters"}))
ENTRY_PLAN = EntryPlan(EntryOrderType.LIMIT, price=D("60000.00"), qty=D("0.00100"), ttl_ms=20_000)
ENTRY_EXIT = ExitPlan(take_profit_price=D("61200.00"), stop_price=D("59400.00"), stop_limit_price=D("59350.00"),
                      trailing_activation_price=D("60600.00"), trailing_delta_bps=50, time_stop_ms=3_600_000)
MANAGE_EXIT = ExitPlan(take_profit_price=D("61200.00"), stop_price=D("59800.00"),
                       stop_limit_price=D("59750.00"), close_qty=D("0.00100"))


def decision_fields(run_id: str = RUN_ID, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = dict(
        ts_ms=1_795_000_000_000, run_id=run_id, cycle_id=f"{run_id}-c7", snapshot_id="snap-btc-7",
        symbol="BTCUSDT", intent=DecisionIntent.ENTRY, side=Side.BUY, entry_plan=ENTRY_PLAN,
        exit_plan=ENTRY_EXIT, constraints=CONSTRAINTS, edge_bps=45,
        costs=Costs(fees_bps=20, spread_bps=2, slippage_bps=3),
        reason_codes=(ReasonCode.SIGNAL_TREND_LONG, ReasonCode.SIGNAL_ABOVE_VWAP),
        strategy="trend_pullback", strategy_version="1.2.0",
    )
    fields.update(overrides)
    return fields


def make_entry(run_id: str = RUN_ID, **overrides: Any) -> Decision:
    """Return the cast's ENTRY decision (overrides replace fields)."""
    return Decision.build(**decision_fields(run_id, **overrides))


def make_manage(run_id: str = RUN_ID, **overrides: Any) -> Decision:
    """Return the cast's MANAGE decision on the open long."""
    base: dict[str, Any] = dict(intent=DecisionIntent.MANAGE, side=Side.SELL, entry_plan=None,
                                exit_plan=MANAGE_EXIT, reason_codes=(ReasonCode.TRAIL_ACTIVATED,))
    return make_entry(run_id, **{**base, **overrides})


def make_exit(run_id: str = RUN_ID, **overrides: Any) -> Decision:
    """Return an EXIT of the open long."""
    return make_manage(run_id, intent=DecisionIntent.EXIT, reason_codes=(ReasonCode.NO_SIGNAL,), **overrides)


def make_snapshot(decision: Decision, **overrides: Any) -> GateSnapshot:
    """Return the snapshot `decision` was proposed on (market near the entry, or above it when open)."""
    is_entry = decision.intent is DecisionIntent.ENTRY
    fields: dict[str, Any] = dict(
        snapshot_id=decision.snapshot_id, symbol=decision.symbol, ts_ms=decision.ts_ms - 400,
        bid=D("59999.99") if is_entry else D("60300.00"), ask=D("60000.00") if is_entry else D("60300.01"),
        regime=RegimeLabel.TREND, spread_bps=2, spread_p90_bps=4, trend_score_x10000=8_100,
        range_score_x10000=1_900, imbalance_x10000=600, micro_vol_bps=7, atr_bps=35, momentum_bps=22,
        rvol_x10000=14_000, price_vs_vwap_bps=9,
        position_qty=None if is_entry else D("0.00100"),
        position_entry_price=None if is_entry else D("60000.00"),
    )
    fields.update(overrides)
    return GateSnapshot(**fields)


def mod(**fields: Any) -> dict[str, Any]:
    """Return a complete modification object with `fields` set and the rest null."""
    keys = ("qty", "stop_price", "stop_limit_price", "take_profit_price", "trailing_activation_price",
            "trailing_delta_bps", "time_stop_ms")
    return {key: fields.get(key) for key in keys}


def answer_text(verdict: str, reasons: list[str] | None = None, modification: dict[str, Any] | None = None) -> str:
    """Return a model answer as JSON text."""
    return json.dumps({"verdict": verdict, "reasons": reasons or [], "modification": modification})
