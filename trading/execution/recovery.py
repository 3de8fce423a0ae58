"""Startup recovery, before any entry (design §7): resolve intents, reconcile, adopt or close, protect.

Steps of `recover_at_boot`:
1. CREATED leftovers -> SENT_UNKNOWN, then resolve every SENT_UNKNOWN by client id;
2. a BOOT reconcile (orders synced, fills backfilled, drift scored and recorded);
3. open orders of ours (or anyone's) the database lacks are mirrored, so their stops count;
4. balances without a position, per `reconcile.startup_policy`: MANAGE_ONLY and PAUSE adopt
   them, CLOSE_SAFELY sells them at market; PAUSE then pauses entries;
5. every open position without an exchange stop gets one (the plan from `plan_for`), or is
   closed at market if it cannot be protected: no position is left without a stop.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from trading.domain.catalog import ReasonCode, StageName, SysMode
from trading.execution.plans import ProtectionPlan
from trading.execution.protection import PositionManager
from trading.execution.reconcile import Reconciler
from trading.models import Order, ReconcileRun
from trading.models.choices import ProtectionState, ReconcileTrigger
from trading.services import adopt_position, open_position, open_positions, upsert_order

PlanFor = Callable[[str, Decimal], ProtectionPlan]  # (symbol, mid) -> plan for an adopted position


@dataclass
class RecoveryReport:
    run: ReconcileRun | None = None
    adopted: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    protected: list[str] = field(default_factory=list)


def recover_at_boot(pm: PositionManager, reconciler: Reconciler, *, policy: str, symbols: Iterable[str],
                    plan_for: PlanFor) -> RecoveryReport:
    """Run the steps in the module docstring; return what was adopted, closed and protected."""
    ex, ctx, exchange = pm.ex, pm.ctx, pm.exchange
    report = RecoveryReport()
    ex.recover_created_intents()
    ex.resolve_unknown_intents()
    report.run = reconciler.run(ReconcileTrigger.BOOT, symbols)
    for state in exchange.open_orders():
        if not Order.objects.filter(symbol=state.symbol, exchange_order_id=state.order_id).exists():
            upsert_order(ctx, state, stage=StageName.STARTUP_RECOVER, reasons=(ReasonCode.RECOVERY_ADOPTED,))
    balances = {a: b.free + b.locked for a, b in exchange.account().balances.items()}
    for symbol in sorted(set(symbols)):
        if open_position(symbol, ctx.mode) is not None:
            continue
        qty = ex.instruments.floor_qty(symbol, balances.get(symbol.removesuffix("USDT"), Decimal(0)))
        mid = exchange.book_ticker(symbol).mid
        if qty <= ex.instruments.dust_qty(symbol, mid):
            continue
        pos = adopt_position(ctx, symbol, qty, mid)
        report.adopted.append(symbol)
        if policy == "CLOSE_SAFELY" and pm.exit_market(pos, ReasonCode.RECOVERY_CLOSED):
            report.closed.append(symbol)
    for pos in open_positions(ctx.mode):
        if pos.protection_state in (ProtectionState.NONE.value, ProtectionState.SWAPPING.value):
            if pm.ensure_protected(pos, plan_for(pos.symbol, exchange.book_ticker(pos.symbol).mid)):
                report.protected.append(pos.symbol)
            elif pm.exit_market(pos, ReasonCode.PROTECTION_MISSING):
                report.closed.append(pos.symbol)
    if policy == "PAUSE" and ctx.sysmode is not None:
        ctx.sysmode.escalate(SysMode.PAUSE, ReasonCode.RECOVERY_ADOPTED, "startup policy PAUSE")
    return report
