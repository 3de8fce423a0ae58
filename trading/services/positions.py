"""Position services: quantity, basis, fees and PnL per fill, and the protection columns.

Every change is a conditional update on the row as read (state OPEN, same updated_ts_ms), so
two writers cannot both apply a change; each is audited as POSITION_UPDATE or PROTECTION_SWAP.
"""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from trading.domain.catalog import AuditEventType, ReasonCode, StageName
from trading.execution.pnl import PositionMath, split_symbol
from trading.models import Fill, Position
from trading.models.choices import PositionState, ProtectionState
from trading.services.context import ServiceContext


class PositionConflict(RuntimeError):
    """The position row changed under us: the caller should re-read and retry."""


def open_position(symbol: str, mode: str) -> Position | None:
    """Return the OPEN position of `symbol` in `mode`, if any."""
    return Position.objects.filter(mode=mode, symbol=symbol, state=PositionState.OPEN.value).first()


def open_positions(mode: str) -> list[Position]:
    return list(Position.objects.filter(mode=mode, state=PositionState.OPEN.value).order_by("opened_ts_ms"))


def math_of(p: Position) -> PositionMath:
    return PositionMath(p.qty, p.avg_entry_price, p.realized_pnl_quote, p.fees_quote)


def apply_fill(ctx: ServiceContext, fill: Fill, *, dust_qty: Decimal, exit_reason: ReasonCode | None
               ) -> tuple[Position | None, bool]:
    """Apply a NEW fill to its position (inside the fill's transaction); return (position, closed).

    A BUY opens or grows the position; a SELL shrinks it and realizes PnL; the position closes
    when what is left is below `dust_qty` (it can no longer be sold on the exchange).
    """
    base, quote = split_symbol(fill.symbol)
    pos = open_position(fill.symbol, ctx.mode)
    if pos is None and fill.side == "SELL":
        return None, False  # selling a balance we never tracked: reconcile reports it
    now = ctx.now_ms()
    if pos is None:
        m = PositionMath().buy(fill.price, fill.qty, fill.commission, fill.commission_asset, base, quote)
        pos = Position.objects.create(
            run_id=ctx.run_id, cycle_id=ctx.cycle_id, decision_id=fill.decision_id, mode=ctx.mode,
            symbol=fill.symbol, qty=m.qty, avg_entry_price=m.avg_entry, fees_quote=m.fees_quote,
            opened_ts_ms=fill.ts_ms, updated_ts_ms=now)
        return pos, False
    old = math_of(pos)
    args = (fill.price, fill.qty, fill.commission, fill.commission_asset, base, quote)
    m = old.buy(*args) if fill.side == "BUY" else old.sell(*args)
    closed = fill.side == "SELL" and m.qty <= dust_qty
    fields: dict[str, object] = {"qty": m.qty, "avg_entry_price": m.avg_entry, "realized_pnl_quote": m.realized,
                                 "fees_quote": m.fees_quote, "updated_ts_ms": max(now, pos.updated_ts_ms)}
    if closed:
        fields.update(state=PositionState.CLOSED.value, closed_ts_ms=fill.ts_ms,
                      exit_reason=(exit_reason.value if exit_reason else ""),
                      protection_state=ProtectionState.NONE.value)
    _update(pos, fields)
    return pos, closed


def audit_position(ctx: ServiceContext, pos: Position, reasons: tuple[ReasonCode, ...] = (),
                   stage: StageName = StageName.POSITION_MANAGE, **extra: object) -> None:
    """Emit POSITION_UPDATE with the row's current numbers."""
    ctx.emit(AuditEventType.POSITION_UPDATE, stage=stage, symbol=pos.symbol, decision_id=pos.decision_id,
             reasons=reasons, data={"position_id": pos.pk, "state": pos.state, "qty": str(pos.qty),
                                    "avg_entry_price": str(pos.avg_entry_price),
                                    "realized_pnl_quote": str(pos.realized_pnl_quote),
                                    "fees_quote": str(pos.fees_quote), "protection_state": pos.protection_state,
                                    "protection_client_order_id": pos.protection_client_order_id,
                                    "exit_reason": pos.exit_reason, **extra})


def adopt_position(ctx: ServiceContext, symbol: str, qty: Decimal, basis: Decimal, *,
                   reason: ReasonCode = ReasonCode.RECOVERY_ADOPTED) -> Position:
    """Create an OPEN position for a balance the exchange shows and the database lacks."""
    now = ctx.now_ms()
    pos = Position.objects.create(run_id=ctx.run_id, cycle_id=ctx.cycle_id, mode=ctx.mode, symbol=symbol,
                                  qty=qty, avg_entry_price=basis, opened_ts_ms=now, updated_ts_ms=now)
    audit_position(ctx, pos, (reason,), stage=StageName.STARTUP_RECOVER, adopted=True)
    return pos


def set_protection(ctx: ServiceContext, pos: Position, state: ProtectionState, *, client_order_id: str = "",
                   order_list_id: int | None = None, reason: ReasonCode) -> None:
    """Record what now covers the position (or that nothing does) and audit it."""
    _update(pos, {"protection_state": state.value, "protection_client_order_id": client_order_id,
                  "protection_order_list_id": order_list_id,
                  "updated_ts_ms": max(ctx.now_ms(), pos.updated_ts_ms)})
    audit_position(ctx, pos, (reason,))


def record_swap(ctx: ServiceContext, pos: Position, *, old_client_id: str, new_client_id: str,
                uncovered_ms: int, outcome: str, reason: ReasonCode) -> None:
    """Add a swap's uncovered time to the position and audit PROTECTION_SWAP with uncovered_ms."""
    pos.refresh_from_db()
    _update(pos, {"unprotected_ms_total": pos.unprotected_ms_total + uncovered_ms,
                  "updated_ts_ms": max(ctx.now_ms(), pos.updated_ts_ms)}, any_state=True)
    ctx.emit(AuditEventType.PROTECTION_SWAP, stage=StageName.POSITION_MANAGE, symbol=pos.symbol,
             decision_id=pos.decision_id, reasons=(reason,),
             data={"position_id": pos.pk, "from": old_client_id, "to": new_client_id,
                   "uncovered_ms": uncovered_ms, "outcome": outcome,
                   "unprotected_ms_total": pos.unprotected_ms_total})


def close_position(ctx: ServiceContext, pos: Position, reason: ReasonCode) -> None:
    """Close a position whose remainder is dust or gone (reconcile, flatten); audit it."""
    now = ctx.now_ms()
    _update(pos, {"state": PositionState.CLOSED.value, "closed_ts_ms": now, "exit_reason": reason.value,
                  "protection_state": ProtectionState.NONE.value, "updated_ts_ms": max(now, pos.updated_ts_ms)})
    audit_position(ctx, pos, (reason,))


def _update(pos: Position, fields: dict[str, object], *, any_state: bool = False) -> None:
    qs = Position.objects.filter(pk=pos.pk, updated_ts_ms=pos.updated_ts_ms)
    if not any_state:
        qs = qs.filter(state=PositionState.OPEN.value)
    with transaction.atomic():
        if qs.update(**fields) != 1:
            raise PositionConflict(f"position {pos.pk} of {pos.symbol} changed concurrently")
    for name, value in fields.items():
        setattr(pos, name, value)
