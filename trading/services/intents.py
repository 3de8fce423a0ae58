"""Intent services: the write-ahead row and its conditional moves along the intent table.

`create_intent` commits the CREATED row and waits for its ORDER_SUBMIT audit event BEFORE the
caller sends anything (design §7). Every later move is `WHERE state = expected` with a row
count of 1, so a restarted or second process can never move an intent twice.
"""
from __future__ import annotations

from decimal import Decimal

from trading.domain.catalog import AuditEventType, IntentState, ReasonCode, StageName
from trading.domain.contracts import IntentKind, OrderIntent, OrderType, Side
from trading.domain.states import check_intent_transition
from trading.models import OrderIntent as IntentRow
from trading.models.base import SUMMARY_MAX
from trading.services.context import ServiceContext


def create_intent(ctx: ServiceContext, intent: OrderIntent, *, summary: str = "",
                  extra: dict[str, object] | None = None) -> IntentRow:
    """Commit the CREATED row and its ORDER_SUBMIT event (write-ahead); return the row.

    Idempotent: an intent id that already exists returns the stored row and audits nothing,
    so a retry after a crash reuses the same client order id. `extra` goes into the audit
    data only (e.g. the OCO stop leg's trailing delta, which the intent contract cannot hold).
    """
    row, created = IntentRow.objects.get_or_create(
        order_intent_id=intent.order_intent_id,
        defaults=dict(
            run_id=ctx.run_id, cycle_id=ctx.cycle_id, decision_id=intent.decision_id, mode=ctx.mode,
            symbol=intent.symbol, attempt=intent.attempt, kind=intent.kind.value, side=intent.side.value,
            order_type=intent.order_type.value, qty=intent.qty, price=intent.price, stop_price=intent.stop_price,
            stop_limit_price=intent.stop_limit_price, trailing_delta_bps=intent.trailing_delta_bps,
            client_order_id=intent.client_order_id, target_client_order_id=intent.target_client_order_id,
            state=intent.state.value, reason=intent.reason.value if intent.reason else "",
            created_ts_ms=intent.created_ts_ms, updated_ts_ms=intent.updated_ts_ms,
            expires_ts_ms=intent.expires_ts_ms, summary=summary[:SUMMARY_MAX]))
    if created:
        ctx.emit(AuditEventType.ORDER_SUBMIT, stage=StageName.EXECUTE_INTENT, symbol=intent.symbol,
                 decision_id=intent.decision_id, order_intent_id=intent.order_intent_id,
                 data={**intent.to_dict(), **(extra or {}), "summary": summary[:SUMMARY_MAX]}, wait=True)
    return row


def transition_intent(ctx: ServiceContext, row: IntentRow, new: IntentState, reason: ReasonCode, *,
                      last_error: str = "", summary: str = "") -> bool:
    """Move `row` from its current state to `new` if nobody moved it first; return True if moved.

    Raises IllegalTransition for an edge the intent table lacks (a bug, never data).
    """
    expected = IntentState(row.state)
    check_intent_transition(expected, new)
    now = max(ctx.now_ms(), row.updated_ts_ms)
    fields: dict[str, object] = {"state": new.value, "reason": reason.value, "updated_ts_ms": now,
                                 "run_id": ctx.run_id}
    if last_error:
        fields["last_error"] = last_error[:SUMMARY_MAX]
    if summary:
        fields["summary"] = summary[:SUMMARY_MAX]
    moved = IntentRow.objects.filter(pk=row.pk, state=expected.value).update(**fields) == 1
    if not moved:
        return False
    for name, value in fields.items():
        setattr(row, name, value)
    ctx.emit(AuditEventType.INTENT_CHANGED, stage=StageName.EXECUTE_INTENT, symbol=row.symbol,
             decision_id=row.decision_id, order_intent_id=row.order_intent_id, reasons=(reason,),
             data={"from": expected.value, "to": new.value, "client_order_id": row.client_order_id,
                   "kind": row.kind, "error": last_error[:SUMMARY_MAX]})
    return True


def note_intent(ctx: ServiceContext, row: IntentRow, reason: ReasonCode, summary: str) -> bool:
    """Record a reason on an intent without moving it (e.g. ENTRY_TTL_EXPIRED on a CONFIRMED entry).

    Also how a row that keeps failing is parked: its reason and error say why, and the worker
    skips it instead of crash-looping. Returns True if the row still had its state.
    """
    now = max(ctx.now_ms(), row.updated_ts_ms)
    changed = IntentRow.objects.filter(pk=row.pk, state=row.state).update(
        reason=reason.value, summary=summary[:SUMMARY_MAX], updated_ts_ms=now) == 1
    if changed:
        row.reason, row.summary, row.updated_ts_ms = reason.value, summary[:SUMMARY_MAX], now
        ctx.emit(AuditEventType.INTENT_CHANGED, stage=StageName.EXECUTE_INTENT, symbol=row.symbol,
                 decision_id=row.decision_id, order_intent_id=row.order_intent_id, reasons=(reason,),
                 data={"from": row.state, "to": row.state, "client_order_id": row.client_order_id,
                       "summary": summary[:SUMMARY_MAX]})
    return changed


def intent_from_row(row: IntentRow) -> OrderIntent:
    """Return the immutable contract value of a stored intent (ids re-checked on construction)."""
    return OrderIntent(
        order_intent_id=row.order_intent_id, decision_id=row.decision_id, attempt=row.attempt, symbol=row.symbol,
        kind=IntentKind(row.kind), side=Side(row.side), order_type=OrderType(row.order_type),
        qty=Decimal(row.qty), price=row.price, stop_price=row.stop_price, stop_limit_price=row.stop_limit_price,
        trailing_delta_bps=row.trailing_delta_bps, client_order_id=row.client_order_id,
        state=IntentState(row.state), created_ts_ms=row.created_ts_ms, updated_ts_ms=row.updated_ts_ms,
        expires_ts_ms=row.expires_ts_ms, reason=ReasonCode(row.reason) if row.reason else None,
        target_client_order_id=row.target_client_order_id)


def intents_in(state: IntentState, *, kinds: tuple[IntentKind, ...] = ()) -> list[IntentRow]:
    """Return the intents in `state` (optionally of `kinds`), oldest first."""
    qs = IntentRow.objects.filter(state=state.value)
    if kinds:
        qs = qs.filter(kind__in=[k.value for k in kinds])
    return list(qs.order_by("updated_ts_ms", "pk"))
