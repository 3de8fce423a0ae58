"""Protection swaps and covered exits: one cancel-replace request, with a tested fallback.

Steps of `replace_then_fallback`:
1. write the new intent ahead; mark the position SWAPPING; arm the local guard; start the stopwatch;
2. cancel-replace: cancel the current stop (a leg cancels its whole OCO) and place the new order
   in ONE request, so the uncovered window is inside the matching engine;
3. both halves done: CONFIRMED, mirror, re-cover; nothing done (-2022, 429...): still covered;
4. "cancel succeeded, new order failed": the position is uncovered. If the bid already crossed the
   guarded stop, close at market (PROTECTION_SWAP_GUARD_FIRED); else re-place the previous
   protection at once; if that fails too, close at market;
5. stop the stopwatch when covered again (or flat) and audit PROTECTION_SWAP with uncovered_ms.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from trading.domain.catalog import IntentState, ReasonCode
from trading.domain.contracts import IntentKind, OrderIntent, OrderType
from trading.domain.contracts.ids import client_order_id_for
from trading.domain.ports import CancelReplaceResult, ExchangeError, ExecutionUnknown, OrderNotFound
from trading.execution import crashpoints
from trading.execution.guard import Stopwatch
from trading.execution.plans import ProtectionPlan, order_request
from trading.models import Order, Position
from trading.models import OrderIntent as IntentRow
from trading.models.choices import ProtectionState
from trading.services import create_intent, intent_from_row, record_swap, set_protection, transition_intent
from trading.services import upsert_order

if TYPE_CHECKING:
    from trading.execution.protection import PositionManager


@dataclass(frozen=True)
class SwapResult:
    outcome: str  # replaced | unchanged | reprotected | closed_by_guard | closed
    uncovered_ms: int
    intent: IntentRow


def swap_stop(pm: PositionManager, pos: Position, *, stop_price: Decimal, stop_limit_price: Decimal,
              trailing_delta_bps: int | None = None) -> SwapResult | None:
    """Replace the current stop (or OCO) by a single stop / trailing stop; None when nothing covers it."""
    stop = pm._open_stop_row(pos.symbol)
    if stop is None:
        return None
    kind = IntentKind.PROTECTION_TRAILING if trailing_delta_bps else IntentKind.PROTECTION_STOP
    extra = {"trailing_delta_bps": trailing_delta_bps} if trailing_delta_bps else {}
    intent = pm._intent(pos, kind, OrderType.STOP_LOSS_LIMIT, price=stop_limit_price, stop_price=stop_price, **extra)
    return replace_then_fallback(pm, pos, stop, intent, ReasonCode.PROTECTION_PLACED)


def replace_then_fallback(pm: PositionManager, pos: Position, stop: Order, intent: OrderIntent,
                          reason: ReasonCode) -> SwapResult | None:
    """Run the steps in the module docstring; return the outcome (None only if the intent existed)."""
    ctx, ex = pm.ctx, pm.exchange
    row = create_intent(ctx, intent, summary=f"cancel-replace {stop.client_order_id} ({reason.value})")
    if row.state != IntentState.CREATED.value:
        return None
    old = _old_plan(stop)
    previous = (ProtectionState(pos.protection_state), pos.protection_client_order_id, pos.protection_order_list_id)
    set_protection(ctx, pos, ProtectionState.SWAPPING, client_order_id=previous[1], order_list_id=previous[2],
                   reason=reason)
    guard_stop = max(filter(None, (old.stop_price if old else None, intent.stop_price)), default=None)
    if guard_stop is not None:
        pm.guard.arm(pos.symbol, guard_stop)
    watch = Stopwatch(ctx.now_ms())
    try:
        result = ex.cancel_replace(pos.symbol, stop.client_order_id, order_request(intent))
        crashpoints.hit("swap_sent")
    except ExecutionUnknown as err:
        transition_intent(ctx, row, IntentState.SENT_UNKNOWN, ReasonCode.INTENT_SENT_UNKNOWN, last_error=err.detail)
        result = _probe(pm, pos, stop, intent)
    except ExchangeError as err:  # refused as a whole (-2022, 429, skew): the old stop still covers
        transition_intent(ctx, row, IntentState.FAILED_TERMINAL, err.reason, last_error=str(err))
        set_protection(ctx, pos, previous[0], client_order_id=previous[1], order_list_id=previous[2],
                       reason=ReasonCode.PROTECTION_PLACED)
        pm.guard.disarm(pos.symbol)
        return _done(pm, pos, row, intent, "unchanged", watch.stop(watch.started_ms), stop)
    if result.cancel is not None:
        upsert_order(ctx, result.cancel)
    if result.new is not None:
        transition_intent(ctx, row, IntentState.CONFIRMED, ReasonCode.INTENT_CONFIRMED)
        pm.ex.mirror(row, result.new, exit_reason=reason if intent.kind is IntentKind.EXIT_MARKET else None)
        uncovered = watch.stop(ctx.now_ms())
        if intent.kind is not IntentKind.EXIT_MARKET:
            pm.guard.disarm(pos.symbol)
            pos.refresh_from_db()
            state = ProtectionState.TRAILING if intent.trailing_delta_bps else ProtectionState.STOP
            set_protection(ctx, pos, state, client_order_id=intent.client_order_id, reason=ReasonCode.PROTECTION_PLACED)
        return _done(pm, pos, row, intent, "replaced", uncovered, stop)
    detail = f"{result.new_error.code}: {result.new_error.msg}" if result.new_error else "new order not placed"
    if row.state == IntentState.CREATED.value:
        transition_intent(ctx, row, IntentState.FAILED_TERMINAL,
                          result.new_error.reason if result.new_error else ReasonCode.INTENT_REJECTED,
                          last_error=detail)
    return _fallback(pm, pos, row, intent, old, watch, stop)


def _fallback(pm: PositionManager, pos: Position, row: IntentRow, intent: OrderIntent,
              old: ProtectionPlan | None, watch: Stopwatch, stop: Order) -> SwapResult:
    # "Cancel succeeded, new order failed": uncovered now. Guard first, then re-protect, else close.
    pos.refresh_from_db()
    bid = pm.exchange.book_ticker(pos.symbol).bid_price
    if intent.kind is not IntentKind.EXIT_MARKET and not pm.guard.crossed(pos.symbol, bid) and old is not None:
        set_protection(pm.ctx, pos, ProtectionState.NONE, reason=ReasonCode.PROTECTION_MISSING)
        if pm.place_oco(pos, old).state is IntentState.CONFIRMED:
            return _done(pm, pos, row, intent, "reprotected", watch.stop(pm.ctx.now_ms()), stop)
    guard_fired = pm.guard.crossed(pos.symbol, bid)
    why = ReasonCode.PROTECTION_SWAP_GUARD_FIRED if guard_fired else ReasonCode.PROTECTION_MISSING
    exit_intent = pm._intent(pos, IntentKind.EXIT_MARKET, OrderType.MARKET)
    pm.ex.submit(exit_intent, summary=f"close {pos.symbol} uncovered after a failed swap", exit_reason=why)
    pm.guard.disarm(pos.symbol)
    return _done(pm, pos, row, intent, "closed_by_guard" if guard_fired else "closed", watch.stop(pm.ctx.now_ms()), stop)


def _probe(pm: PositionManager, pos: Position, stop: Order, intent: OrderIntent) -> CancelReplaceResult:
    # Unknown answer: ask REST about both halves by client id before deciding anything.
    try:
        old_state = pm.exchange.get_order(pos.symbol, stop.client_order_id)
    except OrderNotFound:
        old_state = None
    try:
        new_state = pm.exchange.get_order(pos.symbol, intent.client_order_id)
    except OrderNotFound:
        new_state = None
    cancelled = old_state is not None and not old_state.is_open
    return CancelReplaceResult(cancel=old_state if cancelled else None, new=new_state)


def _old_plan(stop: Order) -> ProtectionPlan | None:
    for r in IntentRow.objects.filter(symbol=stop.symbol, kind=IntentKind.PROTECTION_OCO.value,
                                      state=IntentState.CONFIRMED.value):
        if client_order_id_for(r.order_intent_id, "below") == stop.client_order_id:
            i = intent_from_row(r)
            assert i.price is not None and i.stop_price is not None and i.stop_limit_price is not None
            return ProtectionPlan(i.price, i.stop_price, i.stop_limit_price)
    return None


def _done(pm: PositionManager, pos: Position, row: IntentRow, intent: OrderIntent, outcome: str,
          uncovered_ms: int, stop: Order) -> SwapResult:
    if intent.kind is not IntentKind.EXIT_MARKET:
        record_swap(pm.ctx, pos, old_client_id=stop.client_order_id, new_client_id=intent.client_order_id,
                    uncovered_ms=uncovered_ms, outcome=outcome,
                    reason=ReasonCode.PROTECTION_SWAP_GUARD_FIRED if outcome == "closed_by_guard"
                    else ReasonCode.PROTECTION_PLACED if outcome in ("replaced", "reprotected", "unchanged")
                    else ReasonCode.PROTECTION_MISSING)
    return SwapResult(outcome, uncovered_ms, row)
