"""Resolving intents whose fate is unknown, crash leftovers, and entry TTLs (design §7).

- SENT_UNKNOWN: query by client order id (order list id for an OCO). Found: CONFIRMED and
  mirrored (orders, fills). Not found: NOT_FOUND only once recvWindow has passed since the
  send (until then a delayed request can still reach the engine); else try again later.
- CREATED at boot: the previous process may have crashed after sending, so it is treated
  as SENT_UNKNOWN from now on (now is later than any timestamp it could have signed).
- Entry TTL: a CONFIRMED entry still open at `expires_ts_ms` is cancelled (ENTRY_TTL_EXPIRED).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from trading.domain.catalog import IntentState, ReasonCode, StageName
from trading.domain.contracts import IntentKind, OrderType
from trading.domain.ports import ExchangeError, OrderListState, OrderNotFound, OrderState, OrderStatus
from trading.models import Order
from trading.models import OrderIntent as IntentRow
from trading.services import TradeFill, intents_in, note_intent, record_fill, transition_intent, upsert_order
from trading.services.orders import OPEN_STATUSES

if TYPE_CHECKING:
    from trading.execution.executor import Executor

# Extra margin on top of recvWindow for the offset between our clock and the exchange's.
CLOCK_MARGIN_MS = 1000


def recover_created_intents(ex: Executor) -> int:
    """At boot: move every CREATED intent to SENT_UNKNOWN (it may have been sent); return how many."""
    moved = 0
    for row in intents_in(IntentState.CREATED):
        moved += transition_intent(ex.ctx, row, IntentState.SENT_UNKNOWN, ReasonCode.INTENT_SENT_UNKNOWN,
                                   last_error="found CREATED at startup: may have been sent before a crash")
    return moved


def resolve_unknown_intents(ex: Executor) -> bool:
    """Query every SENT_UNKNOWN intent by client id; return True if any was resolved."""
    did = False
    for row in intents_in(IntentState.SENT_UNKNOWN):
        try:
            did |= _resolve_one(ex, row)
        except ExchangeError:
            continue  # the query itself failed (rate limit, outage): the next tick asks again
    return did


def _resolve_one(ex: Executor, row: IntentRow) -> bool:
    try:
        answer = _query(ex, row)
    except OrderNotFound:
        window = ex.exchange.recv_window_ms + CLOCK_MARGIN_MS
        if ex.ctx.now_ms() - row.updated_ts_ms <= window:
            return False  # the request could still arrive: ask again later
        return transition_intent(ex.ctx, row, IntentState.NOT_FOUND, ReasonCode.INTENT_NOT_FOUND,
                                 summary=f"not found {window} ms after sending")
    if isinstance(answer, OrderState) and answer.status is OrderStatus.REJECTED:
        return transition_intent(ex.ctx, row, IntentState.FAILED_TERMINAL, ReasonCode.INTENT_REJECTED)
    if row.kind == IntentKind.CANCEL.value:
        assert isinstance(answer, OrderState)
        if answer.is_open:  # the target is still open: the cancel never happened
            return _not_found_later(ex, row)
        upsert_order(ex.ctx, answer)
        return transition_intent(ex.ctx, row, IntentState.CONFIRMED, ReasonCode.INTENT_CONFIRMED)
    moved = transition_intent(ex.ctx, row, IntentState.CONFIRMED, ReasonCode.INTENT_CONFIRMED,
                              summary="found by client order id after an unknown send")
    sync_answer(ex, row, answer)
    return moved


def _not_found_later(ex: Executor, row: IntentRow) -> bool:
    if ex.ctx.now_ms() - row.updated_ts_ms <= ex.exchange.recv_window_ms + CLOCK_MARGIN_MS:
        return False
    return transition_intent(ex.ctx, row, IntentState.NOT_FOUND, ReasonCode.INTENT_NOT_FOUND)


def query_target(ex: Executor, row: IntentRow) -> OrderState:
    """Return the order a CANCEL intent targets (the first leg for an order list), by REST."""
    if row.order_type == OrderType.OCO.value:
        lst = ex.exchange.get_order_list(row.target_client_order_id)
        return ex.exchange.get_order(row.symbol, lst.orders[0].client_order_id)
    return ex.exchange.get_order(row.symbol, row.target_client_order_id)


def _query(ex: Executor, row: IntentRow) -> OrderState | OrderListState:
    if row.kind == IntentKind.CANCEL.value:
        return query_target(ex, row)
    if row.order_type == OrderType.OCO.value:
        return ex.exchange.get_order_list(row.client_order_id)
    return ex.exchange.get_order(row.symbol, row.client_order_id)


def sync_answer(ex: Executor, row: IntentRow, answer: OrderState | OrderListState) -> None:
    """Mirror a queried order (or each order of a list) and backfill its trades from myTrades."""
    refs = answer.orders if isinstance(answer, OrderListState) else ()
    states = [ex.exchange.get_order(r.symbol, r.client_order_id) for r in refs] if refs else [answer]
    for state in states:
        assert isinstance(state, OrderState)
        upsert_order(ex.ctx, state, order_intent_id=row.order_intent_id, decision_id=row.decision_id)
        if state.executed_qty > 0:
            sync_trades(ex, state, order_intent_id=row.order_intent_id, decision_id=row.decision_id)


def sync_trades(ex: Executor, state: OrderState, *, order_intent_id: str = "", decision_id: str = "",
                exit_reason: ReasonCode | None = None) -> int:
    """Record the trades of one order from myTrades (deduplicated); return how many were new."""
    new = 0
    for t in ex.exchange.my_trades(state.symbol, order_id=state.order_id):
        f = TradeFill.from_trade(t, state.client_order_id, order_intent_id=order_intent_id, decision_id=decision_id)
        new += record_fill(ex.ctx, f, dust_qty=ex.instruments.dust_qty(t.symbol, t.price),
                           exit_reason=exit_reason, stage=StageName.EXECUTE_INTENT).fill is not None
    return new


def expire_entries(ex: Executor) -> bool:
    """Cancel CONFIRMED entries still open past their TTL; return True if any was handled.

    REST is asked first: an entry that filled (or closed) before its TTL is mirrored with its
    trades, not cancelled, so it ends as the fill it is (then protected by the position manager).
    A cancel that races a fill finds the target closed and is resolved the same way (`Executor`).
    Only an entry whose order was really cancelled is noted ENTRY_TTL_EXPIRED.
    """
    now, did = ex.ctx.now_ms(), False
    open_ids = Order.objects.filter(status__in=OPEN_STATUSES).values("client_order_id")
    due = IntentRow.objects.filter(kind=IntentKind.ENTRY.value, state=IntentState.CONFIRMED.value,
                                   expires_ts_ms__lte=now, client_order_id__in=open_ids
                                   ).exclude(reason=ReasonCode.ENTRY_TTL_EXPIRED.value)
    for row in due:
        try:
            state = ex.exchange.get_order(row.symbol, row.client_order_id)
            if state.is_open:
                out = ex.cancel(row, ReasonCode.ENTRY_TTL_EXPIRED)
                state = ex.exchange.get_order(row.symbol, row.client_order_id)
            else:
                out = None
        except ExchangeError:
            continue  # REST unavailable: the next tick asks again
        sync_answer(ex, row, state)  # the order's final state and every trade it had
        if state.status is not OrderStatus.FILLED:
            cancel = out.state.value if out is not None else f"order {state.status.value if state.status else '?'}"
            note_intent(ex.ctx, row, ReasonCode.ENTRY_TTL_EXPIRED, f"entry TTL expired: cancel {cancel}")
        did = True
    return did
