"""Order services: mirror what the exchange reports about one order (REST is the final truth)."""
from __future__ import annotations

from trading.domain.catalog import AuditEventType, IntentState, ReasonCode, StageName
from trading.domain.contracts import IntentKind
from trading.domain.ports import OrderState
from trading.models import Order
from trading.models import OrderIntent as IntentRow
from trading.models.choices import OrderStatus
from trading.services.context import ServiceContext

_CLOSED = {OrderStatus.FILLED, OrderStatus.CANCELED, OrderStatus.REJECTED, OrderStatus.EXPIRED,
           OrderStatus.EXPIRED_IN_MATCH}
OPEN_STATUSES = tuple(s.value for s in OrderStatus if s not in _CLOSED)


def upsert_order(ctx: ServiceContext, state: OrderState, *, order_intent_id: str = "", decision_id: str = "",
                 stage: StageName = StageName.EXECUTE_INTENT,
                 reasons: tuple[ReasonCode, ...] = ()) -> Order | None:
    """Insert or update the row of one exchange order; audit ORDER_UPDATE when it changed.

    Returns the row, or None for an ACK without status/type (nothing to mirror yet). A closed
    order never reopens: a late stream event cannot undo what REST already said.
    """
    if state.status is None or state.type is None or state.side is None:
        return None
    updated = state.update_time_ms or state.time_ms
    row = Order.objects.filter(symbol=state.symbol, exchange_order_id=state.order_id).first()
    if row is None:
        row = Order.objects.create(
            run_id=ctx.run_id, cycle_id=ctx.cycle_id, decision_id=decision_id, mode=ctx.mode, symbol=state.symbol,
            exchange_order_id=state.order_id, client_order_id=state.client_order_id,
            order_list_id=state.order_list_id, order_intent_id=order_intent_id, status=state.status.value,
            order_type=state.type.value, side=state.side.value,
            time_in_force=state.time_in_force.value if state.time_in_force else "",
            price=state.price or None, stop_price=state.stop_price, orig_qty=state.orig_qty,
            executed_qty=state.executed_qty, cummulative_quote_qty=state.cumulative_quote_qty,
            created_ts_ms=state.time_ms, updated_ts_ms=updated)
        _audit(ctx, row, None, stage, reasons)
        return row
    old = OrderStatus(row.status)
    if old in _CLOSED and state.status.value not in [s.value for s in _CLOSED]:
        return row
    if old.value == state.status.value and row.executed_qty == state.executed_qty:
        return row
    Order.objects.filter(pk=row.pk).update(
        status=state.status.value, executed_qty=state.executed_qty, cummulative_quote_qty=state.cumulative_quote_qty,
        updated_ts_ms=max(updated, row.updated_ts_ms), run_id=ctx.run_id,
        order_intent_id=row.order_intent_id or order_intent_id)
    row.refresh_from_db()
    _audit(ctx, row, old.value, stage, reasons)
    return row


def open_order_rows(symbol: str | None = None) -> list[Order]:
    """Return the orders the database believes are still open."""
    qs = Order.objects.filter(status__in=OPEN_STATUSES)
    return list(qs.filter(symbol=symbol) if symbol else qs)


def _audit(ctx: ServiceContext, row: Order, old: str | None, stage: StageName,
           reasons: tuple[ReasonCode, ...]) -> None:
    ctx.emit(AuditEventType.ORDER_UPDATE, stage=stage, symbol=row.symbol, decision_id=row.decision_id,
             order_intent_id=row.order_intent_id, reasons=reasons,
             data={"exchange_order_id": row.exchange_order_id, "client_order_id": row.client_order_id,
                   "order_list_id": row.order_list_id, "from": old, "status": row.status,
                   "type": row.order_type, "side": row.side, "orig_qty": str(row.orig_qty),
                   "executed_qty": str(row.executed_qty)})


def open_entry_intents(mode: str) -> list[IntentRow]:
    """Return the CONFIRMED entry intents of `mode` whose order the database believes is still open."""
    open_ids = Order.objects.filter(status__in=OPEN_STATUSES, side="BUY").values_list("client_order_id", flat=True)
    return list(IntentRow.objects.filter(mode=mode, kind=IntentKind.ENTRY.value, state=IntentState.CONFIRMED.value,
                                         client_order_id__in=open_ids).order_by("created_ts_ms"))
